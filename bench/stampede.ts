import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type AppKind, AppProcess, type Delivery, SIGNING_SECRET } from "./app-process.js";
import type { CallWindow, FakeSlack } from "./fakeSlack.js";
import type { ConnectionStats } from "./fakeSocketMode.js";
import { median, medianBy, ms, quantile, type Summary, sleep, summarise } from "./stats.js";

// The game-day stampede: responders arrive evenly over a spread, open loop (each starts at its
// own time whatever the others are doing), click "I'm on it" and then "First move". Slack
// delivers each click either as a signed HTTP request (latency: from sending it to its HTTP
// response, which is the app's ack) or, in Socket Mode, as an envelope on the app's WebSocket
// (latency: from writing the envelope to reading the app's `{envelope_id}` ack on the socket).

export const RESPONDERS = 500;
export const SPREAD_MS = 2_000;
export const SCENARIO_ID = "payment-5xx";
const FACILITATOR = { id: "U0FACILIT", name: "facilitator" };
const REQUEST_TIMEOUT_MS = 10_000;
/** Slack waits this long for an ack before it tells the person the app did not respond. */
export const SLACK_ACK_DEADLINE_MS = 3_000;

export interface RoundResult {
  kind: AppKind;
  delivery: Delivery;
  label: string;
  warmup: boolean;
  latency: Summary;
  ackClick: Summary;
  firstMoveClick: Summary;
  requests: number;
  errors: number;
  errorSamples: string[];
  /** Clicks with no ack within Slack's 3 s (no answer at all, an error status, or a late ack). */
  missingAcks: number;
  /** Completed requests per second, from the first send to the last response. */
  requestsPerSecond: number;
  clicksSent: number;
  /** "I'm on it" recorded in SQLite for this round's drill (drillbot only). */
  acksRecorded: number | null;
  /** What responders did that left no trace: "I'm on it" not recorded (drillbot only) and
   * "First move" clicks that opened no modal (views.open calls short of the clicks). */
  lost: { acksNotRecorded: number | null; modalsNotOpened: number };
  /** chat.update calls the round caused, the smallest gap between two of them, and the time
   * from the first to the last (as the fake Slack received them). */
  updates: { count: number; minGapMs: number | null; spanMs: number };
  /** How late the generator started a responder compared with its schedule (its own lag). */
  maxStartLagMs: number;
  api: CallWindow;
  apiWindowMs: number;
  peakRssBytes: number | null;
  /** Every answered request, for looking at when the slow ones happened. */
  timeline: Sample[];
  /** CPU the app process used from the first click until the dust settled, per click. */
  cpuMsPerClick: number | null;
}

interface Sent {
  /** performance.now() when the request or envelope was sent. */
  sentAt: number;
  latencyMs: number;
  /** null when acknowledged (HTTP 200, or the envelope's ack); otherwise what went wrong. */
  error: string | null;
  /** HTTP only: sent on a connection opened for it rather than a kept-alive one. */
  newConnection: boolean | null;
}

export interface Sample {
  /** When the request was sent, ms after the round's first click. */
  at: number;
  click: "ack" | "firstMove";
  latencyMs: number;
  /** HTTP only: sent on a connection opened for it rather than a kept-alive one. */
  newConnection: boolean | null;
}

/** How Slack's payloads reach one app: each call resolves when the app has acknowledged. */
interface Sender {
  command(params: Record<string, string>): Promise<Sent>;
  click(payload: object): Promise<Sent>;
  close(): void;
}

interface Target {
  app: AppProcess;
  /** More instances of the same app on the same database: requests go round-robin over all. */
  others?: AppProcess[];
  fake: FakeSlack;
  /** drillbot's SQLite file, to count what it recorded. */
  dbPath?: string;
  /** Or how to count "I'm on it" recorded for a drill (PostgreSQL). */
  countAcks?: (drillId: number) => Promise<number>;
}

/** Signed form posts to the app's HTTP receiver over a keep-alive pool, as Slack sends them. */
function httpSender(url: string): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets: RESPONDERS * 2 });
  return {
    command: (params) => send(agent, url, new URLSearchParams(params).toString()),
    click: (payload) => send(agent, url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString()),
    close: () => agent.destroy(),
  };
}

