import type { DrillState } from "./drillState.js";

// A drill's own clock. Facilitators can pause a drill (its read window, injects and time limit
// all stop) and extend its time limit; both are timeline events, so the clock is worked out from
// the drill's state wherever it is needed: the engine, the timers, the debrief.

export interface PauseSpan {
  from: number;
  /** Null while the pause lasts. */
  to: number | null;
}

/** The drill's pauses, oldest first. */
export function pauseSpans(state: Pick<DrillState, "events">): PauseSpan[] {
  const spans: PauseSpan[] = [];
  for (const event of state.events) {
    const open = spans.at(-1);
    if (event.kind === "paused" && (!open || open.to !== null)) spans.push({ from: event.at, to: null });
    if (event.kind === "resumed" && open && open.to === null) open.to = event.at;
  }
  return spans;
}

export function isPaused(state: Pick<DrillState, "events">): boolean {
  return pauseSpans(state).at(-1)?.to === null;
}

/** The time limit with every extension added. */
export function timeLimitMs(state: Pick<DrillState, "timeLimitMs" | "events">): number {
  return state.events.reduce((limit, e) => (e.kind === "extended" ? limit + e.minutes * 60_000 : limit), state.timeLimitMs);
}

/** Drill time (started to `at`, pauses left out): what "+3:00" and "first move at 0:41" mean. */
export function drillTimeAt(state: Pick<DrillState, "startedAt" | "events">, at: number): number {
  let paused = 0;
  for (const span of pauseSpans(state)) {
    if (span.from >= at) break;
    paused += Math.min(span.to ?? at, at) - span.from;
  }
  return Math.max(0, at - state.startedAt - paused);
}

/** The wall-clock instant at which drill time reaches `drillMs`, or null when the drill is paused
 * before it does (it is not due until someone resumes it). */
export function wallTimeAt(state: Pick<DrillState, "startedAt" | "events">, drillMs: number): number | null {
  let wall = state.startedAt + drillMs;
  for (const span of pauseSpans(state)) {
    if (span.from >= wall) break;
    if (span.to === null) return null;
    wall += span.to - span.from;
  }
  return wall;
}
