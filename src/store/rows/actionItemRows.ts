import type { RunbookPart } from "../../domain/scenario.js";
import type { ActionItem } from "../history.js";

// An action_items row and its domain item, shared by the SQLite and PostgreSQL stores: both
// dialects return the same column types here, so a column change is made once.

export interface ActionRow {
  id: number;
  drill_id: number;
  scenario_id: string;
  runbook: string;
  part: RunbookPart;
  kind: "wrong" | "unclear";
  text: string;
  raised_by_id: string;
  raised_by_name: string;
  raised_at: number;
  status: "open" | "done";
  done_by: string | null;
  done_at: number | null;
  venue: string;
}

export const toAction = (r: ActionRow): ActionItem => ({
  id: r.id,
  drillId: r.drill_id,
  scenarioId: r.scenario_id,
  runbook: r.runbook,
  part: r.part,
  kind: r.kind,
  text: r.text,
  raisedBy: { id: r.raised_by_id, name: r.raised_by_name },
  raisedAt: r.raised_at,
  status: r.status,
  doneBy: r.done_by,
  doneAt: r.done_at,
  venue: r.venue,
});
