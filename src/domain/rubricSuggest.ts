import type { CompiledLexicon } from "./lexicon.js";
import type { ScoredAnswer } from "./rubricEval.js";
import { FILLER_WORDS, toWords } from "./words.js";

// `drillbot rubric suggest`: from answers people accepted that the rubric rejected, words and
// pairs of words to add to the core — in the rubric's concept form: a word the lexicon knows is
// proposed as its group ("psp" as provider) and a pair as a combination ("provider + error") (or to a lexicon group when they look like a misspelling of
// a word the rubric knows); from answers people rejected that the rubric accepted, risky actions.
// Suggestions only: a person decides what goes into the rubric.

export interface Suggestion {
  kind: "core" | "lexicon" | "risky";
  /** The term to add (for lexicon: the new word). */
  term: string;
  /** For lexicon: the group or known word it resembles. */
  near?: string;
  /** How many of the missed answers have it. */
  count: number;
  examples: string[];
}

/** Words that say nothing about *what* was checked or done. */
const VAGUE = new Set([
  "check",
  "look",
  "see",
  "first",
  "then",
  "now",
  "before",
  "after",
  "want",
  "need",
  "know",
  "let",
  "get",
  "go",
  "make",
  "if",
  "and",
  "or",
  "not",
  "no",
  "dont",
  "whether",
  "what",
  "which",
  "who",
  "why",
  "how",
  "just",
  "asap",
  "right",
  "anyth",
  "everyth",
  "someth",
  "ok",
  "yet",
  "so",
  "can",
  "will",
  "would",
  "should",
  "has",
  "have",
  "had",
  "did",
  "do",
  "doe",
  "there",
  "here",
  "sure",
  "think",
  "probabl",
  "mayb",
  "last",
  "up",
  "out",
  "by",
  "as",
  "than",
  "was",
]);

const gramsOf = (text: string, lexicon: CompiledLexicon): Map<string, string> => {
  // stem gram → the words as written
  const words = toWords(text, lexicon.forms).filter((w) => !w.filler && !FILLER_WORDS.has(w.raw));
  const grams = new Map<string, string>();
  words.forEach((w, i) => {
    if (VAGUE.has(w.stem) || /^\d+$/.test(w.raw) || w.raw.length < 2) return;
    grams.set(w.stem, w.raw);
    const next = words[i + 1];
    if (next && !VAGUE.has(next.stem) && !/^\d+$/.test(next.raw)) grams.set(`${w.stem} ${next.stem}`, `${w.raw} ${next.raw}`);
  });
  return grams;
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The lexicon group a single word belongs to, or the word as written. */
function conceptOf(stem: string, raw: string, lexicon: CompiledLexicon): string {
  const phrase = (lexicon.phrasesByFirst.get(stem) ?? []).find((p) => p.stems.length === 1);
  return phrase ? phrase.group : raw;
}

/** A gram as a rubric term: one concept, or two joined with " + " (any order, a few words apart). */
function asTerm(gram: string, raw: string, lexicon: CompiledLexicon): string {
  const stems = gram.split(" ");
  const raws = raw.split(" ");
  if (stems.length === 1) return conceptOf(stems[0] ?? "", raw, lexicon);
  const parts = stems.map((stem, i) => conceptOf(stem, raws[i] ?? stem, lexicon));
  return new Set(parts).size === parts.length ? parts.join(" + ") : raw;
}

export interface SuggestInput {
  scored: readonly ScoredAnswer[];
  lexicon: CompiledLexicon;
  /** Words the rubric's terms already use (stems), for misspelling hints. */
  knownWords: readonly string[];
  /** Text that says what the check is (the runbook's verification step): its words rank first. */
  reference?: string;
  /** How many suggestions of each kind. */
  limit?: number;
}

export function suggestRubricChanges(input: SuggestInput): Suggestion[] {
  const limit = input.limit ?? 8;
  const { lexicon } = input;
  const missedAccepts = input.scored.filter((s) => s.accept && !s.verdict.correct);
  const missedRejects = input.scored.filter((s) => !s.accept && s.verdict.correct);
  const accepted = input.scored.filter((s) => s.accept);
  const rejected = input.scored.filter((s) => !s.accept);
  const reference = new Set(input.reference ? gramsOf(input.reference, lexicon).keys() : []);
  const known = new Set(input.knownWords);
  const inAny = (answers: readonly ScoredAnswer[], gram: string) => answers.filter((a) => gramsOf(a.text, lexicon).has(gram)).length;

  const tally = (answers: readonly ScoredAnswer[]) => {
    const counts = new Map<string, { raw: string; count: number; examples: string[] }>();
    for (const a of answers) {
      for (const [gram, raw] of gramsOf(a.text, lexicon)) {
        const entry = counts.get(gram) ?? { raw, count: 0, examples: [] };
        entry.count++;
        if (entry.examples.length < 2) entry.examples.push(a.text);
        counts.set(gram, entry);
      }
    }
    return counts;
  };

  const suggestions: Suggestion[] = [];
  // Core: grams common in the missed good answers, rare in bad ones, preferring the runbook's words.
  const core = [...tally(missedAccepts).entries()]
    .filter(([gram]) => !gram.split(" ").every((s) => known.has(s)))
    .map(([gram, e]) => ({ gram, ...e, score: e.count * (reference.has(gram) ? 2 : 1) - 2 * inAny(rejected, gram) }))
    .filter((e) => e.score > 0)
    .sort((a, b) => b.score - a.score || b.gram.split(" ").length - a.gram.split(" ").length);
  const proposed = new Set<string>();
  for (const e of core) {
    if (proposed.size >= limit) break;
    const word = e.gram.split(" ").length === 1 ? e.gram : null;
    const near = word ? input.knownWords.find((k) => k.length > 3 && k !== word && editDistance(k, word) <= 2) : undefined;
    const term = near ? e.raw : asTerm(e.gram, e.raw, lexicon);
    // "psp errors" and "vendor errors" are both "provider + error": proposed once.
    if (proposed.has(term)) continue;
    proposed.add(term);
    if (near) suggestions.push({ kind: "lexicon", term, near, count: e.count, examples: e.examples });
    else suggestions.push({ kind: "core", term, count: e.count, examples: e.examples });
  }
  // Risky: pairs (verb and object) in the bad answers it accepted, never in a good answer.
  const risky = [...tally(missedRejects).entries()]
    .filter(([gram]) => gram.includes(" ") && inAny(accepted, gram) === 0)
    .map(([gram, e]) => ({ gram, ...e, score: e.count }))
    .sort((a, b) => b.score - a.score);
  for (const e of risky.slice(0, limit)) suggestions.push({ kind: "risky", term: e.raw, count: e.count, examples: e.examples });
  return suggestions;
}
