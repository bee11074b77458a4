import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";

// Slack's side of Socket Mode on 127.0.0.1, as @slack/socket-mode 3 (Bolt's SocketModeReceiver)
// expects it:
// - `apps.connections.open`, called with the app-level token (`Authorization: Bearer xapp-…`),
//   answers `{ ok, url }` with a one-time `ws://…/link/?ticket=…` URL (a bot token gets
//   `not_allowed_token_type`, as from Slack);
// - on connecting, the server sends `{"type":"hello"}`; the client's start() resolves only then;
// - each event is an envelope `{ envelope_id, type, payload, accepts_response_payload }`, and the
//   app acknowledges it by sending `{ envelope_id, payload? }` back on the socket;
// - the client pings every ~1.7 s and gives up on a server that sends no pong within 5 s (the ws
//   server pongs by itself); the server pings too, and the client reconnects if it hears no ping
//   for 30 s after the first one;
// - `{"type":"disconnect","reason":…}` makes the client close this socket, ask
//   `apps.connections.open` again after its reconnect delay, and connect anew.
// An app may hold several connections at once (Slack allows 10 per app): one per process when
// several processes run with the same app token. Slack spreads envelopes over them, each
// envelope to one connection; so does this fake, in turn, skipping a connection it has told to
// disconnect. An envelope that is not acknowledged (its connection closed under it, or no ack
// within the timeout) is sent again when the caller asks for retries, to another open connection
// where there is one, with `retry_attempt` and `retry_reason` as Slack marks its retries (Bolt
// hands them to the app as retryNum / retryReason). Slack retries Events API envelopes this way;
// for a click or a form that went unanswered the person does it again, which reaches the app as
// the same payload: either way the app sees the envelope a second time, on another process.
// Compression (permessage-deflate) is not offered: nothing says Slack negotiates it, and it
// would add zlib work to both sides of every envelope.

/** How often the fake pings each connection (the client drops one that is silent for 30 s). */
const SERVER_PING_INTERVAL_MS = 10_000;
const APP_ID = "A0DRILL";

/** One write of an envelope to one connection, and what became of it. */
export interface Attempt {
  /** The label of the connection (see open()); "" when the app asked without one. */
  connection: string;
  outcome: "acked" | "closed" | "timeout" | "pending";
}

export interface Delivered {
  /** performance.now() when the envelope was first written to a socket. */
  sentAt: number;
  /** From the first write to reading its ack (or to the failure). */
  latencyMs: number;
  /** null once acknowledged; otherwise why there was no ack. */
  error: string | null;
  /** What the app put in its ack (e.g. a slash command's reply), when anything. */
  ackPayload: unknown;
  /** Every write of the envelope, in order: more than one when it was sent again. */
  attempts: Attempt[];
}

/** An envelope about to be written to a connection (see onEnvelope). */
export interface SentEnvelope {
  connection: string;
  type: EnvelopeType;
  /** 0 for the first write, then 1, 2… (the envelope's retry_attempt). */
  retryAttempt: number;
  /** This write, whose outcome is filled in once known. */
  attempt: Attempt;
}

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

interface Pending {
  /** `at`: when the ack was read (performance.now()). */
  settle: (outcome: "acked" | "closed" | "timeout", ackPayload?: unknown, at?: number) => void;
  timer: NodeJS.Timeout;
}

interface Connection {
  token: string;
  /** Which process asked for it, as the caller of open() named it. */
  label: string;
  ws: WebSocket;
  openedAt: number;
  pending: Map<string, Pending>;
  /** Told to disconnect: no more envelopes go to it. */
  draining: boolean;
}

export interface ConnectionStats {
  /** WebSocket connections the app opened (a reconnect opens another). */
  opened: number;
  /** apps.connections.open calls with this token. */
  urlsIssued: number;
  pingsFromApp: number;
  pongsFromApp: number;
  pingsToApp: number;
  /** Acks whose envelope_id the fake never sent, or sent and already saw acknowledged. */
  strayAcks: number;
}

