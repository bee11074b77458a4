import type pg from "pg";
import type { DrillChange } from "../../domain/drillChanges.js";
import type { DrillState, Person } from "../../domain/drillState.js";
import type { Scenario, ScenarioFile } from "../../domain/scenario.js";
import { LOCAL_TEAM, type Team } from "../../domain/team.js";
import { DrillAlreadyRunningError } from "../errors.js";
import { type DrillRecordRows, type DrillRow, type DrillSummaryRow, toDrillState, toSummary } from "../rows/drillRows.js";
import { pickScenarioFile } from "../scenarioFile.js";
import type {
  DrillFilter,
  DrillResults,
  DrillStore,
  DrillSummary,
  ReviewedAnswer,
  ReviewRecord,
  StoredScenarioVersion,
  Surface,
} from "../store.js";
import { inTransaction, isUniqueViolation, Params } from "./db.js";

// Drills and everything responders did in them, on PostgreSQL: the same contract as
// src/store/sqliteDrills.ts. Where SQLite takes the database's one write lock, PostgreSQL locks
// the drill's row: answers share it, the end takes it alone, so nothing lands after the end.

/** A drill row with its records as JSON arrays (one query, one consistent snapshot). */
interface LoadedRow extends DrillRow, DrillRecordRows {}

/** The drill and its records in one query; `who` picks whose responder rows come with it. Two
 * texts rather than one with `($2 IS NULL OR user_id = $2)`: each is a named prepared statement,
 * planned once per connection, and a plan made for "one person" (an index lookup, so a click
 * costs the same at 5 or 500 responders) must not be reused for "everyone". */
const loadDrillSql = (who: "one" | "all") => {
  const whose = who === "one" ? " AND user_id = $3" : "";
  return `
  SELECT d.*,
    (SELECT coalesce(json_agg(r ORDER BY r.joined_at, r.rowid), '[]')
       FROM (SELECT user_id, user_name, joined_at, acked_at, walk_started_at, role, rowid FROM responders
              WHERE drill_id = d.id${whose}) r) AS responders,
    (SELECT coalesce(json_agg(f), '[]')
       FROM (SELECT user_id, text, answered_at, score, override_correct, override_by, override_by_id, override_at FROM first_moves
              WHERE drill_id = d.id${whose}) f) AS moves,
    (SELECT coalesce(json_agg(s ORDER BY s.user_id, s.seq), '[]')
       FROM (SELECT user_id, seq, node_id, option_id, next_id, entered_at, chosen_at FROM decision_steps
              WHERE drill_id = d.id${whose}) s) AS steps,
    (SELECT coalesce(json_agg(i ORDER BY i.posted_at, i.inject_index), '[]')
       FROM (SELECT inject_index, due_at, posted_at FROM inject_posts WHERE drill_id = d.id) i) AS injects,
    (SELECT coalesce(json_agg(e ORDER BY e.id), '[]')
       FROM (SELECT id, kind, by_id, by_name, at, data FROM drill_events WHERE drill_id = d.id) e) AS events
  FROM drills d WHERE d.id = $1 AND d.team_id = $2`;
};
const LOAD_ONE = { name: "drillbot_load_drill_one", text: loadDrillSql("one") };
const LOAD_ALL = { name: "drillbot_load_drill_all", text: loadDrillSql("all") };

/** The drill's row, locked shared while it runs: the lead of every one-statement change below.
 * An end (FOR NO KEY UPDATE) waits for it, and one that committed first leaves no row here. */
const RUNNING = "WITH d AS (SELECT id FROM drills WHERE id = $1 AND team_id = $2 AND status = 'running' FOR SHARE)";

/** A responder's own change to a running drill as one statement (its own transaction): the drill
 * row locked shared, the responder row added if new, the change made once. One round trip where
 * apply()'s transaction takes six (connect, BEGIN, lock, responder, change, COMMIT); these are
 * the clicks of a game day's stampede. The row count says whether it took effect. Null for a
 * change that needs the transaction. */
