// Runbook action items (flags and findings), on SQLite.
import type Database from "better-sqlite3";
import type { RunbookPart } from "../domain/scenario.js";
import { LOCAL_TEAM, type Team } from "../domain/team.js";
import type { ActionItem, ActionItemStore } from "./history.js";

interface ActionRow {
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

const toAction = (r: ActionRow): ActionItem => ({
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

/** One workspace's action items (`team`): raised only in its own drills, listed and closed only there. */
export class SqliteActionItemStore implements ActionItemStore {
  constructor(
    private readonly db: Database.Database,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): SqliteActionItemStore {
    return team.id === this.team.id ? this : new SqliteActionItemStore(this.db, team);
  }

  async addActionItem(item: Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">): Promise<ActionItem> {
    const result = this.db
      .prepare(
        `INSERT INTO action_items (team_id, drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM drills WHERE id = ? AND team_id = ?)`,
      )
      .run(
        this.team.id,
        item.drillId,
        item.scenarioId,
        item.runbook,
        item.part,
        item.kind,
        item.text,
        item.raisedBy.id,
        item.raisedBy.name,
        item.raisedAt,
        item.drillId,
        this.team.id,
      );
    if (result.changes === 0) throw new Error(`drill #${item.drillId} is not a drill of this workspace`);
    const venue =
      (this.db.prepare("SELECT venue FROM drills WHERE id = ?").get(item.drillId) as { venue: string } | undefined)?.venue ?? "";
    return { ...item, id: Number(result.lastInsertRowid), status: "open", doneBy: null, doneAt: null, venue };
  }

  async addActionItemUnlessOpen(item: Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">): Promise<ActionItem | null> {
    // One statement, so two drills ending at once cannot both add it. Per venue: a channel sees
    // only its own drills' items, so each channel that drills the runbook gets the finding once.
    const result = this.db
      .prepare(
        `INSERT INTO action_items (team_id, drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
           WHERE EXISTS (SELECT 1 FROM drills WHERE id = ? AND team_id = ?)
             AND NOT EXISTS (
             SELECT 1 FROM action_items a JOIN drills d ON d.id = a.drill_id
              WHERE a.team_id = ? AND a.status = 'open' AND a.runbook = ? AND a.part = ? AND a.text = ?
                AND d.venue = (SELECT venue FROM drills WHERE id = ?))`,
      )
      .run(
        this.team.id,
        item.drillId,
        item.scenarioId,
        item.runbook,
        item.part,
        item.kind,
        item.text,
        item.raisedBy.id,
        item.raisedBy.name,
        item.raisedAt,
        item.drillId,
        this.team.id,
        this.team.id,
        item.runbook,
        item.part,
        item.text,
        item.drillId,
      );
    if (result.changes === 0) return null;
    return this.getActionItem(Number(result.lastInsertRowid));
  }

  async listActionItems(
    filter: { status?: "open" | "done"; drillId?: number; scenarioId?: string; venue?: string; limit?: number } = {},
  ): Promise<ActionItem[]> {
    const where: string[] = ["a.team_id = ?"];
    const params: (string | number)[] = [this.team.id];
    if (filter.status) {
      where.push("a.status = ?");
      params.push(filter.status);
    }
    if (filter.drillId !== undefined) {
      where.push("a.drill_id = ?");
      params.push(filter.drillId);
    }
    if (filter.scenarioId) {
      where.push("a.scenario_id = ?");
      params.push(filter.scenarioId);
    }
    if (filter.venue) {
      where.push("d.venue = ?");
      params.push(filter.venue);
    }
    const rows = this.db
      .prepare(
        `SELECT a.*, d.venue FROM action_items a JOIN drills d ON d.id = a.drill_id
          WHERE ${where.join(" AND ")} ORDER BY a.id LIMIT ?`,
      )
      .all(...params, filter.limit ?? 500) as ActionRow[];
    return rows.map(toAction);
  }

  async getActionItem(id: number): Promise<ActionItem | null> {
    const row = this.db
      .prepare("SELECT a.*, d.venue FROM action_items a JOIN drills d ON d.id = a.drill_id WHERE a.id = ? AND a.team_id = ?")
      .get(id, this.team.id) as ActionRow | undefined;
    return row ? toAction(row) : null;
  }

  async markActionItemDone(id: number, by: string, at: number): Promise<boolean> {
    return (
      this.db
        .prepare("UPDATE action_items SET status = 'done', done_by = ?, done_at = ? WHERE id = ? AND team_id = ? AND status = 'open'")
        .run(by, at, id, this.team.id).changes === 1
    );
  }
}