/** Envelopes on the app's own Socket Mode connection to the fake Slack. */
function socketSender(fake: FakeSlack, appToken: string): Sender {
  const deliver = async (type: "slash_commands" | "interactive", payload: object): Promise<Sent> => {
    const delivered = await fake.socketMode.deliver(appToken, type, payload, REQUEST_TIMEOUT_MS);
    return { sentAt: delivered.sentAt, latencyMs: delivered.latencyMs, error: delivered.error, newConnection: null };
  };
  return {
    command: (params) => deliver("slash_commands", params),
    click: (payload) => deliver("interactive", payload),
    close: () => {},
  };
}

function senderFor(target: Target): Sender {
  if (target.others?.length) return roundRobinSender([target.app, ...target.others].map((app) => httpSender(app.eventsUrl)));
  return target.app.delivery === "socket" ? socketSender(target.fake, target.app.appToken) : httpSender(target.app.eventsUrl);
}

/** Several instances behind a load balancer: each request goes to the next one in turn. (The
 * balancer's own hop is left out: what is measured is how fast the instances ack.) */
function roundRobinSender(senders: Sender[]): Sender {
  let next = 0;
  const pick = () => senders[next++ % senders.length] as Sender;
  return {
    command: (params) => pick().command(params),
    click: (payload) => pick().click(payload),
    close: () => {
      for (const s of senders) s.close();
    },
  };
}

let channelSeq = 0;
let triggerSeq = 0;

/** One stampede against one app: start a drill (drillbot), click, wait for the dust to settle. */
export async function runRound(target: Target, label: string, warmup: boolean): Promise<RoundResult> {
  const sender = senderFor(target);
  try {
    const channel = `C0BENCH${String(++channelSeq).padStart(3, "0")}`;
    const drill = target.app.kind === "drillbot" ? await startDrill(target, sender, channel) : { id: "0", ts: "1700000000.000100" };
    await sleep(300); // responders read the alert before clicking; lets the start's own work finish
    const apps = [target.app, ...(target.others ?? [])];
    const cpuBefore = totalCpuMs(apps);
    const stampede = await clickStampede(target, sender, channel, drill);
    const acksRecorded = target.countAcks
      ? await waitForCount(() => target.countAcks?.(Number(drill.id)) ?? Promise.resolve(0), RESPONDERS)
      : target.dbPath
        ? await waitForAcks(target.dbPath, Number(drill.id), RESPONDERS)
        : null;
    // The last coalesced update comes up to 1.5 s after the last click: wait it out, then
    // count every Web API call from the first click to the last call the stampede caused.
    await waitForQuiet(target.fake, 2_000, 15_000);
    const apiEnd = Math.max(stampede.lastResponseAt, target.fake.lastCallAt()) + 1;
    const api = target.fake.window(stampede.firstSendAt, apiEnd);
    const updateTimes = target.fake.callTimes("chat.update", stampede.firstSendAt, apiEnd);
    const cpuAfter = totalCpuMs(apps);
    const peakRssBytes = Math.max(...apps.map((app) => app.peakRssBytes() ?? 0)) || null;
    if (target.app.kind === "drillbot") await cancelDrill(target, sender, channel);
    return {
      kind: target.app.kind,
      delivery: target.app.delivery,
      label,
      warmup,
      ...stampede.figures,
      clicksSent: RESPONDERS,
      acksRecorded,
      lost: {
        acksNotRecorded: acksRecorded === null ? null : Math.max(0, RESPONDERS - acksRecorded),
        modalsNotOpened: Math.max(0, RESPONDERS - (api.byMethod["views.open"] ?? 0)),
      },
      updates: {
        count: updateTimes.length,
        minGapMs: smallestGap(updateTimes),
        spanMs: updateTimes.length ? (updateTimes.at(-1) ?? 0) - (updateTimes[0] ?? 0) : 0,
      },
      api,
      apiWindowMs: apiEnd - stampede.firstSendAt,
      peakRssBytes,
      cpuMsPerClick: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / stampede.figures.requests,
    };
  } finally {
    sender.close();
  }
}

/** CPU time of every process of the app, summed; null without /proc. */
function totalCpuMs(apps: AppProcess[]): number | null {
  const each = apps.map((app) => app.cpuMs());
  return each.some((v) => v === null) ? null : each.reduce<number>((sum, v) => sum + (v ?? 0), 0);
}

