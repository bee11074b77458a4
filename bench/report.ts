import { cpus, totalmem } from "node:os";
import { type AppKind, type Delivery, SERVE_NODE_FLAGS, SERVE_NODE_FLAGS_SOURCE } from "./app-process.js";
import type { CatalogResult } from "./catalog.js";
import type { CliStartResult } from "./cliStart.js";
import { formatRows, type HistoryResult } from "./history.js";
import type { ScoringResult } from "./scoring.js";
import {
  type InstancesStampedeResult,
  RESPONDERS,
  type RoundResult,
  SCENARIO_ID,
  SPREAD_MS,
  type StampedeResult,
  WARMUP_ROUNDS,
} from "./stampede.js";
import { mb, median, ms, quantile } from "./stats.js";

// Turns the figures into the Markdown that is printed and saved as bench/RESULTS.md.

export const TARGETS = {
  p99AckMs: 100,
  /** Issue 15: the stampede's p99 within 1.3× the bare Bolt app, over HTTP and in Socket Mode. */
  p99VsBare: 1.3,
  /** Issue 15: CPU time per click within 1.2× the bare Bolt app's. */
  cpuVsBare: 1.2,
  /** Issue 15: the process's high-water mark, start-up included, with no old-space cap. */
  peakRssBytes: 110 * 1024 * 1024,
  /** Issue 15: resident set once started, before the first click. */
  idleRssBytes: 90 * 1024 * 1024,
  historyP95Ms: 50,
  catalogMs: 1_000,
  /** Issue 11: an answer under 1 ms; a 500-answer drill well under a second. */
  scoreAnswerMs: 1,
  score500Ms: 250,
  /** chat.update is coalesced to one per 1.5 s per drill (src/slack/slackDrills.ts)… */
  triggerUpdateIntervalMs: 1_500,
  /** …so it stays within Slack's Tier 3 (about 50 a minute). */
  triggerUpdatesPerMinute: 50,
  /** Issue 15: `drillbot list`, a scripted drill's start and `drillbot lint` (the 14 scenarios), median of 5 cold runs. */
  cliMs: { "drillbot list": 200, "drillbot lint": 400, "scripted drill's start": 200 } as Record<string, number>,
} as const;

export interface BenchResults {
  startedAt: Date;
  elapsedMs: number;
  /** os.loadavg() before and after: how busy the shared machine was. */
  load: { before: number[]; after: number[] };
  /** Each part is missing when BENCH_ONLY left it out (then RESULTS.md is not written). */
  catalog: CatalogResult | undefined;
  stampedes: StampedeResult[];
  /** The HTTP stampede against several instances on one PostgreSQL, or why it did not run. */
  instances?: InstancesStampedeResult | { skipped: string } | undefined;
  cli: CliStartResult | undefined;
  history: HistoryResult | undefined;
  scoring: ScoringResult | undefined;
}

interface Row {
  area: string;
  measure: string;
  result: string;
  target: string;
  pass: boolean | null;
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${mb(totalmem())} RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

const loadLine = (load: number[]): string => load.map((l) => l.toFixed(2)).join(" / ");

export function renderMarkdown(results: BenchResults): string {
  const rows = [
    ...results.stampedes.flatMap(stampedeRows),
    ...(results.instances
      ? instancesRows(
          results.instances,
          results.stampedes.find((st) => st.delivery === "http"),
        )
      : []),
    ...(results.cli ? cliRows(results.cli) : []),
    ...(results.history ? historyRows(results.history) : []),
    ...(results.catalog ? catalogRows(results.catalog) : []),
    ...(results.scoring ? scoringRows(results.scoring) : []),
  ];
  const failed = rows.filter((r) => r.pass === false);
  return [
    "# drillbot benchmark results",
    "",
    `- **Date:** ${results.startedAt.toISOString()}`,
    `- **Machine:** ${machineLine()}`,
    `- **Load average (1 / 5 / 15 min):** ${loadLine(results.load.before)} before, ${loadLine(results.load.after)} after (other work on the machine shows here)`,
    `- **Run:** \`npm run bench\` (bench/run.ts), ${(results.elapsedMs / 1000).toFixed(0)} s in all`,
    `- **drillbot's Node flags** (from ${SERVE_NODE_FLAGS_SOURCE}): ${SERVE_NODE_FLAGS.length ? SERVE_NODE_FLAGS.map((f) => `\`${f}\``).join(" ") : "none"}`,
    ...(results.stampedes.length
      ? [
          `- **Method (stampedes):** both apps run side by side; each gets ${WARMUP_ROUNDS} warm-up rounds, then the measured rounds run in pairs, one`,
          "  round of each app back to back, in ABBA order (drillbot first in odd pairs, the bare app first in even ones), so a",
          "  pair ran under the same machine conditions and neither app always goes first. Each ratio against the bare app",
          "  (p99, CPU per click) is the median of the per-pair ratios; every measured pair counts, none is dropped. The",
          "  stampede itself is the same in every round (500 responders × 2 clicks over 2 s, open loop; Web API answers after 150 ms).",
        ]
      : []),
    `- **Verdict:** ${failed.length === 0 ? "every target met" : `${failed.length} target(s) missed: ${failed.map((r) => `${r.area}: ${r.measure}`).join("; ")}`}`,
    "",
    "| Area | Measure | Result | Target | Pass |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.area} | ${r.measure} | ${r.result} | ${r.target} | ${r.pass === null ? "—" : r.pass ? "✅" : "❌"} |`),
    "",
    ...results.stampedes.flatMap(stampedeDetails),
    ...(results.instances ? instancesDetails(results.instances) : []),
    ...(results.cli ? cliDetails(results.cli) : []),
    ...(results.history ? historyDetails(results.history) : []),
    ...(results.catalog ? catalogDetails(results.catalog) : []),
    ...(results.scoring ? scoringDetails(results.scoring) : []),
  ].join("\n");
}