function oneStatement(change: DrillChange, drillId: number, teamId: string): pg.QueryConfig | null {
  switch (change.type) {
    case "acked":
      return {
        name: "drillbot_ack",
        text: `${RUNNING}
          INSERT INTO responders (drill_id, user_id, user_name, joined_at, acked_at)
          SELECT d.id, $3::text, $4::text, $5::bigint, $6::bigint FROM d
          ON CONFLICT (drill_id, user_id) DO UPDATE SET acked_at = excluded.acked_at WHERE responders.acked_at IS NULL`,
        values: [drillId, teamId, change.user.id, change.user.name, change.joinedAt, change.at],
      };
    case "walk_started":
      return {
        name: "drillbot_walk_started",
        text: `${RUNNING}
          INSERT INTO responders (drill_id, user_id, user_name, joined_at, walk_started_at)
          SELECT d.id, $3::text, $4::text, $5::bigint, $5::bigint FROM d
          ON CONFLICT (drill_id, user_id) DO UPDATE SET walk_started_at = excluded.walk_started_at WHERE responders.walk_started_at IS NULL`,
        values: [drillId, teamId, change.user.id, change.user.name, change.at],
      };
    case "first_move":
      // The responder row and the answer in one statement: the answer's foreign key is checked
      // at the statement's end, when the responder row is there.
      return {
        name: "drillbot_first_move",
        text: `${RUNNING},
          r AS (INSERT INTO responders (drill_id, user_id, user_name, joined_at)
                SELECT d.id, $3::text, $4::text, $5::bigint FROM d ON CONFLICT (drill_id, user_id) DO NOTHING)
          INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, noticed)
          SELECT d.id, $3::text, $6::text, $7::bigint, $8::boolean, $9::jsonb, false FROM d
          ON CONFLICT (drill_id, user_id) DO NOTHING`,
        values: [
          drillId,
          teamId,
          change.user.id,
          change.user.name,
          change.joinedAt,
          change.move.text,
          change.move.at,
          change.move.score.correct,
          JSON.stringify(change.move.score),
        ],
      };
    case "step":
      return {
        name: "drillbot_step",
        text: `${RUNNING},
          r AS (INSERT INTO responders (drill_id, user_id, user_name, joined_at)
                SELECT d.id, $3::text, $4::text, $5::bigint FROM d ON CONFLICT (drill_id, user_id) DO NOTHING)
          INSERT INTO decision_steps (drill_id, user_id, seq, node_id, option_id, next_id, entered_at, chosen_at)
          SELECT d.id, $3::text, $6::int, $7::text, $8::text, $9::text, $5::bigint, $10::bigint FROM d
          ON CONFLICT (drill_id, user_id, seq) DO NOTHING`,
        values: [
          drillId,
          teamId,
          change.user.id,
          change.user.name,
          change.step.enteredAt,
          change.step.seq,
          change.step.nodeId,
          change.step.optionId,
          change.step.nextId,
          change.step.chosenAt,
        ],
      };
    default:
      return null;
  }
}

