import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadCatalog } from "../src/catalog/catalog.js";

// A large catalog: the repo's scenarios copied under new ids (each with its own runbook) until
// there are 500 files, then loaded and validated the way the bot does at start.

export const CATALOG_SIZE = 500;

export interface CatalogResult {
  files: number;
  loaded: number;
  problems: number;
  /** The first load in this process: what a starting bot pays. */
  coldMs: number;
  /** The median of the loads after it. */
  warmMs: number;
  /** CPU time of the first load (less disturbed than wall time by other work on the machine). */
  coldCpuMs: number;
}

export function benchCatalog(repoRoot: string, dir: string, warmRuns = 3): CatalogResult {
  const files = generateCatalog(repoRoot, dir, CATALOG_SIZE);
  const times: number[] = [];
  let coldCpuMs = Number.NaN;
  let loaded = 0;
  let problems = 0;
  for (let i = 0; i <= warmRuns; i++) {
    const start = performance.now();
    const cpuBefore = process.cpuUsage();
    const catalog = loadCatalog(dir);
    times.push(performance.now() - start);
    if (i === 0) {
      const cpu = process.cpuUsage(cpuBefore);
      coldCpuMs = (cpu.user + cpu.system) / 1000;
    }
    loaded = catalog.scenarios.size;
    problems = catalog.problems.length;
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  return {
    files,
    loaded,
    problems,
    coldMs: times[0] ?? Number.NaN,
    warmMs: warm[Math.floor(warm.length / 2)] ?? Number.NaN,
    coldCpuMs,
  };
}

/** Writes `count` scenario files (and their runbooks) under dir/scenarios and dir/runbooks. */
function generateCatalog(repoRoot: string, dir: string, count: number): number {
  const sources = readdirSync(join(repoRoot, "scenarios"))
    .filter((f) => f.endsWith(".yml") && f !== "lexicon.yml")
    .sort();
  mkdirSync(join(dir, "scenarios"), { recursive: true });
  mkdirSync(join(dir, "runbooks"), { recursive: true });
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    if (!source) throw new Error("the repo has no scenarios to copy");
    const originalId = basename(source, ".yml");
    const id = `${originalId}-g${String(i).padStart(3, "0")}`;
    const yaml = readFileSync(join(repoRoot, "scenarios", source), "utf8");
    // The id must equal the file name and the runbook must exist, or lint (rightly) refuses it.
    const renamed = yaml.replace(/^id: .*$/m, `id: ${id}`).replace(/^runbook: .*$/m, `runbook: ../runbooks/${id}.md`);
    if (renamed === yaml) throw new Error(`${source}: could not rewrite its id and runbook lines`);
    writeFileSync(join(dir, "scenarios", `${id}.yml`), renamed);
    copyFileSync(join(repoRoot, "runbooks", `${originalId}.md`), join(dir, "runbooks", `${id}.md`));
  }
  return count;
}
