import { LogLevel } from "@slack/logger";
import { z } from "zod";
import { cipherFromEnv, EncryptionConfigError, type TokenCipher } from "../store/crypto.js";
import { DEFAULT_DB_PATH } from "../store/sqlite.js";
import { type DatabaseConfig, DatabaseUrlSchema } from "../store/stores.js";

// The environment contract from DESIGN.md, validated at start. Problems are reported one line
// each and never include a value, so a secret pasted into the wrong variable is not printed.

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: "is required (the Bot User OAuth Token, xoxb-…)" })
    .regex(/^xoxb-/, "must be a bot token starting with xoxb-"),
  // Many workspaces (OAuth install), used when SLACK_BOT_TOKEN is unset.
  SLACK_CLIENT_ID: z
    .string()
    .regex(/^\d+\.\d+$/, "must be the app's Client ID (digits.digits, from Basic Information)")
    .optional(),
  SLACK_CLIENT_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, "must be the app's Client Secret (hex, from Basic Information)")
    .optional(),
  SLACK_REDIRECT_URI: z
    .url({ error: "must be the public URL of /slack/oauth_redirect, e.g. https://drillbot.example.com/slack/oauth_redirect" })
    .refine((u) => new URL(u).pathname === "/slack/oauth_redirect", "must end in /slack/oauth_redirect")
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, "must be the app's Signing Secret (hex)")
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, "must be an app-level token starting with xapp- (or unset for the HTTP receiver)")
    .optional(),
  PORT: z.coerce.number({ error: "must be a port number" }).int("must be a whole number").min(1).max(65535).default(3000),
  SLACK_API_URL: z.url({ error: "must be a URL such as https://slack.com/api/" }).optional(),
  DRILLBOT_DB: z.string().min(1).default(DEFAULT_DB_PATH),
  DATABASE_URL: DatabaseUrlSchema.optional(),
  DRILLBOT_FACILITATORS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]{2,}$/.test(id)), "must be Slack user IDs like U012ABCDEF, separated by commas"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }).default("info"),
});

/** Many workspaces: Slack OAuth installs, tokens sealed in the database. */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string | undefined;
  /** DRILLBOT_ENCRYPTION_KEY (and previous keys): seals every stored token. */
  cipher: TokenCipher;
}

export interface SlackConfig {
  /** Single-workspace mode; undefined in OAuth mode. */
  botToken: string | undefined;
  /** OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, no SLACK_BOT_TOKEN); undefined otherwise. */
  oauth: OAuthConfig | undefined;
  /** Set when both modes were configured: SLACK_BOT_TOKEN wins, and the OAuth variables are ignored. */
  ignoredOAuth: boolean;
  signingSecret: string | undefined;
  appToken: string | undefined;
  port: number;
  apiUrl: string | undefined;
  dbPath: string;
  /** PostgreSQL when DATABASE_URL is set, else the SQLite file dbPath. */
  database: DatabaseConfig;
  facilitators: Set<string>;
  logLevel: LogLevel;
}

export type ConfigResult = { ok: true; config: SlackConfig } | { ok: false; problems: string[] };

export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  // Empty strings count as unset, as they do in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const oauthWanted = !present.SLACK_BOT_TOKEN && Boolean(present.SLACK_CLIENT_ID || present.SLACK_CLIENT_SECRET);
  // In OAuth mode there is no bot token to require: each workspace's comes from its install.
  const schema = oauthWanted ? EnvSchema.extend({ SLACK_BOT_TOKEN: EnvSchema.shape.SLACK_BOT_TOKEN.optional() }) : EnvSchema;
  const parsed = schema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`);
  let cipher: TokenCipher | undefined;
  if (oauthWanted) {
    for (const name of ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"] as const) {
      if (!present[name])
        problems.push(`${name} is required for installs in many workspaces (OAuth), or set SLACK_BOT_TOKEN for one workspace`);
    }
    try {
      cipher = cipherFromEnv(present);
    } catch (error) {
      if (!(error instanceof EncryptionConfigError)) throw error;
      problems.push(error.message);
    }
  }
  // Checked apart from the schema so it is reported alongside every other problem.
  if (!present.SLACK_APP_TOKEN && !present.SLACK_SIGNING_SECRET) {
    problems.push("SLACK_SIGNING_SECRET is required for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)");
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  const levels = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR } as const;
  return {
    ok: true,
    config: {
      botToken: e.SLACK_BOT_TOKEN,
      oauth:
        oauthWanted && cipher && e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET
          ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, redirectUri: e.SLACK_REDIRECT_URI, cipher }
          : undefined,
      ignoredOAuth: Boolean(e.SLACK_BOT_TOKEN && (present.SLACK_CLIENT_ID || present.SLACK_CLIENT_SECRET)),
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      port: e.PORT,
      apiUrl: e.SLACK_API_URL,
      dbPath: e.DRILLBOT_DB,
      database: e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "sqlite", path: e.DRILLBOT_DB },
      facilitators: new Set(e.DRILLBOT_FACILITATORS),
      logLevel: levels[e.LOG_LEVEL],
    },
  };
}
