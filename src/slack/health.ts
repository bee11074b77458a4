import type { IncomingMessage, ServerResponse } from "node:http";
import type { CustomRoute } from "@slack/bolt";
import type { Logger } from "@slack/logger";

// Liveness and readiness for a load balancer or an orchestrator. /healthz: the process is up
// and serving HTTP (restart it if this fails). /readyz: it can do its work, that is, its
// database answers a trivial query within a short time, and it is not shutting down (send it no
// new requests while this fails). Served by the HTTP receiver beside /slack/events, and in
// Socket Mode by a small listener of their own on PORT.

export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
/** How long the database may take to answer a readiness check. */
export const READY_TIMEOUT_MS = 2_000;

export interface HealthOptions {
  /** Resolves when the database answers within the time given (Stores.ping). */
  ping: (timeoutMs: number) => Promise<void>;
  /** True once the app is shutting down: it stops being ready before it stops serving. */
  stopping: () => boolean;
  logger: Logger;
  timeoutMs?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function reply(req: IncomingMessage, res: ServerResponse, status: number, body: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(req.method === "HEAD" ? undefined : text);
}

export function healthHandlers(options: HealthOptions): { healthz: Handler; readyz: Handler } {
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  return {
    healthz: (req, res) => reply(req, res, 200, { status: "ok" }),
    readyz: (req, res) => {
      if (options.stopping()) {
        reply(req, res, 503, { status: "unavailable", reason: "shutting down" });
        return;
      }
      options.ping(timeoutMs).then(
        () => reply(req, res, 200, { status: "ready" }),
        (error: unknown) => {
          // The reason is logged, not answered: a load balancer needs the status, not details.
          options.logger.warn(`readiness check failed: the database did not answer (${(error as Error).message})`);
          reply(req, res, 503, { status: "unavailable", reason: "database" });
        },
      );
    },
  };
}

/** The two routes for Bolt's HTTP receiver (it serves custom routes before any signature check). */
export function healthRoutes(options: HealthOptions): CustomRoute[] {
  const { healthz, readyz } = healthHandlers(options);
  return [
    { path: HEALTH_PATH, method: ["GET", "HEAD"], handler: healthz },
    { path: READY_PATH, method: ["GET", "HEAD"], handler: readyz },
  ];
}

/** A request listener serving only the two routes (Socket Mode's own small HTTP server). */
export function healthListener(options: HealthOptions): Handler {
  const { healthz, readyz } = healthHandlers(options);
  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const handler = path === HEALTH_PATH ? healthz : path === READY_PATH ? readyz : undefined;
    if (!handler || (req.method !== "GET" && req.method !== "HEAD")) {
      reply(req, res, 404, { status: "not found" });
      return;
    }
    handler(req, res);
  };
}
