import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@slack/logger";

// Everything that reaches POST /slack/events passes here before Bolt sees it. Nothing that is
// not correctly signed is parsed, and nothing is buffered past a small limit: headers are
// checked first (size, timestamp), the signature is computed over the body as it streams in
// (constant memory beyond the buffered body), and only a signed body is looked at. Bolt's own
// check of the same signature is turned off (app.ts): every request Bolt would take as an event
// (its endpoint, POST, by the same reading of the URL as Bolt's) is verified here first, so a
// second HMAC and Bolt's body parse before it were the same work again on every click.

/** The largest body drillbot accepts, a quarter of Bolt's default. Slack's own payloads are far
 * smaller: the largest it can send us is a click on our fullest message with that message inside,
 * form-encoded. test/slack/requestGuard.test.ts builds the worst one (a 500-responder debrief full
 * of characters that encoding inflates most) and checks it stays under half of this. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** All request bodies being read at once share this budget; past it, new requests get a 503.
 * A Slack payload is typically a few kilobytes, so this is thousands of honest requests at once. */
export const BUFFERED_BUDGET_BYTES = 16 * 1024 * 1024;
/** Slack's rule: a timestamp more than five minutes from now is a replay or a broken clock. */
const MAX_SKEW_SECONDS = 5 * 60;

export type RequestKind = "command" | "interactive" | "event" | "other";

export interface SignedRequest {
  kind: RequestKind;
  /** sha256 of the raw body: a replay of the very same signed request has the same one
   * (computed on demand: most requests never need it). */
  fingerprint(): string;
  body: string;
  contentType: string;
  retryNum: number | null;
}

/** What the app decides about a correctly signed request before Bolt runs it. */
export type Admission =
  | { action: "pass" }
  /** Answered here with 200 and this JSON or empty body (a replay, or shed load). */
  | { action: "answer"; status: number; json?: unknown; log?: string };

export interface RequestGuardOptions {
  signingSecret: string;
  path: string;
  logger: Logger;
  bodyLimit?: number;
  bufferedBudget?: number;
  /** Seconds since the epoch (tests pin it); defaults to the system clock. */
  nowSeconds?: () => number;
  /** Called for every correctly signed request whose payload is well formed. */
  admit?: (request: SignedRequest) => Admission | Promise<Admission>;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function close(req: IncomingMessage, res: ServerResponse, status: number, text = ""): void {
  if (res.headersSent) return;
  // The client may still be sending: answer, then drop the connection instead of reading on.
  res.writeHead(status, { "content-type": "text/plain", connection: "close" });
  res.end(text, () => req.destroy());
}

/** The kind of a signed Slack request, from its body's shape (cheap: no full parse). */
export function requestKind(contentType: string, body: string): RequestKind {
  if (contentType.startsWith("application/json")) return "event";
  if (/(^|&)payload=/.test(body)) return "interactive";
  if (/(^|&)command=/.test(body)) return "command";
  return "other";
}

/** True when a signed body's payload is an object, as every Slack request's is. */
function payloadIsObject(contentType: string, body: string): boolean {
  const json = contentType.startsWith("application/json");
  // JSON that starts with "{" is an object or not JSON at all (fine either way: see below), so the
  // usual request needs no parse here (Bolt parses it next): Slack's interactive body is a single
  // form field, payload=%7B…, and the first field is the one URLSearchParams.get would return.
  if (json ? body.startsWith("{") : /^payload=%7B/i.test(body)) return true;
  const raw = json ? body : new URLSearchParams(body).get("payload");
  if (raw === null) return true;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return true; // unparseable: Bolt answers it with a 400 itself
  }
}

/** Whether Bolt's HTTPReceiver would take this request as an event: POST to the endpoint, the
 * path read from the URL exactly as Bolt reads it (so "/./slack/events" or an absolute URL is
 * guarded too). Bolt does not verify signatures itself any more: everything it takes must pass here. */
