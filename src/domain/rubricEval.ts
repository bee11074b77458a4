import { judgeFirstMove, type PrecedentModel } from "./precedents.js";
import type { CompiledRubric, FirstMoveVerdict } from "./scoring.js";

// How well a rubric agrees with people: accuracy, false rejects (acceptable answers it called
// wrong) and false accepts (unacceptable answers it called correct). Used by `npm run
// eval:scoring` on a labelled corpus and by `drillbot rubric eval` on samples and reviews.

export interface LabelledAnswer {
  text: string;
  accept: boolean;
  /** Where the label comes from: "sample", "review #12 by ana", "corpus"… */
  source?: string;
  /** Why it was judged so, when the judge said (a corpus or precedent file's `why`). */
  why?: string;
}

export interface ScoredAnswer extends LabelledAnswer {
  verdict: FirstMoveVerdict;
}

export interface EvalStats {
  total: number;
  accepts: number;
  rejects: number;
  correct: number;
  falseRejects: number;
  falseAccepts: number;
  needsReview: number;
  /** Verdicts the precedents gave against the rubric's rules. */
  overruled: number;
  /** Shares in 0..1; null when there is nothing to divide by. */
  accuracy: number | null;
  falseRejectRate: number | null;
  falseAcceptRate: number | null;
}

export interface EvalResult {
  stats: EvalStats;
  /** The answers the rubric got wrong, false rejects first. */
  misses: ScoredAnswer[];
  scored: ScoredAnswer[];
}

export const TARGETS = { accuracy: 0.95, falseRejectRate: 0.05, falseAcceptRate: 0.03, perScenarioAccuracy: 0.85 } as const;

const share = (n: number, of: number) => (of === 0 ? null : n / of);

export function statsOf(scored: readonly ScoredAnswer[]): EvalStats {
  const accepts = scored.filter((s) => s.accept).length;
  const falseRejects = scored.filter((s) => s.accept && !s.verdict.correct).length;
  const falseAccepts = scored.filter((s) => !s.accept && s.verdict.correct).length;
  const correct = scored.length - falseRejects - falseAccepts;
  return {
    total: scored.length,
    accepts,
    rejects: scored.length - accepts,
    correct,
    falseRejects,
    falseAccepts,
    needsReview: scored.filter((s) => s.verdict.needsReview).length,
    overruled: scored.filter((s) => s.verdict.precedent !== undefined).length,
    accuracy: share(correct, scored.length),
    falseRejectRate: share(falseRejects, accepts),
    falseAcceptRate: share(falseAccepts, scored.length - accepts),
  };
}

/** Scores each answer as a drill would: the rubric, overruled by the precedents' model when given
 * (which must not have been trained on these answers: see trainPrecedentModel's leaveOut). */
export function evaluateRubric(
  rubric: CompiledRubric,
  answers: readonly LabelledAnswer[],
  model: PrecedentModel | null = null,
): EvalResult {
  const scored = answers.map((a) => ({ ...a, verdict: judgeFirstMove(a.text, rubric, model) }));
  const misses = scored.filter((s) => s.accept !== s.verdict.correct).sort((a, b) => Number(b.accept) - Number(a.accept));
  return { stats: statsOf(scored), misses, scored };
}

/** Sums per-scenario stats into totals. */
export function totalStats(all: readonly EvalStats[]): EvalStats {
  const sum = (k: keyof EvalStats) => all.reduce((n, s) => n + ((s[k] as number | null) ?? 0), 0);
  const total = sum("total");
  const accepts = sum("accepts");
  const correct = sum("correct");
  const falseRejects = sum("falseRejects");
  const falseAccepts = sum("falseAccepts");
  return {
    total,
    accepts,
    rejects: total - accepts,
    correct,
    falseRejects,
    falseAccepts,
    needsReview: sum("needsReview"),
    overruled: sum("overruled"),
    accuracy: share(correct, total),
    falseRejectRate: share(falseRejects, accepts),
    falseAcceptRate: share(falseAccepts, total - accepts),
  };
}

/** Which targets the figures miss, in words; empty when all are met. */
export function targetMisses(total: EvalStats, perScenario: readonly { id: string; stats: EvalStats }[]): string[] {
  const misses: string[] = [];
  const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
  if ((total.accuracy ?? 0) < TARGETS.accuracy) misses.push(`accuracy ${pct(total.accuracy)} is below ${pct(TARGETS.accuracy)}`);
  if ((total.falseRejectRate ?? 0) > TARGETS.falseRejectRate)
    misses.push(`false rejects ${pct(total.falseRejectRate)} are above ${pct(TARGETS.falseRejectRate)}`);
  if ((total.falseAcceptRate ?? 0) > TARGETS.falseAcceptRate)
    misses.push(`false accepts ${pct(total.falseAcceptRate)} are above ${pct(TARGETS.falseAcceptRate)}`);
  for (const s of perScenario) {
    if ((s.stats.accuracy ?? 0) < TARGETS.perScenarioAccuracy)
      misses.push(`${s.id}: accuracy ${pct(s.stats.accuracy)} is below ${pct(TARGETS.perScenarioAccuracy)}`);
  }
  return misses;
}
