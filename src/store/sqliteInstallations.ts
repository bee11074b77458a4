import type { InstallURLOptions } from "@slack/bolt";
import type Database from "better-sqlite3";
import type { InstallationRowInput, InstallationRows, InstallationScope, OAuthStateRows, SealedInstallationRow } from "./installations.js";

// Installation and OAuth state rows in SQLite (migrations/009_slack_installations.sql).

interface Row {
  id: number;
  scope: InstallationScope;
  user_id: string;
  installation: string;
}

const toSealed = (r: Row): SealedInstallationRow => ({ id: r.id, scope: r.scope, userId: r.user_id, sealed: r.installation });

export class SqliteInstallationRows implements InstallationRows {
  constructor(private readonly db: Database.Database) {}

  async upsert(r: InstallationRowInput): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO slack_installations (scope, enterprise_id, team_id, is_enterprise_install, user_id, installation, installed_at, updated_at)
         VALUES (@scope, @enterpriseId, @teamId, @isEnterpriseInstall, @userId, @sealed, @now, @now)
         ON CONFLICT (scope, user_id) DO UPDATE SET enterprise_id = excluded.enterprise_id, team_id = excluded.team_id,
           is_enterprise_install = excluded.is_enterprise_install, installation = excluded.installation, updated_at = excluded.updated_at`,
      )
      .run({ ...r, isEnterpriseInstall: r.isEnterpriseInstall ? 1 : 0 });
  }

  async latest(scope: InstallationScope): Promise<SealedInstallationRow | null> {
    const row = this.db
      .prepare("SELECT id, scope, user_id, installation FROM slack_installations WHERE scope = ? ORDER BY updated_at DESC, id DESC LIMIT 1")
      .get(scope) as Row | undefined;
    return row ? toSealed(row) : null;
  }

  async forUser(scope: InstallationScope, userId: string): Promise<SealedInstallationRow | null> {
    const row = this.db
      .prepare("SELECT id, scope, user_id, installation FROM slack_installations WHERE scope = ? AND user_id = ?")
      .get(scope, userId) as Row | undefined;
    return row ? toSealed(row) : null;
  }

  async deleteScope(scope: InstallationScope): Promise<number> {
    return this.db.prepare("DELETE FROM slack_installations WHERE scope = ?").run(scope).changes;
  }

  async all(): Promise<SealedInstallationRow[]> {
    return (this.db.prepare("SELECT id, scope, user_id, installation FROM slack_installations ORDER BY id").all() as Row[]).map(toSealed);
  }

  async reseal(id: number, from: string, to: string): Promise<boolean> {
    return (
      this.db.prepare("UPDATE slack_installations SET installation = ? WHERE id = ? AND installation = ?").run(to, id, from).changes === 1
    );
  }
}

export class SqliteOAuthStateRows implements OAuthStateRows {
  constructor(private readonly db: Database.Database) {}

  async insert(stateHash: string, installOptions: InstallURLOptions, createdAt: number, expiresAt: number): Promise<void> {
    this.db
      .prepare("INSERT INTO slack_oauth_states (state_hash, install_options, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .run(stateHash, JSON.stringify(installOptions), createdAt, expiresAt);
  }

  async take(stateHash: string): Promise<{ installOptions: InstallURLOptions; expiresAt: number } | null> {
    const row = this.db
      .prepare("DELETE FROM slack_oauth_states WHERE state_hash = ? RETURNING install_options, expires_at")
      .get(stateHash) as { install_options: string; expires_at: number } | undefined;
    return row ? { installOptions: JSON.parse(row.install_options) as InstallURLOptions, expiresAt: row.expires_at } : null;
  }

  async pruneExpired(now: number): Promise<number> {
    return this.db.prepare("DELETE FROM slack_oauth_states WHERE expires_at < ?").run(now).changes;
  }
}