const deliveryName = (delivery: Delivery): string => (delivery === "http" ? "HTTP" : "Socket Mode");
const times = (value: number | null): string => (value === null || !Number.isFinite(value) ? "n/a" : `${value.toFixed(2)}×`);
const latencies = (r: RoundResult): string => `${ms(r.latency.p50)} / ${ms(r.latency.p95)} / ${ms(r.latency.p99)} / ${ms(r.latency.max)}`;
/** Measured rounds of each app, in the order they ran (round i of each app make pair i). */
const measured = (s: StampedeResult, kind: AppKind): RoundResult[] => s.rounds.filter((r) => r.kind === kind && !r.warmup);
const spread = (values: number[], format: (v: number) => string): string =>
  values.length ? `${format(Math.min(...values))}–${format(Math.max(...values))}` : "n/a";

/** chat.update in one drillbot round, as a pace: updates after the first over the time from the
 * first to the last, per minute (what a longer stampede would sustain); the count itself when
 * there were fewer than two. */
function updatesPerMinute(r: RoundResult): number {
  const { count, spanMs } = r.updates;
  return count < 2 || spanMs <= 0 ? count : ((count - 1) * 60_000) / spanMs;
}

function stampedeRows(s: StampedeResult): Row[] {
  const area = `Stampede (${deliveryName(s.delivery)})`;
  const ours = s.ours;
  const bare = s.bare;
  const p99Ratio = s.vsBare.p99;
  const cpuRatio = s.vsBare.cpu;
  const pairs = s.vsBare.p99Pairs.length;
  const all = (kind: AppKind) => s.rounds.filter((r) => r.kind === kind);
  const sum = (rounds: RoundResult[], value: (r: RoundResult) => number) => rounds.reduce((total, r) => total + value(r), 0);
  const missing = { drillbot: sum(all("drillbot"), (r) => r.missingAcks), bare: sum(all("bare"), (r) => r.missingAcks) };
  const errors = { drillbot: sum(all("drillbot"), (r) => r.errors), bare: sum(all("bare"), (r) => r.errors) };
  const acksNotRecorded = sum(all("drillbot"), (r) => r.lost.acksNotRecorded ?? 0);
  const modalsLost = {
    drillbot: sum(all("drillbot"), (r) => r.lost.modalsNotOpened),
    bare: sum(all("bare"), (r) => r.lost.modalsNotOpened),
  };
  const mem = s.memory;
  const hasOldSpaceCap = SERVE_NODE_FLAGS.some((f) => f.startsWith("--max-old-space-size"));
  const peak = mem.drillbot.peakRssBytes;
  const idle = mem.drillbot.idleRssBytes;
  const paces = all("drillbot").map(updatesPerMinute);
  const fastestPace = Math.max(0, ...paces);
  const allowedUpdates = (r: RoundResult) => Math.ceil(r.apiWindowMs / TARGETS.triggerUpdateIntervalMs) + 1;
  const coalesced = all("drillbot").every((r) => r.updates.count <= allowedUpdates(r));
  const mostUpdates = Math.max(0, ...all("drillbot").map((r) => r.updates.count));
  const rounds = all("drillbot").length;
  return [
    { area, measure: "Ack latency p50 / p95 / p99 / max", result: latencies(ours), target: "—", pass: null },
    { area, measure: "Bare Bolt app p50 / p95 / p99 / max", result: latencies(bare), target: "floor", pass: null },
    {
      area,
      measure: "Ack latency p99",
      result: ms(ours.latency.p99),
      target: `< ${TARGETS.p99AckMs} ms`,
      pass: ours.latency.p99 < TARGETS.p99AckMs,
    },
    {
      area,
      measure: `p99 against the bare Bolt app (median of the ${pairs} round pairs' ratios; each pair)`,
      result: `${times(p99Ratio)}; pairs ${s.vsBare.p99Pairs.map(times).join(", ")}; median rounds ${ms(ours.latency.p99)} vs ${ms(bare.latency.p99)}`,
      target: `≤ ${TARGETS.p99VsBare}×`,
      pass: p99Ratio <= TARGETS.p99VsBare,
    },
    {
      area,
      measure: `Missing acks (none within 3 s), all ${rounds} rounds (ours / bare)`,
      result: `${missing.drillbot} / ${missing.bare} (errors ${errors.drillbot} / ${errors.bare})`,
      target: "0",
      pass: missing.drillbot === 0 && missing.bare === 0,
    },
    {
      area,
      measure: `Lost answers, all ${rounds} rounds: *I'm on it* not recorded + *First move* with no modal`,
      result: `${acksNotRecorded} + ${modalsLost.drillbot} of ${rounds * RESPONDERS * 2} clicks (bare: ${modalsLost.bare} modals)`,
      target: "0",
      pass: acksNotRecorded === 0 && modalsLost.drillbot === 0,
    },
    {
      area,
      measure: `CPU per click (process CPU time / clicks; median of the ${pairs} round pairs' ratios; each pair; each app's median round and spread)`,
      result: `${times(cpuRatio)}; pairs ${s.vsBare.cpuPairs.map(times).join(", ")}; ${orMs(s.cpuMsPerClick.drillbot)} vs ${orMs(s.cpuMsPerClick.bare)}, rounds ${spread(
        measured(s, "drillbot").flatMap((r) => (r.cpuMsPerClick === null ? [] : [r.cpuMsPerClick])),
        ms,
      )} vs ${spread(
        measured(s, "bare").flatMap((r) => (r.cpuMsPerClick === null ? [] : [r.cpuMsPerClick])),
        ms,
      )}`,
      target: `≤ ${TARGETS.cpuVsBare}×`,
      pass: cpuRatio === null ? null : cpuRatio <= TARGETS.cpuVsBare,
    },
    {
      area,
      measure: "Peak RSS (VmHWM, start-up included)",
      result: `${orNa(peak)}; start-up alone ${orNa(mem.drillbot.startupPeakRssBytes)} (bare Bolt: ${orNa(mem.bare.peakRssBytes)}; ${orNa(mem.bare.startupPeakRssBytes)})${hasOldSpaceCap ? "; with an old-space cap" : ""}`,
      target: `< ${mb(TARGETS.peakRssBytes)}, no old-space cap`,
      pass: peak === null ? null : peak < TARGETS.peakRssBytes && !hasOldSpaceCap,
    },
    {
      area,
      measure: "Idle RSS after start (VmRSS before the first click)",
      result: `${orNa(idle)} (bare Bolt: ${orNa(mem.bare.idleRssBytes)})`,
      target: `< ${mb(TARGETS.idleRssBytes)}`,
      pass: idle === null ? null : idle < TARGETS.idleRssBytes,
    },
    {
      area,
      measure: "chat.update of the trigger message",
      result: `${ours.updates.count} for ${ours.clicksSent} acks in the median round (at most ${mostUpdates} in a round); fastest pace ${fastestPace.toFixed(0)}/min`,
      target: `≤ ${TARGETS.triggerUpdatesPerMinute}/min, coalesced (1 per 1.5 s)`,
      pass: fastestPace <= TARGETS.triggerUpdatesPerMinute && coalesced,
    },
    {
      area,
      measure: "Requests per second (ours / bare)",
      result: `${ours.requestsPerSecond.toFixed(0)} / ${bare.requestsPerSecond.toFixed(0)}`,
      target: `offered ${((RESPONDERS * 2) / (SPREAD_MS / 1000)).toFixed(0)}`,
      pass: null,
    },
    {
      area,
      measure: "Web API calls caused, per second (peak / average)",
      result: `${ours.api.peakPerSecond} / ${ours.api.averagePerSecond.toFixed(0)} (bare: ${bare.api.peakPerSecond} / ${bare.api.averagePerSecond.toFixed(0)})`,
      target: "—",
      pass: null,
    },
  ];
}

