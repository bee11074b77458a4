import { parseArgs } from "node:util";
import { cipherFromEnv, EncryptionConfigError, PREVIOUS_KEYS_ENV } from "../store/crypto.js";
import { EncryptedInstallationStore, type InstallationRows } from "../store/installations.js";
import { PgInstallationRows } from "../store/pg/installations.js";
import { migratePg } from "../store/pg/migrations.js";
import { createPgPool } from "../store/pg/pool.js";
import { openDatabase } from "../store/sqlite.js";
import { SqliteInstallationRows } from "../store/sqliteInstallations.js";
import { databaseFromEnv } from "../store/stores.js";
import type { CliIO } from "./io.js";

/** `drillbot rotate-key [--db PATH]`: re-seals every stored Slack token with DRILLBOT_ENCRYPTION_KEY.
 * Run it after moving the old key to DRILLBOT_ENCRYPTION_KEY_PREVIOUS and setting a new one; once
 * it reports nothing left to read with an old key, the old key can be removed. The SQLite file
 * given with --db, else PostgreSQL when DATABASE_URL is set, else the SQLite file DRILLBOT_DB. */
export async function rotateKeyCommand(args: string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: "string" } } });
  let cipher: ReturnType<typeof cipherFromEnv>;
  try {
    cipher = cipherFromEnv(env);
  } catch (error) {
    if (!(error instanceof EncryptionConfigError)) throw error;
    io.err(`drillbot rotate-key: ${error.message}`);
    return 1;
  }
  const chosen = databaseFromEnv(env, values.db);
  if (!chosen.ok) {
    io.err(`drillbot rotate-key: ${chosen.problem}`);
    return 1;
  }
  return chosen.database.kind === "postgres" ? onPostgres(chosen.database.url, cipher, io) : onSqlite(chosen.database.path, cipher, io);
}

async function onSqlite(path: string, cipher: ReturnType<typeof cipherFromEnv>, io: CliIO): Promise<number> {
  const db = openDatabase(path);
  try {
    return await rotate(new SqliteInstallationRows(db), cipher, path, io);
  } finally {
    db.close();
  }
}

async function onPostgres(url: string, cipher: ReturnType<typeof cipherFromEnv>, io: CliIO): Promise<number> {
  const pool = createPgPool(url, { max: 1, applicationName: "drillbot rotate-key" });
  try {
    await migratePg(pool);
    return await rotate(new PgInstallationRows(pool), cipher, "the PostgreSQL database", io);
  } catch (error) {
    io.err(`drillbot rotate-key: ${(error as Error).message}`);
    return 1;
  } finally {
    await pool.end();
  }
}

async function rotate(rows: InstallationRows, cipher: ReturnType<typeof cipherFromEnv>, where: string, io: CliIO): Promise<number> {
  const report = await new EncryptedInstallationStore(rows, cipher).rotateKeys();
  io.out(`${where}: re-sealed ${report.resealed} installation(s) with key ${cipher.current.id}; ${report.current} already used it`);
  if (report.failed.length === 0) {
    io.out(`every installation now opens with DRILLBOT_ENCRYPTION_KEY alone: ${PREVIOUS_KEYS_ENV} can be removed`);
    return 0;
  }
  io.err(`${report.failed.length} installation(s) could not be read, and were left as they are:`);
  for (const f of report.failed) io.err(`  ${f.scope} (installed by ${f.userId}): ${f.reason}`);
  io.err(`add the key they were sealed with to ${PREVIOUS_KEYS_ENV} and run drillbot rotate-key again`);
  return 1;
}
