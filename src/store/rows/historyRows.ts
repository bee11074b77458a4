import type { DrillResult, ResponderResult } from "../history.js";

// drill_results and responder_results rows and their domain records, shared by the SQLite and
// PostgreSQL stores, so a column change is made once. The one dialect difference is explicit below.

export interface DrillResultRow {
  drill_id: number;
  scenario_id: string;
  venue: string;
  mode: "read" | "blind";
  ended_at: number;
  responders: number;
  answered: number;
  correct_in_window: number;
  median_first_move_ms: number | null;
}

export const toDrillResult = (r: DrillResultRow): DrillResult => ({
  drillId: r.drill_id,
  scenarioId: r.scenario_id,
  venue: r.venue,
  mode: r.mode,
  endedAt: r.ended_at,
  responders: r.responders,
  answered: r.answered,
  correctInWindow: r.correct_in_window,
  medianFirstMoveMs: r.median_first_move_ms,
});

/** A responder_results row as PostgreSQL returns it (booleans as booleans). */
export interface ResponderResultRow {
  drill_id: number;
  user_id: string;
  user_name: string;
  scenario_id: string;
  venue: string;
  ended_at: number;
  answered: boolean;
  correct: boolean;
  correct_in_window: boolean;
  time_to_first_move_ms: number | null;
  role: string | null;
}

/** The same row from SQLite, which has no boolean type: 0 or 1. */
export type SqliteResponderResultRow = Omit<ResponderResultRow, "answered" | "correct" | "correct_in_window"> & {
  answered: number;
  correct: number;
  correct_in_window: number;
};

export const fromSqliteResponderResultRow = (r: SqliteResponderResultRow): ResponderResultRow => ({
  ...r,
  answered: r.answered === 1,
  correct: r.correct === 1,
  correct_in_window: r.correct_in_window === 1,
});

export const toResponderResult = (r: ResponderResultRow): ResponderResult => ({
  drillId: r.drill_id,
  userId: r.user_id,
  userName: r.user_name,
  scenarioId: r.scenario_id,
  venue: r.venue,
  endedAt: r.ended_at,
  answered: r.answered,
  correct: r.correct,
  correctInWindow: r.correct_in_window,
  timeToFirstMoveMs: r.time_to_first_move_ms,
  role: r.role ?? null,
});