const orMs = (value: number | null): string => (value === null ? "n/a" : ms(value));

function cliRows(c: CliStartResult): Row[] {
  return c.commands.map((command) => {
    const wall = median(command.wallMs);
    const rss = command.peakRssBytes.filter((b): b is number => b !== null);
    const limit = TARGETS.cliMs[command.name];
    return {
      area: "CLI start",
      measure: `${command.name}: wall time ${command.measures} (median of ${c.runs} cold runs; the spread), CPU time to the exit, peak RSS`,
      result: `${wall.toFixed(0)} ms (${spread(command.wallMs, (v) => v.toFixed(0))} ms); CPU ${command.cpuMs.length ? `${median(command.cpuMs).toFixed(0)} ms` : "n/a"}; ${rss.length ? mb(median(rss)) : "n/a"}`,
      target: limit === undefined ? "floor" : `< ${limit} ms`,
      pass: limit === undefined ? null : wall < limit,
    };
  });
}

const orNa = (bytes: number | null): string => (bytes === null ? "n/a" : mb(bytes));

function historyRows(h: HistoryResult): Row[] {
  const area = "History";
  return [
    {
      area,
      measure: "Generated database",
      result: `${mb(h.dbBytes)} on disk; ${formatRows(h.rows)}; ${(h.generateMs / 1000).toFixed(1)} s`,
      target: "—",
      pass: null,
    },
    ...h.timings.map((t) => ({
      area,
      measure: `${t.name} (p50 / p95)`,
      result: `${ms(t.times.p50)} / ${ms(t.times.p95)}`,
      target: t.perRequest === false ? (t.when ?? "once, before listening") : `p95 < ${TARGETS.historyP95Ms} ms`,
      pass: t.perRequest === false ? null : t.times.p95 < TARGETS.historyP95Ms,
    })),
  ];
}

