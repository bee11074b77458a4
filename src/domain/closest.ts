// "Did you mean" for ids and keys: the closest candidate by edit distance, when it is close.

export function editDistance(a: string, b: string): number {
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

/** Closest id by edit distance, for "did you mean" replies (lenient: slash commands). */
export function closestId(input: string, ids: Iterable<string>): string | null {
  let best: { id: string; distance: number } | null = null;
  for (const id of ids) {
    const distance = editDistance(input.toLowerCase(), id);
    if (best === null || distance < best.distance) best = { id, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(best.id.length / 2)) ? best.id : null;
}

/** A close match only (a typo, not a different word): for keys and ids in files. */
export function closeMatch(input: string, candidates: Iterable<string>): string | null {
  let best: { id: string; distance: number } | null = null;
  for (const id of candidates) {
    const distance = editDistance(input.toLowerCase(), id.toLowerCase());
    if (best === null || distance < best.distance) best = { id, distance };
  }
  return best && best.distance > 0 && best.distance <= Math.max(2, Math.floor(best.id.length / 3)) ? best.id : null;
}
