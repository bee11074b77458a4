import type Database from "better-sqlite3";
import type pg from "pg";
import { LOCAL_TEAM_ID } from "../domain/team.js";

// A workspace's data as a whole: deleted on request (`drillbot forget-workspace`), or the rows of
// a single-workspace install handed to its Slack team id when it moves to OAuth
// (`drillbot adopt-workspace`). The same statements on SQLite and PostgreSQL, in one transaction.
// Scenario versions are the catalog's, shared by every workspace, and stay.

type Params = { team: string; enterprise?: string | null };

/** Child rows (responders, first moves, steps, injects, events, reviews, results) go with their
 * drill (ON DELETE CASCADE); rows that point at a drill without cascading go first. */
const FORGET: { table: string; sql: string }[] = [
  { table: "outbox", sql: "DELETE FROM outbox WHERE team_id = :team OR drill_id IN (SELECT id FROM drills WHERE team_id = :team)" },
  {
    table: "schedule_runs",
    sql: `DELETE FROM schedule_runs WHERE schedule_id IN (SELECT id FROM schedules WHERE team_id = :team)
             OR drill_id IN (SELECT id FROM drills WHERE team_id = :team)`,
  },
  { table: "schedules", sql: "DELETE FROM schedules WHERE team_id = :team" },
  {
    table: "action_items",
    sql: "DELETE FROM action_items WHERE team_id = :team OR drill_id IN (SELECT id FROM drills WHERE team_id = :team)",
  },
  { table: "drills", sql: "DELETE FROM drills WHERE team_id = :team" },
  { table: "slack_installations", sql: "DELETE FROM slack_installations WHERE team_id = :team" },
];

const ADOPT: { table: string; sql: string }[] = ["drills", "schedules", "outbox"]
  .map((table) => ({
    table,
    sql: `UPDATE ${table} SET team_id = :team, enterprise_id = :enterprise WHERE team_id = '${LOCAL_TEAM_ID}'`,
  }))
  .concat(
    ["action_items", "drill_results", "responder_results"].map((table) => ({
      table,
      sql: `UPDATE ${table} SET team_id = :team WHERE team_id = '${LOCAL_TEAM_ID}'`,
    })),
  );

const COUNTS: { table: string; sql: string }[] = [
  { table: "drills", sql: "SELECT count(*) AS n FROM drills WHERE team_id = :team" },
  { table: "schedules", sql: "SELECT count(*) AS n FROM schedules WHERE team_id = :team" },
  { table: "action_items", sql: "SELECT count(*) AS n FROM action_items WHERE team_id = :team" },
  { table: "outbox", sql: "SELECT count(*) AS n FROM outbox WHERE team_id = :team" },
  { table: "slack_installations", sql: "SELECT count(*) AS n FROM slack_installations WHERE team_id = :team" },
];

/** `yes` is the dialect's true: 1 on SQLite, true on PostgreSQL. */
const waitingSql = (yes: string) => `SELECT (SELECT count(*) FROM drills WHERE team_id = :team) AS drills,
  (SELECT count(*) FROM drills WHERE team_id = :team AND status = 'running') AS running,
  (SELECT count(*) FROM schedules WHERE team_id = :team AND active = ${yes}) AS schedules,
  (SELECT count(*) FROM outbox WHERE team_id = :team AND status = 'pending') AS queued`;

/** Rows per table. */
export type RowCounts = Record<string, number>;

/** What a workspace has that still wants doing: its drills (running ones among them), active
 * schedules and messages queued to send. */
export interface WaitingWork {
  drills: number;
  running: number;
  schedules: number;
  queued: number;
}

type WaitingRow = Record<keyof WaitingWork, number | string>;
const toWaiting = (row: WaitingRow | undefined): WaitingWork => ({
  drills: Number(row?.drills ?? 0),
  running: Number(row?.running ?? 0),
  schedules: Number(row?.schedules ?? 0),
  queued: Number(row?.queued ?? 0),
});

