import { statSync } from "node:fs";
import { LogLevel } from "@slack/logger";
import type Database from "better-sqlite3";
import { systemClock } from "../src/domain/clock.js";
import type { Scenario } from "../src/domain/scenario.js";
import { firstMoveScore } from "../src/domain/scoring.js";
import { realTimers } from "../src/scheduler/timers.js";
import { DrillService } from "../src/service/drillService.js";
import { createSlackApp, type SlackApp, type SlackAppOptions } from "../src/slack/app.js";
import { stats } from "../src/slack/listeners/commands/subcommands/stats.js";
import { appHomeOpened } from "../src/slack/listeners/events/appHomeOpened.js";
import { createLogger } from "../src/slack/logger.js";
import { copySqliteToPostgres } from "../src/store/pg/copyFromSqlite.js";
import { createPgPool } from "../src/store/pg/pool.js";
import { openSqliteStores, type SqliteStores } from "../src/store/sqlite.js";
import type { DrillStore } from "../src/store/store.js";
import { openStores } from "../src/store/stores.js";
import { BOT_TOKEN, SIGNING_SECRET } from "./app-process.js";
import { type Summary, seededRandom, summarise, timeRuns } from "./stats.js";

// Years of history: a SQLite file, made through the real migrations, holding 100,000 drills and
// 2,000,000 responses, then the reads a team does on it, each through the code Slack requests
// run (listeners called directly, with the Web API stubbed out so only drillbot's work is timed).

export const DRILLS = 100_000;
export const RESPONSES = 2_000_000;
const USERS = 2_000;
const CHANNELS = 150;
const YEARS = 5;
const DAY_MS = 86_400_000;
/** Drills still running at the end of history (one per channel, as the schema demands). */
const RUNNING = 3;
/** Game days across the workspace's channels; App Home computes each one's next run. */
const SCHEDULES = 2_000;
/** Cadences, some with a next run years away (29 February), which once cost ~0.5 s per open. */
const CADENCES = ["0 10 * * 1", "30 9 * * 1-5", "* * 29 2 *", "0 9 29 2 1", "*/15 8-17 * * *"];
const ACTION_ITEMS = 2_000;

export interface HistoryTiming {
  name: string;
  /** The code path timed. */
  source: string;
  times: Summary;
  /** False for work done once at start (no per-request target). */
  perRequest?: false;
  /** When that once is (default: at start, before the app listens). */
  when?: string;
}

export interface HistoryResult {
  generateMs: number;
  rows: Record<string, number>;
  dbBytes: number;
  timings: HistoryTiming[];
}

export async function benchHistory(options: {
  dbPath: string;
  scenarios: Map<string, Scenario>;
  runs: number;
  log: (line: string) => void;
}): Promise<HistoryResult> {
  const stores = openSqliteStores(options.dbPath);
  try {
    for (const scenario of options.scenarios.values()) await stores.drills.saveScenarioVersion(scenario);
    const started = performance.now();
    const rows = generate(stores.drills.db, [...options.scenarios.values()]);
    rows.schedules = await addSchedules(stores);
    rows.action_items = addActionItems(stores.drills.db, [...options.scenarios.values()]);
    const generateMs = performance.now() - started;
    options.log(`  generated ${formatRows(rows)} in ${(generateMs / 1000).toFixed(1)} s`);
    stores.drills.db.pragma("wal_checkpoint(TRUNCATE)");
    const timings = await timeReads(stores, options.scenarios, options.runs);
    return { generateMs, rows, dbBytes: fileBytes(options.dbPath), timings };
  } finally {
    await stores.drills.close();
  }
}

/** The same history and the same reads on PostgreSQL: generated in a SQLite file as above, copied
 * with `drillbot migrate --from sqlite:`'s code into the database at `url` (an empty one), then
 * read through the PostgreSQL stores. */
