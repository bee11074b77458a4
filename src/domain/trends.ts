import { percent } from "./debriefWords.js";
import { formatClock } from "./duration.js";

// Trend lines people read at a glance: shares as a text sparkline, times as first → last.

const BARS = "▁▂▃▄▅▆▇█";

/** One bar per value in 0..1; null (no data) shows as a dot. */
export function sparkline(values: readonly (number | null)[]): string {
  return values
    .map((v) => (v === null ? "·" : (BARS[Math.min(BARS.length - 1, Math.max(0, Math.round(v * (BARS.length - 1))))] ?? "▁")))
    .join("");
}

export interface TrendPoint {
  share: number | null;
  medianFirstMoveMs: number | null;
}

/** "correct ▂▃▅▇ 33% → 80% · median first move 1:40 → 0:52 (4 drills)" */
export function trendLine(points: readonly TrendPoint[]): string | null {
  if (points.length < 2) return null;
  const shares = points.map((p) => p.share);
  const firstShare = shares.find((s) => s !== null);
  const lastShare = [...shares].reverse().find((s) => s !== null);
  const times = points.map((p) => p.medianFirstMoveMs).filter((t): t is number => t !== null);
  const parts = [`correct ${sparkline(shares)} ${percent(firstShare)} → ${percent(lastShare)}`];
  if (times.length >= 2) parts.push(`median first move ${formatClock(times[0] ?? 0)} → ${formatClock(times.at(-1) ?? 0)}`);
  return `${parts.join(" · ")} (${points.length} drills)`;
}
