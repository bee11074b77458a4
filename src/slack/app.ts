import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { App, HTTPModuleFunctions, HTTPReceiver, LogLevel, type webApi } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Scenario } from "../domain/scenario.js";
import { LOCAL_TEAM_ID, type Team } from "../domain/team.js";
import { DrillLifecycle } from "../scheduler/drillLifecycle.js";
import { type CronArmer, GameDays, nodeCronArmer } from "../scheduler/gameDays.js";
import { Housekeeping } from "../scheduler/housekeeping.js";
import type { TimerHost } from "../scheduler/timers.js";
import type { DrillService } from "../service/drillService.js";
import { Insights } from "../service/insights.js";
import type { ActionItemStore, HistoryStore, ScheduleStore } from "../store/history.js";
import type { DatabaseStateStore, EncryptedInstallationStore } from "../store/installations.js";
import { type InstanceIdentity, type InstanceRegistry, pidIsAlive } from "../store/instances.js";
import type { OutboxStore } from "../store/outbox.js";
import type { RequestLog } from "../store/requestLog.js";
import type { WaitingWork, WorkspaceData } from "../store/workspaces.js";
import { replayGuard } from "./admission.js";
import { depsForTeam, type SlackDeps } from "./deps.js";
import { useNativeFormEncoding } from "./formEncoding.js";
import { gameDayHandlers } from "./gameDaySlack.js";
import { healthListener, healthRoutes } from "./health.js";
import { registerListeners } from "./listeners/index.js";
import { DEFAULT_LOAD_LIMITS, type LoadLimits, LoadShedder } from "./middleware/shedLoad.js";
import { oauthReceiverOptions, registerInstallationEvents } from "./oauth.js";
import { RateLimiter } from "./rateLimit.js";
import { guardRequests } from "./requestGuard.js";
import { SlackDelivery } from "./slackDelivery.js";
import { clientPair, fixedTeamClients, installedTeamClients } from "./teamClients.js";
import { webApiFetch } from "./webApiFetch.js";
import { WorkTracker } from "./workTracker.js";

export const EVENTS_PATH = "/slack/events";

/** A signed request Bolt cannot process (a payload Slack would never send) gets a 400, not a
 * 500: it is logged, nothing is recorded, and the process carries on. */
async function answerMalformedRequest(args: Parameters<typeof HTTPModuleFunctions.defaultProcessEventErrorHandler>[0]): Promise<boolean> {
  const { error, response, logger } = args;
  if (response.headersSent || (error as { code?: string }).code === "slack_bolt_authorization_error") {
    return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  }
  logger.warn(`request not processed: ${(error as Error).message}`);
  response.writeHead(400, { "content-type": "text/plain" });
  response.end("drillbot could not read this request");
  return true;
}

/** Many workspaces: installs through Slack OAuth, each workspace's token from the database. */
export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The public URL of /slack/oauth_redirect, when the app lists several redirect URLs. */
  redirectUri?: string;
  installationStore: EncryptedInstallationStore;
  stateStore: DatabaseStateStore;
  /** Socket Mode only: the port of the small HTTP server Bolt serves the install pages on. */
  installerPort?: number;
}

