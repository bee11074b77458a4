import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";
import Database from "better-sqlite3";
import { type AppKind, AppProcess, SIGNING_SECRET } from "./app-process.js";
import type { CallWindow, FakeSlack } from "./fakeSlack.js";
import { medianBy, ms, quantile, type Summary, sleep, summarise } from "./stats.js";

// The game-day stampede: responders arrive evenly over a spread, open loop (each starts at its
// own time whatever the others are doing), click "I'm on it" and then "First move". Every
// request is signed as Slack signs it; latency is from sending a request to its HTTP response,
// which is the app's ack.

export const RESPONDERS = 500;
export const SPREAD_MS = 2_000;
export const SCENARIO_ID = "payment-5xx";
const FACILITATOR = { id: "U0FACILIT", name: "facilitator" };
const REQUEST_TIMEOUT_MS = 10_000;

export interface RoundResult {
  kind: AppKind;
  label: string;
  warmup: boolean;
  latency: Summary;
  ackClick: Summary;
  firstMoveClick: Summary;
  requests: number;
  errors: number;
  errorSamples: string[];
  /** Completed requests per second, from the first send to the last response. */
  requestsPerSecond: number;
  clicksSent: number;
  /** "I'm on it" recorded in SQLite for this round's drill (drillbot only). */
  acksRecorded: number | null;
  /** How late the generator started a responder compared with its schedule (its own lag). */
  maxStartLagMs: number;
  api: CallWindow;
  apiWindowMs: number;
  peakRssBytes: number | null;
  /** Every answered request, for looking at when the slow ones happened. */
  timeline: Sample[];
  /** CPU the app process used from the first click until the dust settled, per click. */
  cpuMsPerRequest: number | null;
}

interface Sent {
  status: number;
  newConnection: boolean;
  /** performance.now() when the request was sent. */
  sentAt: number;
  latencyMs: number;
  error: string | null;
}

export interface Sample {
  /** When the request was sent, ms after the round's first click. */
  at: number;
  click: "ack" | "firstMove";
  latencyMs: number;
  /** Sent on a connection opened for it rather than a kept-alive one. */
  newConnection: boolean;
}

interface Target {
  app: AppProcess;
  fake: FakeSlack;
  /** drillbot's SQLite file, to count what it recorded. */
  dbPath?: string;
}

let channelSeq = 0;
let triggerSeq = 0;

/** One stampede against one app: start a drill (drillbot), click, wait for the dust to settle. */
export async function runRound(target: Target, label: string, warmup: boolean): Promise<RoundResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: RESPONDERS * 2 });
  try {
    const channel = `C0BENCH${String(++channelSeq).padStart(3, "0")}`;
    const drill = target.app.kind === "drillbot" ? await startDrill(target, agent, channel) : { id: "0", ts: "1700000000.000100" };
    await sleep(300); // responders read the alert before clicking; lets the start's own work finish
    const cpuBefore = target.app.cpuMs();
    const stampede = await clickStampede(target, agent, channel, drill);
    const acksRecorded = target.dbPath ? await waitForAcks(target.dbPath, Number(drill.id), RESPONDERS) : null;
    // The last coalesced update comes up to 1.5 s after the last click: wait it out, then
    // count every Web API call from the first click to the last call the stampede caused.
    await waitForQuiet(target.fake, 2_000, 15_000);
    const apiEnd = Math.max(stampede.lastResponseAt, target.fake.lastCallAt()) + 1;
    const api = target.fake.window(stampede.firstSendAt, apiEnd);
    const cpuAfter = target.app.cpuMs();
    const peakRssBytes = target.app.peakRssBytes();
    if (target.app.kind === "drillbot") await cancelDrill(target, agent, channel);
    return {
      kind: target.app.kind,
      label,
      warmup,
      ...stampede.figures,
      clicksSent: RESPONDERS,
      acksRecorded,
      api,
      apiWindowMs: apiEnd - stampede.firstSendAt,
      peakRssBytes,
      cpuMsPerRequest: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / stampede.figures.requests,
    };
  } finally {
    agent.destroy();
  }
}

async function startDrill(target: Target, agent: Agent, channel: string): Promise<{ id: string; ts: string }> {
  const since = performance.now();
  const sent = await send(agent, target.app.eventsUrl, commandBody(SCENARIO_ID, channel, target.fake));
  if (sent.status !== 200) throw new Error(`/drill ${SCENARIO_ID} answered ${sent.status} ${sent.error ?? ""}`);
  const post = await target.fake.waitForPost(channel, since);
  if (!post.ackValue) throw new Error("the trigger message has no I'm on it button");
  return { id: post.ackValue, ts: post.ts };
}

/** Cancels the round's drill so its timers (injects, time limit) never fire during later rounds. */
async function cancelDrill(target: Target, agent: Agent, channel: string): Promise<void> {
  const sent = await send(agent, target.app.eventsUrl, commandBody("cancel", channel, target.fake));
  if (sent.status !== 200) throw new Error(`/drill cancel answered ${sent.status}`);
  await waitForQuiet(target.fake, 500, 10_000);
}

