import type pg from "pg";
import type { RunbookPart } from "../../domain/scenario.js";
import { LOCAL_TEAM, type Team } from "../../domain/team.js";
import type { ActionItem, ActionItemStore } from "../history.js";
import { inTransaction, Params } from "./db.js";

// Runbook action items (flags and findings), on PostgreSQL (the contract of
// src/store/sqliteActionItems.ts). An item carries its drill's workspace.

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

type NewItem = Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">;

// The item, stamped with its drill's workspace, which must be the store's ($10): a drill of
// another workspace gets no item from here. RETURNING gives the id.
const INSERT_FROM_DRILL = `
  INSERT INTO action_items (team_id, drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at)
  SELECT d.team_id, d.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM drills d WHERE d.id = $1 AND d.team_id = $10`;

const newItemValues = (item: NewItem, team: Team) => [
  item.drillId,
  item.scenarioId,
  item.runbook,
  item.part,
  item.kind,
  item.text,
  item.raisedBy.id,
  item.raisedBy.name,
  item.raisedAt,
  team.id,
];

export class PgActionItemStore implements ActionItemStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): PgActionItemStore {
    return team.id === this.team.id ? this : new PgActionItemStore(this.pool, team);
  }

  private inTeam(params: Params, alias = "a."): string {
    return ` AND ${alias}team_id = ${params.add(this.team.id)}`;
  }

  async addActionItem(item: NewItem): Promise<ActionItem> {
    const { rows } = await this.pool.query<{ id: number }>(`${INSERT_FROM_DRILL} RETURNING id`, newItemValues(item, this.team));
    const id = rows[0]?.id;
    // Like SQLite's: an item of a drill that does not exist (in this workspace) is refused.
    if (id === undefined) throw new Error(`drill #${item.drillId} is not a drill of this workspace`);
    const stored = await this.getActionItem(id);
    return stored ?? { ...item, id, status: "open", doneBy: null, doneAt: null, venue: "" };
  }

  async addActionItemUnlessOpen(item: NewItem): Promise<ActionItem | null> {
    // Two drills of one channel ending at once on two instances: each transaction sees only what
    // was committed, so the check and the insert are held under a lock on what makes them equal.
    const id = await inTransaction(this.pool, async (client) => {
      const { rows: drill } = await client.query<{ venue: string }>("SELECT venue FROM drills WHERE id = $1 AND team_id = $2", [
        item.drillId,
        this.team.id,
      ]);
      const venue = drill[0]?.venue;
      if (venue === undefined) throw new Error(`drill #${item.drillId} is not a drill of this workspace`);
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
        JSON.stringify(["action item", this.team.id, venue, item.runbook, item.part, item.text]),
      ]);
      const { rows } = await client.query<{ id: number }>(
        `${INSERT_FROM_DRILL}
           AND NOT EXISTS (
             SELECT 1 FROM action_items a JOIN drills o ON o.id = a.drill_id
              WHERE a.team_id = d.team_id AND a.status = 'open' AND a.runbook = $3 AND a.part = $4 AND a.text = $6 AND o.venue = d.venue)
         RETURNING id`,
        newItemValues(item, this.team),
      );
      return rows[0]?.id;
    });
    return id === undefined ? null : this.getActionItem(id);
  }

  async listActionItems(
    filter: { status?: "open" | "done"; drillId?: number; scenarioId?: string; venue?: string; limit?: number } = {},
  ): Promise<ActionItem[]> {
    const params = new Params();
    const where = ["true"];
    if (filter.status) where.push(`a.status = ${params.add(filter.status)}`);
    if (filter.drillId !== undefined) where.push(`a.drill_id = ${params.add(filter.drillId)}`);
    if (filter.scenarioId) where.push(`a.scenario_id = ${params.add(filter.scenarioId)}`);
    if (filter.venue) where.push(`d.venue = ${params.add(filter.venue)}`);
    const team = this.inTeam(params);
    const { rows } = await this.pool.query<ActionRow>(
      `SELECT a.*, d.venue FROM action_items a JOIN drills d ON d.id = a.drill_id
        WHERE ${where.join(" AND ")}${team} ORDER BY a.id LIMIT ${params.add(filter.limit ?? 500)}`,
      params.values,
    );
    return rows.map(toAction);
  }

  async getActionItem(id: number): Promise<ActionItem | null> {
    const params = new Params();
    const { rows } = await this.pool.query<ActionRow>(
      `SELECT a.*, d.venue FROM action_items a JOIN drills d ON d.id = a.drill_id WHERE a.id = ${params.add(id)}${this.inTeam(params)}`,
      params.values,
    );
    return rows[0] ? toAction(rows[0]) : null;
  }

  async markActionItemDone(id: number, by: string, at: number): Promise<boolean> {
    const params = new Params();
    const result = await this.pool.query(
      `UPDATE action_items a SET status = 'done', done_by = ${params.add(by)}, done_at = ${params.add(at)}
        WHERE a.id = ${params.add(id)} AND a.status = 'open'${this.inTeam(params)}`,
      params.values,
    );
    return result.rowCount === 1;
  }
}
