import type { DecisionStepRecord, DrillEvent, EndReason, FirstMoveRecord, InjectPostRecord, Person } from "./drillState.js";

// What an engine operation changed, as data. The engine returns these; the store applies a list
// of them in one transaction (DrillStore.apply), so a new drill operation adds a change (usually
// a timeline event) and never a store method of its own.

export type DrillChange =
  /** "I'm on it". Applied only while the drill runs, once per person. */
  | { type: "acked"; user: Person; joinedAt: number; at: number }
  /** A first move, scored. While running, once per person; its thread notice is owed with it. */
  | { type: "first_move"; user: Person; joinedAt: number; move: FirstMoveRecord }
  /** A responder opened the decision tree. While running, once. */
  | { type: "walk_started"; user: Person; at: number }
  /** One choice in the decision tree. While running, once per step number. */
  | { type: "step"; user: Person; step: DecisionStepRecord }
  /** An inject went (or is going) to the channel. Once per inject. */
  | { type: "inject_posted"; post: InjectPostRecord }
  /** A person's decision on an answer: the verdict that counts, and one more row in its history. */
  | { type: "verdict"; userId: string; correct: boolean; by: Person; at: number; before: boolean; via: "slack" | "terminal" }
  /** A responder takes a role (or gives theirs up: role null). While running; one person per role. */
  | { type: "role"; user: Person; joinedAt: number; role: string | null }
  /** The drill ended or was cancelled. Only from running. */
  | { type: "finished"; status: "ended" | "cancelled"; endedAt: number; reason: EndReason; by: string }
  /** A timeline event (facilitator controls, hints): appended, never changed. */
  | { type: "event"; event: DrillEvent };

export type DrillChangeType = DrillChange["type"];
