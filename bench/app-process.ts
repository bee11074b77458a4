import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FromChild, ToChild } from "./childProtocol.js";

// Starts an app (drillbot, or the bare Bolt floor) in its own Node process, so its memory is
// its own and can be measured, and stops it again whatever happens. Either app runs with the
// HTTP receiver (the bench sends signed requests to its port) or in Socket Mode (it connects to
// the fake Slack with its app-level token and receives envelopes over a WebSocket).

export const SIGNING_SECRET = "8f742231b10e8888abcd99aaaaaa85a5";
export const BOT_TOKEN = "xoxb-bench-0000-secret";

export type AppKind = "drillbot" | "bare";
/** How Slack reaches the app: signed HTTP requests, or envelopes over a Socket Mode WebSocket. */
export type Delivery = "http" | "socket";

/** App-level tokens (xapp-…), one per app, so the fake Slack knows which socket is whose. */
export const APP_TOKENS: Record<AppKind, string> = {
  drillbot: "xapp-1-A0DRILL-1-bench-drillbot",
  bare: "xapp-1-A0BARE-1-bench-bare",
};

/** USER_HZ on Linux: /proc reports CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Where drillbot's Node flags come from: `npm start`, unless BENCH_APP_NODE_FLAGS is set (even
 * to nothing, which means no flags) to try other heap settings. */
export const SERVE_NODE_FLAGS_SOURCE = process.env.BENCH_APP_NODE_FLAGS === undefined ? "`npm start`" : "BENCH_APP_NODE_FLAGS";

/** The Node flags in `npm start` (e.g. heap limits), so the bench measures the app as it is run. */
export const SERVE_NODE_FLAGS: string[] =
  process.env.BENCH_APP_NODE_FLAGS !== undefined
    ? process.env.BENCH_APP_NODE_FLAGS.split(/\s+/).filter(Boolean)
    : (
        (
          JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as {
            scripts: Record<string, string>;
          }
        ).scripts.start ?? ""
      )
        .split(/\s+/)
        .filter((word) => word.startsWith("--"));

const ENTRY: Record<AppKind, string> = {
  drillbot: fileURLToPath(new URL("./drillbot-child.ts", import.meta.url)),
  bare: fileURLToPath(new URL("./bare-child.ts", import.meta.url)),
};

export interface AppProcessOptions {
  delivery: Delivery;
  apiUrl: string;
  /** drillbot only: its SQLite file. */
  dbPath?: string;
  /** drillbot only: a PostgreSQL database instead of the file (several instances share it). */
  databaseUrl?: string;
  /** Write a V8 CPU profile of the child into this folder (node --cpu-prof). */
  cpuProfDir?: string;
}

export class AppProcess {
  /** Every child still alive, so a watchdog can end them all if the bench overruns. */
  private static readonly live = new Set<ChildProcess>();
  private exited = false;

  private constructor(
    readonly kind: AppKind,
    readonly delivery: Delivery,
    private readonly child: ChildProcess,
    /** The HTTP receiver's port; null in Socket Mode. */
    readonly port: number | null,
    /** The latest chunks the app wrote to stdout/stderr, for error reports. */
    private readonly output: string[],
  ) {
    child.once("exit", () => {
      this.exited = true;
    });
  }

  /** Kills every app child this process started and has not yet seen exit. */
  static killAll(): void {
    for (const child of AppProcess.live) child.kill("SIGKILL");
  }

