// Game-day schedules and their runs, on SQLite.
import type Database from "better-sqlite3";
import { LOCAL_TEAM, type Team } from "../domain/team.js";
import type { Schedule, ScheduleRun, ScheduleRunKind, ScheduleRunStatus, ScheduleStore } from "./history.js";
import {
  fromSqliteScheduleRow,
  type ScheduleRunRow,
  type SqliteScheduleRow,
  toSchedule as toScheduleOfRow,
  toScheduleRun,
} from "./rows/scheduleRows.js";

// SQLite returns the booleans as 0/1: converted here, then mapped like PostgreSQL's rows.
const toSchedule = (r: SqliteScheduleRow): Schedule => toScheduleOfRow(fromSqliteScheduleRow(r));

/** One workspace's schedules (`team`); their runs are reached through them. */
export class SqliteScheduleStore implements ScheduleStore {
  constructor(
    private readonly db: Database.Database,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): SqliteScheduleStore {
    return team.id === this.team.id ? this : new SqliteScheduleStore(this.db, team);
  }

  async createSchedule(s: Omit<Schedule, "id" | "active" | "team">): Promise<Schedule> {
    const result = this.db
      .prepare(
        `INSERT INTO schedules (team_id, enterprise_id, channel, cron, timezone, scenario, mode, heads_up, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.team.id,
        this.team.enterpriseId,
        s.channel,
        s.cron,
        s.timezone,
        s.scenario,
        s.mode,
        s.headsUp ? 1 : 0,
        s.createdBy,
        s.createdAt,
      );
    return { ...s, id: Number(result.lastInsertRowid), team: this.team, active: true };
  }

  async listActiveSchedulesOfEveryTeam(): Promise<Schedule[]> {
    return (this.db.prepare("SELECT * FROM schedules WHERE active = 1 ORDER BY id").all() as SqliteScheduleRow[]).map(toSchedule);
  }

  async listSchedules(filter: { channel?: string; active?: boolean } = {}): Promise<Schedule[]> {
    const where: string[] = ["team_id = ?"];
    const params: (string | number)[] = [this.team.id];
    if (filter.channel !== undefined) {
      where.push("channel = ?");
      params.push(filter.channel);
    }
    if (filter.active !== undefined) {
      where.push("active = ?");
      params.push(filter.active ? 1 : 0);
    }
    const rows = this.db.prepare(`SELECT * FROM schedules WHERE ${where.join(" AND ")} ORDER BY id`).all(...params) as SqliteScheduleRow[];
    return rows.map(toSchedule);
  }

  async getSchedule(id: number): Promise<Schedule | null> {
    const row = this.db.prepare("SELECT * FROM schedules WHERE id = ? AND team_id = ?").get(id, this.team.id) as
      | SqliteScheduleRow
      | undefined;
    return row ? toSchedule(row) : null;
  }

  async deactivateSchedule(id: number): Promise<boolean> {
    return (
      this.db.prepare("UPDATE schedules SET active = 0 WHERE id = ? AND team_id = ? AND active = 1").run(id, this.team.id).changes === 1
    );
  }

  async claimScheduleRun(
    run: Omit<ScheduleRun, "drillId" | "detail"> & { drillId?: number | null; detail?: string | null },
  ): Promise<boolean> {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO schedule_runs (schedule_id, period, kind, status, drill_id, detail, recorded_at)
           SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM schedules WHERE id = ? AND team_id = ?)`,
        )
        .run(
          run.scheduleId,
          run.period,
          run.kind,
          run.status,
          run.drillId ?? null,
          run.detail ?? null,
          run.recordedAt,
          run.scheduleId,
          this.team.id,
        ).changes === 1
    );
  }

  async completeScheduleRun(
    scheduleId: number,
    period: number,
    kind: ScheduleRunKind,
    outcome: { status: ScheduleRunStatus; drillId?: number | null; detail?: string | null },
  ): Promise<void> {
    this.db
      .prepare(
        `UPDATE schedule_runs SET status = ?, drill_id = ?, detail = ? WHERE schedule_id = ? AND period = ? AND kind = ?
           AND EXISTS (SELECT 1 FROM schedules WHERE id = ? AND team_id = ?)`,
      )
      .run(outcome.status, outcome.drillId ?? null, outcome.detail ?? null, scheduleId, period, kind, scheduleId, this.team.id);
  }

  async retakeScheduleRun(scheduleId: number, period: number, claimedBefore: number, now: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE schedule_runs SET recorded_at = ?
            WHERE schedule_id = ? AND period = ? AND kind = 'drill' AND status = 'fired'
              AND drill_id IS NULL AND detail IS NULL AND recorded_at < ?`,
        )
        .run(now, scheduleId, period, claimedBefore).changes === 1
    );
  }

  async listUnfinishedDrillRuns(window: { since: number; until: number; claimedBefore: number }): Promise<ScheduleRun[]> {
    // The WHERE repeats the partial index's condition (migration 012) so the index is used.
    const rows = this.db
      .prepare(
        `SELECT r.* FROM schedule_runs r
          WHERE r.kind = 'drill' AND r.status = 'fired' AND r.drill_id IS NULL AND r.detail IS NULL
            AND r.period >= ? AND r.period <= ? AND r.recorded_at < ?
            AND NOT EXISTS (SELECT 1 FROM schedule_runs later
                             WHERE later.schedule_id = r.schedule_id AND later.kind = 'drill' AND later.period > r.period)
          ORDER BY r.period, r.schedule_id`,
      )
      .all(window.since, window.until, window.claimedBefore) as ScheduleRunRow[];
    return rows.map(toScheduleRun);
  }

  async listScheduleRuns(scheduleId: number, limit = 20): Promise<ScheduleRun[]> {
    const rows = this.db
      .prepare(
        `SELECT r.* FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
          WHERE r.schedule_id = ? AND s.team_id = ? ORDER BY r.period DESC LIMIT ?`,
      )
      .all(scheduleId, this.team.id, limit) as ScheduleRunRow[];
    return rows.map(toScheduleRun);
  }
}
