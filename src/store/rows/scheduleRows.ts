import type { Schedule, ScheduleRun, ScheduleRunKind, ScheduleRunStatus } from "../history.js";

// schedules and schedule_runs rows and their domain records, shared by the SQLite and PostgreSQL
// stores, so a column change is made once. The one dialect difference is explicit below.

/** A schedules row as PostgreSQL returns it (booleans as booleans). */
export interface ScheduleRow {
  id: number;
  team_id: string;
  enterprise_id: string | null;
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

/** The same row from SQLite, which has no boolean type: 0 or 1. */
export type SqliteScheduleRow = Omit<ScheduleRow, "heads_up" | "active"> & { heads_up: number; active: number };

export const fromSqliteScheduleRow = (r: SqliteScheduleRow): ScheduleRow => ({
  ...r,
  heads_up: r.heads_up === 1,
  active: r.active === 1,
});

export const toSchedule = (r: ScheduleRow): Schedule => ({
  id: r.id,
  team: { id: r.team_id, enterpriseId: r.enterprise_id },
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

export interface ScheduleRunRow {
  schedule_id: number;
  period: number;
  kind: ScheduleRunKind;
  status: ScheduleRunStatus;
  drill_id: number | null;
  detail: string | null;
  recorded_at: number;
}

export const toScheduleRun = (r: ScheduleRunRow): ScheduleRun => ({
  scheduleId: r.schedule_id,
  period: r.period,
  kind: r.kind,
  status: r.status,
  drillId: r.drill_id,
  detail: r.detail,
  recordedAt: r.recorded_at,
});
