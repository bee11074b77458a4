import type pg from "pg";
import type { Schedule, ScheduleRun, ScheduleRunKind, ScheduleRunStatus, ScheduleStore } from "../history.js";
import { LOCAL_WORKSPACE, Params, type PgWorkspace } from "./db.js";

// Game-day schedules and their runs, on PostgreSQL (the contract of src/store/sqliteSchedules.ts).
// A schedule fires with nobody's request, so it says whose workspace it posts in.

interface ScheduleRow {
  id: number;
  channel: string;
  cron: string;
  timezone: string;
  scenario: string;
  mode: "read" | "blind";
  heads_up: boolean;
  created_by: string;
  created_at: number;
  active: boolean;
}

const toSchedule = (r: ScheduleRow): Schedule => ({
  id: r.id,
  channel: r.channel,
  cron: r.cron,
  timezone: r.timezone,
  scenario: r.scenario,
  mode: r.mode,
  headsUp: r.heads_up,
  createdBy: r.created_by,
  createdAt: r.created_at,
  active: r.active,
});

export class PgScheduleStore implements ScheduleStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly workspace: PgWorkspace = LOCAL_WORKSPACE,
  ) {}

  private team(params: Params): string {
    return ` AND team_id = ${params.add(this.workspace.teamId)}`;
  }

  async createSchedule(s: Omit<Schedule, "id" | "active">): Promise<Schedule> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO schedules (team_id, enterprise_id, channel, cron, timezone, scenario, mode, heads_up, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        this.workspace.teamId,
        this.workspace.enterpriseId,
        s.channel,
        s.cron,
        s.timezone,
        s.scenario,
        s.mode,
        s.headsUp,
        s.createdBy,
        s.createdAt,
      ],
    );
    return { ...s, id: rows[0]?.id ?? Number.NaN, active: true };
  }

  async listSchedules(filter: { channel?: string; active?: boolean } = {}): Promise<Schedule[]> {
    const params = new Params();
    const where = ["true"];
    if (filter.channel !== undefined) where.push(`channel = ${params.add(filter.channel)}`);
    if (filter.active !== undefined) where.push(`active = ${params.add(filter.active)}`);
    const { rows } = await this.pool.query<ScheduleRow>(
      `SELECT * FROM schedules WHERE ${where.join(" AND ")}${this.team(params)} ORDER BY id`,
      params.values,
    );
    return rows.map(toSchedule);
  }

  async getSchedule(id: number): Promise<Schedule | null> {
    const params = new Params();
    const { rows } = await this.pool.query<ScheduleRow>(
      `SELECT * FROM schedules WHERE id = ${params.add(id)}${this.team(params)}`,
      params.values,
    );
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async deactivateSchedule(id: number): Promise<boolean> {
    const params = new Params();
    const result = await this.pool.query(
      `UPDATE schedules SET active = false WHERE id = ${params.add(id)} AND active${this.team(params)}`,
      params.values,
    );
    return result.rowCount === 1;
  }

  async claimScheduleRun(
    run: Omit<ScheduleRun, "drillId" | "detail"> & { drillId?: number | null; detail?: string | null },
  ): Promise<boolean> {
    // The primary key (schedule, period, kind) makes a period fire once across every instance.
    const result = await this.pool.query(
      `INSERT INTO schedule_runs (schedule_id, period, kind, status, drill_id, detail, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (schedule_id, period, kind) DO NOTHING`,
      [run.scheduleId, run.period, run.kind, run.status, run.drillId ?? null, run.detail ?? null, run.recordedAt],
    );
    return result.rowCount === 1;
  }

  async completeScheduleRun(
    scheduleId: number,
    period: number,
    kind: ScheduleRunKind,
    outcome: { status: ScheduleRunStatus; drillId?: number | null; detail?: string | null },
  ): Promise<void> {
    await this.pool.query(
      "UPDATE schedule_runs SET status = $1, drill_id = $2, detail = $3 WHERE schedule_id = $4 AND period = $5 AND kind = $6",
      [outcome.status, outcome.drillId ?? null, outcome.detail ?? null, scheduleId, period, kind],
    );
  }

  async listScheduleRuns(scheduleId: number, limit = 20): Promise<ScheduleRun[]> {
    const { rows } = await this.pool.query<{
      schedule_id: number;
      period: number;
      kind: ScheduleRunKind;
      status: ScheduleRunStatus;
      drill_id: number | null;
      detail: string | null;
      recorded_at: number;
    }>("SELECT * FROM schedule_runs WHERE schedule_id = $1 ORDER BY period DESC LIMIT $2", [scheduleId, limit]);
    return rows.map((r) => ({
      scheduleId: r.schedule_id,
      period: r.period,
      kind: r.kind,
      status: r.status,
      drillId: r.drill_id,
      detail: r.detail,
      recordedAt: r.recorded_at,
    }));
  }
}