/** A count that catches up just after the acks (recorded after the HTTP ack): polled until it
 * reaches `expected` or stops short for 15 s. */
async function waitForCount(count: () => Promise<number>, expected: number): Promise<number> {
  const deadline = performance.now() + 15_000;
  let n = 0;
  while (performance.now() < deadline) {
    n = await count();
    if (n >= expected) return n;
    await sleep(100);
  }
  return n;
}

function smallestGap(times: readonly number[]): number | null {
  let gap: number | null = null;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap ?? Number.POSITIVE_INFINITY, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap;
}

async function startDrill(target: Target, sender: Sender, channel: string, by = FACILITATOR): Promise<{ id: string; ts: string }> {
  const since = performance.now();
  const sent = await sender.command(commandParams(SCENARIO_ID, channel, target.fake, by));
  if (sent.error) throw new Error(`/drill ${SCENARIO_ID} was not acknowledged: ${sent.error}`);
  const post = await target.fake.waitForPost(channel, since);
  if (!post.ackValue) throw new Error("the trigger message has no I'm on it button");
  return { id: post.ackValue, ts: post.ts };
}

/** Cancels the round's drill so its timers (injects, time limit) never fire during later rounds. */
async function cancelDrill(target: Target, sender: Sender, channel: string, by = FACILITATOR): Promise<void> {
  const sent = await sender.command(commandParams("cancel", channel, target.fake, by));
  if (sent.error) throw new Error(`/drill cancel was not acknowledged: ${sent.error}`);
  await waitForQuiet(target.fake, 500, 10_000);
}

async function clickStampede(target: Target, sender: Sender, channel: string, drill: { id: string; ts: string }) {
  const ackTimes: number[] = [];
  const firstMoveTimes: number[] = [];
  const errors: string[] = [];
  const timeline: Sample[] = [];
  let maxStartLagMs = 0;
  let lastResponseAt = 0;
  let missingAcks = 0;
  const firstSendAt = performance.now() + 20;
  const record = (sent: Sent, click: Sample["click"]) => {
    lastResponseAt = Math.max(lastResponseAt, performance.now());
    if (sent.error || sent.latencyMs > SLACK_ACK_DEADLINE_MS) missingAcks++;
    if (sent.error) {
      errors.push(sent.error);
      return;
    }
    (click === "ack" ? ackTimes : firstMoveTimes).push(sent.latencyMs);
    timeline.push({ at: sent.sentAt - firstSendAt, click, latencyMs: sent.latencyMs, newConnection: sent.newConnection });
  };
  const responder = async (i: number, scheduledAt: number) => {
    maxStartLagMs = Math.max(maxStartLagMs, performance.now() - scheduledAt);
    const user = { id: `U0R${String(i).padStart(5, "0")}`, name: `responder${i}` };
    record(await sender.click(clickPayload("drill_ack", drill, user, channel, target.fake)), "ack");
    record(await sender.click(clickPayload("drill_first_move", drill, user, channel, target.fake)), "firstMove");
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
      missingAcks,
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

/** POSTs a correctly signed request and times it to the end of the response (a 200 is the ack). */
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
      const done = (error: string | null) =>
        resolve({ newConnection: !req.reusedSocket, sentAt: start, latencyMs: performance.now() - start, error });
      res.on("end", () => done(res.statusCode === 200 ? null : `HTTP ${res.statusCode}`));
      res.on("error", (error) => done(error.message));
    });
    req.on("timeout", () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (error) =>
      resolve({ newConnection: !req.reusedSocket, sentAt: start, latencyMs: performance.now() - start, error: error.message }),
    );
    req.end(body);
  });
}

/** A slash command's fields: the form Slack posts over HTTP, the payload of its envelope in Socket Mode. */
function commandParams(text: string, channel: string, fake: FakeSlack, by = FACILITATOR): Record<string, string> {
  const seq = ++triggerSeq;
  return {
    token: "legacy-verification-token",
    team_id: "T0TEAM",
    team_domain: "acme",
    channel_id: channel,
    channel_name: "gameday",
    user_id: by.id,
    user_name: by.name,
    command: "/drill",
    text,
    api_app_id: "A0DRILL",
    response_url: fake.responseUrl(`commands/${seq}`),
    trigger_id: `trigger-${seq}`,
  };
}

