import { seededRandom } from "./gameDayChoice.js";
import type { LabelledAnswer } from "./rubricEval.js";
import { type CompiledRubric, type FirstMoveVerdict, firstMoveScore, type PrecedentRuling } from "./scoring.js";
import { toWords } from "./words.js";

// Precedents: first moves people have already judged for a scenario (written by engineers who read
// only its alert and runbook, labelled by a senior SRE, or decided by a facilitator). The rubric's
// rules read what an answer says; precedents say how answers worded like it were judged. A small
// logistic regression per scenario, trained on the precedents' words and on what the rules found in
// them, overrules the rules only when it is confident the other way, and the verdict then cites the
// closest precedent. Pure and deterministic: the same precedents give the same model everywhere.

/** Fewer judged answers than this of either label teach nothing reliable: the rules decide alone. */
export const MIN_PRECEDENTS_PER_LABEL = 10;
/** The model must give the other verdict at least this probability to overrule the rules. */
export const OVERRULE_AT = 0.6;
/** …and one precedent judged that way must share this much of its wording with the answer (the
 * share of word and word-pair features in common): no verdict is overruled on the bias alone. */
export const MIN_LIKENESS = 0.2;
/** Training: passes over the precedents, first step size and its decay per pass, L2 penalty. */
const EPOCHS = 10;
const FIRST_STEP = 0.5;
const STEP_DECAY = 0.9;
const L2 = 0.03;

type Features = Map<string, number>;

/** A judged answer the model learnt from, kept to cite when it overrules the rules. */
export interface PrecedentCase {
  text: string;
  accept: boolean;
  why?: string;
}

export interface PrecedentModel {
  /** Feature → weight of the logistic regression. */
  weights: ReadonlyMap<string, number>;
  cases: readonly PrecedentCase[];
  accepts: number;
  rejects: number;
}

/** The answer's content-word stems and adjacent pairs of them: what precedents are compared on. */
function wordFeatures(answer: string, rubric: CompiledRubric): Features {
  const stems = toWords(answer, rubric.lexicon.forms)
    .filter((w) => !w.filler)
    .map((w) => w.stem);
  const features: Features = new Map();
  for (const stem of stems) features.set(`w:${stem}`, 1);
  for (let i = 0; i + 1 < stems.length; i++) features.set(`p:${stems[i]}_${stems[i + 1]}`, 1);
  return features;
}

/** The words plus what the rules found: their verdict, a risky action, a hand-off, a vague move, a
 * dismissed core concept, how many supporting concepts, and whether they asked for a review. */
function features(words: Features, verdict: FirstMoveVerdict): Features {
  const all = new Map(words);
  all.set("bias", 1);
  all.set("rules", verdict.correct ? 1 : -1);
  if (verdict.risky.length > 0) all.set("risky", 1);
  if (verdict.handOff !== undefined) all.set("hand-off", 1);
  if (verdict.vague !== undefined) all.set("vague", 1);
  if (verdict.core.some((c) => c.negated)) all.set("dismissed", 1);
  all.set(`supporting:${Math.min(2, verdict.supporting.filter((s) => s.matched !== null).length)}`, 1);
  if (verdict.needsReview) all.set("unsure", 1);
  return all;
}

function probability(weights: ReadonlyMap<string, number>, x: Features): number {
  let z = 0;
  for (const [k, v] of x) z += (weights.get(k) ?? 0) * v;
  return 1 / (1 + Math.exp(-z));
}

/** Answers that differ only in case, spacing or punctuation are one answer. */
export const sameAnswerKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** An answer's words as the model sees them: two answers with the same signature are one to it. */
const wordSignature = (words: Features) => [...words.keys()].sort().join("\n");

/**
 * Trains the scenario's model on its precedents (labelled answers; `why` kept for citing), or
 * returns null when there are too few of either label. `leaveOut` holds answers (their text) that
 * must not be precedents: the evaluation leaves out the answers it measures — a precedent that is
 * the same answer (`sameAnswerKey`), or that reads the same to the model (the same content-word
 * stems and pairs: "check the 5xx by provider" and "checking 5xx by provider pls"), would let the
 * model have seen the very answer it is measured on.
 */
export function trainPrecedentModel(
  rubric: CompiledRubric,
  precedents: readonly (LabelledAnswer & { why?: string })[],
  leaveOut: Iterable<string> = [],
): PrecedentModel | null {
  const leftOutKeys = new Set<string>();
  const leftOutWords = new Set<string>();
  for (const text of leaveOut) {
    leftOutKeys.add(sameAnswerKey(text));
    leftOutWords.add(wordSignature(wordFeatures(text, rubric)));
  }
  const seen = new Set<string>();
  const cases: PrecedentCase[] = [];
  const examples: { x: Features; accept: boolean }[] = [];
  for (const p of precedents) {
    const key = sameAnswerKey(p.text);
    if (key === "" || seen.has(key) || leftOutKeys.has(key)) continue;
    const words = wordFeatures(p.text, rubric);
    if (leftOutWords.size > 0 && leftOutWords.has(wordSignature(words))) continue;
    seen.add(key);
    cases.push({ text: p.text, accept: p.accept, ...(p.why ? { why: p.why } : {}) });
    examples.push({ x: features(words, firstMoveScore(p.text, rubric)), accept: p.accept });
  }
  const accepts = cases.filter((c) => c.accept).length;
  const rejects = cases.length - accepts;
  if (accepts < MIN_PRECEDENTS_PER_LABEL || rejects < MIN_PRECEDENTS_PER_LABEL) return null;
  const weights = new Map<string, number>();
  // A fixed seed: training shuffles, and every run must shuffle alike.
  const random = seededRandom(cases.length);
  const order = examples.map((_, i) => i);
  let step = FIRST_STEP;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const i of order) {
      const { x, accept } = examples[i] as { x: Features; accept: boolean };
      const gradient = (accept ? 1 : 0) - probability(weights, x);
      for (const [k, v] of x) {
        const w = weights.get(k) ?? 0;
        weights.set(k, w + step * (gradient * v - L2 * w));
      }
    }
    step *= STEP_DECAY;
  }
  return { weights, cases, accepts, rejects };
}

