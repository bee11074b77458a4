// `random` game days: prefer the scenarios this channel has practised least recently, done worst
// on, or not mastered, never the one it drilled last, and say why. Deterministic for a given
// random source, so tests (and a replay of a decision) can seed it.

export interface ScenarioPractice {
  scenarioId: string;
  /** When this channel last finished a drill of it; null if never. */
  lastPractisedAt: number | null;
  /** Share correct inside the read window in its latest drill here; null if never. */
  lastShare: number | null;
  /** Regulars of the channel who have not mastered it, out of how many regulars. */
  notMastered: number;
  regulars: number;
}

export interface GameDayChoice {
  scenarioId: string;
  weight: number;
  reason: string;
}

const DAY = 24 * 60 * 60 * 1000;

export function scenarioWeight(p: ScenarioPractice, now: number): { weight: number; reason: string } {
  const staleDays = p.lastPractisedAt === null ? null : Math.max(0, (now - p.lastPractisedAt) / DAY);
  const recency = staleDays === null ? 4 : Math.min(4, staleDays / 14); // 8 weeks unpractised = never
  const weakness = p.lastShare === null ? 2 : (1 - p.lastShare) * 3;
  const unmastered = p.regulars === 0 ? 1 : (p.notMastered / p.regulars) * 3;
  const weight = 0.25 + recency + weakness + unmastered;
  const reasons: [number, string][] = [
    [recency, staleDays === null ? "never practised in this channel" : `last practised here ${Math.round(staleDays)} days ago`],
    [weakness, p.lastShare === null ? "no results yet" : `only ${Math.round(p.lastShare * 100)}% stated the right first move last time`],
    [unmastered, p.regulars === 0 ? "nobody has mastered it yet" : `${p.notMastered} of ${p.regulars} regulars have not mastered it`],
  ];
  reasons.sort((a, b) => b[0] - a[0]);
  return { weight, reason: reasons[0]?.[1] ?? "" };
}

/** A weighted pick; `random` returns [0, 1). Never the previous scenario when there is another. */
export function chooseGameDayScenario(
  candidates: readonly ScenarioPractice[],
  previousId: string | null,
  now: number,
  random: () => number,
): GameDayChoice | null {
  const pool = candidates.length > 1 ? candidates.filter((c) => c.scenarioId !== previousId) : [...candidates];
  if (pool.length === 0) return null;
  const weighted = pool
    .map((p) => ({ scenarioId: p.scenarioId, ...scenarioWeight(p, now) }))
    .sort((a, b) => a.scenarioId.localeCompare(b.scenarioId));
  const total = weighted.reduce((sum, w) => sum + w.weight, 0);
  let point = random() * total;
  for (const w of weighted) {
    point -= w.weight;
    if (point < 0) return w;
  }
  return weighted.at(-1) ?? null;
}

/** A small seeded generator (mulberry32) for reproducible choices in tests and replays. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
