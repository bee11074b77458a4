import type { ClarityVerdict, Debrief, ResponderDebrief, TimelineEntry } from "./debrief.js";
import type { DrillEvent } from "./drillState.js";
import { formatClock } from "./duration.js";
import { MASTERY_STREAK, type Mastery } from "./mastery.js";

// The debrief's vocabulary, in one place for every renderer (Slack, terminal, Markdown, CSV):
// verdicts, clarity, how a drill ended, shares and times. A renderer adds only its own markup.

/** A share as a whole percentage, or a dash when there is nothing to share. */
export const percent = (share: number | null | undefined): string =>
  share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`;

/** A share with one decimal (evaluation tables, where 95.4% and 95.0% differ). */
export const percentPrecise = (share: number | null | undefined): string =>
  share === null || share === undefined ? "—" : `${(share * 100).toFixed(1)}%`;

/** m:ss, or a dash for "did not happen". */
export const clockOrDash = (ms: number | null | undefined): string => (ms === null || ms === undefined ? "—" : formatClock(ms));

export const CLARITY_WORDS: Record<ClarityVerdict, string> = {
  clear: "clear",
  "needs-work": "needs work",
  fails: "fails the two-minute test",
};

export const NOT_MEASURED_BLIND = "not measured in blind mode (it tests recall, not the runbook)";

/** "fails the two-minute test — 33% of 3 stated the right first move within 2:00"; `mark` adds
 * a renderer's sign to the verdict word (Slack: ✅ ⚠️ ❌). */
export function clarityPhrase(d: Debrief, style: PhraseStyle = {}): string {
  if (!d.clarity) return d.mode === "blind" ? NOT_MEASURED_BLIND : "not measured: nobody took part";
  const word = `${CLARITY_WORDS[d.clarity.verdict]}${style.mark?.(d.clarity.verdict) ?? ""}`;
  return `${word} — ${percent(d.clarity.share)} of ${d.clarity.sample}${noun(style)} stated the right first move within ${formatClock(d.readWindowMs)}`;
}

/** How a renderer words a count and marks a verdict: the terminal says "3 responder(s)",
 * Slack "3"; Slack adds ✅ ⚠️ ❌ to the clarity word. */
export interface PhraseStyle {
  countNoun?: string;
  mark?: (verdict: ClarityVerdict) => string;
}

const noun = (style: PhraseStyle) => (style.countNoun ? ` ${style.countNoun}` : "");

/** "1 of 3 stated a correct first move inside the read window (33%)". */
export function teamPhrase(d: Debrief, style: PhraseStyle = {}): string {
  return `${d.team.correctInReadWindow} of ${d.team.responders}${noun(style)} stated a correct first move inside the read window (${percent(d.team.shareCorrectInReadWindow)})`;
}

/** How the drill came to an end. */
export function endPhrase(d: Pick<Debrief, "status" | "endReason">): string {
  if (d.status === "cancelled") return "cancelled";
  if (d.status === "running") return "still running";
  return d.endReason === "time_limit" ? "ended at the time limit" : "ended by hand";
}

export const windowPhrase = (within: boolean): string => (within ? "inside the read window" : "after the read window");

/** "correct (overridden by alice), inside the read window" — without any markup. */
export function verdictPhrase(r: ResponderDebrief, name: (text: string) => string = (t) => t): string {
  if (r.correct === null) return "no first move";
  const by = r.override ? ` (${r.override.correct === r.score?.correct ? "confirmed" : "overridden"} by ${name(r.override.by)})` : "";
  return `${r.correct ? "correct" : "wrong"}${by}, ${windowPhrase(r.withinReadWindow)}`;
}

/** One timeline entry: "+4:10 ⏸ paused by alice for 1:30". `name` escapes a person's name for
 * the renderer. */
export function timelinePhrase(entry: TimelineEntry, name: (text: string) => string = (t) => t): string {
  const at = `+${formatClock(entry.atMs)}`;
  switch (entry.kind) {
    case "inject":
      return `${at} ⏱ inject ${entry.index + 1}${entry.injectKind ? ` (${entry.injectKind})` : ""}${entry.early ? `, sent early by ${name(entry.early.name)}` : ""}`;
    case "extended":
      return `${at} ⏳ time limit extended by ${entry.minutes} min by ${name(entry.by.name)}`;
    case "paused":
      return `${at} ⏸ paused by ${name(entry.by.name)}${entry.forMs === null ? " (still paused)" : ` for ${formatClock(entry.forMs)}`}`;
    case "resumed":
      return `${at} ▶️ resumed by ${name(entry.by.name)}`;
    case "hint":
      return `${at} 💡 hint posted by ${name(entry.by.name)}`;
  }
}

/** "bob (Communications)" — a responder with the role they held. */
export function responderName(r: ResponderDebrief, name: (text: string) => string = (t) => t): string {
  return r.role ? `${name(r.user.name)} (${name(r.role.name)})` : name(r.user.name);
}

/** Words for how a drill currently stands, for status lines: paused, extended, injects sent early, hint given. */
export function controlStatePhrases(state: { events: readonly DrillEvent[] }, name: (text: string) => string = (t) => t): string[] {
  const phrases: string[] = [];
  const extended = state.events.filter((e): e is Extract<DrillEvent, { kind: "extended" }> => e.kind === "extended");
  if (extended.length) phrases.push(`extended by ${extended.reduce((n, e) => n + e.minutes, 0)} min`);
  const lastPause = [...state.events].reverse().find((e) => e.kind === "paused" || e.kind === "resumed");
  if (lastPause?.kind === "paused") phrases.push(`⏸ paused by ${name(lastPause.by.name)}`);
  const early = state.events.filter((e): e is Extract<DrillEvent, { kind: "inject_now" }> => e.kind === "inject_now");
  if (early.length) {
    const who = [...new Set(early.map((e) => name(e.by.name)))].join(", ");
    phrases.push(`${early.length === 1 ? `inject ${(early[0]?.index ?? 0) + 1}` : `${early.length} injects`} sent early by ${who}`);
  }
  const hint = state.events.find((e) => e.kind === "hint");
  if (hint) phrases.push(`hint posted by ${name(hint.by.name)}`);
  return phrases;
}

/** Where a person stands on a scenario: "mastered", "slipping", "learning (1/3 in a row)";
 * `marks` adds Slack's emoji. */
export function masteryPhrase(mastery: Pick<Mastery, "status" | "streak">, marks = false): string {
  if (mastery.status === "mastered") return marks ? "🏅 mastered" : "mastered";
  if (mastery.status === "slipping") return marks ? "↘️ slipping" : "slipping";
  return `learning (${mastery.streak}/${MASTERY_STREAK} in a row)`;
}