async function clickStampede(target: Target, agent: Agent, channel: string, drill: { id: string; ts: string }) {
  const ackTimes: number[] = [];
  const firstMoveTimes: number[] = [];
  const errors: string[] = [];
  const timeline: Sample[] = [];
  let maxStartLagMs = 0;
  let lastResponseAt = 0;
  const firstSendAt = performance.now() + 20;
  const record = (sent: Sent, click: Sample["click"]) => {
    lastResponseAt = Math.max(lastResponseAt, performance.now());
    if (sent.error || sent.status !== 200) {
      errors.push(sent.error ?? `HTTP ${sent.status}`);
      return;
    }
    (click === "ack" ? ackTimes : firstMoveTimes).push(sent.latencyMs);
    timeline.push({ at: sent.sentAt - firstSendAt, click, latencyMs: sent.latencyMs, newConnection: sent.newConnection });
  };
  const responder = async (i: number, scheduledAt: number) => {
    maxStartLagMs = Math.max(maxStartLagMs, performance.now() - scheduledAt);
    const user = { id: `U0R${String(i).padStart(5, "0")}`, name: `responder${i}` };
    record(await send(agent, target.app.eventsUrl, clickBody("drill_ack", drill, user, channel, target.fake)), "ack");
    record(await send(agent, target.app.eventsUrl, clickBody("drill_first_move", drill, user, channel, target.fake)), "firstMove");
  };
  const done: Promise<void>[] = [];
  for (let i = 0; i < RESPONDERS; i++) {
    const at = firstSendAt + (i * SPREAD_MS) / RESPONDERS;
    done.push(
      new Promise<void>((resolve) => {
        setTimeout(() => responder(i, at).then(resolve, resolve), at - performance.now());
      }),
    );
  }
  await Promise.all(done);
  const all = [...ackTimes, ...firstMoveTimes];
  return {
    firstSendAt,
    lastResponseAt,
    figures: {
      latency: summarise(all),
      ackClick: summarise(ackTimes),
      firstMoveClick: summarise(firstMoveTimes),
      requests: RESPONDERS * 2,
      errors: errors.length,
      errorSamples: [...new Set(errors)].slice(0, 5),
      requestsPerSecond: all.length / ((lastResponseAt - firstSendAt) / 1000),
      maxStartLagMs,
      timeline,
    },
  };
}

/** Acks are recorded just after the HTTP ack, so the count is polled until it stops short. */
async function waitForAcks(dbPath: string, drillId: number, expected: number): Promise<number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const count = db.prepare("SELECT count(*) AS n FROM responders WHERE drill_id = ? AND acked_at IS NOT NULL");
    const deadline = performance.now() + 15_000;
    let n = 0;
    while (performance.now() < deadline) {
      n = (count.get(drillId) as { n: number }).n;
      if (n >= expected) return n;
      await sleep(100);
    }
    return n;
  } finally {
    db.close();
  }
}

/** Waits until the app has made no Web API call for `quietMs` (coalesced updates come late). */
async function waitForQuiet(fake: FakeSlack, quietMs: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const since = performance.now() - fake.lastCallAt();
    if (since >= quietMs) return;
    await sleep(Math.min(200, quietMs - since + 1));
  }
}

