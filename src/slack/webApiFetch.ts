// The modules themselves, not their functions: request() is looked up at each call, so a test
// double that replaces it (nock) sees these calls as it sees every other HTTP client's.
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { urlToHttpOptions } from "node:url";
import type { webApi } from "@slack/bolt";

// How the Web API client reaches Slack. @slack/web-api calls Slack through a fetch function,
// Node's global fetch unless told otherwise (its `fetch` option, made for transport settings).
// Node's fetch is undici's WHATWG implementation: every call builds a Request, a web
// ReadableStream for the body and another for the answer, an AbortController, its own header
// lists, and parses the answer with a WebAssembly HTTP parser. For the one kind of call the
// client makes (a small form POST that must not be redirected, answered by a small JSON body)
// node:http does the same exchange with a fraction of that: in a game day's stampede every
// "First move" click opens a modal, and the fetch machinery was a fifth of all the memory the
// app allocated per click and about 0.2 ms of CPU per call. Anything else (a multipart upload, a
// call that may follow a redirect, such as Bolt's respond()) still goes to the global fetch.

/** What the client reads of an answer (web-api exports the function's type, not these). */
type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;
type FetchHeaders = FetchResponse["headers"];

/** Connections to Slack kept open between calls, as fetch keeps them. An idle one is closed
 * after 4 s (undici's default) or sooner when the server's keep-alive hint says so, so a
 * connection Slack has already dropped is not reused. */
const IDLE_SOCKET_MS = 4_000;
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  "https:": new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

/** Where a call goes, read once per URL: the client calls a handful of URLs (its API root and a
 * method name), and reading each into request options again was a few µs of every call. */
interface Target {
  protocol: "http:" | "https:";
  href: string;
  options: http.RequestOptions;
}
/** Null for a URL this transport leaves to the global fetch. Bounded: cleared when full. */
const targets = new Map<string, Target | null>();
const MAX_TARGETS = 256;

function targetOf(input: string | URL): Target | null {
  const key = typeof input === "string" ? input : input.href;
  let target = targets.get(key);
  if (target === undefined) {
    const url = typeof input === "string" ? new URL(input) : input;
    const protocol = url.protocol === "http:" || url.protocol === "https:" ? url.protocol : null;
    target = protocol === null ? null : { protocol, href: url.href, options: urlToHttpOptions(url) };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(key, target);
  }
  return target;
}

/** The answer as @slack/web-api reads it: status, headers, the whole body. */
class SlackAnswer implements FetchResponse {
  readonly headers: FetchHeaders;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    raw: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.headers = {
      // Node has already lower-cased the names and joined repeated headers with ", ".
      get: (name: string) => {
        const value = raw[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
      entries: () =>
        Object.entries(raw).flatMap(([name, value]): [string, string][] =>
          value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]],
        ),
    };
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    return this.body.toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString("utf8"));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const copy = new ArrayBuffer(this.body.byteLength);
    new Uint8Array(copy).set(this.body);
    return copy;
  }
}

/** Fails as fetch fails (a TypeError with the cause), so the Web API client reports and retries
 * it as it would a failed fetch. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

/** A fetch for @slack/web-api's WebClient (its `fetch` option). */
export const webApiFetch: webApi.FetchFunction = (input, init = {}) => {
  const body = init.body;
  if ((body !== undefined && typeof body !== "string") || init.redirect !== "error") return globalThis.fetch(input, init);
  const target = targetOf(input);
  if (target === null) return globalThis.fetch(input, init);
  const signal = init.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, "utf8");
    const headers: Record<string, string | number> = { ...init.headers };
    if (payload !== undefined) headers["Content-Length"] = payload.byteLength;
    const { protocol } = target;
    const request = (protocol === "https:" ? https : http).request({
      ...target.options,
      method: init.method ?? "GET",
      headers,
      agent: agents[protocol],
    });
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => signal?.removeEventListener("abort", onAbort);
    request.on("error", (error) => {
      settle();
      reject(signal?.aborted ? signal.reason : fetchFailed(error));
    });
    request.on("response", (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location !== undefined) {
        // redirect: "error", as the client asks: Slack's Web API never redirects a call.
        settle();
        reject(fetchFailed(new Error(`unexpected redirect to ${response.headers.location}`)));
        request.destroy();
        return;
      }
      const encoding = response.headers["content-encoding"];
      if (encoding !== undefined && encoding !== "identity") {
        // The client asks for no compression; a compressed body read as text would surface as
        // binary junk in an error, so it fails plainly as a request error instead.
        settle();
        reject(fetchFailed(new Error(`unexpected content-encoding ${encoding}`)));
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => {
        settle();
        reject(signal?.aborted ? signal.reason : fetchFailed(error));
      });
      response.on("end", () => {
        settle();
        const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        resolve(new SlackAnswer(status, response.statusMessage ?? "", target.href, response.headers, whole));
      });
    });
    request.end(payload);
  });
};
