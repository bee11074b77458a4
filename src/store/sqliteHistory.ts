import type Database from "better-sqlite3";
import type { RunbookPart } from "../domain/scenario.js";
import type {
  ActionItem,
  ActionItemStore,
  DrillResult,
  HistoryStore,
  ResponderResult,
  ScenarioCoverage,
  Schedule,
  ScheduleRun,
  ScheduleRunKind,
  ScheduleRunStatus,
  ScheduleStore,
} from "./history.js";

interface ScheduleRow {
  id: number;
  channel: string;
  cron: string;
  timezone: string;
  scenario: string;
  mode: "read" | "blind";
  heads_up: number;
  created_by: string;
  created_at: number;
  active: number;
}

const toSchedule = (r: ScheduleRow): Schedule => ({
  id: r.id,
  channel: r.channel,
  cron: r.cron,
  timezone: r.timezone,
  scenario: r.scenario,
  mode: r.mode,
  headsUp: r.heads_up === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
  active: r.active === 1,
});

export class SqliteScheduleStore implements ScheduleStore {
  constructor(private readonly db: Database.Database) {}

  async createSchedule(s: Omit<Schedule, "id" | "active">): Promise<Schedule> {
    const result = this.db
      .prepare(
        "INSERT INTO schedules (channel, cron, timezone, scenario, mode, heads_up, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(s.channel, s.cron, s.timezone, s.scenario, s.mode, s.headsUp ? 1 : 0, s.createdBy, s.createdAt);
    return { ...s, id: Number(result.lastInsertRowid), active: true };
  }

  async listSchedules(filter: { channel?: string; active?: boolean } = {}): Promise<Schedule[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.channel !== undefined) {
      where.push("channel = ?");
      params.push(filter.channel);
    }
    if (filter.active !== undefined) {
      where.push("active = ?");
      params.push(filter.active ? 1 : 0);
    }
    const rows = this.db
      .prepare(`SELECT * FROM schedules ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id`)
      .all(...params) as ScheduleRow[];
    return rows.map(toSchedule);
  }

  async getSchedule(id: number): Promise<Schedule | null> {
    const row = this.db.prepare("SELECT * FROM schedules WHERE id = ?").get(id) as ScheduleRow | undefined;
    return row ? toSchedule(row) : null;
  }

  async deactivateSchedule(id: number): Promise<boolean> {
    return this.db.prepare("UPDATE schedules SET active = 0 WHERE id = ? AND active = 1").run(id).changes === 1;
  }

