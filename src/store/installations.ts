import { createHash, randomBytes } from "node:crypto";
import type { Installation, InstallationQuery, InstallationStore, InstallURLOptions, StateStore } from "@slack/bolt";
import { DecryptionError, type TokenCipher } from "./crypto.js";

// Slack installations for many workspaces (OAuth), kept in drillbot's database with every token
// sealed (src/store/crypto.ts). This file holds what both databases share: Bolt's
// InstallationStore and StateStore contracts on top of a few row operations, which
// sqliteInstallations.ts and pg/installations.ts implement.

/** A workspace install is T:<team id>; an org-wide (Enterprise Grid) install is E:<enterprise id>. */
export type InstallationScope = `T:${string}` | `E:${string}`;

export interface SealedInstallationRow {
  id: number;
  scope: InstallationScope;
  userId: string;
  /** The Installation as JSON, sealed. */
  sealed: string;
}

export interface InstallationRowInput {
  scope: InstallationScope;
  enterpriseId: string | null;
  teamId: string | null;
  isEnterpriseInstall: boolean;
  userId: string;
  sealed: string;
  now: number;
}

/** What a database provides for installations. */
export interface InstallationRows {
  /** Inserts, or replaces the row of the same scope and user (then it is the scope's latest). */
  upsert(row: InstallationRowInput): Promise<void>;
  /** The scope's most recently stored row. */
  latest(scope: InstallationScope): Promise<SealedInstallationRow | null>;
  forUser(scope: InstallationScope, userId: string): Promise<SealedInstallationRow | null>;
  deleteScope(scope: InstallationScope): Promise<number>;
  all(): Promise<SealedInstallationRow[]>;
  /** Replaces a row's sealed value if it is still `from` (a rotation racing a new install loses). */
  reseal(id: number, from: string, to: string): Promise<boolean>;
}

export interface OAuthStateRows {
  insert(stateHash: string, installOptions: InstallURLOptions, createdAt: number, expiresAt: number): Promise<void>;
  /** Deletes the state and returns what it held: a state can be taken once. */
  take(stateHash: string): Promise<{ installOptions: InstallURLOptions; expiresAt: number } | null>;
  pruneExpired(now: number): Promise<number>;
}

export class InstallationNotFoundError extends Error {
  constructor(scope: InstallationScope) {
    super(
      scope.startsWith("E:")
        ? `drillbot is not installed in the Enterprise Grid org ${scope.slice(2)}`
        : `drillbot is not installed in workspace ${scope.slice(2)}`,
    );
    this.name = "InstallationNotFoundError";
  }
}

export function scopeOfInstallation(installation: Installation): InstallationScope {
  if (installation.isEnterpriseInstall) {
    if (!installation.enterprise?.id) throw new Error("an org-wide installation without an enterprise id cannot be stored");
    return `E:${installation.enterprise.id}`;
  }
  if (!installation.team?.id) throw new Error("a workspace installation without a team id cannot be stored");
  return `T:${installation.team.id}`;
}

export function scopeOfQuery(query: InstallationQuery<boolean>): InstallationScope {
  if (query.isEnterpriseInstall) {
    if (!query.enterpriseId) throw new Error("an org-wide installation is looked up by its enterprise id, and none was given");
    return `E:${query.enterpriseId}`;
  }
  if (!query.teamId) throw new Error("a workspace installation is looked up by its team id, and none was given");
  return `T:${query.teamId}`;
}

/** What a sealed row is bound to: a value copied into another scope's or user's row will not open. */
function sealContext(scope: InstallationScope, userId: string): string {
  return `slack-installation ${scope} ${userId}`;
}

export interface RotationReport {
  /** Rows re-sealed with the current key. */
  resealed: number;
  /** Rows that were sealed with the current key already. */
  current: number;
  /** Rows that could not be opened with any configured key, and why. */
  failed: { scope: InstallationScope; userId: string; reason: string }[];
}

/** Bolt's InstallationStore over a database, with tokens sealed at rest. */
export class EncryptedInstallationStore implements InstallationStore {
  constructor(
    private readonly rows: InstallationRows,
    private readonly cipher: TokenCipher,
    private readonly now: () => number = Date.now,
  ) {}

  async storeInstallation<AuthVersion extends "v1" | "v2">(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const scope = scopeOfInstallation(installation);
    const userId = installation.user.id;
    await this.rows.upsert({
      scope,
      enterpriseId: installation.enterprise?.id ?? null,
      teamId: installation.isEnterpriseInstall ? null : (installation.team?.id ?? null),
      isEnterpriseInstall: Boolean(installation.isEnterpriseInstall),
      userId,
      sealed: this.cipher.encrypt(JSON.stringify(installation), sealContext(scope, userId)),
      now: this.now(),
    });
  }