export class PgDrillStore implements DrillStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly team: Team = LOCAL_TEAM,
  ) {}

  forTeam(team: Team): PgDrillStore {
    return team.id === this.team.id ? this : new PgDrillStore(this.pool, team);
  }

  /** `AND <alias>team_id = $n`: this store's workspace only (a drill of another is unknown here). */
  private inTeam(params: Params, alias = ""): string {
    return ` AND ${alias}team_id = ${params.add(this.team.id)}`;
  }

  async saveScenarioVersion(scenario: Scenario): Promise<void> {
    await this.pool.query(
      "INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING",
      [scenario.hash, scenario.id, JSON.stringify(pickScenarioFile(scenario)), scenario.runbookDoc.source, Date.now()],
    );
  }

  async getScenarioVersion(hash: string): Promise<StoredScenarioVersion | null> {
    const { rows } = await this.pool.query<{ hash: string; scenario_id: string; content: ScenarioFile; runbook: string }>(
      "SELECT hash, scenario_id, content, runbook FROM scenario_versions WHERE hash = $1",
      [hash],
    );
    const row = rows[0];
    return row ? { hash: row.hash, scenarioId: row.scenario_id, content: row.content, runbook: row.runbook } : null;
  }

  async createDrill(state: DrillState, surface: Surface): Promise<number> {
    try {
      const { rows } = await this.pool.query<{ id: number }>(
        `INSERT INTO drills (team_id, enterprise_id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name,
             started_at, read_window_ms, time_limit_ms, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'running') RETURNING id`,
        [
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
        ],
      );
      return rows[0]?.id ?? Number.NaN;
    } catch (error) {
      // The partial unique index decides, so two instances starting at once cannot both win.
      if (isUniqueViolation(error, "drills_one_running_per_channel")) {
        const running = await this.findRunningDrill(state.venue);
        throw new DrillAlreadyRunningError(state.venue, running?.id ?? null);
      }
      throw error;
    }
  }

  async setVenueRef(drillId: number, ref: string): Promise<void> {
    await this.pool.query("UPDATE drills SET venue_ref = $1 WHERE id = $2 AND team_id = $3", [ref, drillId, this.team.id]);
  }

  async setVenueLink(drillId: number, link: string): Promise<void> {
    await this.pool.query("UPDATE drills SET venue_link = $1 WHERE id = $2 AND team_id = $3", [link, drillId, this.team.id]);
  }

  async loadDrill(id: number, onlyUserId?: string): Promise<DrillState | null> {
    const { rows } = await this.pool.query<LoadedRow>(
      onlyUserId === undefined ? { ...LOAD_ALL, values: [id, this.team.id] } : { ...LOAD_ONE, values: [id, this.team.id, onlyUserId] },
    );
    const row = rows[0];
    return row ? toDrillState(row, row) : null;
  }

  async findRunningDrill(venue: string): Promise<DrillState | null> {
    const params = new Params();
    const { rows } = await this.pool.query<{ id: number }>(
      `SELECT id FROM drills WHERE venue = ${params.add(venue)} AND status = 'running'${this.inTeam(params)} ORDER BY id DESC LIMIT 1`,
      params.values,
    );
    return rows[0] ? this.loadDrill(rows[0].id) : null;
  }

  async listDrills(filter: DrillFilter = {}): Promise<DrillSummary[]> {
    return this.summaries(filter, true);
  }

  async listDrillsOfEveryTeam(filter: Pick<DrillFilter, "status" | "surface" | "since" | "limit">): Promise<DrillSummary[]> {
    return this.summaries(filter, false);
  }

  private async summaries(filter: DrillFilter, ownTeam: boolean): Promise<DrillSummary[]> {
    const params = new Params();
    const where: string[] = ["true"];
    if (filter.status) where.push(`d.status = ${params.add(filter.status)}`);
    if (filter.scenarioId) where.push(`d.scenario_id = ${params.add(filter.scenarioId)}`);
    if (filter.since !== undefined) where.push(`d.started_at >= ${params.add(filter.since)}`);
    if (filter.surface) where.push(`d.surface = ${params.add(filter.surface)}`);
    if (filter.responder)
      where.push(`EXISTS (SELECT 1 FROM responders r WHERE r.drill_id = d.id AND r.user_id = ${params.add(filter.responder)})`);
    if (filter.venue) where.push(`d.venue = ${params.add(filter.venue)}`);
    const team = ownTeam ? this.inTeam(params, "d.") : "";
    const { rows } = await this.pool.query<DrillSummaryRow>(
      `SELECT d.*, (SELECT count(*) FROM responders r WHERE r.drill_id = d.id) AS responder_count
         FROM drills d WHERE ${where.join(" AND ")}${team}
         ORDER BY d.started_at DESC, d.id DESC LIMIT ${params.add(filter.limit ?? 50)}`,
      params.values,
    );
    return rows.map(toSummary);
  }

  /** Applies an operation's changes in one transaction. The drill's row is locked first: shared
   * by operations that only add records (many responders answer at once), alone by one that ends
   * the drill or hands out a role, so an answer can never land after another instance ended the
   * drill and two people can never race for one role. Each change reports whether it took
   * effect: false for a repeat (a double click, a retry, another instance first) or a drill no
   * longer running. */
  async apply(drillId: number, changes: readonly DrillChange[], derived: { results?: DrillResults } = {}): Promise<boolean[]> {
    const [only] = changes;
    const single = changes.length === 1 && only && !derived.results ? oneStatement(only, drillId, this.team.id) : null;
    if (single) return [(await this.pool.query(single)).rowCount === 1];
    const alone = changes.some((c) => c.type === "finished" || c.type === "role");
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ status: string; team_id: string | null }>(
        `SELECT status, team_id FROM drills WHERE id = $1 AND team_id = $2 ${alone ? "FOR NO KEY UPDATE" : "FOR SHARE"}`,
        [drillId, this.team.id],
      );
      const row = rows[0];
      // No such drill in this workspace: nothing is written for it.
      if (!row) return changes.map(() => false);
      let running = row?.status === "running";
      const applied: boolean[] = [];
      for (const change of changes) {
        const took = await applyOne(client, drillId, change, running);
        if (change.type === "finished" && took) running = false;
        applied.push(took);
      }
      if (derived.results) await writeResults(client, derived.results, row.team_id);
      return applied;
    });
  }

  async listReviews(drillId: number): Promise<ReviewRecord[]> {
    const { rows } = await this.pool.query<{
      drill_id: number;
      user_id: string;
      decided_by_id: string;
      decided_by_name: string;
      decided_at: number;
      via: "slack" | "terminal";
      before_correct: boolean;
      after_correct: boolean;
    }>(
      `SELECT r.* FROM first_move_reviews r JOIN drills d ON d.id = r.drill_id
        WHERE r.drill_id = $1 AND d.team_id = $2 ORDER BY r.decided_at, r.id`,
      [drillId, this.team.id],
    );
    return rows.map((r) => ({
      drillId: r.drill_id,
      userId: r.user_id,
      by: { id: r.decided_by_id, name: r.decided_by_name },
      at: r.decided_at,
      via: r.via,
      before: r.before_correct,
      correct: r.after_correct,
    }));
  }

  async reviewedAnswers(scenarioId: string): Promise<ReviewedAnswer[]> {
    const params = new Params();
    const { rows } = await this.pool.query<{
      drill_id: number;
      user_id: string;
      text: string;
      correct: boolean;
      override_correct: boolean;
      override_by: string | null;
      override_at: number | null;
      role: string | null;
    }>(
      `SELECT f.drill_id, f.user_id, f.text, f.correct, f.override_correct, f.override_by, f.override_at, r.role
         FROM first_moves f JOIN drills d ON d.id = f.drill_id
         JOIN responders r ON r.drill_id = f.drill_id AND r.user_id = f.user_id
        WHERE d.scenario_id = ${params.add(scenarioId)} AND f.override_correct IS NOT NULL${this.inTeam(params, "d.")}
        ORDER BY f.override_at, f.drill_id`,
      params.values,
    );
    return rows.map((r) => ({
      drillId: r.drill_id,
      userId: r.user_id,
      text: r.text,
      correct: r.override_correct,
      rubricCorrect: r.correct,
      decidedBy: r.override_by ?? "",
      decidedAt: r.override_at ?? 0,
      role: r.role,
    }));
  }

  /** The pool belongs to the set of stores that opened it (src/store/stores.ts closes it). */
  async close(): Promise<void> {}
}

