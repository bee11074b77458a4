import { createHmac, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { LogLevel } from "@slack/logger";
import nock from "nock";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { FakeClock } from "../../src/domain/clock.js";
import type { Scenario } from "../../src/domain/scenario.js";
import { timerCronArmer } from "../../src/scheduler/gameDays.js";
import type { TimerHandle, TimerHost } from "../../src/scheduler/timers.js";
import { DrillService } from "../../src/service/drillService.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { createLogger } from "../../src/slack/logger.js";
import type { LoadLimits } from "../../src/slack/middleware/shedLoad.js";
import { EncryptionKey, TokenCipher } from "../../src/store/crypto.js";
import { DatabaseStateStore, EncryptedInstallationStore } from "../../src/store/installations.js";
import type { InstanceIdentity } from "../../src/store/instances.js";
import { openSqliteStores, type SqliteDrillStore, type SqliteStores } from "../../src/store/sqlite.js";
import { SqliteInstallationRows, SqliteOAuthStateRows } from "../../src/store/sqliteInstallations.js";
import { REPO_ROOT, tempDir } from "../helpers.js";

// Drives the real app the way Slack does: signed HTTP requests to the HTTP receiver, and a
// Web API faked with nock that records every call. Time is a fake clock with fake timers.

export const SIGNING_SECRET = "8f742231b10e8888abcd99aaaaaa85a5";
export const BOT_TOKEN = "xoxb-test-0000-secret";

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** The bot token it was sent with. */
  token: string;
  /** The fake clock's time of the call. */
  at: number;
}

/** Timers that fire only when the test advances the fake clock. */
export class FakeTimers implements TimerHost {
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly clock: FakeClock) {}

  set(fn: () => void, delayMs: number): TimerHandle {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.now() + Math.max(0, delayMs), fn });
    return { id };
  }

  clear(handle: TimerHandle): void {
    this.pending.delete(handle.id);
  }

  /** Moves time forward, firing due timers in order and letting their work finish after each. */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.clock.now() + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.pending.delete(due[0]);
      if (due[1].at > this.clock.now()) this.clock.set(due[1].at);
      due[1].fn();
      await settle();
    }
    this.clock.set(target);
    await settle();
  }

  get size(): number {
    return this.pending.size;
  }
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface User {
  id: string;
  name: string;
}

export interface HarnessOptions {
  dbPath?: string;
  facilitators?: string[];
  scenarios?: Map<string, Scenario>;
  clock?: FakeClock;
  /** Web API methods that should fail, with the Slack error code to return. */
  failing?: Record<string, string>;
  /** Gap between two posts in one channel; 0 unless a test is about pacing. */
  channelPaceMs?: number;
  /** Requests in flight before "busy" (tests of load shedding lower them). */
  loadLimits?: Partial<LoadLimits>;
  /** This process on the database (tests of leases after a crash pick it). */
  instance?: InstanceIdentity;
  /** Scenarios that exist as files but could not be loaded, with why (as lint lines). */
  skipped?: Map<string, string[]>;
  /** The app's timers, when a test runs several instances on one clock (else this harness's own). */
  timers?: TimerHost;
  /** Many workspaces: the app runs in OAuth mode (no bot token of its own) with these
   * workspaces installed in its database, each with its own bot token. */
  workspaces?: { teamId: string; enterpriseId?: string; token: string }[];
}

export const OAUTH_CLIENT_ID = "1111.2222";
export const OAUTH_CLIENT_SECRET = "c0ffeec0ffeec0ffeec0ffeec0ffee00";

let catalogCache: Map<string, Scenario> | null = null;
export function repoScenarios(): Map<string, Scenario> {
  catalogCache ??= loadCatalog(REPO_ROOT).scenarios;
  return catalogCache;
}