export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  /** One-time tickets from apps.connections.open, to the app token (and label) that asked. */
  private readonly tickets = new Map<string, { token: string; label: string }>();
  /** The open connections of each app token, oldest first: where its envelopes go. */
  private readonly open = new Map<string, Connection[]>();
  /** Where the next envelope of each token goes, counting round its connections. */
  private readonly turn = new Map<string, number>();
  private readonly stats = new Map<string, ConnectionStats>();
  private readonly connectWaiters: { token: string; label: string | undefined; after: number; resolve: (at: number) => void }[] = [];
  private readonly pinger: NodeJS.Timeout;
  /** Called just before each envelope is written: a test can kill the process it is going to, so
   * that the process dies with the envelope on its way and never acknowledges it. (Killing it
   * just after the write instead races the process: on a busy machine it may read, acknowledge
   * and only then die.) */
  onEnvelope: ((envelope: SentEnvelope) => void) | null = null;

  constructor(private readonly baseUrl: () => string) {
    this.pinger = setInterval(() => {
      for (const connection of this.allOpen()) {
        if (connection.ws.readyState !== WebSocket.OPEN) continue;
        connection.ws.ping();
        this.statsOf(connection.token).pingsToApp++;
      }
    }, SERVER_PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** The answer to `apps.connections.open`, given the request's Authorization header. `label`
   * names the process that asked (a test's own bookkeeping: Slack cannot tell processes apart). */
  connectionsOpen(authorization: string | undefined, label = ""): Record<string, unknown> {
    const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (!token) return { ok: false, error: "not_authed" };
    if (!token.startsWith("xapp-")) return { ok: false, error: "not_allowed_token_type" };
    const ticket = randomUUID();
    this.tickets.set(ticket, { token, label });
    this.statsOf(token).urlsIssued++;
    const wsBase = this.baseUrl().replace(/^http/, "ws");
    return { ok: true, url: `${wsBase}/link/?ticket=${ticket}&app_id=${APP_ID}` };
  }

  /** The HTTP server's `upgrade` event: a ticket from open() is good for one connection. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    const asked = this.tickets.get(ticket);
    if (url.pathname !== "/link/" || asked === undefined) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    this.tickets.delete(ticket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(asked.token, asked.label, ws));
  }

  /** Sends one envelope to the app holding `token`, on the next of its open connections, and
   * resolves when it is acknowledged, or cannot be: no open connection, or it was not
   * acknowledged (connection closed, or no ack within timeoutMs) and `retries` more writes,
   * each to the next open connection, were not acknowledged either. */
  deliver(token: string, type: EnvelopeType, payload: object, timeoutMs: number, options: { retries?: number } = {}): Promise<Delivered> {
    const sentAt = performance.now();
    const retries = options.retries ?? 0;
    const attempts: Attempt[] = [];
    return new Promise((resolve) => {
      const finish = (error: string | null, ackPayload?: unknown, at = performance.now()) =>
        resolve({ sentAt, latencyMs: at - sentAt, error, ackPayload, attempts });
      const write = (retryAttempt: number, retryReason: string) => {
        const connection = this.pick(token, attempts.at(-1)?.connection);
        if (!connection) {
          finish(attempts.length === 0 ? "no open Socket Mode connection" : `not acknowledged, and no open connection to send it again`);
          return;
        }
        const envelopeId = randomUUID();
        const attempt: Attempt = { connection: connection.label, outcome: "pending" };
        attempts.push(attempt);
        const settle = (outcome: "acked" | "closed" | "timeout", ackPayload?: unknown, at?: number) => {
          clearTimeout(timer);
          connection.pending.delete(envelopeId);
          attempt.outcome = outcome;
          if (outcome === "acked") finish(null, ackPayload, at);
          else if (retryAttempt < retries) write(retryAttempt + 1, outcome === "timeout" ? "timeout" : "connection_closed");
          else finish(outcome === "timeout" ? `no ack within ${timeoutMs} ms` : "the connection closed before the ack");
        };
        const timer = setTimeout(() => settle("timeout"), timeoutMs);
        connection.pending.set(envelopeId, { settle, timer });
        this.onEnvelope?.({ connection: connection.label, type, retryAttempt, attempt });
        connection.ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type === "slash_commands",
            ...(retryAttempt > 0 ? { retry_attempt: retryAttempt, retry_reason: retryReason } : {}),
          }),
        );
      };
      write(0, "");
    });
  }

  /** The labels of the app's open connections, oldest first. */
  connections(token: string): string[] {
    return (this.open.get(token) ?? []).map((c) => c.label);
  }

  /** Asks the app to reconnect as Slack does when it recycles a server; resolves with the ms
   * from the message to the app's next connection. */
  async disconnect(token: string, reason: "warning" | "refresh_requested" | "too_many_websockets", timeoutMs: number): Promise<number> {
    const connection = this.newest(token);
    if (!connection) throw new Error("the app has no Socket Mode connection to disconnect");
    const since = performance.now();
    const reconnected = this.nextConnection(token, since, timeoutMs);
    connection.draining = true;
    connection.ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-applink" } }));
    return (await reconnected) - since;
  }

  /** Resolves with when the app holding `token` (the process named `label`, when given) next
   * opens a connection after `after`. */
  nextConnection(token: string, after: number, timeoutMs: number, label?: string): Promise<number> {
    const open = (this.open.get(token) ?? []).filter((c) => label === undefined || c.label === label).at(-1);
    if (open && open.openedAt > after) return Promise.resolve(open.openedAt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not reconnect within ${timeoutMs} ms`)), timeoutMs);
      this.connectWaiters.push({
        token,
        label,
        after,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }

  /** Resolves once the app holding `token` has no open connection left (it disconnected). */
  async nextDisconnect(token: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while ((this.open.get(token) ?? []).length > 0) {
      if (performance.now() > deadline) throw new Error(`the app did not disconnect within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  statsOf(token: string): ConnectionStats {
    let stats = this.stats.get(token);
    if (!stats) {
      stats = { opened: 0, urlsIssued: 0, pingsFromApp: 0, pongsFromApp: 0, pingsToApp: 0, strayAcks: 0 };
      this.stats.set(token, stats);
    }
    return stats;
  }

  close(): void {
    clearInterval(this.pinger);
    for (const connection of this.allOpen()) connection.ws.terminate();
    this.open.clear();
    this.wss.close();
  }

  private allOpen(): Connection[] {
    return [...this.open.values()].flat();
  }

  private newest(token: string): Connection | undefined {
    return this.open.get(token)?.at(-1);
  }

  /** The token's next open connection in turn, other than the one labelled `avoid` when there
   * is another (an envelope sent again goes elsewhere, as Slack's would). */
  private pick(token: string, avoid: string | undefined): Connection | undefined {
    const usable = (this.open.get(token) ?? []).filter((c) => !c.draining && c.ws.readyState === WebSocket.OPEN);
    const elsewhere = usable.filter((c) => c.label !== avoid);
    const candidates = elsewhere.length > 0 ? elsewhere : usable;
    if (candidates.length === 0) return undefined;
    const turn = this.turn.get(token) ?? 0;
    this.turn.set(token, turn + 1);
    return candidates[turn % candidates.length];
  }

  private connected(token: string, label: string, ws: WebSocket): void {
    const connection: Connection = { token, label, ws, openedAt: performance.now(), pending: new Map(), draining: false };
    const stats = this.statsOf(token);
    stats.opened++;
    const open = this.open.get(token) ?? [];
    open.push(connection);
    this.open.set(token, open);
    ws.on("message", (data: RawData, isBinary: boolean) => this.received(connection, data, isBinary));
    ws.on("ping", () => stats.pingsFromApp++);
    ws.on("pong", () => stats.pongsFromApp++);
    ws.on("error", () => ws.terminate());
    ws.on("close", () => {
      const still = (this.open.get(token) ?? []).filter((c) => c !== connection);
      if (still.length > 0) this.open.set(token, still);
      else this.open.delete(token);
      // Unacknowledged: each is sent again (when asked) or fails.
      for (const pending of [...connection.pending.values()]) pending.settle("closed");
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake-applink", build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: APP_ID },
      }),
    );
    for (let i = this.connectWaiters.length - 1; i >= 0; i--) {
      const waiter = this.connectWaiters[i];
      if (waiter?.token !== token || connection.openedAt <= waiter.after) continue;
      if (waiter.label !== undefined && waiter.label !== label) continue;
      this.connectWaiters.splice(i, 1);
      waiter.resolve(connection.openedAt);
    }
  }

  private received(connection: Connection, data: RawData, isBinary: boolean): void {
    const at = performance.now();
    const stats = this.statsOf(connection.token);
    if (isBinary) {
      stats.strayAcks++;
      return;
    }
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      stats.strayAcks++;
      return;
    }
    const id = typeof message.envelope_id === "string" ? message.envelope_id : "";
    const pending = connection.pending.get(id);
    if (!pending) {
      stats.strayAcks++;
      return;
    }
    pending.settle("acked", message.payload, at);
  }
}