function catalogRows(c: CatalogResult): Row[] {
  return [
    {
      area: "Catalog",
      measure: `${c.files} generated scenarios: load and validate`,
      result: `${ms(c.coldMs)} first load (${ms(c.warmMs)} warm); ${c.loaded} loaded, ${c.problems} problems`,
      target: `< ${TARGETS.catalogMs} ms, all valid`,
      pass: c.coldMs < TARGETS.catalogMs && c.loaded === c.files && c.problems === 0,
    },
  ];
}

function scoringRows(r: ScoringResult): Row[] {
  return [
    {
      area: "Scoring",
      measure: `one first move (p99 over ${r.answers} real answers × 20)`,
      result: `p99 ${ms(r.p99Ms)}, mean ${ms(r.meanMs)}, max ${ms(r.maxMs)}`,
      target: `< ${TARGETS.scoreAnswerMs} ms`,
      pass: r.p99Ms < TARGETS.scoreAnswerMs,
    },
    {
      area: "Scoring",
      measure: "500 answers of one drill",
      result: ms(r.drill500Ms),
      target: `< ${TARGETS.score500Ms} ms`,
      pass: r.drill500Ms < TARGETS.score500Ms,
    },
  ];
}

function scoringDetails(r: ScoringResult): string[] {
  return [
    "## Scoring",
    "",
    `Every answer of the blind-written tuning corpus (test/fixtures/scoring-dev, ${r.answers} answers) judged as a drill judges it (its scenario's compiled rubric, then its precedents' model), 20 times after a warm-up: mean ${ms(r.meanMs)}, p99 ${ms(r.p99Ms)}, max ${ms(r.maxMs)} per answer.`,
    `500 answers judged one after the other (the end of a 500-responder drill): ${ms(r.drill500Ms)}. Compiling all ${r.scenarios} rubrics with the lexicon: ${ms(r.compileAllMs)}. Training all ${r.scenarios} precedent models from their files (what a team's own scenario pays once, on its first answer; the build trains the built-in ones): ${ms(r.trainAllMs)}.`,
    "",
  ];
}

