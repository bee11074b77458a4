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
// Compression (permessage-deflate) is not offered: nothing says Slack negotiates it, and it
// would add zlib work to both sides of every envelope.

/** How often the fake pings each connection (the client drops one that is silent for 30 s). */
const SERVER_PING_INTERVAL_MS = 10_000;
const APP_ID = "A0DRILL";

export interface Delivered {
  /** performance.now() when the envelope was written to the socket. */
  sentAt: number;
  /** From writing the envelope to reading its ack (or to the failure). */
  latencyMs: number;
  /** null once acknowledged; otherwise why there was no ack. */
  error: string | null;
  /** What the app put in its ack (e.g. a slash command's reply), when anything. */
  ackPayload: unknown;
}

interface Pending {
  sentAt: number;
  resolve: (delivered: Delivered) => void;
  timer: NodeJS.Timeout;
}

interface Connection {
  token: string;
  ws: WebSocket;
  openedAt: number;
  pending: Map<string, Pending>;
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
  /** One-time tickets from apps.connections.open, to the app token that asked. */
  private readonly tickets = new Map<string, string>();
  /** The newest open connection of each app token: where its envelopes go. */
  private readonly current = new Map<string, Connection>();
  private readonly stats = new Map<string, ConnectionStats>();
  private readonly connectWaiters: { token: string; after: number; resolve: (at: number) => void }[] = [];
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly baseUrl: () => string) {
    this.pinger = setInterval(() => {
      for (const connection of this.current.values()) {
        if (connection.ws.readyState !== WebSocket.OPEN) continue;
        connection.ws.ping();
        this.statsOf(connection.token).pingsToApp++;
      }
    }, SERVER_PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** The answer to `apps.connections.open`, given the request's Authorization header. */
  open(authorization: string | undefined): Record<string, unknown> {
    const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (!token) return { ok: false, error: "not_authed" };
    if (!token.startsWith("xapp-")) return { ok: false, error: "not_allowed_token_type" };
    const ticket = randomUUID();
    this.tickets.set(ticket, token);
    this.statsOf(token).urlsIssued++;
    const wsBase = this.baseUrl().replace(/^http/, "ws");
    return { ok: true, url: `${wsBase}/link/?ticket=${ticket}&app_id=${APP_ID}` };
  }

  /** The HTTP server's `upgrade` event: a ticket from open() is good for one connection. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    const token = this.tickets.get(ticket);
    if (url.pathname !== "/link/" || token === undefined) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    this.tickets.delete(ticket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(token, ws));
  }

  /** Sends one envelope to the app holding `token` and resolves when it is acknowledged (or
   * cannot be: no connection, the connection closed, or no ack within timeoutMs). */
  deliver(token: string, type: "slash_commands" | "interactive", payload: object, timeoutMs: number): Promise<Delivered> {
    const connection = this.current.get(token);
    const sentAt = performance.now();
    if (!connection || connection.ws.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ sentAt, latencyMs: 0, error: "no open Socket Mode connection", ackPayload: undefined });
    }
    const envelopeId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        connection.pending.delete(envelopeId);
        resolve({ sentAt, latencyMs: performance.now() - sentAt, error: `no ack within ${timeoutMs} ms`, ackPayload: undefined });
      }, timeoutMs);
      connection.pending.set(envelopeId, { sentAt, resolve, timer });
      connection.ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === "slash_commands" }));
    });
  }

  /** Asks the app to reconnect as Slack does when it recycles a server; resolves with the ms
   * from the message to the app's next connection. */
  async disconnect(token: string, reason: "warning" | "refresh_requested" | "too_many_websockets", timeoutMs: number): Promise<number> {
    const connection = this.current.get(token);
    if (!connection) throw new Error("the app has no Socket Mode connection to disconnect");
    const since = performance.now();
    const reconnected = this.nextConnection(token, since, timeoutMs);
    connection.ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-applink" } }));
    return (await reconnected) - since;
  }

  /** Resolves with when the app holding `token` next opens a connection after `after`. */
  nextConnection(token: string, after: number, timeoutMs: number): Promise<number> {
    const open = this.current.get(token);
    if (open && open.openedAt > after) return Promise.resolve(open.openedAt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not reconnect within ${timeoutMs} ms`)), timeoutMs);
      this.connectWaiters.push({
        token,
        after,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
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
    for (const connection of this.current.values()) connection.ws.terminate();
    this.current.clear();
    this.wss.close();
  }

  private connected(token: string, ws: WebSocket): void {
    const connection: Connection = { token, ws, openedAt: performance.now(), pending: new Map() };
    const stats = this.statsOf(token);
    stats.opened++;
    this.current.set(token, connection);
    ws.on("message", (data: RawData, isBinary: boolean) => this.received(connection, data, isBinary));
    ws.on("ping", () => stats.pingsFromApp++);
    ws.on("pong", () => stats.pongsFromApp++);
    ws.on("error", () => ws.terminate());
    ws.on("close", () => {
      if (this.current.get(token) === connection) this.current.delete(token);
      for (const [id, pending] of connection.pending) {
        clearTimeout(pending.timer);
        connection.pending.delete(id);
        pending.resolve({
          sentAt: pending.sentAt,
          latencyMs: performance.now() - pending.sentAt,
          error: "the connection closed before the ack",
          ackPayload: undefined,
        });
      }
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
    connection.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve({ sentAt: pending.sentAt, latencyMs: at - pending.sentAt, error: null, ackPayload: message.payload });
  }
}
