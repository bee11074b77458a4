// The reliability suite: `npm run test:reliability`.
//
// The real app runs as a child process (HTTP receiver, SQLite file) against a fake Slack Web API
// on loopback that fails some calls (503, 429 with Retry-After). With PostgreSQL, three processes
// share one database: behind a round-robin load balancer (HTTP), and connected to the fake's
// Socket Mode endpoint (bench/fakeSocketMode.ts), which spreads envelopes over them. The suite drives drills with
// signed requests, kills the app with SIGKILL at several points, restarts it, throws duplicates
// and hostile input at it, and checks that nothing recorded was lost and nothing was doubled.
// Real processes need real time: the scenario runs in seconds (test/reliability/fixture), and
// every wait is "until this is true, or fail after a deadline", never a fixed sleep.

import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type Attempt, type Delivered, FakeSocketMode } from "../../bench/fakeSocketMode.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "../pgServer.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = join(ROOT, "test/reliability/fixture");
const SECRET = "5e1f0a9b3c7d2e4f6a8b0c1d2e3f4a5b";
const TOKEN = "xoxb-reliability-0000-secret";
/** The app-level token every Socket Mode process connects with (one app, several connections). */
const APP_TOKEN = "xapp-1-A0DRILL-reliability-secret";
const HOSTILE = "<!channel> <!here> <@U0BOSS> <https://evil.example|bank.example> a&b \u202Egnp.exe\u200B check the dashboard to confirm";
const GOOD = "check the grafana dashboard to confirm the error rate";
const BAD = "restart everything";

const figures = {
  faultsInjected: 0,
  kills: 0,
  drillsCompleted: 0,
  answersExpected: 0,
  answersRecorded: 0,
  duplicates: 0,
  badInputs: 0,
  pings: 0,
  attacksSent: 0,
  restartsNeeded: 0,
  honestAckP99Ms: 0,
  honestClickP99Ms: 0,
  honestAnswerP99Ms: 0,
  answersLost: 0,
  shutdownMs: 0,
};
let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

/** A latency against its target: printed (and under the table), never a failure — how fast a
 * 2-core machine answers depends on what else it runs; `npm run bench` is where speed is judged. */
const timingTargets: string[] = [];
function measure(name: string, met: boolean, detail: string): void {
  timingTargets.push(`${name}: ${met ? "met" : "MISSED"} (${detail})`);
  console.log(`${met ? "ok  " : "MISS"} ${name} — ${detail} (a timing: reported, not a failure)`);
}

// ---------------------------------------------------------------- fake Slack Web API

interface SlackCall {
  method: string;
  params: Record<string, string>;
  /** When it reached "Slack" (ms). */
  at: number;
  /** Which process made it, when the process has a name (its SLACK_API_URL says it). */
  by?: string;
  /** The message's ts (a post Slack accepted). */
  ts?: string;
}

class FakeSlack {
  readonly calls: SlackCall[] = [];
  /** Slack's Socket Mode side on the same port: apps.connections.open, then the WebSocket. */
  readonly socketMode = new FakeSocketMode(() => `http://127.0.0.1:${this.port}`);
  readonly replies: string[] = [];
  private server: Server | null = null;
  private messages = 0;
  private postCount = 0;
  faulty = true;
  port = 0;
  /** The next post to this channel never reaches "Slack": the app dies while sending it. */
  dropNextPostTo: string | null = null;
  onDrop: (() => void) | null = null;
  /** The next inject posted to this channel is accepted (Slack has it) and the app dies before
   * it hears so: the post is in the channel, the app's outbox still has it as unsent. */
  acceptNextInjectThenKill: string | null = null;
  onAccept: (() => void) | null = null;