function stampedeDetails(s: StampedeResult): string[] {
  const name = deliveryName(s.delivery);
  const how =
    s.delivery === "http"
      ? [
          "Each click is a form post signed as Slack signs it, sent to the app's HTTP receiver over a keep-alive pool;",
          "latency is from sending the request to its HTTP response (the ack).",
        ]
      : [
          'Each click is an envelope (`{envelope_id, type: "interactive", payload}`) written to the app\'s own WebSocket,',
          "as Slack delivers in Socket Mode; latency is from writing the envelope to reading the app's `{envelope_id}` ack on",
          "the socket. The fake Slack (bench/fakeSocketMode.ts) answers `apps.connections.open` with a one-time `ws://` URL",
          "on 127.0.0.1, sends `hello`, pings every 10 s and answers the client's pings; no compression is negotiated.",
          "Before the warm-up both apps are sent a `disconnect` (`refresh_requested`) and must reconnect, so the rounds run on",
          "a connection each app re-opened.",
        ];
  const connections = s.connections;
  const reconnect = s.reconnectMs;
  const mem = s.memory;
  return [
    `## Stampede over ${name}`,
    "",
    `Each round starts a \`${SCENARIO_ID}\` drill with \`/drill ${SCENARIO_ID}\` in a new channel, waits for the trigger message,`,
    `then ${RESPONDERS} responders arrive evenly over ${SPREAD_MS / 1000} s (open loop); each clicks *I'm on it*, then *First move*`,
    "as soon as the first click is acknowledged.",
    ...how,
    "The fake Slack Web API on 127.0.0.1 answers every call after 150 ms. The bare Bolt app acks the same payloads and",
    "opens a one-input modal for *First move*, nothing else. Each runs in its own Node process as plain JavaScript, with",
    "no TypeScript loader: drillbot exactly as `npm start` runs it (`node bin/drillbot.js serve`, the compiled dist/,",
    "configured by the environment, with the Node flags above), the bare app from bench/bare-child.mjs.",
    `Rounds run as in the header's *Method*: ${WARMUP_ROUNDS} warm-up rounds each, then pairs in ABBA order (the table lists them as they ran);`,
    "the latency rows above show each app's median round by p99, the ratios are the median of the pairs' ratios.",
    "",
    "| App | Round | p50 | p95 | p99 | max | *I'm on it* p99 | *First move* p99 | req/s | errors | missing acks | acks recorded | modals | chat.update | app CPU per click | generator lag |" +
      (s.delivery === "http" ? " new connections (p50) |" : ""),
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |${s.delivery === "http" ? " --- |" : ""}`,
    ...s.rounds.map(roundLine),
    "",
    "Memory of each process, from /proc/<pid>/status: *idle* is VmRSS once started (after a 1 s settle, before any",
    "click); *start-up peak* is VmHWM at that moment; *peak* is VmHWM when the process stopped (its high-water mark over",
    "its whole life).",
    "",
    "| App | idle RSS | start-up peak | peak |",
    "| --- | --- | --- | --- |",
    `| drillbot | ${orNa(mem.drillbot.idleRssBytes)} | ${orNa(mem.drillbot.startupPeakRssBytes)} | ${orNa(mem.drillbot.peakRssBytes)} |`,
    `| bare Bolt | ${orNa(mem.bare.idleRssBytes)} | ${orNa(mem.bare.startupPeakRssBytes)} | ${orNa(mem.bare.peakRssBytes)} |`,
    "",
    ...(reconnect && connections
      ? [
          "Socket Mode connections over the run. *Reconnect* is from the fake's `disconnect` message to the app's next",
          "connection (@slack/socket-mode waits its client ping timeout, 5 s, before it asks for a new URL).",
          "",
          "| App | reconnect | connections opened | URLs issued | pings from the app | server pings answered | stray acks |",
          "| --- | --- | --- | --- | --- | --- | --- |",
          ...(["drillbot", "bare"] as const).map((kind) => {
            const c = connections[kind];
            return `| ${kind === "drillbot" ? "drillbot" : "bare Bolt"} | ${ms(reconnect[kind])} | ${c.opened} | ${c.urlsIssued} | ${c.pingsFromApp} | ${c.pongsFromApp} of ${c.pingsToApp} | ${c.strayAcks} |`;
          }),
          "",
        ]
      : []),
    "*Missing acks* are clicks with no ack within Slack's 3 s (an error, no answer, or a late ack). *Acks recorded* is",
    "*I'm on it* rows in SQLite for the round's drill; *modals* is views.open calls the round caused (one per *First move*",
    "click). *Generator lag* is how late the load generator started a responder against its schedule; while it stays",
    "small, the latencies are the app's and not a queue the benchmark built. *App CPU per click* is the app process's",
    "CPU time (user + system, all threads, from /proc) from the first click until the Web API calls stopped, divided by",
    "the clicks sent.",
    ...(s.delivery === "http"
      ? [
          "*New connections* are requests the keep-alive pool had no free socket for; a saturated event loop serves them",
          "last, so they carry the tail.",
        ]
      : []),
    ...(s.cpuProfDir
      ? ["", `CPU profiles of drillbot and the bare app: \`${s.cpuProfDir}\`/drillbot and /bare (open in Chrome DevTools).`]
      : []),
    "",
  ];
}

