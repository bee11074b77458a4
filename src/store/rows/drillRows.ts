import type { DrillEvent, DrillState, EndReason, ResponderRecord } from "../../domain/drillState.js";
import type { StoredScore } from "../../domain/scoring.js";
import type { Team } from "../../domain/team.js";
import type { DrillSummary, Surface } from "../store.js";

// A drill's rows (drills, responders, first_moves, decision_steps, inject_posts, drill_events)
// and their mapping to DrillState and DrillSummary, shared by the SQLite and PostgreSQL drill
// stores, so a column change is made once. Each store loads a drill in one statement that returns
// the records as JSON in these shapes (the dialects differ only in how they build it).

export interface DrillRow {
  id: number;
  team_id: string;
  enterprise_id: string | null;
  scenario_id: string;
  scenario_hash: string;
  mode: DrillState["mode"];
  surface: Surface;
  venue: string;
  venue_ref: string | null;
  venue_link: string | null;
  started_by_id: string;
  started_by_name: string;
  started_at: number;
  read_window_ms: number;
  time_limit_ms: number;
  status: DrillState["status"];
  ended_at: number | null;
  end_reason: EndReason | null;
  ended_by: string | null;
}

export type DrillSummaryRow = DrillRow & { responder_count: number };

export interface ResponderRow {
  user_id: string;
  user_name: string;
  joined_at: number;
  acked_at: number | null;
  walk_started_at: number | null;
  role: string | null;
}

/** A first_moves row as both stores load it: the score's JSON parsed, the override a boolean. */
export interface FirstMoveRow {
  user_id: string;
  text: string;
  answered_at: number;
  score: StoredScore;
  override_correct: boolean | null;
  override_by: string | null;
  override_by_id: string | null;
  override_at: number | null;
}

export interface StepRow {
  user_id: string;
  seq: number;
  node_id: string;
  option_id: string;
  next_id: string;
  entered_at: number;
  chosen_at: number;
}

export interface InjectRow {
  inject_index: number;
  due_at: number;
  posted_at: number;
}

/** A drill_events row as both stores load it: the data's JSON parsed. */
export interface EventRow {
  kind: DrillEvent["kind"];
  by_id: string;
  by_name: string;
  at: number;
  data: Record<string, unknown>;
}

/** A drill's records, as loaded with it (all responders', or one responder's). */
export interface DrillRecordRows {
  responders: ResponderRow[];
  moves: FirstMoveRow[];
  steps: StepRow[];
  injects: InjectRow[];
  events: EventRow[];
}

export const teamOf = (r: { team_id: string; enterprise_id: string | null }): Team => ({ id: r.team_id, enterpriseId: r.enterprise_id });

export const toSummary = (r: DrillSummaryRow): DrillSummary => ({
  id: r.id,
  team: teamOf(r),
  scenarioId: r.scenario_id,
  mode: r.mode,
  surface: r.surface,
  venue: r.venue,
  venueRef: r.venue_ref,
  venueLink: r.venue_link,
  status: r.status,
  startedBy: { id: r.started_by_id, name: r.started_by_name },
  startedAt: r.started_at,
  endedAt: r.ended_at,
  responders: r.responder_count,
});

export function toDrillState(row: DrillRow, records: DrillRecordRows): DrillState {
  const movesByUser = new Map(records.moves.map((m) => [m.user_id, m]));
  const stepsByUser = new Map<string, ResponderRecord["steps"]>();
  for (const s of records.steps) {
    const list = stepsByUser.get(s.user_id) ?? [];
    list.push({ seq: s.seq, nodeId: s.node_id, optionId: s.option_id, nextId: s.next_id, enteredAt: s.entered_at, chosenAt: s.chosen_at });
    stepsByUser.set(s.user_id, list);
  }
  return {
    id: row.id,
    team: teamOf(row),
    scenarioId: row.scenario_id,
    scenarioHash: row.scenario_hash,
    mode: row.mode,
    startedBy: { id: row.started_by_id, name: row.started_by_name },
    venue: row.venue,
    venueRef: row.venue_ref,
    startedAt: row.started_at,
    readWindowMs: row.read_window_ms,
    timeLimitMs: row.time_limit_ms,
    status: row.status,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    endedBy: row.ended_by,
    responders: records.responders.map((r): ResponderRecord => {
      const move = movesByUser.get(r.user_id);
      return {
        user: { id: r.user_id, name: r.user_name },
        joinedAt: r.joined_at,
        role: r.role,
        ackAt: r.acked_at,
        walkStartedAt: r.walk_started_at,
        firstMove: move
          ? {
              text: move.text,
              at: move.answered_at,
              score: move.score,
              override:
                move.override_correct === null
                  ? null
                  : {
                      correct: move.override_correct,
                      by: move.override_by ?? "",
                      ...(move.override_by_id ? { byId: move.override_by_id } : {}),
                      at: move.override_at ?? 0,
                    },
            }
          : null,
        steps: stepsByUser.get(r.user_id) ?? [],
      };
    }),
    injects: records.injects.map((i) => ({ index: i.inject_index, dueAt: i.due_at, postedAt: i.posted_at })),
    events: records.events.map((e) => ({ ...e.data, kind: e.kind, by: { id: e.by_id, name: e.by_name }, at: e.at }) as DrillEvent),
  };
}