async function applyOne(client: pg.PoolClient, drillId: number, change: DrillChange, running: boolean): Promise<boolean> {
  const changed = async (sql: string, values: unknown[]) => (await client.query(sql, values)).rowCount === 1;
  switch (change.type) {
    case "acked":
      if (!running) return false;
      await ensureResponder(client, drillId, change.user, change.joinedAt);
      return changed("UPDATE responders SET acked_at = $1 WHERE drill_id = $2 AND user_id = $3 AND acked_at IS NULL", [
        change.at,
        drillId,
        change.user.id,
      ]);
    case "first_move":
      if (!running) return false;
      await ensureResponder(client, drillId, change.user, change.joinedAt);
      return changed(
        `INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, noticed) VALUES ($1, $2, $3, $4, $5, $6, false)
           ON CONFLICT (drill_id, user_id) DO NOTHING`,
        [drillId, change.user.id, change.move.text, change.move.at, change.move.score.correct, JSON.stringify(change.move.score)],
      );
    case "walk_started":
      if (!running) return false;
      await ensureResponder(client, drillId, change.user, change.at);
      return changed("UPDATE responders SET walk_started_at = $1 WHERE drill_id = $2 AND user_id = $3 AND walk_started_at IS NULL", [
        change.at,
        drillId,
        change.user.id,
      ]);
    case "step":
      if (!running) return false;
      await ensureResponder(client, drillId, change.user, change.step.enteredAt);
      return changed(
        `INSERT INTO decision_steps (drill_id, user_id, seq, node_id, option_id, next_id, entered_at, chosen_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (drill_id, user_id, seq) DO NOTHING`,
        [
          drillId,
          change.user.id,
          change.step.seq,
          change.step.nodeId,
          change.step.optionId,
          change.step.nextId,
          change.step.enteredAt,
          change.step.chosenAt,
        ],
      );
    case "inject_posted":
      return changed(
        "INSERT INTO inject_posts (drill_id, inject_index, due_at, posted_at) VALUES ($1, $2, $3, $4) ON CONFLICT (drill_id, inject_index) DO NOTHING",
        [drillId, change.post.index, change.post.dueAt, change.post.postedAt],
      );
    case "verdict": {
      const took = await changed(
        "UPDATE first_moves SET override_correct = $1, override_by = $2, override_by_id = $3, override_at = $4 WHERE drill_id = $5 AND user_id = $6",
        [change.correct, change.by.name, change.by.id, change.at, drillId, change.userId],
      );
      if (took) {
        await client.query(
          `INSERT INTO first_move_reviews (drill_id, user_id, decided_by_id, decided_by_name, decided_at, via, before_correct, after_correct)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [drillId, change.userId, change.by.id, change.by.name, change.at, change.via, change.before, change.correct],
        );
      }
      return took;
    }
    case "role": {
      if (!running) return false;
      await ensureResponder(client, drillId, change.user, change.joinedAt);
      // One person per role (the drill's row is held alone here, and a unique index backs it).
      if (change.role !== null) {
        const { rowCount } = await client.query("SELECT 1 FROM responders WHERE drill_id = $1 AND role = $2 AND user_id <> $3", [
          drillId,
          change.role,
          change.user.id,
        ]);
        if (rowCount) return false;
      }
      return changed("UPDATE responders SET role = $1 WHERE drill_id = $2 AND user_id = $3 AND role IS DISTINCT FROM $1", [
        change.role,
        drillId,
        change.user.id,
      ]);
    }
    case "finished":
      return changed("UPDATE drills SET status = $1, ended_at = $2, end_reason = $3, ended_by = $4 WHERE id = $5 AND status = 'running'", [
        change.status,
        change.endedAt,
        change.reason,
        change.by,
        drillId,
      ]);
    case "event": {
      const { kind, by, at, ...data } = change.event;
      await client.query("INSERT INTO drill_events (drill_id, kind, by_id, by_name, at, data) VALUES ($1, $2, $3, $4, $5, $6)", [
        drillId,
        kind,
        by.id,
        by.name,
        at,
        JSON.stringify(data),
      ]);
      return true;
    }
  }
}

async function ensureResponder(client: pg.PoolClient, drillId: number, user: Person, joinedAt: number): Promise<void> {
  await client.query(
    "INSERT INTO responders (drill_id, user_id, user_name, joined_at) VALUES ($1, $2, $3, $4) ON CONFLICT (drill_id, user_id) DO NOTHING",
    [drillId, user.id, user.name, joinedAt],
  );
}

/** The figures trends, stats and mastery read, rewritten whole; they carry the drill's workspace. */
async function writeResults(client: pg.PoolClient, { drill, responders }: DrillResults, teamId: string | null): Promise<void> {
  await client.query("DELETE FROM responder_results WHERE drill_id = $1", [drill.drillId]);
  await client.query(
    `INSERT INTO drill_results (drill_id, team_id, scenario_id, venue, mode, ended_at, responders, answered, correct_in_window, median_first_move_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (drill_id) DO UPDATE SET team_id = excluded.team_id, scenario_id = excluded.scenario_id, venue = excluded.venue,
       mode = excluded.mode, ended_at = excluded.ended_at, responders = excluded.responders, answered = excluded.answered,
       correct_in_window = excluded.correct_in_window, median_first_move_ms = excluded.median_first_move_ms`,
    [
      drill.drillId,
      teamId,
      drill.scenarioId,
      drill.venue,
      drill.mode,
      drill.endedAt,
      drill.responders,
      drill.answered,
      drill.correctInWindow,
      drill.medianFirstMoveMs,
    ],
  );
  if (responders.length === 0) return;
  // One statement for every responder (500 of them is one round trip, not 500).
  await client.query(
    `INSERT INTO responder_results (drill_id, team_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct,
         correct_in_window, time_to_first_move_ms, role)
     SELECT r.drill_id, $1, r.user_id, r.user_name, r.scenario_id, r.venue, r.ended_at, r.answered, r.correct, r.correct_in_window,
            r.time_to_first_move_ms, r.role
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::boolean[], $9::boolean[],
                   $10::boolean[], $11::bigint[], $12::text[])
         AS r (drill_id, user_id, user_name, scenario_id, venue, ended_at, answered, correct, correct_in_window, time_to_first_move_ms, role)`,
    [
      teamId,
      responders.map((r) => r.drillId),
      responders.map((r) => r.userId),
      responders.map((r) => r.userName),
      responders.map((r) => r.scenarioId),
      responders.map((r) => r.venue),
      responders.map((r) => r.endedAt),
      responders.map((r) => r.answered),
      responders.map((r) => r.correct),
      responders.map((r) => r.correctInWindow),
      responders.map((r) => r.timeToFirstMoveMs),
      responders.map((r) => r.role),
    ],
  );
}
