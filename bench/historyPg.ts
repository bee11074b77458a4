import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalog } from "../src/catalog/catalog.js";
import { benchHistoryOnPostgres, formatRows } from "./history.js";
import { ms } from "./stats.js";

// Years of history on PostgreSQL: the history benchmark's 100,000 drills and 2,000,000 responses,
// copied into an empty PostgreSQL database, and the same four reads timed through the same code.
// Apart from `npm run bench`, which must fit in 5 minutes: generating and copying take longer.
//
//   bash scripts/pg-test-server.sh -- npm run bench:history-pg
//
// Uses DRILLBOT_TEST_DATABASE_URL (set by the script) or DATABASE_URL; the database must be empty.

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const url = process.env.DRILLBOT_TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) {
    log("set DATABASE_URL to an empty PostgreSQL database, or run: bash scripts/pg-test-server.sh -- npm run bench:history-pg");
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), "drillbot-bench-pg-"));
  try {
    log("history on PostgreSQL: 100,000 drills and 2,000,000 responses");
    const result = await benchHistoryOnPostgres({
      url,
      dbPath: join(work, "drillbot.db"),
      scenarios: loadCatalog(REPO_ROOT).scenarios,
      runs: 50,
      log,
    });
    const lines = [
      `History on PostgreSQL (${formatRows(result.rows)}; ${(result.dbBytes / 1024 / 1024).toFixed(0)} MB; copied in ${(result.copyMs / 1000).toFixed(1)} s)`,
      "",
      "| Read | p50 | p95 | p99 | max | code path |",
      "| --- | --- | --- | --- | --- | --- |",
      ...result.timings.map(
        (t) => `| ${t.name} | ${ms(t.times.p50)} | ${ms(t.times.p95)} | ${ms(t.times.p99)} | ${ms(t.times.max)} | ${t.source} |`,
      ),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