  async claimScheduleRun(
    run: Omit<ScheduleRun, "drillId" | "detail"> & { drillId?: number | null; detail?: string | null },
  ): Promise<boolean> {
    return (
      this.db
        .prepare(
          "INSERT OR IGNORE INTO schedule_runs (schedule_id, period, kind, status, drill_id, detail, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .run(run.scheduleId, run.period, run.kind, run.status, run.drillId ?? null, run.detail ?? null, run.recordedAt).changes === 1
    );
  }

  async completeScheduleRun(
    scheduleId: number,
    period: number,
    kind: ScheduleRunKind,
    outcome: { status: ScheduleRunStatus; drillId?: number | null; detail?: string | null },
  ): Promise<void> {
    this.db
      .prepare("UPDATE schedule_runs SET status = ?, drill_id = ?, detail = ? WHERE schedule_id = ? AND period = ? AND kind = ?")
      .run(outcome.status, outcome.drillId ?? null, outcome.detail ?? null, scheduleId, period, kind);
  }

  async listScheduleRuns(scheduleId: number, limit = 20): Promise<ScheduleRun[]> {
    const rows = this.db
      .prepare("SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY period DESC LIMIT ?")
      .all(scheduleId, limit) as {
      schedule_id: number;
      period: number;
      kind: ScheduleRunKind;
      status: ScheduleRunStatus;
      drill_id: number | null;
      detail: string | null;
      recorded_at: number;
    }[];
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

export class SqliteActionItemStore implements ActionItemStore {
  constructor(private readonly db: Database.Database) {}

  async addActionItem(item: Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">): Promise<ActionItem> {
    const result = this.db
      .prepare(
        "INSERT INTO action_items (drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        item.drillId,
        item.scenarioId,
        item.runbook,
        item.part,
        item.kind,
        item.text,
        item.raisedBy.id,
        item.raisedBy.name,
        item.raisedAt,
      );
    const venue =
      (this.db.prepare("SELECT venue FROM drills WHERE id = ?").get(item.drillId) as { venue: string } | undefined)?.venue ?? "";
    return { ...item, id: Number(result.lastInsertRowid), status: "open", doneBy: null, doneAt: null, venue };
  }

  async addActionItemUnlessOpen(item: Omit<ActionItem, "id" | "status" | "doneBy" | "doneAt" | "venue">): Promise<ActionItem | null> {
    // One statement, so two drills ending at once cannot both add it. Per venue: a channel sees
    // only its own drills' items, so each channel that drills the runbook gets the finding once.
    const result = this.db
      .prepare(
        `INSERT INTO action_items (drill_id, scenario_id, runbook, part, kind, text, raised_by_id, raised_by_name, raised_at)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
           WHERE NOT EXISTS (
             SELECT 1 FROM action_items a JOIN drills d ON d.id = a.drill_id
              WHERE a.status = 'open' AND a.runbook = ? AND a.part = ? AND a.text = ?
                AND d.venue = (SELECT venue FROM drills WHERE id = ?))`,
      )
      .run(
        item.drillId,
        item.scenarioId,
        item.runbook,
        item.part,
        item.kind,
        item.text,
        item.raisedBy.id,
        item.raisedBy.name,
        item.raisedAt,
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
    const where: string[] = [];
    const params: (string | number)[] = [];
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
          ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.id LIMIT ?`,
      )
      .all(...params, filter.limit ?? 500) as ActionRow[];
    return rows.map(toAction);
  }

  async getActionItem(id: number): Promise<ActionItem | null> {
    const row = this.db.prepare("SELECT a.*, d.venue FROM action_items a JOIN drills d ON d.id = a.drill_id WHERE a.id = ?").get(id) as
      | ActionRow
      | undefined;
    return row ? toAction(row) : null;
  }

  async markActionItemDone(id: number, by: string, at: number): Promise<boolean> {
    return (
      this.db.prepare("UPDATE action_items SET status = 'done', done_by = ?, done_at = ? WHERE id = ? AND status = 'open'").run(by, at, id)
        .changes === 1
    );
  }
}

interface DrillResultRow {
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

const toDrillResult = (r: DrillResultRow): DrillResult => ({
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

interface ResponderResultRow {
  drill_id: number;
  user_id: string;
  user_name: string;
  scenario_id: string;
  venue: string;
  ended_at: number;
  answered: number;
  correct: number;
  correct_in_window: number;
  time_to_first_move_ms: number | null;
}

const toResponderResult = (r: ResponderResultRow): ResponderResult => ({
  drillId: r.drill_id,
  userId: r.user_id,
  userName: r.user_name,
  scenarioId: r.scenario_id,
  venue: r.venue,
  endedAt: r.ended_at,
  answered: r.answered === 1,
  correct: r.correct === 1,
  correctInWindow: r.correct_in_window === 1,
  timeToFirstMoveMs: r.time_to_first_move_ms,
});

const share = (r: { responders: number; correct_in_window: number }) => (r.responders === 0 ? null : r.correct_in_window / r.responders);

export class SqliteHistoryStore implements HistoryStore {
  constructor(private readonly db: Database.Database) {}

  async scenarioResults(scenarioId: string, limit: number): Promise<DrillResult[]> {
    const rows = this.db
      .prepare("SELECT * FROM drill_results WHERE scenario_id = ? ORDER BY ended_at DESC LIMIT ?")
      .all(scenarioId, limit) as DrillResultRow[];
    return rows.map(toDrillResult).reverse();
  }

  async personResults(userId: string, scenarioId?: string, limit = 5000): Promise<ResponderResult[]> {
    const rows = (
      scenarioId
        ? this.db
            .prepare("SELECT * FROM responder_results WHERE user_id = ? AND scenario_id = ? ORDER BY ended_at DESC LIMIT ?")
            .all(userId, scenarioId, limit)
        : this.db.prepare("SELECT * FROM responder_results WHERE user_id = ? ORDER BY ended_at DESC LIMIT ?").all(userId, limit)
    ) as ResponderResultRow[];
    return rows.map(toResponderResult).reverse();
  }

  async resultsFor(scenarioId: string, userIds: string[]): Promise<ResponderResult[]> {
    if (userIds.length === 0) return [];
    const statement = this.db.prepare("SELECT * FROM responder_results WHERE user_id = ? AND scenario_id = ? ORDER BY ended_at");
    return userIds.flatMap((id) => (statement.all(id, scenarioId) as ResponderResultRow[]).map(toResponderResult));
  }

  async coverage(venue?: string): Promise<ScenarioCoverage[]> {
    const filter = venue === undefined ? "" : "WHERE venue = ?";
    const params = venue === undefined ? [] : [venue];
    const totals = this.db
      .prepare(`SELECT scenario_id, count(*) AS drills, max(ended_at) AS last FROM drill_results ${filter} GROUP BY scenario_id`)
      .all(...params) as {
      scenario_id: string;
      drills: number;
      last: number;
    }[];
    const latest = this.db.prepare(
      `SELECT * FROM drill_results WHERE scenario_id = ? ${venue === undefined ? "" : "AND venue = ?"} ORDER BY ended_at DESC LIMIT 1`,
    );
    const readMode = this.db.prepare(
      `SELECT responders, correct_in_window FROM drill_results WHERE scenario_id = ? AND mode = 'read' ${venue === undefined ? "" : "AND venue = ?"} ORDER BY ended_at DESC LIMIT 5`,
    );
    return totals.map((t) => {
      const args = venue === undefined ? [t.scenario_id] : [t.scenario_id, venue];
      const last = latest.get(...args) as DrillResultRow | undefined;
      const recent = readMode.all(...args) as { responders: number; correct_in_window: number }[];
      const people = recent.reduce((n, r) => n + r.responders, 0);
      return {
        scenarioId: t.scenario_id,
        drills: t.drills,
        lastPractisedAt: t.last,
        lastShare: last ? share(last) : null,
        clarity: people === 0 ? null : recent.reduce((n, r) => n + r.correct_in_window, 0) / people,
      };
    });
  }

  async regulars(venue: string): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT user_id FROM responder_results WHERE drill_id IN (SELECT drill_id FROM drill_results WHERE venue = ? ORDER BY ended_at DESC LIMIT 10)
         GROUP BY user_id HAVING count(*) >= 2 ORDER BY user_id`,
      )
      .all(venue) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  async lastScenarioIn(venue: string): Promise<string | null> {
    const row = this.db
      .prepare("SELECT scenario_id FROM drills WHERE venue = ? AND status != 'cancelled' ORDER BY started_at DESC, id DESC LIMIT 1")
      .get(venue) as { scenario_id: string } | undefined;
    return row?.scenario_id ?? null;
  }

  async recentResults(limit: number, venue?: string): Promise<DrillResult[]> {
    const rows = (
      venue === undefined
        ? this.db.prepare("SELECT * FROM drill_results ORDER BY ended_at DESC LIMIT ?").all(limit)
        : this.db.prepare("SELECT * FROM drill_results WHERE venue = ? ORDER BY ended_at DESC LIMIT ?").all(venue, limit)
    ) as DrillResultRow[];
    return rows.map(toDrillResult).reverse();
  }
}
