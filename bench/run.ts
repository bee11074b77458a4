import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalog } from "../src/catalog/catalog.js";
import { openStores } from "../src/store/stores.js";
import { AppProcess } from "./app-process.js";
import { benchCatalog, type CatalogResult } from "./catalog.js";
import { benchCliStart, CLI_RUNS, type CliStartResult } from "./cliStart.js";
import { FakeSlack } from "./fakeSlack.js";
import { benchHistory, type HistoryResult } from "./history.js";
import { type BenchResults, machineLine, renderMarkdown } from "./report.js";
import { benchScoring, type ScoringResult } from "./scoring.js";
import { benchInstancesStampede, benchStampede, type InstancesStampedeResult, type StampedeResult } from "./stampede.js";

// `npm run bench`: the catalog, the game-day stampede (over HTTP, then over Socket Mode, then
// against two instances on one PostgreSQL), the CLI's start, scoring and years of history, one after the other (never at once: each would disturb the
// others' timings), then bench/RESULTS.md.
//
//   BENCH_ROUNDS=4        measured stampede rounds per app and delivery (default 4; an odd number is rounded up, so
//                         each app goes first equally often), after two warm-up rounds each; drillbot and the bare
//                         app run them in pairs, ABBA (stampede.ts roundSchedule);
//                         both deliveries, the CLI and the history must fit in the 5 minutes
//   BENCH_CPU_PROF=1      write V8 CPU profiles of the drillbot processes and of the bare app (node --cpu-prof)
//   BENCH_ONLY=stampede   only these parts (comma-separated: catalog, stampede or one of http / socket,
//                         instances, cli, history, scoring), for
//                         trying a change; the figures are printed and bench/RESULTS.md is left alone
//   BENCH_PG_INSTANCES=2  how many drillbot processes share PostgreSQL in the instances stampede (default 2;
//                         1 shows what a second process costs on a host without a core for it)
//   BENCH_WATCHDOG_S=290  stop past this many seconds (default 290: the 5 minutes)
//   BENCH_APP_LOG=/tmp/logs  write each app process's output there (with BENCH_APP_NODE_FLAGS="--trace-gc")
//   BENCH_APP_NODE_FLAGS="--max-semi-space-size=8"
//                         drillbot's Node flags instead of those of `npm start` (to try heap settings;
//                         set but empty: no flags)

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_PATH = join(REPO_ROOT, "bench", "RESULTS.md");
/** The issue allows 5 minutes; past this the bench stops itself rather than hang. On a machine
 * other work keeps busy, BENCH_WATCHDOG_S gives it longer (the figures say how busy it was). */
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_S ?? 290) * 1000;

const log = (line: string) => process.stderr.write(`${line}\n`);
/** The instances stampede's drillbot processes (BENCH_PG_INSTANCES, default 2). */
const PG_INSTANCES = Math.max(1, Number(process.env.BENCH_PG_INSTANCES ?? 2));