function roundLine(r: RoundResult): string {
  const name = r.kind === "drillbot" ? "drillbot" : "bare Bolt";
  const cells = [
    name,
    r.label,
    ms(r.latency.p50),
    ms(r.latency.p95),
    ms(r.latency.p99),
    ms(r.latency.max),
    ms(r.ackClick.p99),
    ms(r.firstMoveClick.p99),
    r.requestsPerSecond.toFixed(0),
    `${r.errors}${r.errorSamples.length ? ` (${r.errorSamples.join("; ")})` : ""}`,
    String(r.missingAcks),
    r.acksRecorded === null ? "—" : String(r.acksRecorded),
    String(r.api.byMethod["views.open"] ?? 0),
    r.updates.count ? `${r.updates.count} (${updatesPerMinute(r).toFixed(0)}/min)` : "0",
    r.cpuMsPerClick === null ? "n/a" : ms(r.cpuMsPerClick),
    ms(r.maxStartLagMs),
    ...(r.delivery === "http" ? [newConnections(r)] : []),
  ];
  return `| ${cells.join(" | ")} |`;
}

function newConnections(r: RoundResult): string {
  const fresh = r.timeline.filter((s) => s.newConnection === true).map((s) => s.latencyMs);
  return fresh.length ? `${fresh.length} (${ms(quantile(fresh, 0.5))})` : "0";
}

function cliDetails(c: CliStartResult): string[] {
  return [
    "## CLI start",
    "",
    "Each command runs in a new Node process from the repo root (`node bin/drillbot.js …`, which runs the compiled",
    "JavaScript in dist/ as an installed package does), so every run is a cold start of Node and drillbot; only the OS",
    `file cache is warm. No untimed run: the commands take turns (run 1 of each, then run 2 of each, …), ${c.runs} runs each.`,
    "Wall time is from spawning the process to its exit; for the scripted drill (the answer piped on stdin, the",
    "database already migrated) to the first prompt, when the alert and the runbook are on screen. Peak RSS is the",
    "process's VmHWM at exit and CPU time is its user + system time to the exit (both written by a small preload,",
    "bench/peakRss.cjs). On a machine other work keeps busy, wall time swings with the load; CPU time much less.",
    "",
    "| Command | what is timed | median | runs | CPU time (median) | peak RSS (median) | to the exit (median) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...c.commands.map((command) => {
      const rss = command.peakRssBytes.filter((b): b is number => b !== null);
      return `| \`${command.command}\` | ${command.measures} | ${median(command.wallMs).toFixed(0)} ms | ${command.wallMs.map((v) => v.toFixed(0)).join(", ")} ms | ${command.cpuMs.length ? `${median(command.cpuMs).toFixed(0)} ms` : "n/a"} | ${rss.length ? mb(median(rss)) : "n/a"} | ${command.exitMs ? `${median(command.exitMs).toFixed(0)} ms` : "—"} |`;
    }),
    "",
  ];
}

function historyDetails(h: HistoryResult): string[] {
  return [
    "## History",
    "",
    `A SQLite file made through the real migrations holds ${formatRows(h.rows)}`,
    "(synthetic and seeded: 2,000 people, the repo's scenarios and their stored versions, 5 years of drills, the derived",
    "results tables filled as ending a drill fills them). Each read runs the app's own code 50 times after 5 untimed runs;",
    "the Web API client is never called, so only drillbot's work is timed.",
    "",
    "| Read | How it is done | p50 | p95 | p99 | max |",
    "| --- | --- | --- | --- | --- | --- |",
    ...h.timings.map(
      (t) => `| ${t.name} | ${t.source} | ${ms(t.times.p50)} | ${ms(t.times.p95)} | ${ms(t.times.p99)} | ${ms(t.times.max)} |`,
    ),
    "",
  ];
}