export interface SlackAppOptions {
  /** Single-workspace mode: the one bot token (every row belongs to LOCAL_TEAM). Leave unset
   * and give `oauth` for many workspaces. */
  botToken?: string;
  oauth?: SlackOAuthOptions;
  signingSecret?: string;
  /** Set: Socket Mode. Unset: the HTTP receiver at /slack/events. */
  appToken?: string;
  apiUrl?: string;
  service: DrillService;
  stores: {
    schedules: ScheduleStore;
    actions: ActionItemStore;
    history: HistoryStore;
    outbox: OutboxStore;
    instances: InstanceRegistry;
    requests: RequestLog;
    /** What a workspace has waiting: OAuth mode warns at start about the single-workspace data. */
    workspaces: Pick<WorkspaceData, "waiting">;
    /** Resolves when the database answers within the time given: what /readyz reports. */
    ping(timeoutMs: number): Promise<void>;
  };
  scenarios: Map<string, Scenario>;
  facilitators: Set<string>;
  clock: Clock;
  timers: TimerHost;
  logger: Logger;
  random?: () => number;
  /** Known in advance (tests, or a single workspace) so Bolt need not call auth.test. */
  botId?: string;
  botUserId?: string;
  /** Web API retries; tests use 0 so a faked failure shows at once. */
  retries?: number;
  /** How long an unacknowledged request waits before a 404 (Slack's 3 s; tests shorten it). */
  unhandledRequestTimeoutMs?: number;
  /** Minimum gap between two posts in one channel (default about 1 s; tests use 0). */
  channelPaceMs?: number;
  /** How game days are armed: node-cron by default, timers on a fake clock in tests. */
  armer?: CronArmer;
  /** How late a missed game day may still start after downtime (default 6 h). */
  gameDayGraceMs?: number;
  /** This process on the database (default: a fresh id, this host and pid). */
  instance?: InstanceIdentity;
  /** How many requests of each kind may be in flight before new ones are told "busy". */
  loadLimits?: Partial<LoadLimits>;
  /** How long stop() waits for work in flight before it gives up on it (default 8 s). */
  shutdownGraceMs?: number;
}

/** Who the bot is, for Bolt's context: known in advance, or asked of auth.test once it answers.
 * Bolt's own single-token mode calls auth.test once at construction and keeps the result, even
 * a failure: a Slack that was unreachable at start would have refused every request until a
 * restart. Here a failure is forgotten, so the next request asks again. */
function botAuthorization(
  client: webApi.WebClient,
  botToken: string,
  known: { botId?: string | undefined; botUserId?: string | undefined },
) {
  let identity: Promise<{ botId: string; botUserId: string; teamId?: string }> | null =
    known.botId && known.botUserId ? Promise.resolve({ botId: known.botId, botUserId: known.botUserId }) : null;
  return async () => {
    identity ??= client.auth.test().then(
      (r) => ({ botId: String(r.bot_id ?? ""), botUserId: String(r.user_id ?? ""), ...(r.team_id ? { teamId: r.team_id } : {}) }),
      (error: unknown) => {
        identity = null;
        throw error;
      },
    );
    return { botToken, ...(await identity) };
  };
}

/** stop() waits at most this long for work in flight, so SIGTERM ends well inside 10 s. */
export const SHUTDOWN_GRACE_MS = 7_000;
/** /drill debrief re-posts one person may ask for in a window. */
export const REPOSTS_PER_USER = 3;
export const REPOST_RATE_WINDOW_MS = 10 * 60_000;

export interface SlackApp {
  app: App;
  deps: SlackDeps;
  shedder: LoadShedder;
  /** Starts listening; with the HTTP receiver returns the server (port 0 picks a free one). */
  start(port: number): Promise<Server | undefined>;
  stop(): Promise<void>;
}

/** The workspace a request came from, as Bolt's context has it (OAuth mode): the team, or for an
 * org-wide install acting outside any one workspace, the org. */
