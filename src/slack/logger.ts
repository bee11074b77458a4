import { type Logger, LogLevel } from "@slack/logger";

// Bolt's logger, with every secret drillbot knows of (and anything shaped like a Slack token)
// replaced before a line is written: tokens must never reach logs.

const TOKEN_SHAPES = /\b(xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)/g;
const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_SHAPES, "[redacted]");
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join("[redacted]");
  return out;
}

function stringify(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function createLogger(options: {
  level: LogLevel;
  secrets: readonly string[];
  write?: (line: string) => void;
  name?: string;
}): Logger {
  let level = options.level;
  let name = options.name ?? "drillbot";
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log = (at: LogLevel, args: unknown[]) => {
    if (ORDER.indexOf(at) < ORDER.indexOf(level)) return;
    write(redact(`${new Date().toISOString()} ${at.toUpperCase()} [${name}] ${args.map(stringify).join(" ")}`, options.secrets));
  };
  return {
    debug: (...args) => log(LogLevel.DEBUG, args),
    info: (...args) => log(LogLevel.INFO, args),
    warn: (...args) => log(LogLevel.WARN, args),
    error: (...args) => log(LogLevel.ERROR, args),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
