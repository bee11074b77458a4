import { join } from "node:path";
import { loadCatalog } from "../src/catalog/catalog.js";
import { readCorpus } from "../src/catalog/corpus.js";
import { compileRubric, firstMoveScore } from "../src/domain/scoring.js";
import { quantile } from "./stats.js";

// Scoring speed: every answer of the blind-written tuning corpus (test/fixtures/scoring-dev)
// scored by its scenario's compiled rubric, and a 500-responder drill's answers scored in one go,
// as the end of such a drill does.

export interface ScoringResult {
  answers: number;
  /** Per answer, in ms, over `rounds` passes of the whole corpus. */
  meanMs: number;
  p99Ms: number;
  maxMs: number;
  /** 500 answers of one scenario, scored one after the other. */
  drill500Ms: number;
  /** compileRubric for every scenario, once (what loading the catalog pays). */
  compileAllMs: number;
  scenarios: number;
}

export function benchScoring(repoRoot: string, rounds = 20): ScoringResult {
  const catalog = loadCatalog(repoRoot);
  const corpus = readCorpus(join(repoRoot, "test/fixtures/scoring-dev")).files;
  const work = corpus.flatMap((f) => {
    const scenario = catalog.scenarios.get(f.scenario);
    return scenario ? f.answers.map((a) => ({ rubric: scenario.rubric, text: a.text })) : [];
  });
  if (work.length === 0) throw new Error("no corpus answers to score");
  // Warm-up: the stem cache and the JIT, as in a bot that has been running for a while.
  for (const w of work) firstMoveScore(w.text, w.rubric);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const w of work) {
      const start = performance.now();
      firstMoveScore(w.text, w.rubric);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  const payment = catalog.scenarios.get("payment-5xx") ?? [...catalog.scenarios.values()][0];
  if (!payment) throw new Error("no scenario");
  const texts = work.map((w) => w.text);
  const drillStart = performance.now();
  for (let i = 0; i < 500; i++) firstMoveScore(texts[i % texts.length] ?? "", payment.rubric);
  const drill500Ms = performance.now() - drillStart;
  const compileStart = performance.now();
  for (const s of catalog.scenarios.values()) compileRubric(s.first_move.rubric, catalog.lexicon);
  const compileAllMs = performance.now() - compileStart;
  return {
    answers: work.length,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    p99Ms: quantile(times, 0.99),
    maxMs: times.at(-1) ?? Number.NaN,
    drill500Ms,
    compileAllMs,
    scenarios: catalog.scenarios.size,
  };
}
