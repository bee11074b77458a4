import type pg from "pg";
import { LOCAL_TEAM, type Team } from "../../domain/team.js";
import type { DrillResult, HistoryStore, ResponderResult, ScenarioCoverage } from "../history.js";
import { Params } from "./db.js";

// Finished drills' results on PostgreSQL (the contract of src/store/sqliteHistory.ts): trends,
// stats, mastery and coverage read them. In a store of one workspace every query names its
// team_id first, which is how the indexes of migrations/pg/003 and 005 are led, so years of
// history (100,000 drills, 2,000,000 responses) stay a few index reads away.

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
  answered: boolean;
  correct: boolean;
  correct_in_window: boolean;
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
  answered: r.answered,
  correct: r.correct,
  correctInWindow: r.correct_in_window,
  timeToFirstMoveMs: r.time_to_first_move_ms,
  role: r.role ?? null,
});

const DRILL_RESULT_COLUMNS = "drill_id, scenario_id, venue, mode, ended_at, responders, answered, correct_in_window, median_first_move_ms";
const RESPONDER_RESULT_COLUMNS =
  "drill_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct, correct_in_window, time_to_first_move_ms, role";

export class PgHistoryStore implements HistoryStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): PgHistoryStore {
    return team.id === this.team.id ? this : new PgHistoryStore(this.pool, team);
  }

  private inTeam(params: Params, alias = ""): string {
    return ` AND ${alias}team_id = ${params.add(this.team.id)}`;
  }

  private async rows<T extends pg.QueryResultRow>(sql: string, params: Params): Promise<T[]> {
    return (await this.pool.query<T>(sql, params.values)).rows;
  }

  async scenarioResults(scenarioId: string, limit: number): Promise<DrillResult[]> {
    const p = new Params();
    const rows = await this.rows<DrillResultRow>(
      `SELECT ${DRILL_RESULT_COLUMNS} FROM drill_results WHERE scenario_id = ${p.add(scenarioId)}${this.inTeam(p)}
        ORDER BY ended_at DESC LIMIT ${p.add(limit)}`,
      p,
    );
    return rows.map(toDrillResult).reverse();
  }

  async personResults(userId: string, scenarioId?: string, limit = 5000): Promise<ResponderResult[]> {
    const p = new Params();
    const scenario = scenarioId ? ` AND scenario_id = ${p.add(scenarioId)}` : "";
    const rows = await this.rows<ResponderResultRow>(
      `SELECT ${RESPONDER_RESULT_COLUMNS} FROM responder_results WHERE user_id = ${p.add(userId)}${scenario}${this.inTeam(p)}
        ORDER BY ended_at DESC LIMIT ${p.add(limit)}`,
      p,
    );
    return rows.map(toResponderResult).reverse();
  }

  async resultsFor(scenarioId: string, userIds: string[]): Promise<ResponderResult[]> {
    if (userIds.length === 0) return [];
    const p = new Params();
    // Grouped by person in the order asked for, each oldest first (as SQLite answers it).
    const rows = await this.rows<ResponderResultRow>(
      `SELECT ${RESPONDER_RESULT_COLUMNS} FROM responder_results
        WHERE user_id = ANY(${p.add(userIds)}::text[]) AND scenario_id = ${p.add(scenarioId)}${this.inTeam(p)}
        ORDER BY array_position(${p.add(userIds)}::text[], user_id), ended_at`,
      p,
    );
    return rows.map(toResponderResult);
  }

  async coverage(venue?: string): Promise<ScenarioCoverage[]> {
    const p = new Params();
    const team = p.add(this.team.id);
    const where = `${venue === undefined ? "true" : `venue = ${p.add(venue)}`} AND team_id = ${team}`;
    // How often and when last, per scenario. For the whole workspace, the scenarios are found by
    // skipping through drill_results_by_scenario (a handful of index probes) and each is counted
    // from that index alone, instead of reading and grouping every result row; in one channel its
    // few rows are grouped directly.
    const totals =
      venue === undefined
        ? `WITH RECURSIVE s AS (
             (SELECT scenario_id FROM drill_results WHERE team_id = ${team} ORDER BY scenario_id LIMIT 1)
             UNION ALL
             SELECT (SELECT n.scenario_id FROM drill_results n WHERE n.team_id = ${team} AND n.scenario_id > s.scenario_id
                      ORDER BY n.scenario_id LIMIT 1)
               FROM s WHERE s.scenario_id IS NOT NULL)
           SELECT s.scenario_id,
                  (SELECT count(*) FROM drill_results c WHERE c.team_id = ${team} AND c.scenario_id = s.scenario_id) AS drills,
                  (SELECT max(m.ended_at) FROM drill_results m WHERE m.team_id = ${team} AND m.scenario_id = s.scenario_id) AS last
             FROM s WHERE s.scenario_id IS NOT NULL`
        : `SELECT scenario_id, count(*) AS drills, max(ended_at) AS last FROM drill_results WHERE ${where} GROUP BY scenario_id`;
    // Then the latest drill's share, and the share over its latest (up to 5) read-mode drills.
    const rows = await this.rows<{
      scenario_id: string;
      drills: number;
      last: number;
      last_responders: number | null;
      last_correct: number | null;
      read_people: number | null;
      read_correct: number | null;
    }>(
      `SELECT t.scenario_id, t.drills, t.last, l.responders AS last_responders, l.correct_in_window AS last_correct,
              rm.people AS read_people, rm.correct AS read_correct
         FROM (${totals}) t
         LEFT JOIN LATERAL (SELECT responders, correct_in_window FROM drill_results
                             WHERE ${where} AND scenario_id = t.scenario_id ORDER BY ended_at DESC LIMIT 1) l ON true
         LEFT JOIN LATERAL (SELECT sum(responders)::bigint AS people, sum(correct_in_window)::bigint AS correct
                              FROM (SELECT responders, correct_in_window FROM drill_results
                                     WHERE ${where} AND scenario_id = t.scenario_id AND mode = 'read'
                                     ORDER BY ended_at DESC LIMIT 5) x) rm ON true
        ORDER BY t.scenario_id`,
      p,
    );
    return rows.map((r) => ({
      scenarioId: r.scenario_id,
      drills: r.drills,
      lastPractisedAt: r.last,
      lastShare: r.last_responders === null || r.last_responders === 0 ? null : (r.last_correct ?? 0) / r.last_responders,
      clarity: !r.read_people ? null : (r.read_correct ?? 0) / r.read_people,
    }));
  }

  async regulars(venue: string): Promise<string[]> {
    const p = new Params();
    const rows = await this.rows<{ user_id: string }>(
      `SELECT user_id FROM responder_results
        WHERE drill_id IN (SELECT drill_id FROM drill_results WHERE venue = ${p.add(venue)}${this.inTeam(p)} ORDER BY ended_at DESC LIMIT 10)
        GROUP BY user_id HAVING count(*) >= 2 ORDER BY user_id`,
      p,
    );
    return rows.map((r) => r.user_id);
  }

  async lastScenarioIn(venue: string): Promise<string | null> {
    const p = new Params();
    const rows = await this.rows<{ scenario_id: string }>(
      `SELECT scenario_id FROM drills WHERE venue = ${p.add(venue)} AND status <> 'cancelled'${this.inTeam(p)}
        ORDER BY started_at DESC, id DESC LIMIT 1`,
      p,
    );
    return rows[0]?.scenario_id ?? null;
  }

  async recentResults(limit: number, venue?: string): Promise<DrillResult[]> {
    const p = new Params();
    const where = `${venue === undefined ? "true" : `venue = ${p.add(venue)}`}${this.inTeam(p)}`;
    const rows = await this.rows<DrillResultRow>(
      `SELECT ${DRILL_RESULT_COLUMNS} FROM drill_results WHERE ${where} ORDER BY ended_at DESC LIMIT ${p.add(limit)}`,
      p,
    );
    return rows.map(toDrillResult).reverse();
  }
}