  /** A message ts as Slack makes them: seconds of its clock, and unique. */
  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.messages).padStart(6, "0")}`;
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const body = await readBody(req);
      const url = req.url ?? "";
      if (url.startsWith("/hooks/")) {
        this.replies.push(body);
        res.end("ok");
        return;
      }
      // /api/<method>, or /as/<name>/api/<method> from a process given a name (see AppProcess).
      const route = /^\/(?:as\/([\w-]+)\/)?api\/([^?]*)/.exec(url);
      const method = route?.[2] ?? "";
      const by = route?.[1];
      const params = Object.fromEntries(new URLSearchParams(body)) as Record<string, string>;
      const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(json));
      };
      if (method === "apps.connections.open") return reply(200, this.socketMode.connectionsOpen(req.headers.authorization, by));
      if (method === "chat.postMessage") {
        if (this.dropNextPostTo !== null && params.channel === this.dropNextPostTo) {
          this.dropNextPostTo = null;
          this.onDrop?.();
          res.destroy();
          return;
        }
        this.postCount++;
        // Slack has a bad day: every 4th post fails with a 503, every 7th is rate limited.
        if (this.faulty && this.postCount % 7 === 0) {
          figures.faultsInjected++;
          return reply(429, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
        }
        if (this.faulty && this.postCount % 4 === 0) {
          figures.faultsInjected++;
          return reply(503, { ok: false, error: "service_unavailable" });
        }
        const ts = this.nextTs();
        this.calls.push({ method, params, at: Date.now(), ts, ...(by ? { by } : {}) });
        if (this.acceptNextInjectThenKill === params.channel && (params.text ?? "").startsWith("⏱")) {
          this.acceptNextInjectThenKill = null;
          this.onAccept?.();
        }
        return reply(200, { ok: true, channel: params.channel, ts });
      }
      this.calls.push({ method, params, at: Date.now(), ...(by ? { by } : {}) });
      // What is in a channel (history) or a thread (replies), newest first, with each message's
      // metadata when asked for: how the app checks whether a post it may have made is there.
      if (method === "conversations.history" || method === "conversations.replies") {
        const oldest = Number(params.oldest ?? 0);
        const messages = this.posts(params.channel)
          .filter((c) => Number(c.ts) > oldest)
          .filter((c) => (method === "conversations.replies" ? c.params.thread_ts === params.ts : !c.params.thread_ts))
          .map((c) => ({
            type: "message",
            ts: c.ts,
            text: c.params.text,
            ...(c.params.thread_ts ? { thread_ts: c.params.thread_ts } : {}),
            ...(params.include_all_metadata === "true" && c.params.metadata ? { metadata: JSON.parse(c.params.metadata) } : {}),
          }))
          .reverse();
        return reply(200, { ok: true, messages, has_more: false });
      }
      if (method === "auth.test") return reply(200, { ok: true, user_id: "U0BOT", bot_id: "B0BOT", team_id: "T0TEAM" });
      if (method === "chat.getPermalink")
        return reply(200, { ok: true, permalink: `https://acme.slack.com/archives/${params.channel}/p1` });
      if (method.startsWith("views.")) return reply(200, { ok: true, view: { id: "V1" } });
      return reply(200, { ok: true });
    });
    const server = this.server;
    server.on("upgrade", (req, socket, head) => this.socketMode.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  posts(channel?: string): SlackCall[] {
    return this.calls.filter((c) => c.method === "chat.postMessage" && (channel === undefined || c.params.channel === channel));
  }

  stop(): Promise<void> {
    this.socketMode.close();
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

// ---------------------------------------------------------------- the app, as a process

/** The Node flags of `npm start` (heap limits), so the app here runs as it does in production. */
const START_FLAGS = (
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start ?? ""
)
  .split(/\s+/)
  .filter((word) => word.startsWith("--"));

class AppProcess {
  private child: ChildProcess | null = null;
  private stderr = "";
  port = 0;
  /** Times the process ended without being told to (a crash, an out-of-memory). */
  unexpectedExits = 0;
  /** When each SIGKILL was sent (ms). */
  readonly killedAt: number[] = [];

  constructor(
    private readonly dbPath: string,
    private readonly slack: FakeSlack,
    /** More environment (DATABASE_URL for the PostgreSQL phase, SLACK_APP_TOKEN for Socket Mode). */
    private readonly env: Record<string, string> = {},
    /** A name the fake Slack knows this process by: its Web API calls (and its Socket Mode
     * connection) go to /as/<name>/api/. Slack itself cannot tell the processes of one app apart. */
    readonly name?: string,
  ) {}

  /** Socket Mode: no events URL; the process is up once /readyz answers, which it does only
   * after its Socket Mode connection is open (the app connects before it listens). */
  private get socketMode(): boolean {
    return "SLACK_APP_TOKEN" in this.env;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(apiUrl = `http://127.0.0.1:${this.slack.port}/${this.name ? `as/${this.name}/` : ""}api/`): Promise<void> {
    this.port = await freePort();
    // Kept across restarts: what a process logged while it stopped is part of the story.
    if (this.stderr) this.stderr += "\n--- started again ---\n";
    const child = spawn(process.execPath, [...START_FLAGS, join(ROOT, "bin/drillbot.js"), "serve"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        PORT: String(this.port),
        SLACK_API_URL: apiUrl,
        DRILLBOT_DB: this.dbPath,
        DRILLBOT_HOME: FIXTURE,
        LOG_LEVEL: "warn",
        ...this.env,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.child = child;
    let exited = false;
    child.once("exit", () => {
      exited = true;
      if (this.child === child) {
        this.unexpectedExits++;
        this.child = null;
      }
    });
    child.stderr?.on("data", (d: Buffer) => {
      this.stderr += d.toString();
    });
    // Listening (connected, in Socket Mode), or killed while starting (the game-day case).
    const up = this.socketMode
      ? async () => (await fetch(`http://127.0.0.1:${this.port}/readyz`).catch(() => ({ status: 0 }))).status === 200
      : async () => (await send(this.port, "x", "text/plain", { signature: "v0=bad" }).catch(() => ({ status: 0 }))).status === 401;
    await until("the app listens", async () => exited || (await up()), 20_000);
  }

  kill(): void {
    figures.kills++;
    figures.faultsInjected++;
    this.killedAt.push(Date.now());
    const child = this.child;
    this.child = null;
    child?.kill("SIGKILL");
  }

  /** SIGTERM and wait for the exit; returns how long it took (ms). */
  async stop(): Promise<number> {
    const child = this.child;
    if (!child) return 0;
    this.child = null;
    const asked = Date.now();
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    return Date.now() - asked;
  }

  logs(): string {
    return this.stderr;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------- Slack's side of the wire

function sign(body: string, ts: number, secret = SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
}

async function send(port: number, body: string, type: string, options: { signature?: string; retry?: number } = {}) {
  const ts = Math.floor(Date.now() / 1000);
  const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": type,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": options.signature ?? sign(body, ts),
      ...(options.retry ? { "x-slack-retry-num": String(options.retry), "x-slack-retry-reason": "http_timeout" } : {}),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Where requests go: an app process, or the load balancer in front of several. */
type Target = { port: number };

/** A slash command's fields: the form Slack posts over HTTP, an envelope's payload in Socket Mode. */
function commandFields(slack: FakeSlack, text: string, channel: string, user = "U0ALICE"): Record<string, string> {
  return {
    command: "/drill",
    text,
    channel_id: channel,
    user_id: user,
    user_name: user.toLowerCase(),
    team_id: "T0TEAM",
    response_url: `http://127.0.0.1:${slack.port}/hooks/${channel}`,
    trigger_id: "t",
  };
}

function command(app: Target, slack: FakeSlack, text: string, channel: string, user = "U0ALICE") {
  return send(app.port, form(commandFields(slack, text, channel, user)), "application/x-www-form-urlencoded");
}

/** A button click (block_actions): the `payload` field over HTTP, an envelope's payload in Socket Mode. */
function clickPayload(actionId: string, drillId: number, user: string, clickId = "1") {
  return {
    type: "block_actions",
    team: { id: "T0TEAM" },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: "T0TEAM" },
    api_app_id: "A0",
    trigger_id: "t",
    response_url: "http://127.0.0.1:9/none",
    actions: [{ type: "button", action_id: actionId, block_id: "drill_actions", value: String(drillId), action_ts: clickId }],
  };
}

function click(app: Target, actionId: string, drillId: number, user: string, retry?: number, clickId = "1") {
  const payload = clickPayload(actionId, drillId, user, clickId);
  return send(app.port, form({ payload: JSON.stringify(payload) }), "application/x-www-form-urlencoded", retry ? { retry } : {});
}

/** A first-move form submitted (view_submission); `attempt` is the view's hash. */
function answerPayload(drillId: number, user: string, text: string, attempt = "h") {
  return {
    type: "view_submission",
    team: { id: "T0TEAM" },
    user: { id: user, username: user === "U0MAL" ? "<!channel> mallory" : user.toLowerCase(), name: user.toLowerCase(), team_id: "T0TEAM" },
    api_app_id: "A0",
    view: {
      id: "V1",
      type: "modal",
      callback_id: "drill_first_move_submit",
      private_metadata: JSON.stringify({ drillId }),
      state: { values: { first_move: { text: { type: "plain_text_input", value: text } } } },
      hash: attempt,
    },
  };
}

/** A first move; `attempt` tells apart a person submitting the form again (a new request)
 * from Slack retrying the same one (`retry`). */
function answer(app: Target, drillId: number, user: string, text: string, retry?: number, attempt = "h") {
  const payload = answerPayload(drillId, user, text, attempt);
  return send(app.port, form({ payload: JSON.stringify(payload) }), "application/x-www-form-urlencoded", retry ? { retry } : {});
}

// ---------------------------------------------------------------- what the database says

function db(path: string) {
  const handle = new Database(path, { readonly: true, fileMustExist: true });
  handle.pragma("busy_timeout = 2000");
  return handle;
}

function drillIn(path: string, channel: string): { id: number; status: string } | undefined {
  const d = db(path);
  try {
    return d.prepare("SELECT id, status FROM drills WHERE venue = ? ORDER BY id DESC LIMIT 1").get(channel) as
      | { id: number; status: string }
      | undefined;
  } finally {
    d.close();
  }
}

function outboxPending(path: string): number {
  const d = db(path);
  try {
    return (d.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;
  } finally {
    d.close();
  }
}

// ---------------------------------------------------------------- one drill, killed at a point

type KillPoint = "after acks" | "as Slack accepts an inject" | "after first moves" | "with injects and the limit pending";

async function drillWithKill(
  app: AppProcess,
  slack: FakeSlack,
  dbPath: string,
  channel: string,
  point: KillPoint,
  people: number,
): Promise<number> {
  await command(app, slack, "fast-drill", channel);
  await until(`drill in ${channel} recorded`, () => drillIn(dbPath, channel) !== undefined, 10_000);
  const drillId = drillIn(dbPath, channel)?.id ?? 0;
  const users = Array.from({ length: people }, (_, i) => (i === 0 ? "U0MAL" : `U${String(i).padStart(4, "0")}X`));

  // Each ack twice (a double click) and once more as a Slack retry.
  await Promise.all(
    users.flatMap((u) => [
      click(app, "drill_ack", drillId, u),
      click(app, "drill_ack", drillId, u),
      click(app, "drill_ack", drillId, u, 1),
    ]),
  );
  if (point === "after acks") {
    app.kill();
    await app.start();
  }
  if (point === "as Slack accepts an inject") {
    // Armed once the acks are in, so no request of theirs is cut off: the next inject (due 2 s
    // and 4 s into the drill) reaches Slack and the app dies before it hears back.
    slack.acceptNextInjectThenKill = channel;
    slack.onAccept = () => app.kill();
    await until(`Slack accepted an inject in ${channel} and the app was killed`, () => slack.acceptNextInjectThenKill === null, 20_000);
    await app.start();
  }
  const texts = users.map((u, i) => (u === "U0MAL" ? HOSTILE : i % 3 === 0 ? BAD : GOOD));
  const results = await Promise.all(users.map((u, i) => answer(app, drillId, u, texts[i] ?? GOOD)));
  figures.answersExpected += results.filter((r) => r.status === 200 && r.text.includes('"update"')).length;
  // Replays of every answer (Slack retries): each must be refused, never recorded twice.
  await Promise.all(users.map((u, i) => answer(app, drillId, u, texts[i] ?? GOOD, 1)));
  if (point === "after first moves") {
    app.kill();
    await app.start();
  }
  if (point === "with injects and the limit pending") {
    app.kill();
    await new Promise((r) => setTimeout(r, 10_000)); // down past both injects and the limit: late, then ended
    await app.start();
  }
  return drillId;
}

// ---------------------------------------------------------------- hostile load

/** Sends a body as fast as the socket takes it; the answer's status, or 0 if the server hung up. */
function rawPost(port: number, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/** For 10 s an attacker throws what once took the app down, while honest people play a drill.
 * Returns the honest ack latencies. */
async function hostileLoad(app: AppProcess, slack: FakeSlack, dbPath: string): Promise<void> {
  // An ended drill to ask debriefs of, in a channel of its own.
  await command(app, slack, "fast-drill", "C0FLOOD");
  await until("the flood channel's drill is recorded", () => drillIn(dbPath, "C0FLOOD") !== undefined, 10_000);
  await command(app, slack, "end", "C0FLOOD");
  await command(app, slack, "hostile-drill", "C0HONEST");
  await until("the honest drill is recorded", () => drillIn(dbPath, "C0HONEST") !== undefined, 10_000);
  const drillId = drillIn(dbPath, "C0HONEST")?.id ?? 0;
  const pidBefore = app.pid;
  const exitsBefore = app.unexpectedExits;

  const stopAt = Date.now() + 10_000;
  const hugeArray = Buffer.from(`[${"{},".repeat(Math.floor((4 * 1024 * 1024) / 3))}{}]`);
  const hugeForm = Buffer.from(`payload=${"%5B%7B%7D%2C".repeat(Math.floor((4 * 1024 * 1024) / 12))}%5D`);
  const attacks: (() => Promise<unknown>)[] = [
    // Unsigned 4 MB bodies, declared and chunked.
    () =>
      rawPost(
        app.port,
        {
          "content-type": "application/json",
          "content-length": String(hugeArray.length),
          "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
          "x-slack-signature": `v0=${"0".repeat(64)}`,
        },
        hugeArray,
      ),
    () =>
      rawPost(
        app.port,
        {
          "content-type": "application/x-www-form-urlencoded",
          "transfer-encoding": "chunked",
          "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
          "x-slack-signature": `v0=${"0".repeat(64)}`,
        },
        hugeForm,
      ),
    // Signed but malformed.
    () => send(app.port, form({ payload: "null" }), "application/x-www-form-urlencoded"),
    () => send(app.port, form({ payload: "[1,2,3]" }), "application/x-www-form-urlencoded"),
    () => send(app.port, "{not json", "application/json"),
    // The cron expansion bomb, and a flood of debrief re-posts and App Home opens.
    () => command(app, slack, 'schedule cron "1-9999999 * * * *" random', "C0FLOOD", "U0MAL"),
    () => command(app, slack, 'schedule cron "* 0-9999999 * * *" random', "C0FLOOD", "U0MAL"),
    () => command(app, slack, "debrief last", "C0FLOOD", `U${Math.floor(Math.random() * 1e6)}`),
    () => command(app, slack, "debrief last", "C0HONEST", "U0MAL"),
    () =>
      send(
        app.port,
        JSON.stringify({
          type: "event_callback",
          team_id: "T0TEAM",
          event_id: `Ev${Math.random()}`,
          event: { type: "app_home_opened", user: `U${Math.floor(Math.random() * 1e6)}`, tab: "home", channel: "D1", event_ts: "1.1" },
        }),
        "application/json",
      ),
  ];
  const attacker = async () => {
    let i = Math.floor(Math.random() * attacks.length);
    while (Date.now() < stopAt) {
      figures.attacksSent++;
      await (attacks[i++ % attacks.length] as () => Promise<unknown>)().catch(() => {});
    }
  };

  // Honest people: each acks and then states a first move, spread over the 10 s.
  // Every honest request must be acknowledged fast; clicks ("I'm on it") and first-move
  // submissions (scored and recorded before the ack) are also reported apart.
  const clickLatencies: number[] = [];
  const answerLatencies: number[] = [];
  let accepted = 0;
  const honest = async (n: number) => {
    await new Promise((r) => setTimeout(r, (n * 97) % 9_000));
    const user = `U${String(n).padStart(4, "0")}H`;
    const failed = { status: 0, text: "" }; // the app did not answer at all
    const t0 = Date.now();
    const acked = await click(app, "drill_ack", drillId, user).catch(() => failed);
    clickLatencies.push(Date.now() - t0);
    const t1 = Date.now();
    const answered = await answer(app, drillId, user, n % 2 ? GOOD : BAD).catch(() => failed);
    answerLatencies.push(Date.now() - t1);
    if (acked.status === 200 && answered.status === 200 && answered.text.includes('"update"')) accepted++;
  };

  await Promise.all([...Array.from({ length: 12 }, attacker), ...Array.from({ length: 60 }, (_, n) => honest(n))]);
  figures.honestAckP99Ms = percentile([...clickLatencies, ...answerLatencies], 99);
  figures.honestClickP99Ms = percentile(clickLatencies, 99);
  figures.honestAnswerP99Ms = percentile(answerLatencies, 99);
  figures.restartsNeeded = app.unexpectedExits - exitsBefore + (app.pid === pidBefore ? 0 : 1);
  const d = db(dbPath);
  const recorded = (d.prepare("SELECT count(*) AS n FROM first_moves WHERE drill_id = ?").get(drillId) as { n: number }).n;
  const schedules = (d.prepare("SELECT count(*) AS n FROM schedules WHERE channel = 'C0FLOOD'").get() as { n: number }).n;
  d.close();
  figures.answersLost = accepted - recorded;
  figures.answersExpected += accepted;
  check("hostile load: the app never went down", figures.restartsNeeded === 0 && app.pid === pidBefore, `${figures.attacksSent} attacks`);
  check(
    "hostile load: every honest answer was accepted and recorded",
    accepted === 60 && recorded === 60,
    `${accepted} accepted, ${recorded} recorded`,
  );
  measure(
    "hostile load: honest ack p99 under 200 ms",
    figures.honestAckP99Ms < 200,
    `${figures.honestAckP99Ms} ms (clicks ${figures.honestClickP99Ms}, first moves ${figures.honestAnswerP99Ms})`,
  );
  check("hostile load: no cron bomb became a schedule", schedules === 0);
  await command(app, slack, "end", "C0HONEST");
}

/** A Slack that accepts connections and never answers. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** SIGTERM while Slack does not answer: the process is gone within 10 s, and what it could not
 * send is still in the outbox for the next start. */
async function shutdownWhileSlackHangs(app: AppProcess, slack: FakeSlack, dbPath: string): Promise<void> {
  // A drill starts while Slack is fine; the app stops, and comes back after the drill's time
  // limit against a Slack that never answers: it ends the drill and tries to post the debrief.
  await command(app, slack, "fast-drill", "C0HANG");
  await until("the drill in C0HANG is recorded", () => drillIn(dbPath, "C0HANG") !== undefined, 10_000);
  await app.stop();
  await new Promise((r) => setTimeout(r, 9_500)); // down past the fast drill's 9 s limit
  const hole = await blackHole();
  try {
    await app.start(`http://127.0.0.1:${hole.port}/api/`);
    await until("the drill in C0HANG has ended", () => drillIn(dbPath, "C0HANG")?.status === "ended", 10_000);
    await new Promise((r) => setTimeout(r, 500)); // its debrief's post is now stuck in the black hole
    figures.shutdownMs = await app.stop();
    check("SIGTERM ends the app within 10 s while Slack hangs", figures.shutdownMs < 10_000, `${figures.shutdownMs} ms`);
    check("what it could not send stays in the outbox", outboxPending(dbPath) >= 1, `${outboxPending(dbPath)} pending`);
  } finally {
    await hole.close();
  }
  await app.start();
}

// ---------------------------------------------------------------- one drill, several processes

interface DrillRow {
  id: number;
  status: string;
  started_at: number;
  ended_at: number | null;
}

async function drillRowIn(schema: TestSchema, channel: string): Promise<DrillRow | undefined> {
  const found = await schema.pool.query<DrillRow>(
    "SELECT id, status, started_at, ended_at FROM drills WHERE venue = $1 ORDER BY id DESC LIMIT 1",
    [channel],
  );
  return found.rows[0];
}

/** Waits until the drill has ended and its last message (the summary) is sent, with nothing
 * left in the outbox; returns when it ended (ms). */
async function untilDrillDone(schema: TestSchema, channel: string, drillId: number): Promise<number> {
  await until(`the drill in ${channel} has ended`, async () => (await drillRowIn(schema, channel))?.status === "ended", 45_000);
  // The summary is the drill's last message: queued after the debrief, once the drill ended.
  await until(
    `the summary of the drill in ${channel} is sent and the outbox is empty`,
    async () =>
      (
        await schema.pool.query(
          `SELECT 1 FROM outbox WHERE dedupe_key = $1 AND status = 'sent'
            AND NOT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending')`,
          [`drill:${drillId}:summary`],
        )
      ).rows.length === 1,
    75_000,
  );
  return ((await drillRowIn(schema, channel)) as DrillRow & { ended_at: number }).ended_at;
}

/** What reached the channel of the cluster drill (injects due 6, 12, 18 and 24 s in): no message
 * twice; the trigger, each inject in order, then the debrief and the summary, each once; the
 * injects on time; the debrief counting every responder. */
function checkDrillThread(
  name: string,
  slack: FakeSlack,
  channel: string,
  drill: { t0: number; endedAt: number; people: number },
): { duplicatePosts: number; maxInjectLateMs: number; debriefAfterLimitMs: number } {
  const { t0, endedAt, people } = drill;
  const posts = slack.posts(channel);
  const seen = new Map<string, number>();
  for (const p of posts) {
    const key = JSON.stringify([p.params.thread_ts ?? "", p.params.text ?? "", p.params.blocks ?? ""]);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicatePosts = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  check(`${name}: no message posted twice`, duplicatePosts === 0, `${duplicatePosts} duplicates of ${posts.length} posts`);

  const triggers = posts.filter((p) => !p.params.thread_ts && (p.params.blocks ?? "").includes("DemoAlert"));
  const injects = posts.filter((p) => (p.params.text ?? "").startsWith("⏱"));
  const injectHeads = injects.map((p) => (p.params.text ?? "").split("\n")[0]?.replace(/ · _late.*$/, ""));
  const debriefAt = posts.findIndex((p) => (p.params.blocks ?? "").includes("Debrief ·"));
  const debriefs = posts.filter((p) => (p.params.blocks ?? "").includes("Debrief ·")).length;
  const summaries = posts.filter((p) => /is over:/.test(p.params.text ?? "")).length;
  check(
    `${name}: the trigger, each inject in order, then the debrief and summary, each once`,
    triggers.length === 1 &&
      JSON.stringify(injectHeads) ===
        JSON.stringify(["⏱ *+0:06* · stakes", "⏱ *+0:12* · clue", "⏱ *+0:18* · noise", "⏱ *+0:24* · stakes"]) &&
      debriefs === 1 &&
      summaries === 1 &&
      debriefAt > posts.lastIndexOf(injects.at(-1) as SlackCall),
    `${triggers.length} trigger, injects ${JSON.stringify(injectHeads)}, ${debriefs} debrief, ${summaries} summary`,
  );
  const offsets = [6_000, 12_000, 18_000, 24_000];
  const maxInjectLateMs = Math.max(...injects.map((p, i) => p.at - (t0 + (offsets[i] ?? 0))));
  const debriefPost = posts[debriefAt];
  const debriefAfterLimitMs = debriefPost ? debriefPost.at - endedAt : -1;
  // A surviving instance had the drill's timers armed all along: no inject is "late" (that
  // mark means no instance was up when it fell due), and each went out within seconds.
  const markedLate = injects.filter((p) => /late: the app was down/.test(p.params.text ?? "")).length;
  check(
    `${name}: the injects due after the kill were posted on time by the survivors`,
    injects.length === offsets.length && markedLate === 0 && maxInjectLateMs < 10_000,
    `${markedLate} marked late; at most ${maxInjectLateMs} ms after due (Slack failing some posts)`,
  );
  check(
    `${name}: the debrief counts every responder`,
    posts.some((p) => (p.params.blocks ?? "").includes(`of ${people} stated a correct first move`)),
  );
  return { duplicatePosts, maxInjectLateMs, debriefAfterLimitMs };
}

// ---------------------------------------------------------------- three instances, one PostgreSQL

/** A load balancer in HTTP mode: each request goes to the next app process in turn. A process
 * that refuses the connection (dead, or restarting) is skipped, as a load balancer's health
 * check would; a request cut off inside a process that dies gets a 502, as Slack would see it. */
class RoundRobinProxy {
  private server: Server | null = null;
  private next = 0;
  port = 0;
  /** Which app (index) handled each request path + first bytes, for the test to know. */
  lastHandler = -1;

  constructor(private readonly apps: AppProcess[]) {}

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const body = Buffer.from(await readBody(req));
      for (let tried = 0; tried < this.apps.length; tried++) {
        const index = this.next++ % this.apps.length;
        const app = this.apps[index] as AppProcess;
        if (!app.pid) continue; // known to be down
        const outcome = await this.forward(app.port, req, body);
        if (outcome === "refused") continue;
        if (outcome === "failed") {
          res.writeHead(502).end();
          return;
        }
        this.lastHandler = index;
        res.writeHead(outcome.status, outcome.headers).end(outcome.body);
        return;
      }
      res.writeHead(503).end();
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  private forward(
    port: number,
    incoming: IncomingMessage,
    body: Buffer,
  ): Promise<"refused" | "failed" | { status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((resolve) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers[name] = value;
      headers["content-length"] = String(body.length);
      const out = request({ host: "127.0.0.1", port, path: incoming.url, method: incoming.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") h[name] = value;
          resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
        });
        res.on("error", () => resolve("failed"));
      });
      out.on("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED" ? "refused" : "failed"));
      out.end(body);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

const cluster = {
  ran: false,
  responders: 0,
  answersAccepted: 0,
  answersRecorded: 0,
  answersLost: 0,
  duplicatePosts: 0,
  retriedByPeople: 0,
  maxInjectLateMs: 0,
  debriefAfterLimitMs: 0,
  ackP99Ms: 0,
};

/** Three app processes on one PostgreSQL behind the round-robin proxy. Many people play one
 * drill; the process that started it is SIGKILLed before its first inject and another is
 * restarted (SIGTERM, start) mid-drill. Nothing answered may be lost, nothing posted twice,
 * and every inject and the debrief must reach the thread once, in order. */
async function threeInstancesOnPostgres(): Promise<void> {
  const schema = await createTestSchema();
  const slack = new FakeSlack();
  await slack.start();
  const env = { DATABASE_URL: schema.url };
  const apps = [0, 1, 2].map(() => new AppProcess(":unused:", slack, env));
  const proxy = new RoundRobinProxy(apps);
  const channel = "C0CLUSTER";
  const people = 90;
  cluster.ran = true;
  cluster.responders = people;
  try {
    // One at a time: the first migrates the empty schema, the others find it done.
    for (const app of apps) await app.start();
    await proxy.start();
    const drillRow = () => drillRowIn(schema, channel);
    const started = await command(proxy, slack, "cluster-drill", channel);
    check("cluster: the drill started through the load balancer", started.status === 200, `status ${started.status}`);
    const starter = proxy.lastHandler;
    await until("the cluster drill is recorded", async () => (await drillRow()) !== undefined, 10_000);
    const drill = (await drillRow()) as { id: number; started_at: number };
    const t0 = drill.started_at;

    // Each person acks and states a first move, spread over 14 s. A request that fails (its
    // process died under it) is tried again by the person: a new click, a new submission.
    const latencies: number[] = [];
    const outcome = new Map<string, "accepted" | "already">();
    const play = async (n: number) => {
      const user = `U${String(n).padStart(4, "0")}C`;
      await new Promise((r) => setTimeout(r, (n * 151) % 14_000));
      for (let attempt = 0; attempt < 10; attempt++) {
        const t = Date.now();
        const acked = await click(proxy, "drill_ack", drill.id, user, undefined, `${n}.${attempt}`).catch(() => ({ status: 0, text: "" }));
        latencies.push(Date.now() - t);
        if (acked.status === 200) break;
        cluster.retriedByPeople++;
      }
      for (let attempt = 0; attempt < 10; attempt++) {
        const t = Date.now();
        const r = await answer(proxy, drill.id, user, n % 4 === 0 ? BAD : GOOD, undefined, `h${attempt}`).catch(() => ({
          status: 0,
          text: "",
        }));
        latencies.push(Date.now() - t);
        if (r.status === 200 && r.text.includes('"update"')) {
          outcome.set(user, "accepted");
          return;
        }
        if (r.status === 200 && r.text.includes("already submitted")) {
          outcome.set(user, "already");
          return;
        }
        cluster.retriedByPeople++;
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const chaos = async () => {
      // Before the first inject (6 s): the process that started the drill dies.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 4_000 - Date.now())));
      apps[starter]?.kill();
      // Mid-drill: another process is restarted (a rolling deploy).
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 10_000 - Date.now())));
      const other = apps[(starter + 1) % apps.length] as AppProcess;
      await other.stop();
      await other.start();
    };
    await Promise.all([...Array.from({ length: people }, (_, n) => play(n)), chaos()]);
    cluster.ackP99Ms = percentile(latencies, 99);

    const endedAt = await untilDrillDone(schema, channel, drill.id);

    const recorded = (
      await schema.pool.query<{ user_id: string; n: number }>(
        "SELECT user_id, count(*)::int AS n FROM first_moves WHERE drill_id = $1 GROUP BY user_id",
        [drill.id],
      )
    ).rows;
    cluster.answersAccepted = [...outcome.values()].filter((o) => o === "accepted").length;
    cluster.answersRecorded = recorded.length;
    cluster.answersLost = [...outcome.keys()].filter((u) => !recorded.some((r) => r.user_id === u)).length;
    check(
      "cluster: every person's first move is recorded, once",
      outcome.size === people && recorded.length === people && recorded.every((r) => r.n === 1) && cluster.answersLost === 0,
      `${outcome.size} answered, ${recorded.length} recorded, ${cluster.answersLost} lost`,
    );

    Object.assign(cluster, checkDrillThread("cluster", slack, channel, { t0, endedAt, people }));
    check("cluster: the process that started the drill was killed and stayed dead", apps[starter]?.pid === undefined);
    const logs = apps.map((a) => a.logs()).join("\n");
    check("cluster: no token in the logs", !logs.includes(TOKEN) && !logs.includes(SECRET));
  } catch (error) {
    check("cluster: the three-instance scenario ran to the end", false, (error as Error).message);
    for (const app of apps) console.log(app.logs().slice(-2000));
  } finally {
    for (const app of apps) await app.stop().catch(() => {});
    await proxy.stop().catch(() => {});
    await slack.stop();
    await schema.drop().catch(() => {});
  }
}

// ---------------------------------------------------------------- three Socket Mode processes, one PostgreSQL

/** What one round of the Socket Mode scenario saw. */
function socketModeFigures() {
  return {
    responders: 0,
    envelopes: 0,
    envelopesLost: 0,
    /** Envelopes sent again because the process holding them died (or stopped) before its ack. */
    redelivered: 0,
    /** Envelopes each process acknowledged, by name. */
    ackedBy: {} as Record<string, number>,
    clicksAcked: 0,
    clicksLost: 0,
    answersRecorded: 0,
    answersLost: 0,
    duplicatePosts: 0,
    maxInjectLateMs: 0,
    debriefAfterLimitMs: 0,
    ackP99Ms: 0,
  };
}

/** Every round's figures, added up (the latest inject and p99: the worst round's). */
const socketCluster = { rounds: 0, ...socketModeFigures() };

function addSocketModeRound(round: ReturnType<typeof socketModeFigures>): void {
  socketCluster.rounds++;
  for (const key of [
    "responders",
    "envelopes",
    "envelopesLost",
    "redelivered",
    "clicksAcked",
    "clicksLost",
    "answersRecorded",
    "answersLost",
    "duplicatePosts",
  ] as const)
    socketCluster[key] += round[key];
  for (const [name, n] of Object.entries(round.ackedBy)) socketCluster.ackedBy[name] = (socketCluster.ackedBy[name] ?? 0) + n;
  for (const key of ["maxInjectLateMs", "debriefAfterLimitMs", "ackP99Ms"] as const)
    socketCluster[key] = Math.max(socketCluster[key], round[key]);
}

/** Three app processes in Socket Mode on one PostgreSQL, each with its own connection to the
 * fake Slack, which spreads envelopes over the open connections in turn and sends an envelope
 * that was not acknowledged again to another (retry_attempt). Many people play one drill; the
 * process that started it is SIGKILLed with an envelope in hand, before the first inject, and
 * another is restarted (SIGTERM, start) mid-drill. Every envelope must be acknowledged in the
 * end, every acknowledged click and answer recorded once, nothing posted twice, and every inject
 * and the debrief must reach the thread once, in order. People never repeat anything here: only
 * Slack's redelivery stands between the killed process and a lost click. */
async function threeSocketModeProcessesOnPostgres(): Promise<void> {
  const schema = await createTestSchema();
  const slack = new FakeSlack();
  await slack.start();
  const env = { DATABASE_URL: schema.url, SLACK_APP_TOKEN: APP_TOKEN };
  const names = ["one", "two", "three"];
  const apps = names.map((name) => new AppProcess(":unused:", slack, env, name));
  const channel = "C0SOCKETS";
  const people = 90;
  const round = socketModeFigures();
  round.responders = people;
  const failedBefore = failed;
  const delivered: Delivered[] = [];
  // Slack's 3 s to acknowledge, and up to 3 more tries (as Slack retries an Events API envelope).
  const deliver = async (type: "slash_commands" | "interactive", payload: object) => {
    const result = await slack.socketMode.deliver(APP_TOKEN, type, payload, 3_000, { retries: 3 });
    delivered.push(result);
    return result;
  };
  const ackedBy = (d: Delivered) => d.attempts.find((a) => a.outcome === "acked")?.connection;
  try {
    for (const app of apps) await app.start();
    check(
      "socket mode: each of the three processes holds its own connection",
      JSON.stringify([...slack.socketMode.connections(APP_TOKEN)].sort()) === JSON.stringify([...names].sort()),
      slack.socketMode.connections(APP_TOKEN).join(", "),
    );
    const started = await deliver("slash_commands", commandFields(slack, "cluster-drill", channel));
    check("socket mode: the drill started through an envelope", started.error === null, started.error ?? "");
    const starter = names.indexOf(ackedBy(started) ?? "");
    if (starter < 0) throw new Error(`no process acknowledged the slash command (${JSON.stringify(started.attempts)})`);
    await until("the socket mode drill is recorded", async () => (await drillRowIn(schema, channel)) !== undefined, 10_000);
    const drill = (await drillRowIn(schema, channel)) as DrillRow;
    const t0 = drill.started_at;

    // Each person clicks "I'm on it" and states a first move, spread over 14 s; each once.
    const clicked = new Set<string>();
    const answered = new Map<string, "accepted" | "already">();
    const play = async (n: number) => {
      const user = `U${String(n).padStart(4, "0")}S`;
      await new Promise((r) => setTimeout(r, (n * 151) % 14_000));
      const click = await deliver("interactive", clickPayload("drill_ack", drill.id, user, `${n}.0`));
      if (click.error === null) clicked.add(user);
      const submitted = await deliver("interactive", answerPayload(drill.id, user, n % 4 === 0 ? BAD : GOOD));
      const reply = JSON.stringify(submitted.ackPayload ?? {});
      if (submitted.error === null && reply.includes('"response_action":"update"')) answered.set(user, "accepted");
      // The process that recorded it died before its ack: the envelope sent again is refused as
      // a second answer, and the first one stands.
      else if (submitted.error === null && reply.includes("already submitted")) answered.set(user, "already");
    };
    let killedWithEnvelope = false;
    let heldAtKill: Attempt | null = null;
    let killedAfterMs = 0;
    const chaos = async () => {
      // Before the first inject (6 s): the process that started the drill dies the instant Slack
      // sends it an envelope, so the envelope is on its way and never acknowledged.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 4_000 - Date.now())));
      const killed = new Promise<void>((resolve) => {
        slack.socketMode.onEnvelope = (sent) => {
          if (sent.connection !== names[starter]) return;
          slack.socketMode.onEnvelope = null;
          apps[starter]?.kill();
          killedWithEnvelope = true;
          heldAtKill = sent.attempt;
          killedAfterMs = Date.now() - t0;
          resolve();
        };
      });
      await Promise.race([killed, new Promise((r) => setTimeout(r, 3_000))]);
      if (!killedWithEnvelope) {
        slack.socketMode.onEnvelope = null;
        apps[starter]?.kill();
        killedAfterMs = Date.now() - t0;
      }
      // Mid-drill: another process is restarted (a rolling deploy); it reconnects under its name.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 10_000 - Date.now())));
      const other = apps[(starter + 1) % apps.length] as AppProcess;
      await other.stop();
      await other.start();
    };
    await Promise.all([...Array.from({ length: people }, (_, n) => play(n)), chaos()]);
    round.ackP99Ms = Math.round(
      percentile(
        delivered.filter((d) => d.error === null).map((d) => d.latencyMs),
        99,
      ),
    );

    round.envelopes = delivered.length;
    const lost = delivered.filter((d) => d.error !== null);
    round.envelopesLost = lost.length;
    check(
      "socket mode: every envelope was acknowledged, by one process or, sent again, another",
      lost.length === 0,
      `${delivered.length} envelopes, ${lost.length} never acknowledged${lost.length ? ` (${lost[0]?.error})` : ""}`,
    );
    for (const d of delivered) {
      const by = ackedBy(d);
      if (by) round.ackedBy[by] = (round.ackedBy[by] ?? 0) + 1;
    }
    check(
      "socket mode: Slack's envelopes were spread over all three processes",
      names.every((name) => (round.ackedBy[name] ?? 0) > 0),
      JSON.stringify(round.ackedBy),
    );
    const killedName = names[starter] as string;
    const orphaned = delivered.filter((d) => d.attempts.some((a) => a.connection === killedName && a.outcome === "closed"));
    round.redelivered = delivered.filter((d) => d.attempts.length > 1).length;
    check(
      "socket mode: envelopes the killed process never acknowledged were sent again and acknowledged by another",
      killedWithEnvelope && orphaned.length > 0 && orphaned.every((d) => d.error === null && ackedBy(d) !== killedName),
      `killed ${killedAfterMs} ms into the drill ${killedWithEnvelope ? "as an envelope was on its way to it" : "with no envelope sent to it in 3 s"}; ` +
        `${orphaned.length} orphaned by the kill, ${round.redelivered} sent again in all; that envelope: ${heldAtKill ? (heldAtKill as Attempt).outcome : "none"}`,
    );

    // Whatever went wrong, what reached Slack and the database is checked (a stuck outbox times
    // out here, and the thread shows what it did meanwhile).
    let endedAt = Number.NaN;
    try {
      endedAt = await untilDrillDone(schema, channel, drill.id);
    } catch (error) {
      check("socket mode: the drill ended and everything it queued was sent", false, (error as Error).message);
    }

    const acks = (
      await schema.pool.query<{ user_id: string }>("SELECT user_id FROM responders WHERE drill_id = $1 AND acked_at IS NOT NULL", [
        drill.id,
      ])
    ).rows.map((r) => r.user_id);
    round.clicksAcked = clicked.size;
    round.clicksLost = [...clicked].filter((u) => !acks.includes(u)).length;
    check(
      "socket mode: every acknowledged click is recorded",
      clicked.size === people && round.clicksLost === 0,
      `${clicked.size} of ${people} clicks acknowledged, ${acks.length} recorded, ${round.clicksLost} lost`,
    );
    const recorded = (
      await schema.pool.query<{ user_id: string; n: number }>(
        "SELECT user_id, count(*)::int AS n FROM first_moves WHERE drill_id = $1 GROUP BY user_id",
        [drill.id],
      )
    ).rows;
    round.answersRecorded = recorded.length;
    round.answersLost = [...answered.keys()].filter((u) => !recorded.some((r) => r.user_id === u)).length;
    check(
      "socket mode: every person's first move is recorded, once",
      answered.size === people && recorded.length === people && recorded.every((r) => r.n === 1) && round.answersLost === 0,
      `${answered.size} answered (${[...answered.values()].filter((o) => o === "already").length} found recorded when sent again), ` +
        `${recorded.length} recorded, ${round.answersLost} lost`,
    );

    Object.assign(socketCluster, checkDrillThread("socket mode", slack, channel, { t0, endedAt, people }));
    const restarted = names[(starter + 1) % names.length] as string;
    check(
      "socket mode: the killed process stayed dead; the restarted one connected again",
      apps[starter]?.pid === undefined &&
        slack.socketMode.connections(APP_TOKEN).filter((name) => name === restarted).length === 1 &&
        !slack.socketMode.connections(APP_TOKEN).includes(killedName),
      `open connections: ${slack.socketMode.connections(APP_TOKEN).join(", ")}`,
    );
    const logs = apps.map((a) => a.logs()).join("\n");
    check("socket mode: no token in the logs", !logs.includes(TOKEN) && !logs.includes(APP_TOKEN));
    const listenerErrors = logs.split("\n").filter((line) => /listener failed|unhandled rejection/.test(line));
    check("socket mode: no request failed inside a process", listenerErrors.length === 0, listenerErrors.slice(0, 3).join(" / "));
  } catch (error) {
    check("socket mode: the three-process scenario ran to the end", false, (error as Error).message);
  } finally {
    if (failed > failedBefore) for (const app of apps) console.log(`--- process ${app.name}:\n${app.logs().slice(-3000)}`);
    addSocketModeRound(round);
    slack.socketMode.onEnvelope = null;
    for (const app of apps) await app.stop().catch(() => {});
    await slack.stop();
    await schema.drop().catch(() => {});
  }
}

// ---------------------------------------------------------------- the run

/** One app process on a SQLite file: kills, restarts, game days, hostile load, shutdown. */
async function singleProcess(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "drillbot-reliability-"));
  const dbPath = join(dir, "drillbot.db");
  const slack = new FakeSlack();
  await slack.start();
  const app = new AppProcess(dbPath, slack);
  try {
    await app.start();
    const plans: [string, KillPoint, number][] = [
      ["C0KILLACKS", "after acks", 12],
      ["C0KILLPOSTED", "as Slack accepts an inject", 8],
      ["C0KILLMOVES", "after first moves", 12],
      ["C0KILLTIMERS", "with injects and the limit pending", 8],
    ];
    const drills: { channel: string; id: number; point: KillPoint }[] = [];
    const plansPeople = new Map(plans.map(([channel, , people]) => [channel, people]));
    for (const [channel, point, people] of plans)
      drills.push({ channel, point, id: await drillWithKill(app, slack, dbPath, channel, point, people) });

    // Game day: a daily schedule whose time passed two minutes ago while the app was down. On
    // start it catches up and fires; the app dies while posting the game day's drill.
    await app.stop();
    const writer = new Database(dbPath);
    const due = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000);
    writer
      .prepare(
        "INSERT INTO schedules (channel, cron, timezone, scenario, mode, heads_up, created_by, created_at) VALUES ('C0GAMEDAY', ?, 'UTC', 'fast-drill', 'read', 0, 'U0ALICE', ?)",
      )
      .run(`${due.getUTCMinutes()} ${due.getUTCHours()} * * *`, due.getTime() - 10 * 60_000);
    writer.close();
    slack.dropNextPostTo = "C0GAMEDAY";
    slack.onDrop = () => app.kill();
    await app.start();
    // The app listens before it catches up on missed game days, so start() may return before the
    // game day fires: wait for the kill, or the next start races it (and the kill hits the new process).
    await until("the game day's post was cut off and the app killed", () => slack.dropNextPostTo === null && app.pid === undefined, 20_000);
    await app.start();

    // Hostile and malformed requests, signed and not.
    const bad = [
      () => send(app.port, form({ command: "/drill", text: "payment-5xx" }), "application/x-www-form-urlencoded", { signature: "v0=00" }),
      () => command(app, slack, `${HOSTILE} ${"x".repeat(10_000)}`, "C0BAD"),
      () => command(app, slack, `schedule cron "${HOSTILE}"`, "C0BAD"),
      () => command(app, slack, `stats ${HOSTILE}`, "C0BAD"),
      () => send(app.port, form({ payload: '{"type":"block_actions","actions":{}}' }), "application/x-www-form-urlencoded"),
      () => send(app.port, "{not json", "application/json"),
      () =>
        send(
          app.port,
          form({
            payload: JSON.stringify({
              type: "view_submission",
              user: { id: "U1" },
              view: { callback_id: "drill_first_move_submit", private_metadata: "nope", state: { values: {} } },
            }),
          }),
          "application/x-www-form-urlencoded",
        ),
    ];
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) for (const attempt of bad) statuses.push((await attempt()).status);
    figures.badInputs = statuses.length;
    check(
      "every bad input was answered without a server error",
      statuses.every((s) => s < 500),
      `statuses ${[...new Set(statuses)].join(", ")}`,
    );

    await hostileLoad(app, slack, dbPath);
    await shutdownWhileSlackHangs(app, slack, dbPath);

    // Let every drill run out its time limit and the outbox drain, Slack still failing some calls.
    await until("every drill has ended", () => drills.every((d) => drillIn(dbPath, d.channel)?.status === "ended"), 30_000);
    await until("the game-day drill has ended", () => drillIn(dbPath, "C0GAMEDAY")?.status === "ended", 30_000);
    await until("the drill in C0HANG has ended", () => drillIn(dbPath, "C0HANG")?.status === "ended", 30_000);
    // A send cut off by a kill is free again as soon as the app restarts (its sender is dead).
    // Slack keeps failing some posts, so a message may sit out a backoff of 16 or 32 s.
    await until("the outbox is empty", () => outboxPending(dbPath) === 0, 75_000);

    const d = db(dbPath);
    const firstMoves = (d.prepare("SELECT count(*) AS n FROM first_moves").get() as { n: number }).n;
    figures.answersRecorded = firstMoves;
    check(
      "every accepted answer is recorded, once",
      firstMoves === figures.answersExpected,
      `${firstMoves} recorded, ${figures.answersExpected} accepted`,
    );
    const hostileStored = d.prepare("SELECT text FROM first_moves WHERE user_id = 'U0MAL'").all() as { text: string }[];
    check("hostile answers are stored verbatim", hostileStored.length === drills.length && hostileStored.every((r) => r.text === HOSTILE));
    const acks = d.prepare("SELECT drill_id, count(*) AS n FROM responders WHERE acked_at IS NOT NULL GROUP BY drill_id").all() as {
      drill_id: number;
      n: number;
    }[];
    check(
      "every ack is recorded once across kills",
      acks
        .filter((a) => drills.some((x) => x.id === a.drill_id))
        .map((a) => a.n)
        .join(",") === "12,8,12,8",
      JSON.stringify(acks),
    );
    const runs = d.prepare("SELECT period, count(*) AS n FROM schedule_runs WHERE kind = 'drill' GROUP BY schedule_id, period").all() as {
      period: number;
      n: number;
    }[];
    const gameDayDrills = (d.prepare("SELECT count(*) AS n FROM drills WHERE venue = 'C0GAMEDAY'").get() as { n: number }).n;
    check(
      "the game day fired once per period across a kill during its fire",
      runs.every((r) => r.n === 1) && gameDayDrills <= runs.length,
      `${runs.length} period(s), ${gameDayDrills} drill(s)`,
    );
    const lateInjects = slack.posts("C0KILLTIMERS").filter((c) => /late: the app was down/.test(c.params.text ?? "")).length;
    check("injects missed while down are posted late, marked late", lateInjects === 2, `${lateInjects} late`);
    d.close();

    // Duplicates: per drill, each inject once, one debrief, one summary.
    for (const drill of [...drills, { channel: "C0GAMEDAY", id: drillIn(dbPath, "C0GAMEDAY")?.id ?? 0, point: "game day" as const }]) {
      const posts = slack.posts(drill.channel);
      const injects = posts
        .filter((c) => (c.params.text ?? "").startsWith("⏱"))
        .map((c) => c.params.text?.split("\n")[0]?.replace(/ · _late.*$/, ""));
      const debriefs = posts.filter((c) => (c.params.blocks ?? "").includes("Debrief ·")).length;
      const summaries = posts.filter((c) => /is over:/.test(c.params.text ?? "")).length;
      const extra = injects.length - new Set(injects).size + Math.max(0, debriefs - 1) + Math.max(0, summaries - 1);
      figures.duplicates += extra;
      if (debriefs >= 1 && summaries === 1) figures.drillsCompleted++;
      const people = plansPeople.get(drill.channel);
      if (people !== undefined) {
        const complete = posts.some((c) => (c.params.blocks ?? "").includes(`of ${people} stated a correct first move`));
        check(`${drill.channel}: the debrief counts all ${people} responders`, complete);
      }
      check(
        `${drill.channel}: debrief and summary once, each inject once`,
        extra === 0 && debriefs >= 1 && summaries === 1 && new Set(injects).size === 2,
        `${injects.length} injects, ${debriefs} debrief message(s), ${summaries} summary`,
      );
    }

    const everything = [...slack.calls.map((c) => JSON.stringify(c.params)), ...slack.replies].join("\n");
    figures.pings = (everything.match(/<!channel>|<!here>|<!everyone>|<@U0BOSS>|<https:\/\/evil\.example|\u202E/g) ?? []).length;
    check("nothing the bot sent can ping, broadcast or disguise a link", figures.pings === 0);
    check("no token in the app's logs", !app.logs().includes(TOKEN) && !app.logs().includes(SECRET));
  } catch (error) {
    check("the suite ran to the end", false, (error as Error).message);
    console.log(app.logs().slice(-3000));
  } finally {
    await app.stop().catch(() => {});
    await slack.stop();
  }
}

/** Kill drills alone, `rounds` times (one app process on a SQLite file, each drill in a channel of
 * its own). `kill-acks`: the kill-during-acks drill as the full suite runs it, followed at once by
 * the kill-after-first-moves drill, whose kill lands while the first drill's injects are going
 * out. `kill-posted`: the app dies the instant Slack has accepted an inject. Each inject must
 * reach its channel once; a doubled one is shown against the kills, to tell a post cut off by a
 * kill from anything else. */
async function killRounds(rounds: number, plan: [string, KillPoint][]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "drillbot-reliability-"));
  const dbPath = join(dir, "drillbot.db");
  const slack = new FakeSlack();
  await slack.start();
  const app = new AppProcess(dbPath, slack);
  let doubled = 0;
  try {
    await app.start();
    for (let round = 1; round <= rounds; round++) {
      const channels = plan.map(([prefix]) => `${prefix}${round}`);
      const kills = app.killedAt.length;
      for (const [i, [, point]] of plan.entries()) await drillWithKill(app, slack, dbPath, channels[i] as string, point, 12);
      const killedAt = app.killedAt.slice(kills);
      for (const channel of channels) {
        await until(`the drill in ${channel} has ended`, () => drillIn(dbPath, channel)?.status === "ended", 30_000);
      }
      await until("the outbox is empty", () => outboxPending(dbPath) === 0, 75_000);
      for (const channel of channels) {
        const injects = slack.posts(channel).filter((c) => (c.params.text ?? "").startsWith("⏱"));
        const heads = injects.map((c) => c.params.text?.split("\n")[0]?.replace(/ · _late.*$/, ""));
        const extra = heads.length - new Set(heads).size;
        doubled += extra;
        figures.duplicates += extra;
        const when = injects.map((c) => `${heads[injects.indexOf(c)]} ${killedAt.map((k) => `${c.at - k}`).join("/")} ms`);
        check(
          `${channel}: each inject once across the kills`,
          extra === 0 && new Set(heads).size === 2,
          `${heads.length} inject posts; reached Slack (ms from each kill): ${when.join("; ")}`,
        );
      }
    }
  } catch (error) {
    check("the kill rounds ran to the end", false, (error as Error).message);
    console.log(app.logs().slice(-3000));
  } finally {
    await app.stop().catch(() => {});
    await slack.stop();
  }
  console.log(`${plan.map(([, point]) => point).join(", then ")}: ${rounds} round(s), ${doubled} inject(s) posted twice`);
}

/** `npm run test:reliability -- cluster` runs the three-instance phase (HTTP) alone;
 * `npm run test:reliability -- socket-cluster [rounds]` the three Socket Mode processes alone, repeated;
 * `npm run test:reliability -- kill-acks [rounds]` the kill-during-acks drill and the one after it, repeated;
 * `npm run test:reliability -- kill-posted [rounds]` a kill the instant Slack accepted an inject, repeated. */
const only = process.argv[2];

async function main(): Promise<void> {
  const started = Date.now();
  if (only === "kill-acks" || only === "kill-posted") {
    const plan: [string, KillPoint][] =
      only === "kill-acks"
        ? [
            ["C0KILLACKS", "after acks"],
            ["C0KILLMOVES", "after first moves"],
          ]
        : [["C0KILLPOSTED", "as Slack accepts an inject"]];
    await killRounds(Number(process.argv[3] ?? 10), plan);
    console.log(`\n${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    process.exitCode = failed > 0 ? 1 : 0;
    return;
  }
  if (only !== "cluster" && only !== "socket-cluster") await singleProcess();

  // Several instances: three processes on one PostgreSQL behind a load balancer, then three
  // connected in Socket Mode.
  if (PG_SKIP) console.log(`skip the three-instance scenarios: ${PG_SKIP}`);
  else {
    if (!only || only === "cluster") await threeInstancesOnPostgres();
    if (!only || only === "socket-cluster") {
      const rounds = only === "socket-cluster" ? Number(process.argv[3] ?? 1) : 1;
      for (let round = 1; round <= rounds; round++) await threeSocketModeProcessesOnPostgres();
    }
  }

  const rows: [string, string | number][] = [
    ["faults injected (SIGKILLs + Slack 503/429)", `${figures.faultsInjected} (${figures.kills} kills)`],
    ["drills completed", figures.drillsCompleted],
    ["answers recorded / expected", `${figures.answersRecorded} / ${figures.answersExpected}`],
    ["duplicates created", figures.duplicates],
    ["bad inputs tried", figures.badInputs],
    ["pings produced", figures.pings],
    ["hostile load: attacks sent in 10 s", figures.attacksSent],
    ["hostile load: app restarts needed", figures.restartsNeeded],
    [
      "hostile load: honest ack p99 (clicks / first moves)",
      `${figures.honestAckP99Ms} ms (${figures.honestClickP99Ms} / ${figures.honestAnswerP99Ms} ms)`,
    ],
    ["hostile load: answers lost", figures.answersLost],
    ["SIGTERM with Slack hanging: exit after", `${figures.shutdownMs} ms`],
    ["wall time", `${((Date.now() - started) / 1000).toFixed(1)} s`],
  ];
  if (cluster.ran) {
    rows.push(
      [
        "three instances: responders / answers recorded / lost",
        `${cluster.responders} / ${cluster.answersRecorded} / ${cluster.answersLost}`,
      ],
      ["three instances: requests a person had to repeat (process killed under it)", cluster.retriedByPeople],
      ["three instances: duplicate posts", cluster.duplicatePosts],
      ["three instances: latest inject after its due time", `${cluster.maxInjectLateMs} ms`],
      ["three instances: debrief posted after the drill ended", `${cluster.debriefAfterLimitMs} ms`],
      ["three instances: ack and answer p99 through the proxy", `${cluster.ackP99Ms} ms`],
    );
  }
  if (socketCluster.rounds > 0) {
    rows.push(
      ["socket mode, three processes: rounds", socketCluster.rounds],
      [
        "socket mode, three processes: envelopes / sent again / never acknowledged",
        `${socketCluster.envelopes} / ${socketCluster.redelivered} / ${socketCluster.envelopesLost}`,
      ],
      [
        "socket mode, three processes: envelopes acknowledged per process",
        Object.entries(socketCluster.ackedBy)
          .map(([name, n]) => `${name} ${n}`)
          .join(", "),
      ],
      ["socket mode, three processes: clicks acknowledged / lost", `${socketCluster.clicksAcked} / ${socketCluster.clicksLost}`],
      [
        "socket mode, three processes: responders / answers recorded / lost",
        `${socketCluster.responders} / ${socketCluster.answersRecorded} / ${socketCluster.answersLost}`,
      ],
      ["socket mode, three processes: duplicate posts", socketCluster.duplicatePosts],
      ["socket mode, three processes: latest inject after its due time", `${socketCluster.maxInjectLateMs} ms`],
      ["socket mode, three processes: debrief posted after the drill ended", `${socketCluster.debriefAfterLimitMs} ms`],
      ["socket mode, three processes: envelope ack p99 (first write to ack)", `${socketCluster.ackP99Ms} ms`],
    );
  }
  console.log("\n| reliability figure | value |\n| --- | --- |");
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  for (const line of timingTargets) console.log(`timing target — ${line}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