function isEventRequest(req: IncomingMessage, path: string): boolean {
  if (req.method?.toUpperCase() !== "POST") return false;
  try {
    return new URL(req.url ?? "", "http://localhost").pathname === path;
  } catch {
    return true; // Bolt could not route it either; refused here as unsigned or malformed
  }
}

export function guardRequests(listen: Listener, options: RequestGuardOptions): Listener {
  const limit = options.bodyLimit ?? BODY_LIMIT_BYTES;
  const budget = options.bufferedBudget ?? BUFFERED_BUDGET_BYTES;
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  let buffered = 0;

  return (req, res) => {
    if (!isEventRequest(req, options.path)) {
      listen(req, res);
      return;
    }
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > limit) {
      close(req, res, 413, "request body too large");
      return;
    }
    const timestamp = String(req.headers["x-slack-request-timestamp"] ?? "");
    const signature = String(req.headers["x-slack-signature"] ?? "");
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now() - Number(timestamp)) > MAX_SKEW_SECONDS || !/^v0=[0-9a-f]{64}$/.test(signature)) {
      close(req, res, 401);
      return;
    }
    // The budget is reserved up front (the declared size, or the limit for a chunked body).
    const reserved = Number.isFinite(declared) && declared >= 0 ? declared : limit;
    if (buffered + reserved > budget) {
      options.logger.warn("request refused: too many request bodies being read at once");
      close(req, res, 503, "busy");
      return;
    }
    buffered += reserved;
    let released = false;
    const release = () => {
      if (!released) buffered -= reserved;
      released = true;
    };
    res.once("close", release);

    const hmac = createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:`);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        release();
        close(req, res, 413, "request body too large");
        return;
      }
      hmac.update(chunk);
      chunks.push(chunk);
    });
    req.on("error", () => {
      release();
      if (!res.headersSent) res.writeHead(400).end();
    });
    req.on("end", () => {
      release();
      if (refused) return;
      const expected = Buffer.from(`v0=${hmac.digest("hex")}`);
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        close(req, res, 401);
        return;
      }
      const raw = Buffer.concat(chunks, size);
      const body = raw.toString("utf8");
      const contentType = String(req.headers["content-type"] ?? "");
      // Signed from here on: looking inside is allowed, and bounded by the limit.
      if (!payloadIsObject(contentType, body)) {
        options.logger.warn("request not processed: its payload is not an object");
        res.writeHead(400, { "content-type": "text/plain" }).end("drillbot could not read this request");
        return;
      }
      const retry = req.headers["x-slack-retry-num"];
      const signed: SignedRequest = {
        kind: requestKind(contentType, body),
        fingerprint: () => createHash("sha256").update(raw).digest("hex"),
        body,
        contentType,
        retryNum: retry === undefined ? null : Number(retry),
      };
      const pass = () => {
        (req as IncomingMessage & { rawBody: Buffer }).rawBody = raw;
        try {
          listen(req, res);
        } catch (error) {
          options.logger.warn(`request not processed: ${(error as Error).message}`);
          if (!res.headersSent) res.writeHead(404).end();
        }
      };
      const answer = (admission: Admission) => {
        if (admission.action === "pass") return pass();
        if (admission.log) options.logger.info(admission.log);
        if (admission.json === undefined) res.writeHead(admission.status).end();
        else res.writeHead(admission.status, { "content-type": "application/json" }).end(JSON.stringify(admission.json));
      };
      if (!options.admit) return pass();
      const fail = (error: unknown) => {
        // Deciding failed (a busy database): let Bolt handle the request as it would anyway.
        options.logger.warn(`request admission failed, processing it anyway: ${(error as Error).message}`);
        pass();
      };
      try {
        const decided = options.admit(signed);
        if (decided instanceof Promise) decided.then(answer, fail);
        else answer(decided);
      } catch (error) {
        fail(error);
      }
    });
  };
}