/** A button click on the trigger message: over HTTP Slack form-encodes it as `payload=<json>`;
 * in Socket Mode it is the envelope's payload as it is. */
function clickPayload(
  actionId: string,
  drill: { id: string; ts: string },
  user: { id: string; name: string },
  channel: string,
  fake: FakeSlack,
): object {
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
  return payload;
}

/** Memory of one app process, from /proc/<pid>/status. */
export interface MemoryFigures {
  /** VmRSS once started and settled, before the first click: what the app costs idle. */
  idleRssBytes: number | null;
  /** VmHWM at the same moment: the high-water mark start-up alone reached. */
  startupPeakRssBytes: number | null;
  /** VmHWM when the app stopped: the process's peak over its whole life, start-up included. */
  peakRssBytes: number | null;
}

export interface StampedeResult {
  delivery: Delivery;
  rounds: RoundResult[];
  /** The median round (by p99 ack latency) of each app, warm-ups excluded. */
  ours: RoundResult;
  bare: RoundResult;
  /** Each app's median CPU per click over its measured rounds. */
  cpuMsPerClick: Record<AppKind, number | null>;
  /** drillbot against the bare app: the median of the per-pair ratios (p99, CPU per click). */
  vsBare: { p99: number; p99Pairs: number[]; cpu: number | null; cpuPairs: number[] };
  memory: Record<AppKind, MemoryFigures>;
  /** Socket Mode: ms from a `disconnect` message to the app's next connection. */
  reconnectMs: Record<AppKind, number> | null;
  /** Socket Mode: what each app's connection did over the whole run (pings, stray acks). */
  connections: Record<AppKind, ConnectionStats> | null;
  cpuProfDir: string | null;
}

