import type { Server } from "node:http";
import { App, HTTPModuleFunctions, HTTPReceiver, isValidSlackRequest, LogLevel, webApi } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Scenario } from "../domain/scenario.js";
import { type CronArmer, GameDays, nodeCronArmer } from "../scheduler/gameDays.js";
import type { TimerHost } from "../scheduler/timers.js";
import type { DrillService } from "../service/drillService.js";
import { Insights } from "../service/insights.js";
import type { ActionItemStore, HistoryStore, ScheduleStore } from "../store/history.js";
import type { OutboxStore } from "../store/outbox.js";
import type { SlackDeps } from "./deps.js";
import { gameDayHandlers } from "./gameDaySlack.js";
import { registerListeners } from "./listeners/index.js";
import { SlackDrills } from "./slackDrills.js";
import { WorkTracker } from "./workTracker.js";

export const EVENTS_PATH = "/slack/events";

const BODY_LIMIT = 4 * 1024 * 1024; // Bolt's own limit

/** True when a body's payload is an object, as every Slack request's is. Cheap for the usual
 * case (a payload that starts with "{"); Bolt parses and answers the rest itself. */
function payloadIsObject(contentType: string | undefined, body: string): boolean {
  const start = contentType?.startsWith("application/json") ? body : (new URLSearchParams(body).get("payload") ?? "{");
  if (start.trimStart().startsWith("{")) return true;
  try {
    if (contentType?.startsWith("application/json")) {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
    }
    const payload = new URLSearchParams(body).get("payload");
    if (payload === null) return true;
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return true; // unparseable: Bolt answers it with a 400 itself
  }
}

/** Bolt's HTTP listener runs an async closure nobody awaits: a signed body it cannot read
 * (e.g. `payload=null`) rejected unhandled and, by Node's default, would end the process. The
 * body is read here first (Bolt reuses it as rawBody) and such a request gets a 400. */
function guardRequests(receiver: HTTPReceiver, signingSecret: string, logger: Logger): void {
  const listen = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method !== "POST" || !req.url?.startsWith(EVENTS_PATH)) {
      listen(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on("error", () => {
      if (!res.headersSent) res.writeHead(400).end();
    });
    req.on("end", () => {
      if (size > BODY_LIMIT) {
        res.writeHead(413).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = raw.toString("utf8");
      // Only a correctly signed request is answered here; anything else goes to Bolt for its 401.
      const signed = () =>
        isValidSlackRequest({
          signingSecret,
          body,
          headers: {
            "x-slack-signature": String(req.headers["x-slack-signature"] ?? ""),
            "x-slack-request-timestamp": Number(req.headers["x-slack-request-timestamp"] ?? 0),
          },
        });
      if (!payloadIsObject(req.headers["content-type"], body) && signed()) {
        logger.warn("request not processed: its payload is not an object");
        res.writeHead(400, { "content-type": "text/plain" }).end("drillbot could not read this request");
        return;
      }
      (req as typeof req & { rawBody: Buffer }).rawBody = raw;
      try {
        listen(req, res);
      } catch (error) {
        logger.warn(`request not processed: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(404).end();
      }
    });
  };
}

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
  stores: { schedules: ScheduleStore; actions: ActionItemStore; history: HistoryStore; outbox: OutboxStore };
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
}

export interface SlackApp {
  app: App;
  deps: SlackDeps;
  /** Starts listening; with the HTTP receiver returns the server (port 0 picks a free one). */
  start(port: number): Promise<Server | undefined>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/` } : {}),
    ...(options.retries !== undefined ? { retryConfig: { retries: options.retries } } : {}),
    logger: options.logger,
  };
  const socketMode = Boolean(options.appToken);
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
        });
  if (receiver && options.signingSecret) guardRequests(receiver, options.signingSecret, options.logger);
  const app = new App({
    token: options.botToken,
    ...(socketMode ? { appToken: options.appToken, socketMode: true } : { receiver }),
    ...(options.botId ? { botId: options.botId } : {}),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
    logger: options.logger,
    logLevel: options.logger.getLevel() ?? LogLevel.INFO,
    clientOptions,
    // drillbot keeps its state in SQLite; Bolt's per-conversation store is unused work per request.
    convoStore: false,
  });

  const work = new WorkTracker();
  const insights = new Insights(options.stores.history, options.stores.actions);
  const drills = new SlackDrills({
    service: options.service,
    client: app.client,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    work,
    insights,
    outbox: options.stores.outbox,
    deliveryClient: new webApi.WebClient(options.botToken, {
      ...(clientOptions.slackApiUrl ? { slackApiUrl: clientOptions.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      logger: options.logger,
    }),
    ...(options.channelPaceMs !== undefined ? { channelPaceMs: options.channelPaceMs } : {}),
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
  };
  depsRef = deps;
  registerListeners(app, deps);
  app.error(async (error) => {
    options.logger.error("listener failed:", error);
  });

  return {
    app,
    deps,
    async start(port) {
      await drills.rearm();
      await gameDays.start();
      if (receiver) return receiver.start(port);
      await app.start();
      return undefined;
    },
    async stop() {
      drills.drillTimers.disarmAll();
      gameDays.stop();
      drills.stop();
      await work.idle();
      await app.stop();
    },
  };
}
