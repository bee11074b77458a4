import Database from "better-sqlite3";
import type { DrillChange } from "../domain/drillChanges.js";
import type { DrillState, Person } from "../domain/drillState.js";
import type { Scenario, ScenarioFile } from "../domain/scenario.js";
import { LOCAL_TEAM, type Team } from "../domain/team.js";
import { DrillAlreadyRunningError } from "./errors.js";
import { type DrillRecordRows, type DrillRow, type DrillSummaryRow, toDrillState, toSummary } from "./rows/drillRows.js";
import { pickScenarioFile } from "./scenarioFile.js";
import { openDatabase } from "./sqliteDatabase.js";
import type {
  DrillFilter,
  DrillResults,
  DrillStore,
  DrillSummary,
  ReviewedAnswer,
  ReviewRecord,
  StoredScenarioVersion,
  Surface,
} from "./store.js";

// Drills and everything responders did in them, on SQLite: one apply() for every change.

/** A drill row with its records as one JSON object of arrays (DrillRecordRows). */
type LoadedRow = DrillRow & { records: string };

/** The drill and its records in one statement; `who` picks whose responder rows come with it
 * (with one person's, a click costs the same at 5 or 500 responders). Each kind of record is a
 * JSON array in the order toDrillState expects; the columns SQLite keeps as JSON text (score,
 * data) are embedded as JSON, and its 0/1 override as a JSON boolean, so the rows read as
 * PostgreSQL's do. */
const loadDrillSql = (who: "one" | "all") => {
  const whose = who === "one" ? " AND user_id = @user" : "";
  return `
  SELECT d.*, json_object(
    'responders', (SELECT json_group_array(json_object('user_id', user_id, 'user_name', user_name, 'joined_at', joined_at,
                          'acked_at', acked_at, 'walk_started_at', walk_started_at, 'role', role) ORDER BY joined_at, rowid)
                     FROM responders WHERE drill_id = d.id${whose}),
    'moves', (SELECT json_group_array(json_object('user_id', user_id, 'text', text, 'answered_at', answered_at, 'score', json(score),
                     'override_correct', json(CASE override_correct WHEN 1 THEN 'true' WHEN 0 THEN 'false' END),
                     'override_by', override_by, 'override_by_id', override_by_id, 'override_at', override_at))
                FROM first_moves WHERE drill_id = d.id${whose}),
    'steps', (SELECT json_group_array(json_object('user_id', user_id, 'seq', seq, 'node_id', node_id, 'option_id', option_id,
                     'next_id', next_id, 'entered_at', entered_at, 'chosen_at', chosen_at) ORDER BY user_id, seq)
                FROM decision_steps WHERE drill_id = d.id${whose}),
    'injects', (SELECT json_group_array(json_object('inject_index', inject_index, 'due_at', due_at, 'posted_at', posted_at)
                       ORDER BY posted_at, inject_index)
                  FROM inject_posts WHERE drill_id = d.id),
    'events', (SELECT json_group_array(json_object('kind', kind, 'by_id', by_id, 'by_name', by_name, 'at', at, 'data', json(data))
                      ORDER BY id)
                 FROM drill_events WHERE drill_id = d.id)
  ) AS records
  FROM drills d WHERE d.id = @id AND d.team_id = @team`;
};
const LOAD_ONE = loadDrillSql("one");
const LOAD_ALL = loadDrillSql("all");

export class SqliteDrillStore implements DrillStore {
  readonly db: Database.Database;

  /** Prepared once, reused (and shared by every workspace's store on this database): a stampede
   * of clicks runs the same few statements thousands of times. */
  private readonly statements: Map<string, Database.Statement>;

  /** `team`: the workspace this store reads and writes (LOCAL_TEAM: the terminal, a single-workspace install). */
  constructor(
    pathOrDb: string | Database.Database,
    readonly team: Team = LOCAL_TEAM,
    statements?: Map<string, Database.Statement>,
  ) {
    this.db = typeof pathOrDb === "string" ? openDatabase(pathOrDb) : pathOrDb;
    this.statements = statements ?? new Map();
  }