export async function benchHistoryOnPostgres(options: {
  url: string;
  dbPath: string;
  scenarios: Map<string, Scenario>;
  runs: number;
  log: (line: string) => void;
}): Promise<HistoryResult & { copyMs: number }> {
  const sqlite = openSqliteStores(options.dbPath);
  const started = performance.now();
  let rows: Record<string, number>;
  try {
    for (const scenario of options.scenarios.values()) await sqlite.drills.saveScenarioVersion(scenario);
    rows = generate(sqlite.drills.db, [...options.scenarios.values()]);
    rows.schedules = await addSchedules(sqlite);
    rows.action_items = addActionItems(sqlite.drills.db, [...options.scenarios.values()]);
  } finally {
    await sqlite.close();
  }
  const generateMs = performance.now() - started;
  options.log(`  generated ${formatRows(rows)} in SQLite in ${(generateMs / 1000).toFixed(1)} s`);
  const pool = createPgPool(options.url, { max: 1, applicationName: "drillbot bench" });
  const copyStarted = performance.now();
  let dbBytes: number;
  try {
    await copySqliteToPostgres(options.dbPath, pool);
    // Tables with their indexes and TOAST, in this connection's schema.
    const { rows: size } = await pool.query<{ bytes: string }>(
      "SELECT sum(pg_total_relation_size(oid))::text AS bytes FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'",
    );
    dbBytes = Number(size[0]?.bytes ?? 0);
  } finally {
    await pool.end();
  }
  const copyMs = performance.now() - copyStarted;
  options.log(`  copied to PostgreSQL in ${(copyMs / 1000).toFixed(1)} s`);
  const stores = await openStores({ kind: "postgres", url: options.url });
  try {
    const timings = await timeReads(stores, options.scenarios, options.runs);
    return { generateMs, copyMs, rows, dbBytes, timings };
  } finally {
    await stores.close();
  }
}

function fileBytes(dbPath: string): number {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return size(dbPath) + size(`${dbPath}-wal`);
}

export function formatRows(rows: Record<string, number>): string {
  return Object.entries(rows)
    .map(([table, n]) => `${n.toLocaleString("en-US")} ${table}`)
    .join(", ");
}

// ---------------------------------------------------------------------------------------------
// Generation

interface Users {
  ids: string[];
  names: string[];
}

/** One step of the expected walk through a scenario's tree, for synthetic decision steps. */
interface WalkStep {
  nodeId: string;
  optionId: string;
  nextId: string;
}

interface ScenarioPlan {
  scenario: Scenario;
  walk: WalkStep[];
  /** Score JSON and answer text for a right and a wrong first move, computed once. */
  right: { text: string; score: string };
  wrong: { text: string; score: string };
}

type Counts = {
  drills: number;
  responders: number;
  first_moves: number;
  decision_steps: number;
  inject_posts: number;
  drill_results: number;
  responder_results: number;
  schedules: number;
  action_items: number;
};

/** What one generated drill's results rows (drill_results, responder_results) are made of. */
interface DrillTally {
  id: number;
  scenarioId: string;
  venue: string;
  mode: "read" | "blind";
  startedAt: number;
  endedAt: number;
  readWindowMs: number;
  responders: number;
  answered: number;
  correctInWindow: number;
  times: number[];
}

const userId = (i: number) => `U0H${String(i).padStart(6, "0")}`;