/** The cases' words as numbers (each feature's place in the model's weights, whose strings they
 * share), worked out when a verdict first cites a case: most answers never need them, and an
 * Int32Array per case is a small part of what a Map of feature strings per case would hold
 * (about 0.1 MB rather than 1.3 MB for 560 precedents). */
interface CaseIndex {
  ids: ReadonlyMap<string, number>;
  cases: readonly Int32Array[];
}
const caseIndexes = new WeakMap<PrecedentModel, CaseIndex>();

function caseIndex(model: PrecedentModel, rubric: CompiledRubric): CaseIndex {
  let index = caseIndexes.get(model);
  if (!index) {
    const ids = new Map<string, number>();
    for (const feature of model.weights.keys()) ids.set(feature, ids.size);
    const idOf = (feature: string) => {
      let id = ids.get(feature);
      if (id === undefined) {
        id = ids.size;
        ids.set(feature, id);
      }
      return id;
    };
    index = { ids, cases: model.cases.map((c) => Int32Array.from([...wordFeatures(c.text, rubric).keys()], idOf)) };
    caseIndexes.set(model, index);
  }
  return index;
}

/** The precedent judged `accept` whose words are closest to the answer's (cosine of the two sets). */
function closestCase(
  model: PrecedentModel,
  rubric: CompiledRubric,
  words: Features,
  accept: boolean,
): { case: PrecedentCase; likeness: number } | null {
  const { ids, cases } = caseIndex(model, rubric);
  const answerIds = new Set<number>();
  for (const feature of words.keys()) {
    const id = ids.get(feature);
    if (id !== undefined) answerIds.add(id);
  }
  let closest: PrecedentCase | null = null;
  let best = -1;
  model.cases.forEach((c, i) => {
    if (c.accept !== accept) return;
    const caseIds = cases[i] as Int32Array;
    let shared = 0;
    for (const id of caseIds) if (answerIds.has(id)) shared++;
    const similarity = words.size === 0 || caseIds.length === 0 ? 0 : shared / Math.sqrt(words.size * caseIds.length);
    if (similarity > best) {
      best = similarity;
      closest = c;
    }
  });
  return closest ? { case: closest, likeness: best } : null;
}

/** A trained model as JSON (the build ships the built-in scenarios' models; doubles round-trip exactly). */
export function precedentModelToJson(model: PrecedentModel): unknown {
  return { weights: [...model.weights], cases: model.cases, accepts: model.accepts, rejects: model.rejects };
}

export function precedentModelFromJson(json: unknown): PrecedentModel | null {
  const m = json as { weights?: unknown; cases?: unknown; accepts?: unknown; rejects?: unknown } | null;
  if (!m || !Array.isArray(m.weights) || !Array.isArray(m.cases) || typeof m.accepts !== "number" || typeof m.rejects !== "number")
    return null;
  return { weights: new Map(m.weights as [string, number][]), cases: m.cases as PrecedentCase[], accepts: m.accepts, rejects: m.rejects };
}

const shorten = (text: string, max = 100) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

/**
 * The rules' verdict, overruled when the precedents are confident the other way — never to accept
 * an answer in which the rules found a risky action (a model that has seen "roll back" in good
 * answers must not wave a real rollback through). An overruled verdict is marked for review and
 * its reason cites the closest precedent judged the way the verdict now goes.
 */
export function judgeFirstMove(answer: string, rubric: CompiledRubric, model: PrecedentModel | null | undefined): FirstMoveVerdict {
  const rules = firstMoveScore(answer, rubric);
  if (!model) return rules;
  const words = wordFeatures(answer, rubric);
  const p = probability(model.weights, features(words, rules));
  const overrule = rules.correct ? 1 - p >= OVERRULE_AT : p >= OVERRULE_AT && rules.risky.length === 0;
  if (!overrule) return rules;
  const correct = !rules.correct;
  const closest = closestCase(model, rubric, words, correct);
  if (!closest || closest.likeness < MIN_LIKENESS) return rules;
  const cited = closest.case;
  const like = `“${shorten(cited.text)}”${cited.why ? ` (${shorten(cited.why, 80)})` : ""}`;
  const ruling: PrecedentRuling = {
    rulesSaid: rules.correct,
    acceptability: Math.round(p * 100) / 100,
    closest: cited.text,
    ...(cited.why ? { closestWhy: cited.why } : {}),
  };
  return {
    ...rules,
    correct,
    needsReview: true,
    reviewReason: correct
      ? "the rubric called it wrong; judged answers worded like it were accepted"
      : "the rubric called it correct; judged answers worded like it were rejected",
    precedent: ruling,
    reason: correct
      ? `judged like accepted answers such as ${like} (the rubric said: ${rules.reason})`
      : `judged like rejected answers such as ${like} (the rubric said: ${rules.reason})`,
  };
}
