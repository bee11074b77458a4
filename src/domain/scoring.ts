import type { Rubric } from "./scenario.js";

// First-move scoring: an answer is correct when every phrase group of the rubric has at least
// one phrase in it and no must_not phrase is (unless negated: "don't restart yet"). Matching ignores case, punctuation, accents and
// invisible characters, and works on whole words; a trailing * matches any word ending.

export interface FirstMoveScore {
  correct: boolean;
  /** For each must group, the phrase that matched it, or null. */
  matched: (string | null)[];
  /** Indexes of the must groups with no phrase in the answer. */
  missingGroups: number[];
  /** must_not phrases found in the answer. */
  forbidden: string[];
}

export function normaliseAnswer(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // accents
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, "") // zero-width and bidi controls
    .toLowerCase()
    .replace(/[^\p{L}\p{N}*]+/gu, " ")
    .trim()
    .split(" ")
    .filter((word) => word !== "");
}

function phraseWords(phrase: string): string[] {
  return normaliseAnswer(phrase);
}

function wordMatches(pattern: string, word: string): boolean {
  return pattern.endsWith("*") ? word.startsWith(pattern.slice(0, -1)) : word === pattern;
}

/** Where the phrase appears in the words as consecutive whole words (start indexes). */
function phraseOccurrences(words: readonly string[], phrase: string): number[] {
  const pattern = phraseWords(phrase);
  if (pattern.length === 0) return [];
  const plainWords = words.map((w) => w.replace(/\*/g, ""));
  const found: number[] = [];
  for (let start = 0; start + pattern.length <= plainWords.length; start++) {
    if (pattern.every((p, i) => wordMatches(p, plainWords[start + i] ?? ""))) found.push(start);
  }
  return found;
}

/** True when the phrase appears in the words as consecutive whole words. */
export function containsPhrase(words: readonly string[], phrase: string): boolean {
  return phraseOccurrences(words, phrase).length > 0;
}

// Words that, just before a risky phrase, say the responder will NOT do it first:
// "don't restart", "before rolling back", "rather than flushing", "without deleting".
const NEGATORS = new Set([
  "not",
  "no",
  "never",
  "dont",
  "don",
  "doesn",
  "didn",
  "shouldn",
  "won",
  "wont",
  "cannot",
  "without",
  "avoid",
  "avoiding",
  "before",
  "instead",
  "than",
  "nor",
]);
const NEGATION_WINDOW = 3;

/** A must_not phrase counts only where it is not negated by one of the three words before it. */
function containsUnnegated(words: readonly string[], phrase: string): boolean {
  return phraseOccurrences(words, phrase).some(
    (start) => !words.slice(Math.max(0, start - NEGATION_WINDOW), start).some((w) => NEGATORS.has(w)),
  );
}

export function firstMoveScore(answer: string, rubric: Rubric): FirstMoveScore {
  const words = normaliseAnswer(answer);
  const matched = rubric.must.map((group) => group.find((phrase) => containsPhrase(words, phrase)) ?? null);
  const missingGroups = matched.flatMap((m, i) => (m === null ? [i] : []));
  const forbidden = rubric.must_not.filter((phrase) => containsUnnegated(words, phrase));
  return { correct: missingGroups.length === 0 && forbidden.length === 0, matched, missingGroups, forbidden };
}