async function main(): Promise<number> {
  const startedAt = new Date();
  const began = performance.now();
  const loadBefore = loadavg();
  const work = mkdtempSync(join(tmpdir(), "drillbot-bench-"));
  const fake = new FakeSlack();
  try {
    log(`drillbot benchmark · ${machineLine()}`);
    // drillbot runs from dist/, as `npm start` runs it: compile what is in src/ now.
    log("build: npm run build (the app and the CLI run the compiled JavaScript in dist/)");
    const build = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "build.js")], { cwd: REPO_ROOT, stdio: "inherit" });
    if (build.status !== 0) throw new Error("npm run build failed");

    const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((part) => part.trim())) : null;
    const runs = (part: string) => only === null || only.has(part);

    let catalog: CatalogResult | undefined;
    if (runs("catalog")) {
      log("catalog: 500 generated scenarios");
      catalog = benchCatalog(REPO_ROOT, join(work, "catalog"));
      log(
        `  first load ${catalog.coldMs.toFixed(0)} ms (CPU ${catalog.coldCpuMs.toFixed(0)} ms), ${catalog.loaded} loaded, ${catalog.problems} problems`,
      );
    }

    const stampedes: StampedeResult[] = [];
    let instances: InstancesStampedeResult | { skipped: string } | undefined;
    // Pairs in ABBA order: an even count, so each app runs first in as many pairs as the other.
    const asked = Math.max(4, Number(process.env.BENCH_ROUNDS ?? 4));
    const rounds = asked + (asked % 2);
    const deliveries = (["http", "socket"] as const).filter((delivery) => runs("stampede") || runs(delivery));
    if (deliveries.length > 0 || runs("instances")) {
      await fake.start();
      const cpuProfRoot = process.env.BENCH_CPU_PROF ? join(tmpdir(), `drillbot-cpu-prof-${Date.now()}`) : undefined;
      for (const delivery of deliveries) {
        log(
          `stampede over ${delivery === "http" ? "HTTP" : "Socket Mode"}: 500 responders over 2 s, drillbot and a bare Bolt app, alternating`,
        );
        const cpuProfDir = cpuProfRoot ? join(cpuProfRoot, delivery) : undefined;
        if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
        stampedes.push(
          await benchStampede({ delivery, fake, dbPath: join(work, `stampede-${delivery}`, "drillbot.db"), rounds, cpuProfDir, log }),
        );
      }
      if (runs("instances")) {
        const cpuProfDir = cpuProfRoot ? join(cpuProfRoot, "instances") : undefined;
        if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
        instances = await stampedeOnPostgres(fake, rounds, cpuProfDir);
      }
      await fake.stop();
    }

    let cli: CliStartResult | undefined;
    if (runs("cli")) {
      log(`CLI start: each command in a new Node process, ${CLI_RUNS} runs each, the commands taking turns`);
      cli = await benchCliStart({ repoRoot: REPO_ROOT, workDir: join(work, "cli"), runs: CLI_RUNS, log });
    }

    // Before the history: its generated data makes this process's heap far larger than a running
    // bot's, and the collections that heap costs would be timed as scoring.
    let scoring: ScoringResult | undefined;
    if (runs("scoring")) {
      log("scoring: the tuning corpus and a 500-answer drill");
      scoring = benchScoring(REPO_ROOT);
      log(`  p99 ${scoring.p99Ms.toFixed(3)} ms per answer, 500 answers in ${scoring.drill500Ms.toFixed(1)} ms`);
    }

    let history: HistoryResult | undefined;
    if (runs("history")) {
      log("history: 100,000 drills and 2,000,000 responses");
      history = await benchHistory({
        dbPath: join(work, "history", "drillbot.db"),
        scenarios: loadCatalog(REPO_ROOT).scenarios,
        runs: 50,
        log,
      });
    }

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
    if (only === null) {
      writeFileSync(RESULTS_PATH, `${markdown}\n`);
      log(`written to ${RESULTS_PATH}`);
    } else {
      log(`BENCH_ONLY=${process.env.BENCH_ONLY}: a partial run, so ${RESULTS_PATH} is left as it was`);
    }
    return 0;
  } finally {
    AppProcess.killAll();
    await fake.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The stampede against two drillbot processes sharing a throwaway PostgreSQL server (started by
 * scripts/pg-test-server.sh, or DRILLBOT_TEST_DATABASE_URL), or why it could not run. */
async function stampedeOnPostgres(
  fake: FakeSlack,
  rounds: number,
  cpuProfDir?: string,
): Promise<InstancesStampedeResult | { skipped: string }> {
  const { createTestSchema, PG_SKIP } = await import("../test/pgServer.js");
  if (PG_SKIP) {
    log(`stampede against ${PG_INSTANCES} instance(s) on PostgreSQL: skipped (${PG_SKIP})`);
    return { skipped: PG_SKIP };
  }
  log(`stampede against ${PG_INSTANCES} instance(s) on one PostgreSQL: 500 responders over 2 s, requests round-robin`);
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
      instances: PG_INSTANCES,
      fake,
      databaseUrl: schema.url,
      countAcks: async (drillId) =>
        Number(
          (await schema.pool.query("SELECT count(*) AS n FROM responders WHERE drill_id = $1 AND acked_at IS NOT NULL", [drillId])).rows[0]
            ?.n ?? 0,
        ),
      rounds,
      log,
      ...(cpuProfDir ? { cpuProfDir } : {}),
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