  /** The scope's latest installation (its bot token); with a userId, that user's own user token
   * if they installed, and none otherwise, as Bolt's stores do. */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<"v1" | "v2", boolean>> {
    const scope = scopeOfQuery(query);
    const latest = await this.rows.latest(scope);
    if (!latest) throw new InstallationNotFoundError(scope);
    const installation = this.open(latest);
    if (query.userId && installation.user.id !== query.userId) {
      const own = await this.rows.forUser(scope, query.userId);
      // Someone who never installed gets no user token, under their own id (so a token refresh
      // Bolt stores from this result lands in their row, not the installer's).
      installation.user = own ? this.open(own).user : { id: query.userId, token: undefined, scopes: undefined };
    }
    return installation;
  }

  /** Without a userId: the app was uninstalled or its bot token revoked; every row of the scope
   * goes. With one: that user's tokens were revoked; the row keeps the bot token, not theirs. */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const scope = scopeOfQuery(query);
    if (!query.userId) {
      await this.rows.deleteScope(scope);
      return;
    }
    const own = await this.rows.forUser(scope, query.userId);
    if (!own) return;
    const installation = this.open(own);
    installation.user = { id: installation.user.id, token: undefined, scopes: undefined };
    await this.rows.reseal(own.id, own.sealed, this.cipher.encrypt(JSON.stringify(installation), sealContext(scope, own.userId)));
  }

  /** The installation whose bot token serves a workspace: its own, or its org's org-wide one.
   * For work no request started (game days, the outbox), which knows only the ids it stored. */
  async findForWorkspace(teamId: string, enterpriseId: string | null): Promise<Installation | null> {
    const own = await this.rows.latest(`T:${teamId}`);
    if (own) return this.open(own);
    const org = enterpriseId ? await this.rows.latest(`E:${enterpriseId}`) : null;
    return org ? this.open(org) : null;
  }

  /** Re-seals every row that is not sealed with the current key (after DRILLBOT_ENCRYPTION_KEY
   * changed and the old key moved to DRILLBOT_ENCRYPTION_KEY_PREVIOUS). Safe to run while the
   * app runs, and again: rows already current are left alone. */
  async rotateKeys(): Promise<RotationReport> {
    const report: RotationReport = { resealed: 0, current: 0, failed: [] };
    for (const row of await this.rows.all()) {
      if (this.cipher.isCurrent(row.sealed)) {
        report.current++;
        continue;
      }
      try {
        const context = sealContext(row.scope, row.userId);
        const resealed = this.cipher.encrypt(this.cipher.decrypt(row.sealed, context), context);
        if (await this.rows.reseal(row.id, row.sealed, resealed)) report.resealed++;
        else report.current++; // stored again meanwhile, with the current key
      } catch (error) {
        report.failed.push({ scope: row.scope, userId: row.userId, reason: (error as Error).message });
      }
    }
    return report;
  }

  private open(row: SealedInstallationRow): Installation {
    try {
      return JSON.parse(this.cipher.decrypt(row.sealed, sealContext(row.scope, row.userId))) as Installation;
    } catch (error) {
      if (error instanceof DecryptionError) {
        throw new DecryptionError(`the installation of ${row.scope} (user ${row.userId}) cannot be read: ${error.message}`);
      }
      throw error;
    }
  }
}

/** How long an install may take between /slack/install and the redirect back. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Bolt's InstallProvider reports a state it cannot accept by this code. */
export class InvalidOAuthStateError extends Error {
  readonly code = "slack_oauth_invalid_state";
  constructor(message: string) {
    super(message);
    this.name = "InvalidOAuthStateError";
  }
}

function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/** OAuth state values in the database: random, single use, ten minutes, valid on every instance
 * (the redirect may reach another one than the install page). Bolt also checks that the state
 * came back to the browser it was issued to (a cookie), which together stop forged callbacks. */
export class DatabaseStateStore implements StateStore {
  constructor(
    private readonly rows: OAuthStateRows,
    private readonly ttlMs = OAUTH_STATE_TTL_MS,
  ) {}

  async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    await this.rows.pruneExpired(now.getTime());
    const state = randomBytes(32).toString("base64url");
    await this.rows.insert(hashState(state), installOptions, now.getTime(), now.getTime() + this.ttlMs);
    return state;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const row = await this.rows.take(hashState(state));
    if (!row) throw new InvalidOAuthStateError("the install link is unknown or was used already; start again from /slack/install");
    if (row.expiresAt < now.getTime()) throw new InvalidOAuthStateError("the install link expired; start again from /slack/install");
    return row.installOptions;
  }
}
