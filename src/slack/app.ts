import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { App, HTTPModuleFunctions, HTTPReceiver, LogLevel, webApi } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Scenario } from "../domain/scenario.js";
import { DrillLifecycle } from "../scheduler/drillLifecycle.js";
import { type CronArmer, GameDays, nodeCronArmer } from "../scheduler/gameDays.js";
import { Housekeeping } from "../scheduler/housekeeping.js";
import type { TimerHost } from "../scheduler/timers.js";
import type { DrillService } from "../service/drillService.js";
import { Insights } from "../service/insights.js";
import type { ActionItemStore, HistoryStore, ScheduleStore } from "../store/history.js";
import { type InstanceIdentity, type InstanceRegistry, pidIsAlive } from "../store/instances.js";
import type { OutboxStore } from "../store/outbox.js";
import type { RequestLog } from "../store/requestLog.js";
import { replayGuard } from "./admission.js";
import type { SlackDeps } from "./deps.js";
import { gameDayHandlers } from "./gameDaySlack.js";
import { healthListener, healthRoutes } from "./health.js";
import { registerListeners } from "./listeners/index.js";
import { DEFAULT_LOAD_LIMITS, type LoadLimits, LoadShedder } from "./middleware/shedLoad.js";
import { RateLimiter } from "./rateLimit.js";
import { guardRequests } from "./requestGuard.js";
import { SlackDelivery } from "./slackDelivery.js";
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

export interface SlackAppOptions {
  botToken: string;
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

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/` } : {}),
    // Bounded: a Slack that does not answer must not hold a listener (or shutdown) for half an
    // hour, which is what the Web API client's default retry policy would do.
    retryConfig: { retries: options.retries ?? 2, maxRetryTime: 8_000 },
    timeout: 10_000,
    logger: options.logger,
  };
  const socketMode = Boolean(options.appToken);
  let stopping = false;
  const health = { ping: (ms: number) => options.stores.ping(ms), stopping: () => stopping, logger: options.logger };
  let healthServer: Server | undefined;
  // Web API calls outside a listener (trigger updates, permalinks), with Bolt's retries bounded.
  const apiClient = new webApi.WebClient(options.botToken, clientOptions);
  const receiver =
    socketMode || !options.signingSecret
      ? undefined
      : new HTTPReceiver({
          signingSecret: options.signingSecret,
          endpoints: EVENTS_PATH,
          logger: options.logger,
          // Slack gives up after 3 s; a request no listener acknowledges by then gets a 404.
          unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMs ?? 3001,
          processEventErrorHandler: answerMalformedRequest,
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
  const app = new App({
    authorize: botAuthorization(apiClient, options.botToken, { botId: options.botId, botUserId: options.botUserId }),
    ...(socketMode ? { appToken: options.appToken, socketMode: true } : { receiver }),
    logger: options.logger,
    logLevel: options.logger.getLevel() ?? LogLevel.INFO,
    clientOptions,
    // drillbot keeps its state in SQLite; Bolt's per-conversation store is unused work per request.
    convoStore: false,
  });

  const work = new WorkTracker();
  const insights = new Insights(options.stores.history, options.stores.actions);
  const delivery = new SlackDelivery({
    service: options.service,
    client: apiClient,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    work,
    insights,
    outbox: options.stores.outbox,
    owner: instance.id,
    deliveryClient: new webApi.WebClient(options.botToken, {
      ...(clientOptions.slackApiUrl ? { slackApiUrl: clientOptions.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      logger: options.logger,
    }),
    ...(options.channelPaceMs !== undefined ? { channelPaceMs: options.channelPaceMs } : {}),
  });
  const drills = new DrillLifecycle({
    service: options.service,
    venue: delivery,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    track: (promise) => work.run(promise),
  });
  let depsRef: SlackDeps | null = null;
  const gameDays = new GameDays({
    store: options.stores.schedules,
    clock: options.clock,
    timers: options.timers,
    armer: options.armer ?? nodeCronArmer,
    handlers: gameDayHandlers(() => {
      if (!depsRef) throw new Error("game day fired before the app was wired");
      return depsRef;
    }),
    ...(options.gameDayGraceMs !== undefined ? { graceMs: options.gameDayGraceMs } : {}),
    onError: (id, error) => options.logger.error(`game day schedule #${id} failed:`, error),
    track: (promise) => void work.run(promise),
  });
  const deps: SlackDeps = {
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
  const housekeeping = new Housekeeping({
    me: instance,
    instances: options.stores.instances,
    outbox: options.stores.outbox,
    requests: options.stores.requests,
    clock: options.clock,
    timers: options.timers,
    isAlive: pidIsAlive,
    onError: (what, error) => options.logger.error(`${what} failed:`, error),
  });
  app.error(async (error) => {
    options.logger.error("listener failed:", error);
  });

  return {
    app,
    deps,
    shedder,
    async start(port) {
      await housekeeping.start();
      await drills.rearm();
      await delivery.recover();
      await gameDays.start();
      if (receiver) return receiver.start(port);
      await app.start();
      // Socket Mode needs no inbound HTTP, but a load balancer or orchestrator still asks
      // whether this process is alive and ready: a listener for those two routes only.
      healthServer = await listen(createServer(healthListener(health)), port);
      return healthServer;
    },
    async stop() {
      stopping = true;
      delivery.stop();
      gameDays.stop();
      delivery.stop();
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