  forTeam(team: Team): SqliteDrillStore {
    return team.id === this.team.id ? this : new SqliteDrillStore(this.db, team, this.statements);
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async saveScenarioVersion(scenario: Scenario): Promise<void> {
    const content: ScenarioFile = pickScenarioFile(scenario);
    this.stmt("INSERT OR IGNORE INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES (?, ?, ?, ?, ?)").run(
      scenario.hash,
      scenario.id,
      JSON.stringify(content),
      scenario.runbookDoc.source,
      Date.now(),
    );
  }

  async getScenarioVersion(hash: string): Promise<StoredScenarioVersion | null> {
    const row = this.stmt("SELECT hash, scenario_id, content, runbook FROM scenario_versions WHERE hash = ?").get(hash) as
      | { hash: string; scenario_id: string; content: string; runbook: string }
      | undefined;
    return row
      ? { hash: row.hash, scenarioId: row.scenario_id, content: JSON.parse(row.content) as ScenarioFile, runbook: row.runbook }
      : null;
  }

  async createDrill(state: DrillState, surface: Surface): Promise<number> {
    try {
      const result = this.stmt(
        `INSERT INTO drills (team_id, enterprise_id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name,
             started_at, read_window_ms, time_limit_ms, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
      ).run(
        this.team.id,
        this.team.enterpriseId,
        state.scenarioId,
        state.scenarioHash,
        state.mode,
        surface,
        state.venue,
        state.startedBy.id,
        state.startedBy.name,
        state.startedAt,
        state.readWindowMs,
        state.timeLimitMs,
      );
      return Number(result.lastInsertRowid);
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === "SQLITE_CONSTRAINT_UNIQUE") {
        const running = await this.findRunningDrill(state.venue);
        throw new DrillAlreadyRunningError(state.venue, running?.id ?? null);
      }
      throw error;
    }
  }

  async setVenueRef(drillId: number, ref: string): Promise<void> {
    this.stmt("UPDATE drills SET venue_ref = ? WHERE id = ? AND team_id = ?").run(ref, drillId, this.team.id);
  }

  async setVenueLink(drillId: number, link: string): Promise<void> {
    this.stmt("UPDATE drills SET venue_link = ? WHERE id = ? AND team_id = ?").run(link, drillId, this.team.id);
  }

  async loadDrill(id: number, onlyUserId?: string): Promise<DrillState | null> {
    return this.loadDrillSync(id, onlyUserId);
  }

  /** The whole drill, or with only one responder's records (the hot path of a click): one
   * statement, as on PostgreSQL. Six statements (the drill, then each kind of record) cost six
   * trips through the driver and a row object for each row; here SQLite builds each kind of
   * record as one JSON array, which JSON.parse turns into the rows toDrillState maps. */
  private loadDrillSync(id: number, onlyUserId?: string): DrillState | null {
    // Another workspace's drill is not found: its id is refused like an unknown one.
    const row = (
      onlyUserId === undefined
        ? this.stmt(LOAD_ALL).get({ id, team: this.team.id })
        : this.stmt(LOAD_ONE).get({ id, team: this.team.id, user: onlyUserId })
    ) as LoadedRow | undefined;
    if (!row) return null;
    return toDrillState(row, JSON.parse(row.records) as DrillRecordRows);
  }

  async findRunningDrill(venue: string): Promise<DrillState | null> {
    const row = this.stmt("SELECT id FROM drills WHERE team_id = ? AND venue = ? AND status = 'running' ORDER BY id DESC LIMIT 1").get(
      this.team.id,
      venue,
    ) as { id: number } | undefined;
    return row ? this.loadDrillSync(row.id) : null;
  }

  async listDrills(filter: DrillFilter = {}): Promise<DrillSummary[]> {
    return this.summaries(filter, this.team);
  }

  async listDrillsOfEveryTeam(filter: Pick<DrillFilter, "status" | "surface" | "since" | "limit">): Promise<DrillSummary[]> {
    return this.summaries(filter, null);
  }

  private summaries(filter: DrillFilter, team: Team | null): DrillSummary[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (team) {
      where.push("d.team_id = ?");
      params.push(team.id);
    }
    if (filter.status) {
      where.push("d.status = ?");
      params.push(filter.status);
    }
    if (filter.scenarioId) {
      where.push("d.scenario_id = ?");
      params.push(filter.scenarioId);
    }
    if (filter.since !== undefined) {
      where.push("d.started_at >= ?");
      params.push(filter.since);
    }
    if (filter.surface) {
      where.push("d.surface = ?");
      params.push(filter.surface);
    }
    if (filter.responder) {
      where.push("EXISTS (SELECT 1 FROM responders r WHERE r.drill_id = d.id AND r.user_id = ?)");
      params.push(filter.responder);
    }
    if (filter.venue) {
      where.push("d.venue = ?");
      params.push(filter.venue);
    }
    const rows = this.stmt(
      `SELECT d.*, (SELECT count(*) FROM responders r WHERE r.drill_id = d.id) AS responder_count
         FROM drills d ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY d.started_at DESC, d.id DESC LIMIT ?`,
    ).all(...params, filter.limit ?? 50) as DrillSummaryRow[];
    return rows.map(toSummary);
  }

  /** Applies an operation's changes in one IMMEDIATE transaction (the write lock from the start,
   * so an answer can never land after another instance ended the drill). Changes that need a
   * running drill (acks, answers, steps, roles, the end) apply only while it runs. Each change
   * reports whether it took effect: false for a repeat (a double click, a retry, another
   * instance first) or a drill no longer running. */
  async apply(drillId: number, changes: readonly DrillChange[], derived: { results?: DrillResults } = {}): Promise<boolean[]> {
    // better-sqlite3 builds a transaction function (five closures) per db.transaction() call:
    // made once per store, not once per click.
    this.applyTransaction ??= this.db.transaction(this.applyNow.bind(this));
    return this.applyTransaction.immediate(drillId, changes, derived);
  }

  private applyTransaction: Database.Transaction<SqliteDrillStore["applyNow"]> | null = null;

  private applyNow(drillId: number, changes: readonly DrillChange[], derived: { results?: DrillResults }): boolean[] {
    const row = this.stmt("SELECT status FROM drills WHERE id = ? AND team_id = ?").get(drillId, this.team.id) as
      | { status: string }
      | undefined;
    // Another workspace's drill (or none): nothing is written.
    if (!row) return changes.map(() => false);
    let running = row.status === "running";
    const applied = changes.map((change) => {
      const took = this.applyOne(drillId, change, running);
      if (change.type === "finished" && took) running = false;
      return took;
    });
    if (derived.results) this.writeResults(derived.results);
    return applied;
  }

  private applyOne(drillId: number, change: DrillChange, running: boolean): boolean {
    switch (change.type) {
      case "acked":
        if (!running) return false;
        this.ensureResponder(drillId, change.user, change.joinedAt);
        return (
          this.stmt("UPDATE responders SET acked_at = ? WHERE drill_id = ? AND user_id = ? AND acked_at IS NULL").run(
            change.at,
            drillId,
            change.user.id,
          ).changes === 1
        );
      case "first_move":
        if (!running) return false;
        this.ensureResponder(drillId, change.user, change.joinedAt);
        return (
          this.stmt(
            "INSERT OR IGNORE INTO first_moves (drill_id, user_id, text, answered_at, correct, score, noticed) VALUES (?, ?, ?, ?, ?, ?, 0)",
          ).run(
            drillId,
            change.user.id,
            change.move.text,
            change.move.at,
            change.move.score.correct ? 1 : 0,
            JSON.stringify(change.move.score),
          ).changes === 1
        );
      case "walk_started":
        if (!running) return false;
        this.ensureResponder(drillId, change.user, change.at);
        return (
          this.stmt("UPDATE responders SET walk_started_at = ? WHERE drill_id = ? AND user_id = ? AND walk_started_at IS NULL").run(
            change.at,
            drillId,
            change.user.id,
          ).changes === 1
        );
      case "step":
        if (!running) return false;
        this.ensureResponder(drillId, change.user, change.step.enteredAt);
        return (
          this.stmt(
            `INSERT OR IGNORE INTO decision_steps (drill_id, user_id, seq, node_id, option_id, next_id, entered_at, chosen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            drillId,
            change.user.id,
            change.step.seq,
            change.step.nodeId,
            change.step.optionId,
            change.step.nextId,
            change.step.enteredAt,
            change.step.chosenAt,
          ).changes === 1
        );
      case "inject_posted":
        return (
          this.stmt("INSERT OR IGNORE INTO inject_posts (drill_id, inject_index, due_at, posted_at) VALUES (?, ?, ?, ?)").run(
            drillId,
            change.post.index,
            change.post.dueAt,
            change.post.postedAt,
          ).changes === 1
        );
      case "verdict": {
        const changed =
          this.stmt(
            "UPDATE first_moves SET override_correct = ?, override_by = ?, override_by_id = ?, override_at = ? WHERE drill_id = ? AND user_id = ?",
          ).run(change.correct ? 1 : 0, change.by.name, change.by.id, change.at, drillId, change.userId).changes === 1;
        if (changed) {
          this.stmt(
            `INSERT INTO first_move_reviews (drill_id, user_id, decided_by_id, decided_by_name, decided_at, via, before_correct, after_correct)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(drillId, change.userId, change.by.id, change.by.name, change.at, change.via, change.before ? 1 : 0, change.correct ? 1 : 0);
        }
        return changed;
      }
      case "role": {
        if (!running) return false;
        this.ensureResponder(drillId, change.user, change.joinedAt);
        // One person per role: the unique index refuses a role someone else holds.
        const taken =
          change.role !== null &&
          this.stmt("SELECT 1 FROM responders WHERE drill_id = ? AND role = ? AND user_id <> ?").get(drillId, change.role, change.user.id);
        if (taken) return false;
        return (
          this.stmt("UPDATE responders SET role = ? WHERE drill_id = ? AND user_id = ? AND role IS NOT ?").run(
            change.role,
            drillId,
            change.user.id,
            change.role,
          ).changes === 1
        );
      }
      case "finished":
        return (
          this.stmt("UPDATE drills SET status = ?, ended_at = ?, end_reason = ?, ended_by = ? WHERE id = ? AND status = 'running'").run(
            change.status,
            change.endedAt,
            change.reason,
            change.by,
            drillId,
          ).changes === 1
        );
      case "event": {
        const { kind, by, at, ...data } = change.event;
        this.stmt("INSERT INTO drill_events (drill_id, kind, by_id, by_name, at, data) VALUES (?, ?, ?, ?, ?, ?)").run(
          drillId,
          kind,
          by.id,
          by.name,
          at,
          JSON.stringify(data),
        );
        return true;
      }
    }
  }

  private ensureResponder(drillId: number, user: Person, joinedAt: number): void {
    this.stmt("INSERT OR IGNORE INTO responders (drill_id, user_id, user_name, joined_at) VALUES (?, ?, ?, ?)").run(
      drillId,
      user.id,
      user.name,
      joinedAt,
    );
  }

  async listReviews(drillId: number): Promise<ReviewRecord[]> {
    const rows = this.stmt(
      `SELECT r.* FROM first_move_reviews r JOIN drills d ON d.id = r.drill_id
        WHERE r.drill_id = ? AND d.team_id = ? ORDER BY r.decided_at, r.id`,
    ).all(drillId, this.team.id) as {
      drill_id: number;
      user_id: string;
      decided_by_id: string;
      decided_by_name: string;
      decided_at: number;
      via: "slack" | "terminal";
      before_correct: number;
      after_correct: number;
    }[];
    return rows.map((r) => ({
      drillId: r.drill_id,
      userId: r.user_id,
      by: { id: r.decided_by_id, name: r.decided_by_name },
      at: r.decided_at,
      via: r.via,
      before: r.before_correct === 1,
      correct: r.after_correct === 1,
    }));
  }

  async reviewedAnswers(scenarioId: string): Promise<ReviewedAnswer[]> {
    const rows = this.stmt(
      `SELECT f.drill_id, f.user_id, f.text, f.correct, f.override_correct, f.override_by, f.override_at, r.role
         FROM first_moves f JOIN drills d ON d.id = f.drill_id
         JOIN responders r ON r.drill_id = f.drill_id AND r.user_id = f.user_id
        WHERE d.team_id = ? AND d.scenario_id = ? AND f.override_correct IS NOT NULL
        ORDER BY f.override_at, f.drill_id`,
    ).all(this.team.id, scenarioId) as {
      drill_id: number;
      user_id: string;
      text: string;
      correct: number;
      override_correct: number;
      override_by: string | null;
      override_at: number | null;
      role: string | null;
    }[];
    return rows.map((r) => ({
      drillId: r.drill_id,
      userId: r.user_id,
      text: r.text,
      correct: r.override_correct === 1,
      rubricCorrect: r.correct === 1,
      decidedBy: r.override_by ?? "",
      decidedAt: r.override_at ?? 0,
      role: r.role,
    }));
  }

  private writeResults({ drill, responders }: DrillResults): void {
    this.stmt("DELETE FROM responder_results WHERE drill_id = ?").run(drill.drillId);
    this.stmt(
      `INSERT OR REPLACE INTO drill_results (drill_id, team_id, scenario_id, venue, mode, ended_at, responders, answered, correct_in_window, median_first_move_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      drill.drillId,
      this.team.id,
      drill.scenarioId,
      drill.venue,
      drill.mode,
      drill.endedAt,
      drill.responders,
      drill.answered,
      drill.correctInWindow,
      drill.medianFirstMoveMs,
    );
    const insert = this.stmt(
      `INSERT INTO responder_results (drill_id, team_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct, correct_in_window, time_to_first_move_ms, role)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of responders) {
      insert.run(
        r.drillId,
        this.team.id,
        r.userId,
        r.userName,
        r.scenarioId,
        r.venue,
        r.endedAt,
        r.answered ? 1 : 0,
        r.correct ? 1 : 0,
        r.correctInWindow ? 1 : 0,
        r.timeToFirstMoveMs,
        r.role,
      );
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
