import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalog } from "../src/catalog/catalog.js";
import { openStores } from "../src/store/stores.js";
import { AppProcess } from "./app-process.js";
import { benchCatalog } from "./catalog.js";
import { benchCliStart } from "./cliStart.js";
import { FakeSlack } from "./fakeSlack.js";
import { benchHistory } from "./history.js";
import { type BenchResults, machineLine, renderMarkdown } from "./report.js";
import { benchScoring } from "./scoring.js";
import { benchInstancesStampede, benchStampede, type InstancesStampedeResult, type StampedeResult } from "./stampede.js";

// `npm run bench`: the catalog, the game-day stampede (over HTTP, then over Socket Mode, then
// against two instances on one PostgreSQL), the CLI's start and years of history, one after the other (never at once: each would disturb the
// others' timings), then bench/RESULTS.md.
//
//   BENCH_ROUNDS=3        measured stampede rounds per app and delivery (default 3, at least 3, after one warm-up
//                         each); both deliveries, the CLI and the history must fit in the 5 minutes
//   BENCH_CPU_PROF=1      write V8 CPU profiles of the drillbot processes (node --cpu-prof)
//   BENCH_APP_NODE_FLAGS="--max-semi-space-size=8"
//                         drillbot's Node flags instead of those of `npm start` (to try heap settings;
//                         set but empty: no flags)

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_PATH = join(REPO_ROOT, "bench", "RESULTS.md");
/** The issue allows 5 minutes; past this the bench stops itself rather than hang. */
const WATCHDOG_MS = 290_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const startedAt = new Date();
  const began = performance.now();
  const loadBefore = loadavg();
  const work = mkdtempSync(join(tmpdir(), "drillbot-bench-"));
  const fake = new FakeSlack();
  try {
    log(`drillbot benchmark · ${machineLine()}`);

    log("catalog: 500 generated scenarios");
    const catalog = benchCatalog(REPO_ROOT, join(work, "catalog"));
    log(`  first load ${catalog.coldMs.toFixed(0)} ms, ${catalog.loaded} loaded, ${catalog.problems} problems`);

    await fake.start();
    const cpuProfRoot = process.env.BENCH_CPU_PROF ? join(tmpdir(), `drillbot-cpu-prof-${Date.now()}`) : undefined;
    const rounds = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
    const stampedes: StampedeResult[] = [];
    for (const delivery of ["http", "socket"] as const) {
      log(
        `stampede over ${delivery === "http" ? "HTTP" : "Socket Mode"}: 500 responders over 2 s, drillbot and a bare Bolt app, alternating`,
      );
      const cpuProfDir = cpuProfRoot ? join(cpuProfRoot, delivery) : undefined;
      if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
      stampedes.push(
        await benchStampede({ delivery, fake, dbPath: join(work, `stampede-${delivery}`, "drillbot.db"), rounds, cpuProfDir, log }),
      );
    }
    const instances = await stampedeOnPostgres(fake, rounds);
    await fake.stop();

    log("CLI start: each command in a new process, median of 5 runs after one untimed run");
    const cli = await benchCliStart({ repoRoot: REPO_ROOT, workDir: join(work, "cli"), runs: 5, log });

    log("history: 100,000 drills and 2,000,000 responses");
    const history = await benchHistory({
      dbPath: join(work, "history", "drillbot.db"),
      scenarios: loadCatalog(REPO_ROOT).scenarios,
      runs: 50,
      log,
    });

    log("scoring: the tuning corpus and a 500-answer drill");
    const scoring = benchScoring(REPO_ROOT);
    log(`  p99 ${scoring.p99Ms.toFixed(3)} ms per answer, 500 answers in ${scoring.drill500Ms.toFixed(1)} ms`);

    const results: BenchResults = {
      startedAt,
      elapsedMs: performance.now() - began,
      load: { before: loadBefore, after: loadavg() },
      catalog,
      stampedes,
      instances,
      cli,
      history,
      scoring,
    };
    const markdown = renderMarkdown(results);
    process.stdout.write(`\n${markdown}\n`);
    writeFileSync(RESULTS_PATH, `${markdown}\n`);
    log(`written to ${RESULTS_PATH}`);
    return 0;
  } finally {
    AppProcess.killAll();
    await fake.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The stampede against two drillbot processes sharing a throwaway PostgreSQL server (started by
 * scripts/pg-test-server.sh, or DRILLBOT_TEST_DATABASE_URL), or why it could not run. */
async function stampedeOnPostgres(fake: FakeSlack, rounds: number): Promise<InstancesStampedeResult | { skipped: string }> {
  const { createTestSchema, PG_SKIP } = await import("../test/pgServer.js");
  if (PG_SKIP) {
    log(`stampede against 2 instances on PostgreSQL: skipped (${PG_SKIP})`);
    return { skipped: PG_SKIP };
  }
  log("stampede against 2 instances on one PostgreSQL: 500 responders over 2 s, requests round-robin");
  const schema = await createTestSchema();
  const stores = await openStores({ kind: "postgres", url: schema.url });
  try {
    return await benchInstancesStampede({
      // What DrillLifecycle.follow, GameDays.follow and the outbox kick read every 2 s.
      followCycle: async () => {
        const running = await stores.drills.listDrills({ status: "running", surface: "slack", limit: 10_000 });
        for (const drill of running) await stores.drills.loadDrill(drill.id, "");
        await stores.schedules.listSchedules({ active: true });
        await stores.outbox.heads(Date.now());
      },
      instances: 2,
      fake,
      databaseUrl: schema.url,
      countAcks: async (drillId) =>
        Number(
          (await schema.pool.query("SELECT count(*) AS n FROM responders WHERE drill_id = $1 AND acked_at IS NOT NULL", [drillId])).rows[0]
            ?.n ?? 0,
        ),
      rounds,
      log,
    });
  } finally {
    await stores.close();
    await schema.drop();
  }
}

const watchdog = setTimeout(() => {
  log(`the benchmark ran past ${WATCHDOG_MS / 1000} s and stops itself`);
  AppProcess.killAll();
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    AppProcess.killAll();
    process.exitCode = 1;
  },
);