function sign(body: string, timestamp: number): string {
  return `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** POSTs a correctly signed request and times it to the end of the response. */
function send(agent: Agent, url: string, body: string): Promise<Sent> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": Buffer.byteLength(body),
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": sign(body, timestamp),
  };
  return new Promise((resolve) => {
    const start = performance.now();
    const req = request(url, { method: "POST", agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      const done = (status: number, error: string | null) =>
        resolve({ status, newConnection: !req.reusedSocket, sentAt: start, latencyMs: performance.now() - start, error });
      res.on("end", () => done(res.statusCode ?? 0, null));
      res.on("error", (error) => done(0, error.message));
    });
    req.on("timeout", () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (error) =>
      resolve({ status: 0, newConnection: !req.reusedSocket, sentAt: start, latencyMs: performance.now() - start, error: error.message }),
    );
    req.end(body);
  });
}

function commandBody(text: string, channel: string, fake: FakeSlack): string {
  const seq = ++triggerSeq;
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: "T0TEAM",
    team_domain: "acme",
    channel_id: channel,
    channel_name: "gameday",
    user_id: FACILITATOR.id,
    user_name: FACILITATOR.name,
    command: "/drill",
    text,
    api_app_id: "A0DRILL",
    response_url: fake.responseUrl(`commands/${seq}`),
    trigger_id: `trigger-${seq}`,
  }).toString();
}

/** A button click on the trigger message, as Slack sends it: `payload=<json>`, form-encoded. */
function clickBody(
  actionId: string,
  drill: { id: string; ts: string },
  user: { id: string; name: string },
  channel: string,
  fake: FakeSlack,
): string {
  const seq = ++triggerSeq;
  const payload = {
    type: "block_actions",
    team: { id: "T0TEAM", domain: "acme" },
    user: { id: user.id, username: user.name, name: user.name, team_id: "T0TEAM" },
    api_app_id: "A0DRILL",
    token: "legacy-verification-token",
    trigger_id: `trigger-${seq}`,
    response_url: fake.responseUrl(`actions/${seq}`),
    channel: { id: channel, name: "gameday" },
    container: { type: "message", message_ts: drill.ts, channel_id: channel, is_ephemeral: false },
    message: { type: "message", ts: drill.ts, text: "drill", user: "U0DRILLBOT" },
    actions: [
      {
        type: "button",
        action_id: actionId,
        block_id: "drill_actions",
        value: drill.id,
        text: { type: "plain_text", text: "button" },
        action_ts: `${Math.floor(Date.now() / 1000)}.000000`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface StampedeResult {
  rounds: RoundResult[];
  /** The median round (by p99 ack latency) of each app, warm-ups excluded. */
  ours: RoundResult;
  bare: RoundResult;
  peakRssBytes: Record<AppKind, number | null>;
  /** Resident set right after start, before any request: what the app costs idle. */
  startRssBytes: Record<AppKind, number | null>;
  cpuProfDir: string | null;
}

/** Warm both apps up, then alternate measured rounds so drift on the shared machine hits both. */
export async function benchStampede(options: {
  fake: FakeSlack;
  dbPath: string;
  rounds: number;
  cpuProfDir?: string;
  log: (line: string) => void;
}): Promise<StampedeResult> {
  const apps: AppProcess[] = [];
  try {
    const ours = await AppProcess.start("drillbot", {
      apiUrl: options.fake.apiUrl,
      dbPath: options.dbPath,
      cpuProfDir: options.cpuProfDir,
    });
    apps.push(ours);
    const bare = await AppProcess.start("bare", { apiUrl: options.fake.apiUrl });
    apps.push(bare);
    const startRssBytes: Record<AppKind, number | null> = { drillbot: ours.rssBytes(), bare: bare.rssBytes() };
    const targets: Record<AppKind, Target> = {
      drillbot: { app: ours, fake: options.fake, dbPath: options.dbPath },
      bare: { app: bare, fake: options.fake },
    };
    const schedule: { kind: AppKind; warmup: boolean; label: string }[] = [
      { kind: "drillbot", warmup: true, label: "warm-up" },
      { kind: "bare", warmup: true, label: "warm-up" },
    ];
    for (let i = 1; i <= options.rounds; i++) {
      schedule.push({ kind: "drillbot", warmup: false, label: `round ${i}` }, { kind: "bare", warmup: false, label: `round ${i}` });
    }
    const rounds: RoundResult[] = [];
    for (const step of schedule) {
      const result = await runRound(targets[step.kind], step.label, step.warmup);
      rounds.push(result);
      options.log(describeRound(result));
    }
    const peakRssBytes: Record<AppKind, number | null> = { drillbot: ours.peakRssBytes(), bare: bare.peakRssBytes() };
    for (const app of apps) {
      const reported = await app.stop();
      const sampled = peakRssBytes[app.kind];
      peakRssBytes[app.kind] = Math.max(sampled ?? 0, reported ?? 0) || null;
    }
    const measured = (kind: AppKind) => rounds.filter((r) => r.kind === kind && !r.warmup);
    return {
      rounds,
      ours: medianBy(measured("drillbot"), (r) => r.latency.p99),
      bare: medianBy(measured("bare"), (r) => r.latency.p99),
      peakRssBytes,
      startRssBytes,
      cpuProfDir: options.cpuProfDir ?? null,
    };
  } finally {
    for (const app of apps) app.kill();
  }
}

function describeRound(r: RoundResult): string {
  const acks = r.acksRecorded === null ? "" : ` · acks recorded ${r.acksRecorded}/${r.clicksSent}`;
  return (
    `  ${r.kind.padEnd(8)} ${r.label.padEnd(8)} p50 ${ms(r.latency.p50)} · p95 ${ms(r.latency.p95)} · p99 ${ms(r.latency.p99)} · ` +
    `max ${ms(r.latency.max)} · ${r.requestsPerSecond.toFixed(0)} req/s · errors ${r.errors}${acks} · ` +
    `Web API ${r.api.total} calls (${formatMethods(r.api.byMethod)}) · generator lag ${ms(r.maxStartLagMs)} · ` +
    `CPU ${r.cpuMsPerRequest === null ? "n/a" : ms(r.cpuMsPerRequest)}/request · ${connectionSplit(r.timeline)}`
  );
}

export function formatMethods(byMethod: Record<string, number>): string {
  return (
    Object.entries(byMethod)
      .sort((a, b) => b[1] - a[1])
      .map(([method, n]) => `${method} ${n}`)
      .join(", ") || "none"
  );
}

/** Latency on new connections against kept-alive ones: a busy event loop shows first on new ones. */
export function connectionSplit(timeline: readonly Sample[]): string {
  const fresh = timeline.filter((s) => s.newConnection).map((s) => s.latencyMs);
  const reused = timeline.filter((s) => !s.newConnection).map((s) => s.latencyMs);
  return `new connections ${fresh.length} (p50 ${ms(quantile(fresh, 0.5))}), kept-alive p99 ${ms(quantile(reused, 0.99))}`;
}
