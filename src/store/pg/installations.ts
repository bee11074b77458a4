import type { InstallURLOptions } from "@slack/bolt";
import type pg from "pg";
import type { InstallationRowInput, InstallationRows, InstallationScope, OAuthStateRows, SealedInstallationRow } from "../installations.js";

// Installation and OAuth state rows in PostgreSQL (migrations/pg/009_slack_installations.sql).

interface Row {
  id: number;
  scope: InstallationScope;
  user_id: string;
  installation: string;
}

const toSealed = (r: Row): SealedInstallationRow => ({ id: r.id, scope: r.scope, userId: r.user_id, sealed: r.installation });

export class PgInstallationRows implements InstallationRows {
  constructor(private readonly pool: pg.Pool) {}

  async upsert(r: InstallationRowInput): Promise<void> {
    await this.pool.query(
      `INSERT INTO slack_installations (scope, enterprise_id, team_id, is_enterprise_install, user_id, installation, installed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (scope, user_id) DO UPDATE SET enterprise_id = excluded.enterprise_id, team_id = excluded.team_id,
         is_enterprise_install = excluded.is_enterprise_install, installation = excluded.installation, updated_at = excluded.updated_at`,
      [r.scope, r.enterpriseId, r.teamId, r.isEnterpriseInstall, r.userId, r.sealed, r.now],
    );
  }

  async latest(scope: InstallationScope): Promise<SealedInstallationRow | null> {
    const { rows } = await this.pool.query<Row>(
      "SELECT id, scope, user_id, installation FROM slack_installations WHERE scope = $1 ORDER BY updated_at DESC, id DESC LIMIT 1",
      [scope],
    );
    return rows[0] ? toSealed(rows[0]) : null;
  }

  async forUser(scope: InstallationScope, userId: string): Promise<SealedInstallationRow | null> {
    const { rows } = await this.pool.query<Row>(
      "SELECT id, scope, user_id, installation FROM slack_installations WHERE scope = $1 AND user_id = $2",
      [scope, userId],
    );
    return rows[0] ? toSealed(rows[0]) : null;
  }

  async deleteScope(scope: InstallationScope): Promise<number> {
    return (await this.pool.query("DELETE FROM slack_installations WHERE scope = $1", [scope])).rowCount ?? 0;
  }

  async all(): Promise<SealedInstallationRow[]> {
    const { rows } = await this.pool.query<Row>("SELECT id, scope, user_id, installation FROM slack_installations ORDER BY id");
    return rows.map(toSealed);
  }

  async reseal(id: number, from: string, to: string): Promise<boolean> {
    const result = await this.pool.query("UPDATE slack_installations SET installation = $1 WHERE id = $2 AND installation = $3", [
      to,
      id,
      from,
    ]);
    return result.rowCount === 1;
  }
}

export class PgOAuthStateRows implements OAuthStateRows {
  constructor(private readonly pool: pg.Pool) {}

  async insert(stateHash: string, installOptions: InstallURLOptions, createdAt: number, expiresAt: number): Promise<void> {
    await this.pool.query("INSERT INTO slack_oauth_states (state_hash, install_options, created_at, expires_at) VALUES ($1, $2, $3, $4)", [
      stateHash,
      JSON.stringify(installOptions),
      createdAt,
      expiresAt,
    ]);
  }

  async take(stateHash: string): Promise<{ installOptions: InstallURLOptions; expiresAt: number } | null> {
    const { rows } = await this.pool.query<{ install_options: InstallURLOptions; expires_at: number }>(
      "DELETE FROM slack_oauth_states WHERE state_hash = $1 RETURNING install_options, expires_at",
      [stateHash],
    );
    return rows[0] ? { installOptions: rows[0].install_options, expiresAt: rows[0].expires_at } : null;
  }

  async pruneExpired(now: number): Promise<number> {
    return (await this.pool.query("DELETE FROM slack_oauth_states WHERE expires_at < $1", [now])).rowCount ?? 0;
  }
}