/** A folder of its own for each app's CPU profile (the file names say only the pid). */
function profileDir(root: string, kind: AppKind): string {
  const dir = join(root, kind);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Warm-up rounds of each app before the measured ones. After a single one, the first measured
 * round of both apps still took 30–50% more CPU per click than the later ones (V8 was still
 * optimising), which made round 1 of every run an outlier. */
export const WARMUP_ROUNDS = 2;

/** The order the rounds run in: the warm-ups, then `pairs` measured pairs, each pair one round of
 * each app back to back, in ABBA order (drillbot first in odd pairs, the bare app first in even
 * ones). A pair ran under the same machine conditions, so drift on a shared machine (other work
 * starting or stopping) cancels in its ratio, and neither app always runs first. */
export function roundSchedule(pairs: number): { kind: AppKind; warmup: boolean; label: string }[] {
  const pair = (i: number): AppKind[] => (i % 2 === 1 ? ["drillbot", "bare"] : ["bare", "drillbot"]);
  const schedule: { kind: AppKind; warmup: boolean; label: string }[] = [];
  for (let i = 1; i <= WARMUP_ROUNDS; i++) {
    for (const kind of pair(i)) schedule.push({ kind, warmup: true, label: `warm-up ${i}` });
  }
  for (let i = 1; i <= pairs; i++) {
    for (const kind of pair(i)) schedule.push({ kind, warmup: false, label: `round ${i}` });
  }
  return schedule;
}

/** Each measured pair's ratio of drillbot to the bare app (`value` of each round), in the order
 * the pairs ran; a pair whose value is missing on either side is left out. */
export function pairRatios(rounds: readonly RoundResult[], value: (r: RoundResult) => number | null): number[] {
  const ratios: number[] = [];
  for (const ours of rounds.filter((r) => r.kind === "drillbot" && !r.warmup)) {
    const bare = rounds.find((r) => r.kind === "bare" && !r.warmup && r.label === ours.label);
    const [a, b] = [value(ours), bare ? value(bare) : null];
    if (a !== null && b !== null && b > 0) ratios.push(a / b);
  }
  return ratios;
}

/** Lets start-up finish (timers, the first GC) before idle memory is read. */
const SETTLE_MS = 1_000;

/** Start both apps, read their idle memory, warm them up, then run the measured rounds in pairs
 * (roundSchedule) so drift on the shared machine hits both alike. In Socket Mode, both are first asked to reconnect (as
 * Slack does when it recycles a server), so every round runs on a connection the app re-opened. */
export async function benchStampede(options: {
  delivery: Delivery;
  fake: FakeSlack;
  dbPath: string;
  rounds: number;
  cpuProfDir?: string;
  log: (line: string) => void;
}): Promise<StampedeResult> {
  const apps: AppProcess[] = [];
  const { delivery } = options;
  try {
    const ours = await AppProcess.start("drillbot", {
      delivery,
      apiUrl: options.fake.apiUrl,
      dbPath: options.dbPath,
      ...(options.cpuProfDir ? { cpuProfDir: profileDir(options.cpuProfDir, "drillbot") } : {}),
    });
    apps.push(ours);
    const bare = await AppProcess.start("bare", {
      delivery,
      apiUrl: options.fake.apiUrl,
      // The bare app's profile beside drillbot's, to compare where each spends its CPU.
      ...(options.cpuProfDir ? { cpuProfDir: profileDir(options.cpuProfDir, "bare") } : {}),
    });
    apps.push(bare);
    await sleep(SETTLE_MS);
    const memory: Record<AppKind, MemoryFigures> = {
      drillbot: { idleRssBytes: ours.rssBytes(), startupPeakRssBytes: ours.peakRssBytes(), peakRssBytes: null },
      bare: { idleRssBytes: bare.rssBytes(), startupPeakRssBytes: bare.peakRssBytes(), peakRssBytes: null },
    };
    let reconnectMs: Record<AppKind, number> | null = null;
    if (delivery === "socket") {
      const [oursMs, bareMs] = await Promise.all(
        [ours, bare].map((app) => options.fake.socketMode.disconnect(app.appToken, "refresh_requested", 30_000)),
      );
      reconnectMs = { drillbot: oursMs ?? Number.NaN, bare: bareMs ?? Number.NaN };
      options.log(`  reconnect after a disconnect message: drillbot ${ms(reconnectMs.drillbot)}, bare ${ms(reconnectMs.bare)}`);
    }
    const targets: Record<AppKind, Target> = {
      drillbot: { app: ours, fake: options.fake, dbPath: options.dbPath },
      bare: { app: bare, fake: options.fake },
    };
    const schedule = roundSchedule(options.rounds);
    const rounds: RoundResult[] = [];
    for (const step of schedule) {
      const result = await runRound(targets[step.kind], step.label, step.warmup);
      rounds.push(result);
      options.log(describeRound(result));
    }
    const connections =
      delivery === "socket"
        ? { drillbot: { ...options.fake.socketMode.statsOf(ours.appToken) }, bare: { ...options.fake.socketMode.statsOf(bare.appToken) } }
        : null;
    for (const app of apps) {
      const sampled = app.peakRssBytes();
      const reported = await app.stop();
      memory[app.kind].peakRssBytes = Math.max(sampled ?? 0, reported ?? 0) || null;
    }
    const measured = (kind: AppKind) => rounds.filter((r) => r.kind === kind && !r.warmup);
    const cpu = (kind: AppKind) => {
      const values = measured(kind)
        .map((r) => r.cpuMsPerClick)
        .filter((v): v is number => v !== null);
      return values.length ? median(values) : null;
    };
    return {
      delivery,
      rounds,
      ours: medianBy(measured("drillbot"), (r) => r.latency.p99),
      bare: medianBy(measured("bare"), (r) => r.latency.p99),
      cpuMsPerClick: { drillbot: cpu("drillbot"), bare: cpu("bare") },
      vsBare: (() => {
        const p99Pairs = pairRatios(rounds, (r) => r.latency.p99);
        const cpuPairs = pairRatios(rounds, (r) => r.cpuMsPerClick);
        return { p99: median(p99Pairs), p99Pairs, cpu: cpuPairs.length ? median(cpuPairs) : null, cpuPairs };
      })(),
      memory,
      reconnectMs,
      connections,
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
    `max ${ms(r.latency.max)} · ${r.requestsPerSecond.toFixed(0)} req/s · errors ${r.errors} · missing acks ${r.missingAcks}${acks} · ` +
    `Web API ${r.api.total} calls (${formatMethods(r.api.byMethod)}) · generator lag ${ms(r.maxStartLagMs)} · ` +
    `CPU ${r.cpuMsPerClick === null ? "n/a" : ms(r.cpuMsPerClick)}/click${r.delivery === "http" ? ` · ${connectionSplit(r.timeline)}` : ""}`
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
  const fresh = timeline.filter((s) => s.newConnection === true).map((s) => s.latencyMs);
  const reused = timeline.filter((s) => s.newConnection === false).map((s) => s.latencyMs);
  return `new connections ${fresh.length} (p50 ${ms(quantile(fresh, 0.5))}), kept-alive p99 ${ms(quantile(reused, 0.99))}`;
}

/** The same stampede against several drillbot instances on one PostgreSQL database, requests
 * spread round-robin over them as a load balancer in HTTP mode would. */
export interface InstancesStampedeResult {
  instances: number;
  rounds: RoundResult[];
  /** The median measured round by p99. */
  ours: RoundResult;
  /** One instance's look at what the others did (its every-2-seconds poll), timed with this
   * many drills running; null when not measured. */
  follow: { runningDrills: number; cycles: number; p50Ms: number; p95Ms: number } | null;
}

/** Drills running while the poll is timed: a busy day with several game days at once. */
export const FOLLOW_DRILLS = 10;
const FOLLOW_CYCLES = 100;

export async function benchInstancesStampede(options: {
  instances: number;
  fake: FakeSlack;
  databaseUrl: string;
  countAcks: (drillId: number) => Promise<number>;
  rounds: number;
  log: (line: string) => void;
  /** One poll cycle's queries, as an instance runs them every 2 s. */
  followCycle?: () => Promise<void>;
  /** Write each instance's V8 CPU profile into this folder (BENCH_CPU_PROF). */
  cpuProfDir?: string;
}): Promise<InstancesStampedeResult> {
  const apps: AppProcess[] = [];
  try {
    // One after the other: the first migrates the empty database, the others find it done.
    for (let i = 0; i < options.instances; i++) {
      apps.push(
        await AppProcess.start("drillbot", {
          delivery: "http",
          apiUrl: options.fake.apiUrl,
          databaseUrl: options.databaseUrl,
          ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
        }),
      );
    }
    await sleep(SETTLE_MS);
    const [first, ...others] = apps as [AppProcess, ...AppProcess[]];
    const target: Target = { app: first, others, fake: options.fake, countAcks: options.countAcks };
    const rounds: RoundResult[] = [];
    for (const label of ["warm-up", ...Array.from({ length: options.rounds }, (_, i) => `round ${i + 1}`)]) {
      const result = await runRound(target, label, label === "warm-up");
      rounds.push(result);
      options.log(describeRound(result));
    }
    let follow: InstancesStampedeResult["follow"] = null;
    if (options.followCycle) {
      const sender = senderFor(target);
      try {
        // Each started by its own facilitator (one person's slash commands in flight are capped).
        const channels = Array.from({ length: FOLLOW_DRILLS }, (_, i) => `C0FOLLOW${String(i).padStart(2, "0")}`);
        const starter = (i: number) => ({ id: `U0FAC${String(i).padStart(3, "0")}`, name: `facilitator${i}` });
        for (const [i, channel] of channels.entries()) await startDrill(target, sender, channel, starter(i));
        const times: number[] = [];
        for (let i = 0; i < FOLLOW_CYCLES; i++) {
          const t = performance.now();
          await options.followCycle();
          times.push(performance.now() - t);
        }
        follow = { runningDrills: FOLLOW_DRILLS, cycles: FOLLOW_CYCLES, p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95) };
        options.log(`  one poll cycle with ${FOLLOW_DRILLS} drills running: p50 ${ms(follow.p50Ms)} · p95 ${ms(follow.p95Ms)}`);
        for (const [i, channel] of channels.entries()) await cancelDrill(target, sender, channel, starter(i));
      } finally {
        sender.close();
      }
    }
    for (const app of apps) await app.stop();
    return {
      follow,
      instances: options.instances,
      rounds,
      ours: medianBy(
        rounds.filter((r) => !r.warmup),
        (r) => r.latency.p99,
      ),
    };
  } catch (error) {
    for (const [i, app] of apps.entries()) options.log(`  instance ${i + 1}'s last lines:\n${app.logTail(30)}`);
    throw error;
  } finally {
    for (const app of apps) app.kill();
  }
}