export function teamOfContext(context: { teamId?: string | undefined; enterpriseId?: string | undefined }): Team | null {
  const id = context.teamId ?? context.enterpriseId;
  return id ? { id, enterpriseId: context.enterpriseId ?? null } : null;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const oauth = options.oauth;
  const botToken = options.botToken;
  if (oauth && botToken) throw new Error("createSlackApp: give either a bot token (one workspace) or OAuth options (many), not both");
  if (!oauth && !botToken) throw new Error("createSlackApp: a bot token (one workspace) or OAuth options (many workspaces) is required");
  // The Web API client's form bodies, encoded natively (formEncoding.ts).
  useNativeFormEncoding();
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/` } : {}),
    // Bounded: a Slack that does not answer must not hold a listener (or shutdown) for half an
    // hour, which is what the Web API client's default retry policy would do.
    retryConfig: { retries: options.retries ?? 2, maxRetryTime: 8_000 },
    timeout: 10_000,
    logger: options.logger,
    // node:http for the Web API's form posts instead of the global fetch (webApiFetch.ts).
    fetch: webApiFetch,
  };
  const socketMode = Boolean(options.appToken);
  let stopping = false;
  const health = { ping: (ms: number) => options.stores.ping(ms), stopping: () => stopping, logger: options.logger };
  let healthServer: Server | undefined;
  // Web API calls outside a listener (trigger updates, permalinks), with Bolt's retries bounded,
  // and outbox deliveries, with none (the outbox decides), per workspace.
  const deliveryOptions = {
    ...(clientOptions.slackApiUrl ? { slackApiUrl: clientOptions.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: options.logger,
    fetch: webApiFetch,
  };
  const single = botToken ? clientPair(botToken, clientOptions, deliveryOptions) : null;
  const clients = single
    ? fixedTeamClients(single)
    : installedTeamClients((oauth as SlackOAuthOptions).installationStore, (token) => clientPair(token, clientOptions, deliveryOptions));
  const installer = oauth
    ? oauthReceiverOptions({
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}),
        installationStore: oauth.installationStore,
        stateStore: oauth.stateStore,
        logger: options.logger,
        ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
      })
    : null;
  const receiver =
    socketMode || !options.signingSecret
      ? undefined
      : new HTTPReceiver({
          signingSecret: options.signingSecret,
          // guardRequests (below) verifies every request Bolt takes as an event before Bolt sees
          // it, by the same reading of the URL: Bolt checking the same HMAC again was the same
          // work twice per click (requestGuard.ts).
          signatureVerification: false,
          endpoints: EVENTS_PATH,
          logger: options.logger,
          // Slack gives up after 3 s; a request no listener acknowledges by then gets a 404.
          unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMs ?? 3001,
          processEventErrorHandler: answerMalformedRequest,
          // OAuth: /slack/install and /slack/oauth_redirect, and every request authorized from
          // the installation store (Bolt's installer.authorize).
          ...(installer ?? {}),
          customRoutes: healthRoutes(health),
        });
  const instance: InstanceIdentity = options.instance ?? { id: randomUUID(), host: hostname(), pid: process.pid };
  if (receiver && options.signingSecret) {
    receiver.requestListener = guardRequests(receiver.requestListener, {
      signingSecret: options.signingSecret,
      path: EVENTS_PATH,
      logger: options.logger,
      admit: replayGuard(options.stores.requests, options.clock),
    });
  }
  const socketInstaller =
    installer && socketMode
      ? {
          ...installer,
          installerOptions: { ...installer.installerOptions, ...(oauth?.installerPort !== undefined ? { port: oauth.installerPort } : {}) },
        }
      : {};
  const app = new App({
    // One workspace: its token. Many: Bolt's installer authorizes each request from the database.
    ...(single && botToken
      ? { authorize: botAuthorization(single.api, botToken, { botId: options.botId, botUserId: options.botUserId }) }
      : {}),
    // Socket Mode with OAuth: Bolt's own HTTP server on PORT serves the install pages, and the
    // health routes beside them (a second server could not take the same port).
    ...(socketMode
      ? { appToken: options.appToken, socketMode: true, ...socketInstaller, ...(installer ? { customRoutes: healthRoutes(health) } : {}) }
      : { receiver }),
    logger: options.logger,
    logLevel: options.logger.getLevel() ?? LogLevel.INFO,
    clientOptions,
    // drillbot keeps its state in SQLite; Bolt's per-conversation store is unused work per request.
    convoStore: false,
  });

  const work = new WorkTracker();
  // Many workspaces: the single-workspace install's data ('local') is no installed workspace's,
  // so no request reaches it and no token can post it. Its drills are not timed, its game days
  // not fired and its messages stay queued (never failed) until `drillbot adopt-workspace` hands
  // them to the workspace; the next follow cycle then picks them up, without a restart.
  const holds = oauth ? (team: Team) => team.id === LOCAL_TEAM_ID : undefined;
  const serves = holds ? (team: Team) => !holds(team) : undefined;
  const insightsByTeam = new Map<string, Insights>();
  const insightsFor = (team: Team): Insights => {
    let found = insightsByTeam.get(team.id);
    if (!found) {
      found = new Insights(options.stores.history.forTeam(team), options.stores.actions.forTeam(team));
      insightsByTeam.set(team.id, found);
    }
    return found;
  };
  const insights = insightsFor(options.service.team);
  const delivery = new SlackDelivery({
    service: options.service,
    clients,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    work,
    insights: insightsFor,
    outbox: options.stores.outbox,
    owner: instance.id,
    once: options.stores.requests,
    ...(holds ? { holds } : {}),
    ...(options.channelPaceMs !== undefined ? { channelPaceMs: options.channelPaceMs } : {}),
  });
  const drills = new DrillLifecycle({
    service: options.service,
    venue: delivery,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    track: (promise) => work.run(promise),
    ...(serves ? { serves } : {}),
  });
  let depsRef: SlackDeps | null = null;
  const gameDays = new GameDays({
    store: options.stores.schedules,
    clock: options.clock,
    timers: options.timers,
    armer: options.armer ?? nodeCronArmer,
    handlers: gameDayHandlers((team) => {
      if (!depsRef) throw new Error("game day fired before the app was wired");
      return depsFor(team);
    }),
    ...(options.gameDayGraceMs !== undefined ? { graceMs: options.gameDayGraceMs } : {}),
    onError: (id, error) => options.logger.error(`game day schedule #${id} failed:`, error),
    track: (promise) => void work.run(promise),
    ...(serves ? { serves } : {}),
  });
  const depsByTeam = new Map<string, SlackDeps>();
  const depsFor = (team: Team): SlackDeps => {
    const base = depsRef as SlackDeps;
    let found = depsByTeam.get(team.id);
    if (!found) {
      found = depsForTeam(base, team, insightsFor);
      depsByTeam.set(team.id, found);
    }
    return found;
  };
  const deps: SlackDeps = {
    team: options.service.team,
    forRequest: (context) => {
      // One workspace: every request is LOCAL_TEAM's, as every row was before workspaces existed.
      if (single) return deps;
      const team = teamOfContext(context);
      if (!team) throw new Error("a request without a workspace (no team or enterprise id) cannot be served");
      return depsFor(team);
    },
    service: options.service,
    drills,
    delivery,
    schedules: options.stores.schedules,
    actions: options.stores.actions,
    history: options.stores.history,
    insights,
    gameDays,
    scenarios: options.scenarios,
    facilitators: options.facilitators,
    random: options.random ?? Math.random,
    clock: options.clock,
    logger: options.logger,
    work,
    reposts: new RateLimiter(options.clock, { max: REPOSTS_PER_USER, windowMs: REPOST_RATE_WINDOW_MS }),
  };
  depsRef = deps;
  const shedder = new LoadShedder({ ...DEFAULT_LOAD_LIMITS, ...options.loadLimits }, options.logger);
  app.use(shedder.middleware());
  registerListeners(app, deps);
  // Uninstalling drillbot or revoking its token deletes the workspace's tokens at once.
  if (oauth) registerInstallationEvents(app, oauth.installationStore, options.logger);
  const housekeeping = new Housekeeping({
    me: instance,
    instances: options.stores.instances,
    outbox: options.stores.outbox,
    requests: options.stores.requests,
    clock: options.clock,
    timers: options.timers,
    isAlive: pidIsAlive,
    onError: (what, error) => options.logger.error(`${what} failed:`, error),
    follow: () =>
      stopping
        ? Promise.resolve()
        : work.run(
            (async () => {
              await drills.follow();
              await gameDays.follow();
              // Messages another instance queued (and maybe could not send before it died).
              void delivery.worker.kick();
            })(),
          ),
  });
  app.error(async (error) => {
    options.logger.error("listener failed:", error);
  });

  /** Starts answering: the HTTP receiver, or Socket Mode with its health listener. */
  const listenOn = async (port: number): Promise<Server | undefined> => {
    if (receiver) return receiver.start(port);
    await app.start();
    // With OAuth, Bolt's install server on PORT serves the health routes too.
    if (installer) return undefined;
    // Socket Mode needs no inbound HTTP, but a load balancer or orchestrator still asks
    // whether this process is alive and ready: a listener for those two routes only.
    healthServer = await listen(createServer(healthListener(health)), port);
    return healthServer;
  };

  return {
    app,
    deps,
    shedder,
    async start(port) {
      if (oauth) {
        const waiting = await options.stores.workspaces.waiting(LOCAL_TEAM_ID);
        if (waiting.drills + waiting.schedules + waiting.queued > 0) options.logger.warn(unadoptedWarning(waiting));
      }
      await housekeeping.start();
      await drills.rearm();
      await delivery.recover();
      // stop() came while starting: arm nothing (it would outlive the stop) and do not listen.
      if (stopping) return undefined;
      await gameDays.start();
      const server = await listenOn(port);
      // Game days missed while the app was down start now, in the background: after a restart
      // hundreds of frequent schedules can be inside their catch-up window, and starting their
      // drills must not keep health checks and Slack's requests waiting (stop() waits for it
      // like other work, and it stops between schedules once stopping).
      if (!stopping) {
        void work.run(
          gameDays.catchUpMissed().then(({ fired, missed }) => {
            if (fired + missed > 0)
              options.logger.info(`game days missed while the app was down: ${fired} started late, ${missed} past the grace window`);
          }),
        );
      }
      return server;
    },
    async stop() {
      stopping = true;
      delivery.stop();
      gameDays.stop();
      // Work in flight gets a grace period, not forever: whatever it has not sent by then stays
      // in the outbox for the next start, and its lease is released below.
      const grace = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
      let timer: ReturnType<TimerHost["set"]> | undefined;
      const finished = await Promise.race([
        work.idle().then(() => true),
        new Promise<false>((resolve) => {
          timer = options.timers.set(() => resolve(false), grace);
        }),
      ]);
      if (timer) options.timers.clear(timer);
      if (!finished) options.logger.warn(`stopping with work still in flight after ${grace} ms; unsent messages stay in the outbox`);
      await housekeeping.stop();
      await Promise.race([app.stop(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      if (healthServer) await new Promise((resolve) => healthServer?.close(resolve));
    },
  };
}

/** OAuth mode over a database a single-workspace install used: what nobody sees, and the fix. */
export function unadoptedWarning(waiting: WaitingWork): string {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  return (
    `the single-workspace install's data (workspace 'local') is in this database and no installed workspace sees it: ` +
    `${plural(waiting.drills, "drill")} (${waiting.running} running), ${plural(waiting.schedules, "active game-day schedule")} ` +
    `and ${plural(waiting.queued, "queued message")}. Until it is adopted its drills are not timed, its game days do not fire ` +
    `and its queued messages wait (they are not sent and not failed). To keep it, run ` +
    `\`drillbot adopt-workspace <T…>\` with the Slack team id of the workspace it served (shown as "installed in workspace T…" ` +
    `when that workspace installs); to drop it, \`drillbot forget-workspace local --yes\`.`
  );
}

/** Starts `server` on `port` (0: a free one); a port in use is an error here, not a crash later. */
function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