export interface WorkspaceData {
  /** How many rows of the workspace each table holds (children of drills not counted). */
  count(teamId: string): Promise<RowCounts>;
  /** Deletes the workspace's drills (with everything recorded in them), schedules, action items,
   * queued messages and installation; returns what was deleted per table. */
  forget(teamId: string): Promise<RowCounts>;
  /** Hands every 'local' row to the team (one transaction: all or nothing). */
  adopt(teamId: string, enterpriseId: string | null): Promise<RowCounts>;
  /** One query: what the workspace has running, scheduled and queued. */
  waiting(teamId: string): Promise<WaitingWork>;
}

export class SqliteWorkspaceData implements WorkspaceData {
  constructor(private readonly db: Database.Database) {}

  private bind(sql: string): string {
    return sql.replace(/:(team|enterprise)\b/g, "@$1");
  }

  async count(teamId: string): Promise<RowCounts> {
    return Object.fromEntries(
      COUNTS.map(({ table, sql }) => [table, (this.db.prepare(this.bind(sql)).get({ team: teamId }) as { n: number }).n]),
    );
  }

  async forget(teamId: string): Promise<RowCounts> {
    return this.runAll(FORGET, { team: teamId });
  }

  async adopt(teamId: string, enterpriseId: string | null): Promise<RowCounts> {
    return this.runAll(ADOPT, { team: teamId, enterprise: enterpriseId });
  }

  async waiting(teamId: string): Promise<WaitingWork> {
    return toWaiting(this.db.prepare(this.bind(waitingSql("1"))).get({ team: teamId }) as WaitingRow | undefined);
  }

  private runAll(statements: { table: string; sql: string }[], params: Params): RowCounts {
    return this.db
      .transaction(() => {
        const counts: RowCounts = {};
        for (const { table, sql } of statements) {
          const bound = this.bind(sql);
          const used = Object.fromEntries(Object.entries(params).filter(([k]) => bound.includes(`@${k}`)));
          counts[table] = (counts[table] ?? 0) + this.db.prepare(bound).run(used).changes;
        }
        return counts;
      })
      .immediate();
  }
}

export class PgWorkspaceData implements WorkspaceData {
  constructor(private readonly pool: pg.Pool) {}

  private bind(sql: string, params: Params): { text: string; values: (string | null)[] } {
    const names: (keyof Params)[] = [];
    const text = sql.replace(/:(team|enterprise)\b/g, (_m, name: keyof Params) => {
      if (!names.includes(name)) names.push(name);
      return `$${names.indexOf(name) + 1}`;
    });
    return { text, values: names.map((n) => params[n] ?? null) };
  }

  async count(teamId: string): Promise<RowCounts> {
    const counts: RowCounts = {};
    for (const { table, sql } of COUNTS) {
      const { text, values } = this.bind(sql, { team: teamId });
      counts[table] = Number((await this.pool.query<{ n: string | number }>(text, values)).rows[0]?.n ?? 0);
    }
    return counts;
  }

  async forget(teamId: string): Promise<RowCounts> {
    return this.runAll(FORGET, { team: teamId });
  }

  async adopt(teamId: string, enterpriseId: string | null): Promise<RowCounts> {
    return this.runAll(ADOPT, { team: teamId, enterprise: enterpriseId });
  }

  async waiting(teamId: string): Promise<WaitingWork> {
    const { text, values } = this.bind(waitingSql("true"), { team: teamId });
    return toWaiting((await this.pool.query<WaitingRow>(text, values)).rows[0]);
  }

  private async runAll(statements: { table: string; sql: string }[], params: Params): Promise<RowCounts> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const counts: RowCounts = {};
      for (const { table, sql } of statements) {
        const { text, values } = this.bind(sql, params);
        counts[table] = (counts[table] ?? 0) + ((await client.query(text, values)).rowCount ?? 0);
      }
      await client.query("COMMIT");
      return counts;
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }
}
