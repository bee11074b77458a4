import type { Rubric } from "./scenario.js";

// First-move scoring: an answer is correct when every phrase group of the rubric has at least
// one phrase in it and no must_not phrase is. Matching ignores case, punctuation, accents and
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

/** True when the phrase appears in the words as consecutive whole words. */
export function containsPhrase(words: readonly string[], phrase: string): boolean {
  const pattern = phraseWords(phrase);
  if (pattern.length === 0) return false;
  const plainWords = words.map((w) => w.replace(/\*/g, ""));
  for (let start = 0; start + pattern.length <= plainWords.length; start++) {
    if (pattern.every((p, i) => wordMatches(p, plainWords[start + i] ?? ""))) return true;
  }
  return false;
}

export function firstMoveScore(answer: string, rubric: Rubric): FirstMoveScore {
  const words = normaliseAnswer(answer);
  const matched = rubric.must.map((group) => group.find((phrase) => containsPhrase(words, phrase)) ?? null);
  const missingGroups = matched.flatMap((m, i) => (m === null ? [i] : []));
  const forbidden = rubric.must_not.filter((phrase) => containsPhrase(words, phrase));
  return { correct: missingGroups.length === 0 && forbidden.length === 0, matched, missingGroups, forbidden };
}
