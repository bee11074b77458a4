import { parseArgs } from "node:util";
import { LOCAL_TEAM_ID } from "../domain/team.js";
import { migratePg } from "../store/pg/migrations.js";
import { createPgPool } from "../store/pg/pool.js";
import { openDatabase } from "../store/sqlite.js";
import { databaseFromEnv, describePostgresUrl } from "../store/stores.js";
import { PgWorkspaceData, type RowCounts, SqliteWorkspaceData, type WorkspaceData } from "../store/workspaces.js";
import type { CliIO } from "./io.js";

// `drillbot forget-workspace` and `drillbot adopt-workspace`: a workspace's data as a whole, on
// PostgreSQL when DATABASE_URL is set (unless --db names a file), else the SQLite file, like
// every other command.

const TEAM_ID = /^T[A-Z0-9]{2,}$/;
const ENTERPRISE_ID = /^E[A-Z0-9]{2,}$/;

const describe = (counts: RowCounts) =>
  Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(", ");

async function withWorkspaceData(
  name: string,
  dbFlag: string | undefined,
  env: NodeJS.ProcessEnv,
  io: CliIO,
  work: (data: WorkspaceData, where: string) => Promise<number>,
): Promise<number> {
  const chosen = databaseFromEnv(env, dbFlag);
  if (!chosen.ok) {
    io.err(`drillbot ${name}: ${chosen.problem}`);
    return 1;
  }
  if (chosen.database.kind === "postgres") {
    const pool = createPgPool(chosen.database.url, { max: 1, applicationName: `drillbot ${name}` });
    try {
      await migratePg(pool);
      return await work(new PgWorkspaceData(pool), describePostgresUrl(chosen.database.url));
    } catch (error) {
      io.err(`drillbot ${name}: ${(error as Error).message}`);
      return 1;
    } finally {
      await pool.end();
    }
  }
  const path = chosen.database.path;
  const db = openDatabase(path);
  try {
    return await work(new SqliteWorkspaceData(db), path);
  } catch (error) {
    io.err(`drillbot ${name}: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}

/** `drillbot forget-workspace <team-id> [--yes] [--db PATH]`: deletes everything drillbot keeps
 * for one workspace (drills and all they recorded, schedules, action items, queued messages, its
 * installation and tokens). Without --yes it only says what would go. */
export async function forgetWorkspaceCommand(args: string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { yes: { type: "boolean", default: false }, db: { type: "string" } },
  });
  const teamId = positionals[0];
  if (!teamId || positionals.length > 1 || !(TEAM_ID.test(teamId) || teamId === LOCAL_TEAM_ID)) {
    io.err(
      `drillbot forget-workspace: give one Slack team id (T…, shown in the app's logs and in /drill help), or "${LOCAL_TEAM_ID}" for the single-workspace and terminal data`,
    );
    return 2;
  }
  return withWorkspaceData("forget-workspace", values.db, env, io, async (data, where) => {
    if (!values.yes) {
      io.out(`${where}: workspace ${teamId} has ${describe(await data.count(teamId))}`);
      io.out(`nothing deleted; run again with --yes to delete all of it (drills with every answer in them)`);
      return 0;
    }
    const deleted = await data.forget(teamId);
    io.out(`${where}: deleted workspace ${teamId}: ${describe(deleted)} (with every answer, step and result of those drills)`);
    return 0;
  });
}

/** `drillbot adopt-workspace <team-id> [--enterprise E…] [--db PATH]`: a single-workspace install
 * moving to OAuth hands its history (the 'local' rows) to its Slack team id, so the workspace
 * keeps its drills, stats and schedules once installed through /slack/install. */
export async function adoptWorkspaceCommand(args: string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { enterprise: { type: "string" }, db: { type: "string" } },
  });
  const teamId = positionals[0];
  if (!teamId || positionals.length > 1 || !TEAM_ID.test(teamId)) {
    io.err("drillbot adopt-workspace: give the Slack team id (T…) of the workspace the single-workspace install served");
    return 2;
  }
  if (values.enterprise !== undefined && !ENTERPRISE_ID.test(values.enterprise)) {
    io.err("drillbot adopt-workspace: --enterprise takes the Enterprise Grid org id (E…)");
    return 2;
  }
  return withWorkspaceData("adopt-workspace", values.db, env, io, async (data, where) => {
    const existing = await data.count(teamId);
    if ((existing.drills ?? 0) > 0 || (existing.schedules ?? 0) > 0) {
      io.err(
        `drillbot adopt-workspace: workspace ${teamId} already has ${describe(existing)} of its own; adopting would mix two histories, so nothing was changed`,
      );
      return 1;
    }
    const moved = await data.adopt(teamId, values.enterprise ?? null);
    io.out(`${where}: the single-workspace data now belongs to ${teamId}: ${describe(moved)}`);
    return 0;
  });
}