export class SlackHarness {
  readonly calls: ApiCall[] = [];
  readonly responses: { url: string; body: Record<string, unknown> }[] = [];
  readonly clock: FakeClock;
  readonly timers: FakeTimers;
  readonly store: SqliteDrillStore;
  readonly stores: SqliteStores;
  readonly slack: SlackApp;
  readonly logLines: string[] = [];
  readonly dbPath: string;
  /** OAuth mode only: the installation store the app authorizes requests from. */
  readonly installations: EncryptedInstallationStore | null = null;
  /** The workspace the next requests come from (see from()). */
  teamId = "T0TEAM";
  private port = 0;
  private ts = 1_700_000_000;
  private triggerSeq = 0;
  private readonly failing: Record<string, string>;
  /** One-shot faults: the next call to `method` gets this response instead (429, 503…). */
  readonly faults: { method: string; status: number; body?: unknown; headers?: Record<string, string> }[] = [];

  constructor(private readonly options: HarnessOptions = {}) {
    this.clock = options.clock ?? new FakeClock(Date.UTC(2026, 10, 23, 10, 0, 0));
    this.timers = new FakeTimers(this.clock);
    const timers = options.timers ?? this.timers;
    this.dbPath = options.dbPath ?? join(tempDir(), "drillbot.db");
    this.stores = openSqliteStores(this.dbPath);
    this.store = this.stores.drills;
    this.failing = options.failing ?? {};
    const scenarios = options.scenarios ?? repoScenarios();
    const service = new DrillService(this.store, scenarios, this.clock, {
      actions: this.stores.actions,
      ...(options.skipped ? { skipped: options.skipped } : {}),
    });
    const workspaces = options.workspaces;
    if (workspaces) {
      this.installations = new EncryptedInstallationStore(
        new SqliteInstallationRows(this.store.db),
        new TokenCipher(new EncryptionKey(randomBytes(32))),
        () => this.clock.now(),
      );
      this.teamId = workspaces[0]?.teamId ?? this.teamId;
    }
    this.slack = createSlackApp({
      ...(this.installations
        ? {
            oauth: {
              clientId: OAUTH_CLIENT_ID,
              clientSecret: OAUTH_CLIENT_SECRET,
              installationStore: this.installations,
              stateStore: new DatabaseStateStore(new SqliteOAuthStateRows(this.store.db)),
            },
          }
        : { botToken: BOT_TOKEN }),
      signingSecret: SIGNING_SECRET,
      service,
      stores: this.stores,
      scenarios,
      armer: timerCronArmer(timers, this.clock),
      channelPaceMs: options.channelPaceMs ?? 0,
      ...(options.loadLimits ? { loadLimits: options.loadLimits } : {}),
      ...(options.instance ? { instance: options.instance } : {}),
      unhandledRequestTimeoutMs: 250,
      facilitators: new Set(options.facilitators ?? []),
      clock: this.clock,
      timers,
      logger: createLogger({
        level: LogLevel.DEBUG,
        secrets: [BOT_TOKEN, SIGNING_SECRET, ...(workspaces ?? []).map((w) => w.token)],
        write: (line) => this.logLines.push(line),
      }),
      random: () => 0,
      botId: "B0DRILL",
      botUserId: "U0DRILLBOT",
      retries: 0,
    });
  }

  async start(): Promise<this> {
    for (const w of this.options.workspaces ?? []) {
      await this.installations?.storeInstallation({
        team: { id: w.teamId, name: `workspace ${w.teamId}` },
        enterprise: w.enterpriseId ? { id: w.enterpriseId, name: `org ${w.enterpriseId}` } : undefined,
        isEnterpriseInstall: false,
        user: { id: `U0INSTALLER${w.teamId}`, token: undefined, scopes: undefined },
        bot: { token: w.token, scopes: ["commands", "chat:write", "chat:write.public"], id: "B0DRILL", userId: "U0DRILLBOT" },
        tokenType: "bot",
        appId: "A0DRILL",
        authVersion: "v2",
      });
    }
    this.fakeSlackApi();
    const server = await this.slack.start(0);
    const address = server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error("the HTTP receiver did not start");
    this.port = address.port;
    return this;
  }

