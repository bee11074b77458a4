import { join } from "node:path";
import { loadCatalog } from "../src/catalog/catalog.js";
import { readCorpus } from "../src/catalog/corpus.js";
import { judgeFirstMove, type PrecedentModel } from "../src/domain/precedents.js";
import { type CompiledRubric, compileRubric } from "../src/domain/scoring.js";
import { quantile } from "./stats.js";

// Scoring speed: every answer of the blind-written tuning corpus (test/fixtures/scoring-dev)
// judged as a drill judges it (its scenario's compiled rubric and precedents), and a
// 500-responder drill's answers judged in one go, as the end of such a drill does.

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
  /** Training every scenario's precedent model from its precedents file, once (what a team's own
   * scenario pays on its first answer; the build does it for the built-in ones). */
  trainAllMs: number;
  scenarios: number;
}

export function benchScoring(repoRoot: string, rounds = 20): ScoringResult {
  const catalog = loadCatalog(repoRoot);
  const corpus = readCorpus(join(repoRoot, "test/fixtures/scoring-dev")).files;
  // Loading a folder (not the package's built library) trains each model: timed here, once.
  const trainStart = performance.now();
  for (const s of catalog.scenarios.values()) void s.precedentModel;
  const trainAllMs = performance.now() - trainStart;
  const work: { rubric: CompiledRubric; model: PrecedentModel | null; text: string }[] = corpus.flatMap((f) => {
    const scenario = catalog.scenarios.get(f.scenario);
    return scenario ? f.answers.map((a) => ({ rubric: scenario.rubric, model: scenario.precedentModel, text: a.text })) : [];
  });
  if (work.length === 0) throw new Error("no corpus answers to score");
  // Warm-up: the stem cache and the JIT, as in a bot that has been running for a while.
  for (const w of work) judgeFirstMove(w.text, w.rubric, w.model);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const w of work) {
      const start = performance.now();
      judgeFirstMove(w.text, w.rubric, w.model);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  const payment = catalog.scenarios.get("payment-5xx") ?? [...catalog.scenarios.values()][0];
  if (!payment) throw new Error("no scenario");
  const texts = work.map((w) => w.text);
  const drillStart = performance.now();
  for (let i = 0; i < 500; i++) judgeFirstMove(texts[i % texts.length] ?? "", payment.rubric, payment.precedentModel);
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
    trainAllMs,
    scenarios: catalog.scenarios.size,
  };
}
