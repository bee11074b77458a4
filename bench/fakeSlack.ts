import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeSocketMode } from "./fakeSocketMode.js";

// A stand-in for slack.com/api on 127.0.0.1. Every call is answered after a fixed delay (Slack
// takes roughly 150 ms), with JSON shaped like Slack's, and is counted per method and time so
// the benchmark can say how many Web API calls a stampede caused and how they were spread.
// The same server is Slack's Socket Mode endpoint (see fakeSocketMode.ts): apps.connections.open
// hands out a ws:// URL on it, and the WebSocket upgrade is served here too.

export const SLACK_LATENCY_MS = 150;
const PARSED_METHODS = new Set(["chat.postMessage", "chat.update", "chat.getPermalink"]);

export interface ApiCall {
  method: string;
  /** performance.now() in the benchmark process when the call arrived. */
  at: number;
  /** The token it was sent with (Authorization: Bearer …), "" when none: which workspace's bot
   * token, or the app-level token for apps.connections.open. */
  token: string;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  /** The value of the "I'm on it" button (the drill id), when the message has one. */
  ackValue: string | null;
  at: number;
  /** The bot token it was posted with. */
  token: string;
}

export interface CallWindow {
  total: number;
  byMethod: Record<string, number>;
  /** Calls per one-second bucket, from the window's start. */
  perSecond: number[];
  peakPerSecond: number;
  averagePerSecond: number;
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly posts: PostedMessage[] = [];
  /** What the app sent to each response_url (its replies to a person), as sent. */
  readonly responses: { id: string; body: string }[] = [];
  readonly socketMode = new FakeSocketMode(() => this.baseUrl);
  private server: Server | null = null;
  private tsSeq = 0;
  private viewSeq = 0;
  private readonly postWaiters: { channel: string; resolve: (post: PostedMessage) => void }[] = [];

  async start(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    // The apps keep connections to us alive; a long timeout avoids the race where we close an
    // idle socket just as the app reuses it (which would show up as spurious retries).
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 121_000;
    server.on("upgrade", (req, socket, head) => this.socketMode.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    return this.baseUrl;
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("the fake Slack API is not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  /** What SLACK_API_URL should be for the apps. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A response_url for payloads: ephemeral replies go here too, never to hooks.slack.com. */
  responseUrl(id: string | number): string {
    return `${this.baseUrl}/respond/${id}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    this.socketMode.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves with the first message posted to `channel` at or after `since` (the trigger). */
  waitForPost(channel: string, since: number, timeoutMs = 10_000): Promise<PostedMessage> {
    const seen = this.posts.find((p) => p.channel === channel && p.at >= since && p.ackValue !== null);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message was posted to ${channel} within ${timeoutMs} ms`)), timeoutMs);
      this.postWaiters.push({
        channel,
        resolve: (post) => {
          clearTimeout(timer);
          resolve(post);
        },
      });
    });
  }

  /** When each call of `method` arrived in [from, to) (performance.now()). */
  callTimes(method: string, from: number, to: number): number[] {
    return this.calls.filter((c) => c.method === method && c.at >= from && c.at < to).map((c) => c.at);
  }

  /** Calls that arrived in [from, to), counted per method and per second. */
  window(from: number, to: number): CallWindow {
    const inside = this.calls.filter((c) => c.at >= from && c.at < to && c.method !== "response_url");
    const seconds = Math.max(1, Math.ceil((to - from) / 1000));
    const perSecond = new Array<number>(seconds).fill(0);
    const byMethod: Record<string, number> = {};
    for (const call of inside) {
      byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
      const bucket = Math.min(seconds - 1, Math.floor((call.at - from) / 1000));
      perSecond[bucket] = (perSecond[bucket] ?? 0) + 1;
    }
    return {
      total: inside.length,
      byMethod,
      perSecond,
      peakPerSecond: Math.max(0, ...perSecond),
      averagePerSecond: inside.length / ((to - from) / 1000),
    };
  }

  /** When the last call arrived (performance.now()), or -Infinity. */
  lastCallAt(): number {
    return this.calls.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = req.url ?? "/";
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      if (url.startsWith("/respond/")) {
        this.calls.push({ method: "response_url", at, token });
        this.responses.push({ id: url.slice("/respond/".length), body: Buffer.concat(chunks).toString("utf8") });
        setTimeout(() => reply(res, 200, "ok", "text/plain"), SLACK_LATENCY_MS);
        return;
      }
      const method = url.replace(/^\/api\//, "").split("?")[0] ?? "";
      this.calls.push({ method, at, token });
      // Only the methods whose answer depends on the request are parsed: parsing every
      // views.open body would add work to this process that has nothing to do with Slack.
      const params = PARSED_METHODS.has(method) ? decodeBody(Buffer.concat(chunks).toString("utf8")) : {};
      const body =
        method === "apps.connections.open"
          ? this.socketMode.connectionsOpen(req.headers.authorization)
          : this.answer(method, params, at, token);
      setTimeout(() => reply(res, 200, JSON.stringify(body), "application/json; charset=utf-8"), SLACK_LATENCY_MS);
    });
  }

  private answer(method: string, params: Record<string, string>, at: number, token: string): Record<string, unknown> {
    switch (method) {
      case "chat.postMessage": {
        const ts = `${1_700_000_000 + this.tsSeq++}.000100`;
        const channel = params.channel ?? "C0UNKNOWN";
        this.recordPost({ channel, ts, ackValue: ackButtonValue(params.blocks), at, token });
        return { ok: true, channel, ts, message: { type: "message", text: params.text ?? "", ts } };
      }
      case "chat.update":
        return { ok: true, channel: params.channel, ts: params.ts, text: params.text ?? "" };
      case "chat.getPermalink":
        return {
          ok: true,
          channel: params.channel,
          permalink: `https://acme.slack.com/archives/${params.channel ?? "C0"}/p${(params.message_ts ?? "").replace(".", "")}`,
        };
      case "chat.postEphemeral":
        return { ok: true, message_ts: `${1_700_000_000 + this.tsSeq++}.000200` };
      case "views.open":
      case "views.update":
      case "views.push":
      case "views.publish":
        return { ok: true, view: { id: `V${String(++this.viewSeq).padStart(8, "0")}`, hash: `h${this.viewSeq}` } };
      case "auth.test":
        return { ok: true, url: "https://acme.slack.com/", team: "acme", user: "drillbot", team_id: "T0TEAM", user_id: "U0DRILLBOT" };
      default:
        return { ok: true };
    }
  }

  private recordPost(post: PostedMessage): void {
    this.posts.push(post);
    if (post.ackValue === null) return;
    for (let i = this.postWaiters.length - 1; i >= 0; i--) {
      const waiter = this.postWaiters[i];
      if (waiter?.channel !== post.channel) continue;
      this.postWaiters.splice(i, 1);
      waiter.resolve(post);
    }
  }
}

function reply(res: ServerResponse, status: number, body: string, contentType: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** The Web API client sends form-encoded bodies (JSON for some methods); both are accepted. */
function decodeBody(text: string): Record<string, string> {
  if (text.startsWith("{")) {
    const json = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Finds the drill id the trigger message carries on its "I'm on it" button. */
function ackButtonValue(blocksJson: string | undefined): string | null {
  if (!blocksJson) return null;
  const blocks = JSON.parse(blocksJson) as { elements?: { action_id?: string; value?: string }[] }[];
  for (const block of blocks) {
    for (const element of block.elements ?? []) if (element.action_id === "drill_ack" && element.value) return element.value;
  }
  return null;
}