  static async start(kind: AppKind, options: AppProcessOptions): Promise<AppProcess> {
    // drillbot runs with the Node flags `npm start` uses (package.json "serveNodeFlags").
    const appFlags = kind === "drillbot" ? SERVE_NODE_FLAGS : [];
    const execArgv = ["--import", "tsx", ...appFlags, ...(options.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfDir] : [])];
    const child = fork(ENTRY[kind], [], {
      execArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // Socket Mode as the README sets it up: the bot token and the app-level token, no signing
      // secret (requests come over the app's own connection, not to a public URL).
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        SLACK_BOT_TOKEN: BOT_TOKEN,
        ...(options.delivery === "socket" ? { SLACK_APP_TOKEN: APP_TOKENS[kind] } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
        SLACK_API_URL: options.apiUrl,
        DRILLBOT_DB: options.dbPath ?? "",
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        LOG_LEVEL: "info",
      },
    });
    AppProcess.live.add(child);
    child.once("exit", () => AppProcess.live.delete(child));
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString("utf8"));
      if (output.length > 200) output.shift();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const port = await waitForReady(child, output, 30_000);
    return new AppProcess(kind, options.delivery, child, port, output);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Where the HTTP receiver takes Slack's requests (HTTP delivery only). */
  get eventsUrl(): string {
    if (this.port === null) throw new Error(`the ${this.kind} app runs in Socket Mode and has no events URL`);
    return `http://127.0.0.1:${this.port}/slack/events`;
  }

  /** The app-level token the app connects with (Socket Mode only). */
  get appToken(): string {
    if (this.delivery !== "socket") throw new Error(`the ${this.kind} app runs the HTTP receiver and has no app token`);
    return APP_TOKENS[this.kind];
  }

  /** The process's peak resident set so far (VmHWM), in bytes; null where /proc is missing. */
  peakRssBytes(): number | null {
    return this.procStatusBytes("VmHWM");
  }

  /** The process's resident set now (VmRSS), in bytes; null where /proc is missing. */
  rssBytes(): number | null {
    return this.procStatusBytes("VmRSS");
  }

  private procStatusBytes(field: "VmHWM" | "VmRSS"): number | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
      return match ? Number(match[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  /** CPU time the process has used so far (user + system, all threads), in ms; null without /proc. */
  cpuMs(): number | null {
    try {
      // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
      const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return null;
    }
  }

  /** The child's own view of its memory (V8 heap, external, RSS) at this moment. */
  memoryUsage(): Promise<NodeJS.MemoryUsage | null> {
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), 2_000);
      const onMessage = (message: FromChild) => {
        if (message.type === "memory") done(message.usage);
      };
      const done = (usage: NodeJS.MemoryUsage | null) => {
        clearTimeout(timer);
        this.child.off("message", onMessage);
        resolve(usage);
      };
      this.child.on("message", onMessage);
      this.child.send({ type: "memory" } satisfies ToChild);
    });
  }

  /** What the app wrote to stdout/stderr lately (for error reports). */
  logTail(lines = 20): string {
    return this.output.join("").split("\n").slice(-lines).join("\n");
  }

  /** Asks the app to stop cleanly (so a CPU profile gets written) and returns its peak RSS as
   * the child measured it; kills it if it does not stop in time. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    if (this.exited) return null;
    const stopped = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        resolve(null);
      }, timeoutMs);
      this.child.on("message", (message: FromChild) => {
        if (message.type === "stopped") resolve(message.maxRssKb * 1024);
      });
      this.child.once("exit", () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    this.child.send({ type: "stop" } satisfies ToChild);
    const maxRss = await stopped;
    await this.exitedPromise();
    return maxRss;
  }

  /** Last resort for finally blocks: no questions, no waiting. */
  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }

  private exitedPromise(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => this.child.once("exit", () => resolve()));
  }
}

function waitForReady(child: ChildProcess, output: string[], timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${why}\n${output.join("").split("\n").slice(-20).join("\n")}`));
    };
    const timer = setTimeout(() => fail(`the app did not start within ${timeoutMs} ms`), timeoutMs);
    child.on("message", (message: FromChild) => {
      if (message.type === "ready" && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === "failed") {
        fail(`the app failed to start: ${message.message}`);
      }
    });
    child.once("exit", (code) => fail(`the app exited with code ${code} before it was ready`));
  });
}
