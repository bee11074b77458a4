import { loadCatalog } from "../catalog/catalog.js";
import { readCorpus } from "../catalog/corpus.js";
import { formatProblem } from "../catalog/problems.js";
import { percentPrecise } from "../domain/debriefWords.js";
import { trainPrecedentModel } from "../domain/precedents.js";
import { type EvalStats, evaluateRubric, type ScoredAnswer, TARGETS, targetMisses, totalStats } from "../domain/rubricEval.js";

// The scoring evaluation behind `npm run eval:scoring` and its test: the corpus against the
// catalog's rubrics, as a table people read and figures a test checks.

export interface ScoringEvalReport {
  ok: boolean;
  text: string;
  total: EvalStats;
  perScenario: { id: string; stats: EvalStats }[];
  misses: { id: string; answer: ScoredAnswer }[];
  problems: string[];
}

const pct = percentPrecise;

export function runScoringEval(root: string, folder: string, options: { misses?: boolean; rulesOnly?: boolean } = {}): ScoringEvalReport {
  const catalog = loadCatalog(root);
  const corpus = readCorpus(folder);
  const problems = [...corpus.problems.map(formatProblem)];
  const perScenario: { id: string; stats: EvalStats }[] = [];
  const misses: { id: string; answer: ScoredAnswer }[] = [];
  for (const file of corpus.files) {
    const scenario = catalog.scenarios.get(file.scenario);
    if (!scenario) {
      const why = catalog.problems.filter((p) => p.file.endsWith(`${file.scenario}.yml`)).map(formatProblem);
      problems.push(`${file.file}: no scenario "${file.scenario}" in the catalog${why.length ? ` (${why.join("; ")})` : ""}`);
      continue;
    }
    // The evaluated answers are never precedents: the model is trained without them.
    const leaveOut = file.answers.map((a) => a.text);
    const model = options.rulesOnly ? null : trainPrecedentModel(scenario.rubric, scenario.precedents, leaveOut);
    const result = evaluateRubric(scenario.rubric, file.answers, model);
    perScenario.push({ id: file.scenario, stats: result.stats });
    for (const m of result.misses) misses.push({ id: file.scenario, answer: m });
  }
  const total = totalStats(perScenario.map((s) => s.stats));
  const lines: string[] = [];
  const row = (id: string, s: EvalStats) =>
    `${id.padEnd(22)} ${String(s.total).padStart(5)} ${pct(s.accuracy).padStart(8)} ${`${s.falseRejects}/${s.accepts}`.padStart(7)} ${pct(s.falseRejectRate).padStart(7)} ${`${s.falseAccepts}/${s.rejects}`.padStart(7)} ${pct(s.falseAcceptRate).padStart(7)} ${String(s.needsReview).padStart(7)} ${String(s.overruled).padStart(10)}`;
  lines.push(`Scoring evaluation: ${folder}`);
  lines.push(
    `${"scenario".padEnd(22)} ${"answers".padStart(5)} ${"accuracy".padStart(8)} ${"FR".padStart(7)} ${"FR %".padStart(7)} ${"FA".padStart(7)} ${"FA %".padStart(7)} ${"review".padStart(7)} ${"overruled".padStart(10)}`,
  );
  for (const s of perScenario) lines.push(row(s.id, s.stats));
  lines.push(row("TOTAL", total));
  lines.push("");
  lines.push(
    `targets: accuracy ≥ ${pct(TARGETS.accuracy)}, false rejects ≤ ${pct(TARGETS.falseRejectRate)}, false accepts ≤ ${pct(TARGETS.falseAcceptRate)}, every scenario ≥ ${pct(TARGETS.perScenarioAccuracy)}`,
  );
  const missed = targetMisses(total, perScenario);
  if (perScenario.length === 0) missed.push("no scenario in the corpus could be scored");
  lines.push(missed.length === 0 ? "all targets met" : `missed: ${missed.join("; ")}`);
  for (const p of problems) lines.push(`problem: ${p}`);
  if (options.misses && misses.length > 0) {
    lines.push("");
    lines.push("answers scored against their label:");
    for (const { id, answer } of misses) {
      lines.push(
        `  ${id} · labelled ${answer.accept ? "accept" : "reject"} · ${answer.verdict.reason}${answer.verdict.needsReview ? " · needs review" : ""}${answer.verdict.precedent ? " · overruled by precedents" : ""}`,
      );
      lines.push(`      “${answer.text}”`);
    }
  }
  return { ok: missed.length === 0 && problems.length === 0, text: lines.join("\n"), total, perScenario, misses, problems };
}
