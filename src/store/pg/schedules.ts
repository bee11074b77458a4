import type pg from "pg";
import { LOCAL_TEAM, type Team } from "../../domain/team.js";
import type { Schedule, ScheduleRun, ScheduleRunKind, ScheduleRunStatus, ScheduleStore } from "../history.js";
import { type ScheduleRow, type ScheduleRunRow, toSchedule, toScheduleRun } from "../rows/scheduleRows.js";
import { Params } from "./db.js";

// Game-day schedules and their runs, on PostgreSQL (the contract of src/store/sqliteSchedules.ts).
// A schedule fires with nobody's request, so it says whose workspace it posts in.

export class PgScheduleStore implements ScheduleStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): PgScheduleStore {
    return team.id === this.team.id ? this : new PgScheduleStore(this.pool, team);
  }

  private inTeam(params: Params): string {
    return ` AND team_id = ${params.add(this.team.id)}`;
  }

  async listActiveSchedulesOfEveryTeam(): Promise<Schedule[]> {
    const { rows } = await this.pool.query<ScheduleRow>("SELECT * FROM schedules WHERE active ORDER BY id");
    return rows.map(toSchedule);
  }

  async createSchedule(s: Omit<Schedule, "id" | "active" | "team">): Promise<Schedule> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO schedules (team_id, enterprise_id, channel, cron, timezone, scenario, mode, heads_up, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [this.team.id, this.team.enterpriseId, s.channel, s.cron, s.timezone, s.scenario, s.mode, s.headsUp, s.createdBy, s.createdAt],
    );
    return { ...s, id: rows[0]?.id ?? Number.NaN, team: this.team, active: true };
  }

  async listSchedules(filter: { channel?: string; active?: boolean } = {}): Promise<Schedule[]> {
    const params = new Params();
    const where = ["true"];
    if (filter.channel !== undefined) where.push(`channel = ${params.add(filter.channel)}`);
    if (filter.active !== undefined) where.push(`active = ${params.add(filter.active)}`);
    const { rows } = await this.pool.query<ScheduleRow>(
      `SELECT * FROM schedules WHERE ${where.join(" AND ")}${this.inTeam(params)} ORDER BY id`,
      params.values,
    );
    return rows.map(toSchedule);
  }

  async getSchedule(id: number): Promise<Schedule | null> {
    const params = new Params();
    const { rows } = await this.pool.query<ScheduleRow>(
      `SELECT * FROM schedules WHERE id = ${params.add(id)}${this.inTeam(params)}`,
      params.values,
    );
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async deactivateSchedule(id: number): Promise<boolean> {
    const params = new Params();
    const result = await this.pool.query(
      `UPDATE schedules SET active = false WHERE id = ${params.add(id)} AND active${this.inTeam(params)}`,
      params.values,
    );
    return result.rowCount === 1;
  }

  async claimScheduleRun(
    run: Omit<ScheduleRun, "drillId" | "detail"> & { drillId?: number | null; detail?: string | null },
  ): Promise<boolean> {
    // The primary key (schedule, period, kind) makes a period fire once across every instance;
    // a schedule of another workspace claims nothing here.
    const result = await this.pool.query(
      `INSERT INTO schedule_runs (schedule_id, period, kind, status, drill_id, detail, recorded_at)
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM schedules WHERE id = $1 AND team_id = $8)
         ON CONFLICT (schedule_id, period, kind) DO NOTHING`,
      [run.scheduleId, run.period, run.kind, run.status, run.drillId ?? null, run.detail ?? null, run.recordedAt, this.team.id],
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
      `UPDATE schedule_runs SET status = $1, drill_id = $2, detail = $3 WHERE schedule_id = $4 AND period = $5 AND kind = $6
         AND EXISTS (SELECT 1 FROM schedules WHERE id = $4 AND team_id = $7)`,
      [outcome.status, outcome.drillId ?? null, outcome.detail ?? null, scheduleId, period, kind, this.team.id],
    );
  }

  async retakeScheduleRun(scheduleId: number, period: number, claimedBefore: number, now: number): Promise<boolean> {
    // One UPDATE: of two instances racing, the second re-reads the row after the first commits
    // and finds it claimed again (recorded_at no longer before the cut-off).
    const result = await this.pool.query(
      `UPDATE schedule_runs SET recorded_at = $1
        WHERE schedule_id = $2 AND period = $3 AND kind = 'drill' AND status = 'fired'
          AND drill_id IS NULL AND detail IS NULL AND recorded_at < $4`,
      [now, scheduleId, period, claimedBefore],
    );
    return result.rowCount === 1;
  }

  async listUnfinishedDrillRuns(window: { since: number; until: number; claimedBefore: number }): Promise<ScheduleRun[]> {
    // The WHERE repeats the partial index's condition (migration 012) so the index is used.
    const { rows } = await this.pool.query<ScheduleRunRow>(
      `SELECT r.* FROM schedule_runs r
        WHERE r.kind = 'drill' AND r.status = 'fired' AND r.drill_id IS NULL AND r.detail IS NULL
          AND r.period >= $1 AND r.period <= $2 AND r.recorded_at < $3
          AND NOT EXISTS (SELECT 1 FROM schedule_runs later
                           WHERE later.schedule_id = r.schedule_id AND later.kind = 'drill' AND later.period > r.period)
        ORDER BY r.period, r.schedule_id`,
      [window.since, window.until, window.claimedBefore],
    );
    return rows.map(toScheduleRun);
  }

  async listScheduleRuns(scheduleId: number, limit = 20): Promise<ScheduleRun[]> {
    const { rows } = await this.pool.query<ScheduleRunRow>(
      `SELECT r.* FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
        WHERE r.schedule_id = $1 AND s.team_id = $3 ORDER BY r.period DESC LIMIT $2`,
      [scheduleId, limit, this.team.id],
    );
    return rows.map(toScheduleRun);
  }
}
