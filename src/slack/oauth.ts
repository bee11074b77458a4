import type { IncomingMessage, ServerResponse } from "node:http";
import type { AllMiddlewareArgs, App, HTTPReceiverOptions, Installation, InstallURLOptions, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import type { DatabaseStateStore, EncryptedInstallationStore } from "../store/installations.js";

// Installing drillbot in many workspaces with Slack's OAuth (issue 13): the options that turn
// Bolt's HTTPReceiver (or Socket Mode's own small HTTP server) into an installer, and the
// listeners that forget a workspace's tokens when it uninstalls the app or revokes them.
// Single-workspace mode (SLACK_BOT_TOKEN) uses none of this.

export const INSTALL_PATH = "/slack/install";
export const REDIRECT_PATH = "/slack/oauth_redirect";
/** The bot scopes manifest.yml asks for (a test keeps the two equal). The history scopes let the
 * outbox check, after a send whose outcome it never learned, whether the post is already there
 * (src/slack/outboxWorker.ts); without them that post is sent again. */
export const BOT_SCOPES = ["commands", "chat:write", "chat:write.public", "channels:history", "groups:history"];

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The public URL of REDIRECT_PATH, as listed under the app's redirect URLs; Slack requires
   * it when the app lists more than one. */
  redirectUri?: string;
  installationStore: EncryptedInstallationStore;
  stateStore: DatabaseStateStore;
  logger: Logger;
  /** The Web API base for oauth.v2.access and auth.test (tests point it at a fake Slack). */
  apiUrl?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'",
  });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p></body></html>`,
  );
}

/** What the person installing is told; details stay in the log. */
function failureReason(error: Error & { code?: string }): string {
  switch (error.code) {
    case "slack_oauth_invalid_state":
    case "slack_oauth_missing_state":
      return "This install link is not valid here: it was used already, expired, or was opened in another browser.";
    case "slack_oauth_installer_authorization_error":
      return "The install was cancelled in Slack.";
    default:
      return "Slack did not complete the install.";
  }
}

/** Where the install landed, for the success page and the log (never a token). */
function installedIn(installation: Installation): string {
  return installation.isEnterpriseInstall
    ? `the ${installation.enterprise?.name ?? installation.enterprise?.id ?? "Enterprise Grid"} organisation`
    : (installation.team?.name ?? installation.team?.id ?? "your workspace");
}

/** Spread into `new HTTPReceiver({...})` (HTTP mode) or `new App({...})` (Socket Mode, where Bolt
 * serves the two paths on installerOptions.port). With these, do not pass `authorize` or a
 * token to the App: Bolt authorizes every request from the installation store. */
export function oauthReceiverOptions(
  o: OAuthOptions,
): Required<Pick<HTTPReceiverOptions, "clientId" | "clientSecret" | "installationStore" | "scopes" | "installerOptions">> &
  Pick<HTTPReceiverOptions, "redirectUri"> {
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    installationStore: o.installationStore,
    scopes: BOT_SCOPES,
    ...(o.redirectUri ? { redirectUri: o.redirectUri } : {}),
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      // The state is checked twice: it must come back to the browser it was issued to (a cookie
      // Bolt sets on /slack/install), and be one the database issued, unused and under ten minutes old.
      stateVerification: true,
      stateStore: o.stateStore,
      // /slack/install sends the browser straight to Slack's consent screen.
      directInstall: true,
      ...(o.apiUrl ? { clientOptions: { slackApiUrl: o.apiUrl.endsWith("/") ? o.apiUrl : `${o.apiUrl}/` } } : {}),
      callbackOptions: {
        success: (installation: Installation, _options: InstallURLOptions, _req: IncomingMessage, res: ServerResponse) => {
          o.logger.info(
            `installed in ${installation.isEnterpriseInstall ? `org ${installation.enterprise?.id}` : `workspace ${installation.team?.id}`} by ${installation.user.id}`,
          );
          page(
            res,
            200,
            "drillbot is installed",
            `drillbot is installed in ${escapeHtml(installedIn(installation))}. Invite it to a channel and type <code>/drill help</code> there.`,
          );
        },
        failure: (error: Error & { code?: string }, _options: InstallURLOptions, _req: IncomingMessage, res: ServerResponse) => {
          o.logger.warn(`an install failed: ${error.code ?? error.name}: ${error.message}`);
          page(res, 400, "drillbot was not installed", `${failureReason(error)} <a href="${INSTALL_PATH}">Start the install again</a>.`);
        },
      },
    },
  };
}

type EventArgs<E extends "app_uninstalled" | "tokens_revoked"> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;

/** The workspace (or org) an event came from, as the installation store looks it up. */
function installationOf(context: AllMiddlewareArgs["context"]) {
  return context.isEnterpriseInstall
    ? { teamId: undefined, enterpriseId: context.enterpriseId, isEnterpriseInstall: true as const }
    : { teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: false as const };
}

/** app_uninstalled: every token of the workspace (or org) is deleted. Its drills stay until
 * someone asks for them to be deleted too. */
export function onAppUninstalled(store: EncryptedInstallationStore, logger: Logger) {
  return async ({ context }: EventArgs<"app_uninstalled">): Promise<void> => {
    const where = installationOf(context);
    await store.deleteInstallation(where);
    logger.info(
      `uninstalled from ${where.isEnterpriseInstall ? `org ${where.enterpriseId}` : `workspace ${where.teamId}`}: its tokens are deleted`,
    );
  };
}

/** tokens_revoked: a revoked bot token deletes the installation; revoked user tokens delete
 * those users' tokens only. */
export function onTokensRevoked(store: EncryptedInstallationStore, logger: Logger) {
  return async ({ event, context }: EventArgs<"tokens_revoked">): Promise<void> => {
    const where = installationOf(context);
    for (const userId of event.tokens.oauth ?? []) await store.deleteInstallation({ ...where, userId });
    if ((event.tokens.bot ?? []).length > 0) await store.deleteInstallation(where);
    logger.info(
      `tokens revoked in ${where.isEnterpriseInstall ? `org ${where.enterpriseId}` : `workspace ${where.teamId}`}: ` +
        `${(event.tokens.bot ?? []).length} bot, ${(event.tokens.oauth ?? []).length} user; deleted`,
    );
  };
}

/** Registers both listeners (subscribe the app to app_uninstalled and tokens_revoked). */
export function registerInstallationEvents(app: App, store: EncryptedInstallationStore, logger: Logger): void {
  app.event("app_uninstalled", onAppUninstalled(store, logger));
  app.event("tokens_revoked", onTokensRevoked(store, logger));
}