function catalogDetails(c: CatalogResult): string[] {
  return [
    "## Catalog",
    "",
    `${c.files} scenario files (the repo's scenarios copied under new ids, each with its runbook) loaded with \`loadCatalog\`:`,
    `first load ${ms(c.coldMs)} (CPU ${ms(c.coldCpuMs)}), warm median ${ms(c.warmMs)}.`,
    "",
  ];
}

function instancesRows(i: InstancesStampedeResult | { skipped: string }, single: StampedeResult | undefined): Row[] {
  const n = "skipped" in i ? null : i.instances;
  const area = `Stampede, ${n ?? "several"} instance${n === 1 ? "" : "s"} on PostgreSQL`;
  if ("skipped" in i) return [{ area, measure: "Not run", result: i.skipped, target: "—", pass: null }];
  const r = i.ours;
  const lost = (r.lost.acksNotRecorded ?? 0) + r.lost.modalsNotOpened + r.errors;
  return [
    {
      area,
      measure: "Ack latency p50 / p95 / p99 / max",
      result: `${ms(r.latency.p50)} / ${ms(r.latency.p95)} / ${ms(r.latency.p99)} / ${ms(r.latency.max)}`,
      target: "—",
      pass: null,
    },
    {
      area,
      measure: "Ack latency p99, beside the single SQLite process",
      result: `${ms(r.latency.p99)}${single ? ` (one process on SQLite: ${ms(single.ours.latency.p99)})` : ""}`,
      target: `< ${TARGETS.p99AckMs} ms`,
      pass: r.latency.p99 < TARGETS.p99AckMs,
    },
    ...(i.follow
      ? [
          {
            area,
            measure: `One instance's 2 s poll of the others' work, ${i.follow.runningDrills} drills running (p50 / p95)`,
            result: `${ms(i.follow.p50Ms)} / ${ms(i.follow.p95Ms)}`,
            target: "—",
            pass: null,
          },
        ]
      : []),
    {
      area,
      measure: "Clicks lost (errors, acks not recorded, modals not opened)",
      result: `${lost} (acks recorded ${r.acksRecorded ?? "?"} / ${r.clicksSent}, missing acks ${r.missingAcks})`,
      target: "0",
      pass: lost === 0 && r.missingAcks === 0,
    },
  ];
}

function instancesDetails(i: InstancesStampedeResult | { skipped: string }): string[] {
  if ("skipped" in i) return ["## Stampede against several instances on PostgreSQL", "", `Not run: ${i.skipped}`, ""];
  return [
    `## Stampede against ${i.instances} instances on PostgreSQL`,
    "",
    `The HTTP stampede above, against ${i.instances} drillbot processes sharing one PostgreSQL database (a throwaway server`,
    "started by scripts/pg-test-server.sh on this machine, fsync off), each wired as `npm start` wires it with",
    "`DATABASE_URL` set. Requests go round-robin over the processes, as a load balancer in HTTP mode spreads them (the",
    "balancer's own hop is not measured). The database, the load generator, the fake Slack and every drillbot process share",
    "the machine's cores. *Acks recorded* counts *I'm on it* rows in PostgreSQL; *app CPU per click* sums every drillbot process.",
    "",
    "| App | Round | p50 | p95 | p99 | max | *I'm on it* p99 | *First move* p99 | req/s | errors | missing acks | acks recorded | modals | chat.update | app CPU per click | generator lag | new connections (p50) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...i.rounds.map(roundLine),
    "",
    ...(i.follow
      ? [
          `Every 2 s each instance looks at what the others did (src/scheduler/housekeeping.ts \`FOLLOW_MS\`): the running`,
          "drills and their clocks, the active schedules and the outbox's next messages. With",
          `${i.follow.runningDrills} drills running, one such cycle took p50 ${ms(i.follow.p50Ms)} / p95 ${ms(i.follow.p95Ms)} (${i.follow.cycles} cycles, from`,
          "the benchmark process, on the same database).",
          "",
        ]
      : []),
  ];
}