function generate(db: Database.Database, scenarios: Scenario[]): Counts {
  const random = seededRandom(20_261_123);
  const users: Users = {
    ids: Array.from({ length: USERS }, (_, i) => userId(i)),
    names: Array.from({ length: USERS }, (_, i) => `engineer${i}`),
  };
  const plans = scenarios.map(planFor);
  // Synthetic rows are consistent by construction; checking every foreign key and syncing the
  // file as we go would only slow generation down. The app's pragmas come back afterwards.
  db.pragma("foreign_keys = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  const insert = prepareInserts(db);
  const rows: Counts = {
    drills: 0,
    responders: 0,
    first_moves: 0,
    decision_steps: 0,
    inject_posts: 0,
    drill_results: 0,
    responder_results: 0,
    schedules: 0,
    action_items: 0,
  };
  const start = Date.now() - YEARS * 365 * DAY_MS;
  const spacing = (YEARS * 365 * DAY_MS) / DRILLS;
  const batch = 5_000;
  for (let from = 1; from <= DRILLS; from += batch) {
    db.transaction(() => {
      for (let id = from; id < from + batch && id <= DRILLS; id++) {
        const plan = plans[Math.floor(random() * plans.length)] ?? plans[0];
        if (!plan) throw new Error("no scenario to generate drills for");
        insertDrill(insert, rows, random, users, plan, id, Math.round(start + id * spacing + random() * spacing));
      }
    })();
  }
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return rows;
}

function prepareInserts(db: Database.Database) {
  return {
    drill: db.prepare(
      `INSERT INTO drills (id, scenario_id, scenario_hash, mode, surface, venue, venue_ref, venue_link, started_by_id, started_by_name,
         started_at, read_window_ms, time_limit_ms, status, ended_at, end_reason, ended_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    responder: db.prepare(
      "INSERT INTO responders (drill_id, user_id, user_name, joined_at, acked_at, walk_started_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    firstMove: db.prepare(
      `INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, override_correct, override_by, override_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    step: db.prepare(
      `INSERT INTO decision_steps (drill_id, user_id, seq, node_id, option_id, next_id, entered_at, chosen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    inject: db.prepare("INSERT INTO inject_posts (drill_id, inject_index, due_at, posted_at) VALUES (?, ?, ?, ?)"),
    drillResult: db.prepare(
      `INSERT INTO drill_results (drill_id, scenario_id, venue, mode, ended_at, responders, answered, correct_in_window, median_first_move_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    responderResult: db.prepare(
      `INSERT INTO responder_results (drill_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct, correct_in_window,
         time_to_first_move_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

type Inserts = ReturnType<typeof prepareInserts>;

/** Responders per drill: 20 on average, 5 to 35, paired so the total is exactly 2,000,000. */
function responderCount(id: number): number {
  const spread = (Math.ceil(id / 2) * 7919) % 16; // the same for drills 2k-1 and 2k, which cancel out
  return id % 2 === 1 ? 20 + spread : 20 - spread;
}

/** Strides coprime with 2,000 walk the user list without repeating anyone within a drill. */
const STRIDES = [1, 3, 7, 9, 11, 13, 17, 19, 21, 23, 27, 29, 31, 33, 37, 39, 41, 43];

function insertDrill(insert: Inserts, rows: Counts, random: () => number, users: Users, plan: ScenarioPlan, id: number, startedAt: number) {
  const scenario = plan.scenario;
  const running = id > DRILLS - RUNNING;
  const slack = running || random() < 0.9;
  const venue = slack ? `C0CH${String(running ? CHANNELS + id : id % CHANNELS).padStart(5, "0")}` : "terminal";
  const cancelled = !running && random() < 0.03;
  const durationMs = Math.min(scenario.timeLimitMs, 6 * 60_000 + Math.floor(random() * 9 * 60_000));
  const starter = Math.floor(random() * USERS);
  const ts = `${Math.floor(startedAt / 1000)}.000100`;
  const mode = random() < 0.8 ? "read" : "blind";
  insert.drill.run(
    id,
    scenario.id,
    scenario.hash,
    mode,
    slack ? "slack" : "terminal",
    venue,
    slack ? ts : null,
    slack ? `https://acme.slack.com/archives/${venue}/p${ts.replace(".", "")}` : null,
    users.ids[starter],
    users.names[starter],
    startedAt,
    scenario.readWindowMs,
    scenario.timeLimitMs,
    running ? "running" : cancelled ? "cancelled" : "ended",
    running ? null : startedAt + durationMs,
    running ? null : cancelled ? "cancelled" : durationMs === scenario.timeLimitMs ? "time_limit" : "manual",
    running ? null : users.ids[starter],
  );
  rows.drills++;
  // Results rows exist exactly for ended drills, as DrillService.end writes them.
  const tally: DrillTally | null =
    running || cancelled
      ? null
      : {
          id,
          scenarioId: scenario.id,
          venue,
          mode,
          startedAt,
          endedAt: startedAt + durationMs,
          readWindowMs: scenario.readWindowMs,
          responders: 0,
          answered: 0,
          correctInWindow: 0,
          times: [],
        };
  const withSteps = random() < 0.05; // a few drills have their decision tree walked
  const first = Math.floor(random() * USERS);
  const stride = STRIDES[Math.floor(random() * STRIDES.length)] ?? 1;
  const count = responderCount(id);
  for (let k = 0; k < count; k++) {
    const u = (first + k * stride) % USERS;
    const user = { id: users.ids[u] ?? "", name: users.names[u] ?? "" };
    insertResponder(insert, rows, random, user, plan, { id, startedAt, withSteps, tally });
  }
  for (let index = 0; index < Math.min(2, scenario.injectOffsetsMs.length) && !running; index++) {
    const dueAt = startedAt + (scenario.injectOffsetsMs[index] ?? 0);
    insert.inject.run(id, index, dueAt, dueAt + Math.floor(random() * 400));
    rows.inject_posts++;
  }
  if (tally) insertDrillResult(insert, rows, tally);
}

function insertResponder(
  insert: Inserts,
  rows: Counts,
  random: () => number,
  user: { id: string; name: string },
  plan: ScenarioPlan,
  drill: { id: number; startedAt: number; withSteps: boolean; tally: DrillTally | null },
): void {
  const joinedAt = drill.startedAt + 1_000 + Math.floor(random() * 90_000);
  const answers = random() < 0.85;
  const walks = drill.withSteps && answers;
  const answeredAt = joinedAt + 5_000 + Math.floor(random() * 200_000);
  insert.responder.run(drill.id, user.id, user.name, joinedAt, random() < 0.95 ? joinedAt : null, walks ? answeredAt + 2_000 : null);
  rows.responders++;
  let correct = false;
  if (answers) {
    const move = random() < 0.6 ? plan.right : plan.wrong;
    const overridden = random() < 0.02;
    correct = overridden ? move !== plan.right : move === plan.right;
    insert.firstMove.run(
      drill.id,
      user.id,
      move.text,
      answeredAt,
      move === plan.right ? 1 : 0,
      move.score,
      overridden ? (correct ? 1 : 0) : null,
      overridden ? "U0FACILIT" : null,
      overridden ? answeredAt + 600_000 : null,
    );
    rows.first_moves++;
  }
  if (walks) insertSteps(insert, rows, random, user.id, plan, drill.id, answeredAt + 2_000);
  const tally = drill.tally;
  if (!tally) return;
  const t = answers ? answeredAt - drill.startedAt : null;
  const inWindow = correct && t !== null && t <= tally.readWindowMs;
  tally.responders++;
  if (t !== null) {
    tally.answered++;
    tally.times.push(t);
  }
  if (inWindow) tally.correctInWindow++;
  insert.responderResult.run(
    drill.id,
    user.id,
    user.name,
    tally.scenarioId,
    tally.venue,
    tally.endedAt,
    answers ? 1 : 0,
    correct ? 1 : 0,
    inWindow ? 1 : 0,
    t,
  );
  rows.responder_results++;
}

function insertSteps(insert: Inserts, rows: Counts, random: () => number, user: string, plan: ScenarioPlan, drillId: number, from: number) {
  let at = from;
  plan.walk.forEach((step, seq) => {
    const chosenAt = at + 5_000 + Math.floor(random() * 40_000);
    insert.step.run(drillId, user, seq + 1, step.nodeId, step.optionId, step.nextId, at, chosenAt);
    rows.decision_steps++;
    at = chosenAt;
  });
}

function insertDrillResult(insert: Inserts, rows: Counts, tally: DrillTally): void {
  const times = tally.times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length === 0 ? null : times.length % 2 ? times[mid] : Math.round(((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2);
  insert.drillResult.run(
    tally.id,
    tally.scenarioId,
    tally.venue,
    tally.mode,
    tally.endedAt,
    tally.responders,
    tally.answered,
    tally.correctInWindow,
    median ?? null,
  );
  rows.drill_results++;
}

/** Real answers scored by the real rubric, so a debrief of generated history reads true. */
function planFor(scenario: Scenario): ScenarioPlan {
  const rightText = scenario.first_move.expected.replace(/\s+/g, " ").trim();
  const wrongText = "Restart the pods and roll back the last deploy straight away";
  return {
    scenario,
    walk: expectedWalk(scenario),
    right: { text: rightText, score: JSON.stringify(firstMoveScore(rightText, scenario.rubric)) },
    wrong: { text: wrongText, score: JSON.stringify(firstMoveScore(wrongText, scenario.rubric)) },
  };
}

function expectedWalk(scenario: Scenario): WalkStep[] {
  const tree = scenario.tree;
  if (!tree) return []; // a quick drill has no walk
  const path = tree.expected_path;
  const walk: WalkStep[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const nodeId = path[i] ?? "";
    const nextId = path[i + 1] ?? "";
    const option = tree.nodes[nodeId]?.options.find((o) => o.next === nextId);
    if (option) walk.push({ nodeId, optionId: option.id, nextId });
  }
  return walk;
}

/** Game days in many channels, so App Home's "upcoming" part has plenty to compute. */
async function addSchedules(stores: SqliteStores): Promise<number> {
  for (let i = 0; i < SCHEDULES; i++) {
    await stores.schedules.createSchedule({
      channel: `C0CH${String(i).padStart(5, "0")}`,
      cron: CADENCES[i % CADENCES.length] ?? "0 10 * * 1",
      timezone: "Europe/Berlin",
      scenario: i % 2 ? "random" : "random:security",
      mode: "read",
      headsUp: i % 3 === 0,
      createdBy: "U0FACILIT",
      createdAt: Date.now() - DAY_MS * 30,
    });
  }
  return SCHEDULES;
}

/** Runbook fixes flagged in debriefs over the years; debriefs list their drill's. */
function addActionItems(db: Database.Database, scenarios: Scenario[]): number {
  const random = seededRandom(7);
  const insert = db.prepare(
    `INSERT INTO action_items (drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at, status)
     SELECT id, scenario_id, ?, ?, ?, ?, ?, ?, started_at + 1000000, ? FROM drills WHERE id = ?`,
  );
  const parts = ["trigger", "verify", "impact", "diagnose", "mitigate"];
  db.transaction(() => {
    for (let i = 0; i < ACTION_ITEMS; i++) {
      const scenario = scenarios[i % scenarios.length];
      insert.run(
        scenario?.runbook ?? "runbooks/unknown.md",
        parts[i % parts.length],
        i % 2 ? "wrong" : "unclear",
        "The verification step names a dashboard that was renamed",
        userId(i % USERS),
        `engineer${i % USERS}`,
        random() < 0.7 ? "done" : "open",
        1 + Math.floor(random() * (DRILLS - RUNNING)),
      );
    }
  })();
  return ACTION_ITEMS;
}

// ---------------------------------------------------------------------------------------------
// Reads

type HomeArgs = Parameters<ReturnType<typeof appHomeOpened>>[0];

/** The app as the server wires it, on the history file, never started: its listeners and
 * services are called directly and its Web API client is never used. */
/** What the timed reads need: the app's stores on either database. */
type ReadStores = SlackAppOptions["stores"] & { drills: DrillStore };

function offlineApp(stores: ReadStores, scenarios: Map<string, Scenario>): SlackApp {
  return createSlackApp({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    apiUrl: "http://127.0.0.1:9/api/",
    service: new DrillService(stores.drills, scenarios, systemClock),
    stores,
    scenarios,
    facilitators: new Set(),
    clock: systemClock,
    timers: realTimers(),
    logger: createLogger({ level: LogLevel.ERROR, secrets: [BOT_TOKEN, SIGNING_SECRET] }),
    botId: "B0DRILL",
    botUserId: "U0DRILLBOT",
  });
}

async function timeReads(stores: ReadStores, scenarios: Map<string, Scenario>, runs: number): Promise<HistoryTiming[]> {
  const random = seededRandom(42);
  const pickDrill = () => 1 + Math.floor(random() * (DRILLS - RUNNING));
  const pickUser = () => userId(Math.floor(random() * USERS));
  const deps = offlineApp(stores, scenarios).deps;
  const published: unknown[] = [];
  // App Home publishes through the client's apiCall (src/slack/views.ts): the stub records the view.
  const client = { apiCall: async (_method: string, args: { view: string }) => published.push(JSON.parse(args.view)) };
  const replies: unknown[] = [];
  const ctx = {
    user: { id: "U0FACILIT", name: "facilitator" },
    channel: "C0CH00001",
    reply: async (text: string) => replies.push(text),
    usage: [],
  };
  const timings: HistoryTiming[] = [];
  const time = async (name: string, source: string, fn: () => Promise<unknown>) => {
    timings.push({ name, source, times: summarise(await timeRuns(runs, 5, fn)) });
  };

  await time(
    "One drill's debrief",
    "`/drill debrief <id>`: service.load + service.debrief + delivery.debriefMessages (trend, mastery)",
    async () => {
      const id = pickDrill();
      const drill = await deps.service.load(id);
      const debrief = await deps.service.debrief(id);
      if (!drill || !debrief) throw new Error(`generated drill #${id} has no debrief`);
      await deps.delivery.debriefMessages(debrief, drill);
    },
  );
  await time("Per-person stats", "`/drill stats @person`: the stats subcommand → insights.personStats", () =>
    stats.handle(deps, ctx, { userId: pickUser() }),
  );
  await time("Scenario coverage", "`/drill stats`: the stats subcommand → insights.coverage + team trend", () =>
    stats.handle(deps, ctx, {}),
  );
  // As at start: every schedule armed (its next run worked out) before the app listens, so the
  // first App Home open after a restart is as fast as the others.
  const armStarted = performance.now();
  await deps.gameDays.start();
  const armMs = performance.now() - armStarted;
  timings.push({
    name: "Game days armed at start",
    source: `GameDays.start: ${SCHEDULES} schedules, next runs worked out before listening (once)`,
    times: summarise([armMs]),
    perRequest: false,
  });
  // Then what the app does once it listens: the runs missed while it was down (the
  // every-15-minutes schedules are inside their window), started in the background. Awaited
  // here, so the reads below are timed after it as before (the drills it started still run).
  const catchUpStarted = performance.now();
  const caughtUp = await deps.gameDays.catchUpMissed();
  timings.push({
    name: "Missed game days started after listening",
    source: `GameDays.catchUpMissed: ${caughtUp.fired} drills started late, ${caughtUp.missed} runs recorded as missed (once, in the background)`,
    times: summarise([performance.now() - catchUpStarted]),
    perRequest: false,
    when: "once, in the background after listening",
  });
  const homeEvent = () =>
    appHomeOpened(deps)({
      event: { type: "app_home_opened", user: pickUser(), channel: "D0HOME", tab: "home", event_ts: "1.0" },
      client,
    } as unknown as HomeArgs);
  const firstOpen = performance.now();
  await homeEvent();
  timings.push({
    name: "First App Home open after start",
    source: "appHomeOpened, once, no warm-up",
    times: summarise([performance.now() - firstOpen]),
  });
  await time("App Home view", "appHomeOpened listener (views.publish stubbed)", () =>
    appHomeOpened(deps)({
      event: { type: "app_home_opened", user: pickUser(), channel: "D0HOME", tab: "home", event_ts: "1.0" },
      client,
    } as unknown as HomeArgs),
  );
  deps.gameDays.stop();
  if (published.length === 0 || replies.length === 0) throw new Error("the listeners produced nothing: the timings would be empty");
  return timings;
}
