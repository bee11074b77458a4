// Finished drills' results: trends, stats, mastery and coverage read them, on SQLite.
import type Database from "better-sqlite3";
import { LOCAL_TEAM, type Team } from "../domain/team.js";
import type { DrillResult, HistoryStore, ResponderResult, ScenarioCoverage } from "./history.js";

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
  role: string | null;
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
  role: r.role ?? null,
});

const share = (r: { responders: number; correct_in_window: number }) => (r.responders === 0 ? null : r.correct_in_window / r.responders);

/** Every query is of one workspace's results (`team`). */
export class SqliteHistoryStore implements HistoryStore {
  constructor(
    private readonly db: Database.Database,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): SqliteHistoryStore {
    return team.id === this.team.id ? this : new SqliteHistoryStore(this.db, team);
  }

  async scenarioResults(scenarioId: string, limit: number): Promise<DrillResult[]> {
    const rows = this.db
      .prepare("SELECT * FROM drill_results WHERE team_id = ? AND scenario_id = ? ORDER BY ended_at DESC LIMIT ?")
      .all(this.team.id, scenarioId, limit) as DrillResultRow[];
    return rows.map(toDrillResult).reverse();
  }

  async personResults(userId: string, scenarioId?: string, limit = 5000): Promise<ResponderResult[]> {
    const rows = (
      scenarioId
        ? this.db
            .prepare("SELECT * FROM responder_results WHERE team_id = ? AND user_id = ? AND scenario_id = ? ORDER BY ended_at DESC LIMIT ?")
            .all(this.team.id, userId, scenarioId, limit)
        : this.db
            .prepare("SELECT * FROM responder_results WHERE team_id = ? AND user_id = ? ORDER BY ended_at DESC LIMIT ?")
            .all(this.team.id, userId, limit)
    ) as ResponderResultRow[];
    return rows.map(toResponderResult).reverse();
  }

  async resultsFor(scenarioId: string, userIds: string[]): Promise<ResponderResult[]> {
    if (userIds.length === 0) return [];
    const statement = this.db.prepare(
      "SELECT * FROM responder_results WHERE team_id = ? AND user_id = ? AND scenario_id = ? ORDER BY ended_at",
    );
    return userIds.flatMap((id) => (statement.all(this.team.id, id, scenarioId) as ResponderResultRow[]).map(toResponderResult));
  }

  async coverage(venue?: string): Promise<ScenarioCoverage[]> {
    const filter = venue === undefined ? "WHERE team_id = ?" : "WHERE team_id = ? AND venue = ?";
    const params = venue === undefined ? [this.team.id] : [this.team.id, venue];
    const totals = this.db
      .prepare(`SELECT scenario_id, count(*) AS drills, max(ended_at) AS last FROM drill_results ${filter} GROUP BY scenario_id`)
      .all(...params) as {
      scenario_id: string;
      drills: number;
      last: number;
    }[];
    const latest = this.db.prepare(
      `SELECT * FROM drill_results WHERE team_id = ? AND scenario_id = ? ${venue === undefined ? "" : "AND venue = ?"} ORDER BY ended_at DESC LIMIT 1`,
    );
    const readMode = this.db.prepare(
      `SELECT responders, correct_in_window FROM drill_results WHERE team_id = ? AND scenario_id = ? AND mode = 'read' ${venue === undefined ? "" : "AND venue = ?"} ORDER BY ended_at DESC LIMIT 5`,
    );
    return totals.map((t) => {
      const args = venue === undefined ? [this.team.id, t.scenario_id] : [this.team.id, t.scenario_id, venue];
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
        `SELECT user_id FROM responder_results
          WHERE drill_id IN (SELECT drill_id FROM drill_results WHERE team_id = ? AND venue = ? ORDER BY ended_at DESC LIMIT 10)
         GROUP BY user_id HAVING count(*) >= 2 ORDER BY user_id`,
      )
      .all(this.team.id, venue) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  async lastScenarioIn(venue: string): Promise<string | null> {
    const row = this.db
      .prepare(
        "SELECT scenario_id FROM drills WHERE team_id = ? AND venue = ? AND status != 'cancelled' ORDER BY started_at DESC, id DESC LIMIT 1",
      )
      .get(this.team.id, venue) as { scenario_id: string } | undefined;
    return row?.scenario_id ?? null;
  }

  async recentResults(limit: number, venue?: string): Promise<DrillResult[]> {
    const rows = (
      venue === undefined
        ? this.db.prepare("SELECT * FROM drill_results WHERE team_id = ? ORDER BY ended_at DESC LIMIT ?").all(this.team.id, limit)
        : this.db
            .prepare("SELECT * FROM drill_results WHERE team_id = ? AND venue = ? ORDER BY ended_at DESC LIMIT ?")
            .all(this.team.id, venue, limit)
    ) as DrillResultRow[];
    return rows.map(toDrillResult).reverse();
  }
}