  /** The faked Web API, recording into this harness (nock is global: with several instances in
   * one test, the first harness's fake answers every one of them). */
  fakeSlackApi(): void {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
    const calls = this.calls;
    const failing = this.failing;
    const faults = this.faults;
    const clock = this.clock;
    const nextTs = () => `${this.ts++}.000100`;
    nock("https://slack.com")
      .persist()
      .post(/\/api\/.+/)
      .reply(function (uri, body) {
        const method = uri.replace(/^\/api\//, "");
        const params = decodeApiBody(body, this.req.headers["content-type"]);
        const token = String(this.req.headers.authorization ?? "").replace(/^Bearer /, "");
        calls.push({ method, params, token, at: clock.now() });
        if (failing[method]) return [200, { ok: false, error: failing[method] }];
        const fault = faults.findIndex((f) => f.method === method);
        if (fault >= 0) {
          const [f] = faults.splice(fault, 1);
          if (f) return [f.status, f.body ?? { ok: false, error: "fault" }, f.headers ?? {}];
        }
        if (method === "chat.postMessage") return [200, { ok: true, channel: params.channel, ts: nextTs(), message: {} }];
        if (method === "chat.update") return [200, { ok: true, channel: params.channel, ts: params.ts }];
        if (method === "chat.getPermalink") {
          return [
            200,
            {
              ok: true,
              channel: params.channel,
              permalink: `https://acme.slack.com/archives/${params.channel}/p${String(params.message_ts).replace(".", "")}`,
            },
          ];
        }
        if (method.startsWith("views.")) return [200, { ok: true, view: { id: (params.view_id as string) ?? `V${calls.length}` } }];
        return [200, { ok: true }];
      });
    const responses = this.responses;
    nock("https://hooks.slack.com")
      .persist()
      .post(/.*/)
      .reply((uri, body) => {
        responses.push({ url: uri, body: typeof body === "string" ? JSON.parse(body) : (body as Record<string, unknown>) });
        return [200, "ok"];
      });
  }

  async stop(): Promise<void> {
    await this.slack.stop();
    await this.store.close();
    nock.cleanAll();
    nock.enableNetConnect();
  }

  /** The process dies: no clean shutdown (no lease released, nothing flushed); the server and
   * the database file are simply closed, as the operating system would. */
  async crash(): Promise<void> {
    this.slack.deps.drills.stop();
    this.slack.deps.delivery.stop();
    await this.slack.app.stop();
    await this.store.close();
    nock.cleanAll();
    nock.enableNetConnect();
  }

  /** Where the HTTP receiver listens (for tests that speak raw HTTP). */
  get eventsUrl(): string {
    return `http://127.0.0.1:${this.port}/slack/events`;
  }

  /** Waits for every piece of work the app started after acknowledging Slack. */
  idle(): Promise<void> {
    return this.slack.deps.work.idle();
  }

  advance(ms: number): Promise<void> {
    return this.timers.advance(ms, () => this.idle());
  }

  async post(
    body: string,
    contentType: string,
    options: { timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
  ) {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const response = await fetch(`http://127.0.0.1:${this.port}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": options.signature ?? sign(body, timestamp),
        ...options.headers,
      },
      body,
    });
    const text = await response.text();
    await this.idle();
    return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  }

  /** The next requests come from this workspace (its team id in every body, as Slack sends it). */
  from(teamId: string): this {
    this.teamId = teamId;
    return this;
  }

  command(text: string, user: User, channel = "C0GAMEDAY") {
    const body = new URLSearchParams({
      token: "legacy-verification-token",
      team_id: this.teamId,
      team_domain: "acme",
      channel_id: channel,
      channel_name: "gameday",
      user_id: user.id,
      user_name: user.name,
      command: "/drill",
      text,
      api_app_id: "A0DRILL",
      response_url: `https://hooks.slack.com/commands/${this.teamId}/${++this.triggerSeq}/secret`,
      trigger_id: `trigger-${this.triggerSeq}`,
    }).toString();
    return this.post(body, "application/x-www-form-urlencoded");
  }

  /** A button click, as Slack sends it: `payload=<json>` form-encoded. */
  click(actionId: string, value: string, user: User, extra: Record<string, unknown> = {}) {
    const payload = {
      type: "block_actions",
      team: { id: this.teamId, domain: "acme" },
      user: { id: user.id, username: user.name, name: user.name, team_id: this.teamId },
      api_app_id: "A0DRILL",
      token: "legacy-verification-token",
      trigger_id: `trigger-${++this.triggerSeq}`,
      response_url: `https://hooks.slack.com/actions/${this.teamId}/${this.triggerSeq}/secret`,
      channel: { id: "C0GAMEDAY", name: "gameday" },
      container: { type: "message", message_ts: "1700000000.000100", channel_id: "C0GAMEDAY" },
      actions: [{ type: "button", action_id: actionId, block_id: "drill_actions", value, action_ts: "1700000001.000000" }],
      ...extra,
    };
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded");
  }

  /** A choice in a menu on a message (a static_select or the ⋯ overflow menu). */
  choose(actionId: string, value: string, user: User, type: "static_select" | "overflow" = "static_select") {
    return this.click(actionId, value, user, {
      actions: [
        {
          type,
          action_id: actionId,
          block_id: "drill_actions",
          selected_option: { value, text: { type: "plain_text", text: value } },
          action_ts: "1700000001.000000",
        },
      ],
    });
  }

  /** A click inside a modal (the decision tree). */
  clickInView(actionId: string, value: string, user: User, viewId = "V_TREE") {
    return this.click(actionId, value, user, {
      container: { type: "view", view_id: viewId },
      view: { id: viewId, type: "modal", callback_id: "", private_metadata: "", state: { values: {} }, hash: "h" },
    });
  }

  submitView(
    callbackId: string,
    privateMetadata: string,
    values: Record<string, Record<string, { type: string; value: string | null }>>,
    user: User,
  ) {
    const payload = {
      type: "view_submission",
      team: { id: this.teamId, domain: "acme" },
      user: { id: user.id, username: user.name, name: user.name, team_id: this.teamId },
      api_app_id: "A0DRILL",
      token: "legacy-verification-token",
      trigger_id: `trigger-${++this.triggerSeq}`,
      view: { id: "V_FIRST", type: "modal", callback_id: callbackId, private_metadata: privateMetadata, state: { values }, hash: "h" },
    };
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded");
  }

  event(event: Record<string, unknown>) {
    const body = JSON.stringify({
      token: "t",
      team_id: this.teamId,
      api_app_id: "A0DRILL",
      type: "event_callback",
      event_id: `Ev${++this.triggerSeq}`,
      event_time: 1,
      event,
    });
    return this.post(body, "application/json");
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Every text the app sent to Slack, flattened, for "is this string anywhere" checks. */
  allText(): string {
    return [...this.calls.map((c) => JSON.stringify(c.params)), ...this.responses.map((r) => JSON.stringify(r.body))].join("\n");
  }
}

function decodeApiBody(body: unknown, contentType: unknown): Record<string, unknown> {
  if (typeof body === "object" && body !== null) return body as Record<string, unknown>;
  const text = String(body);
  if (String(contentType ?? "").includes("json")) return JSON.parse(text) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    params[key] = ["blocks", "view", "attachments"].includes(key) ? JSON.parse(value) : value;
  }
  return params;
}

/** Every mrkdwn/plain text in a block list, joined. */
export function blockText(blocks: unknown): string {
  return JSON.stringify(blocks) ?? "";
}
