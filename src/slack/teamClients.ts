import { webApi } from "@slack/bolt";
import type { Team } from "../domain/team.js";
import type { EncryptedInstallationStore } from "../store/installations.js";

// Which bot token talks to a workspace's Slack for work no request started (the outbox, trigger
// updates, permalinks): one token in single-workspace mode; in OAuth mode the workspace's own
// installation (or its org's org-wide one), looked up when needed, so an uninstall or a revoked
// token takes effect at once.

export interface TeamClients {
  /** For chat.update and chat.getPermalink (bounded retries); null when drillbot is no longer
   * installed in the workspace. */
  api(team: Team): Promise<webApi.WebClient | null>;
  /** For outbox deliveries (no built-in retries, 429s reported, so the outbox decides). */
  delivery(team: Team): Promise<webApi.WebClient | null>;
}

export type ClientOptions = ConstructorParameters<typeof webApi.WebClient>[1];

/** The two client flavours a token gets. */
export function clientPair(token: string, apiOptions: ClientOptions, deliveryOptions: ClientOptions) {
  return { api: new webApi.WebClient(token, apiOptions), delivery: new webApi.WebClient(token, deliveryOptions) };
}

/** Single-workspace mode: one bot token for everything. */
export function fixedTeamClients(pair: { api: webApi.WebClient; delivery: webApi.WebClient }): TeamClients {
  return { api: async () => pair.api, delivery: async () => pair.delivery };
}

/** OAuth mode: each workspace's installation from the database. Clients are kept per token
 * (a reinstall brings a new token, hence new clients). */
export function installedTeamClients(
  installations: Pick<EncryptedInstallationStore, "findForWorkspace">,
  make: (token: string) => { api: webApi.WebClient; delivery: webApi.WebClient },
): TeamClients {
  const byToken = new Map<string, { api: webApi.WebClient; delivery: webApi.WebClient }>();
  const pairFor = async (team: Team) => {
    const installation = await installations.findForWorkspace(team.id, team.enterpriseId);
    const token = installation?.bot?.token;
    if (!token) return null;
    let pair = byToken.get(token);
    if (!pair) {
      // A few hundred workspaces at most per process; a rotated token leaves its old pair behind.
      if (byToken.size >= 1_000) byToken.clear();
      pair = make(token);
      byToken.set(token, pair);
    }
    return pair;
  };
  return {
    api: async (team) => (await pairFor(team))?.api ?? null,
    delivery: async (team) => (await pairFor(team))?.delivery ?? null,
  };
}
