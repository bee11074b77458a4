import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { webApi } from "@slack/bolt";
import { webApiFetch } from "../../src/slack/webApiFetch.js";

// drillbot's Web API client talks to Slack through webApiFetch (node:http) instead of the global
// fetch. These tests run a real WebClient with it against a local server standing in for Slack:
// what Slack receives and what the app gets back must be what the global fetch gave.

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Answer = (req: Received, res: ServerResponse) => void;

describe("webApiFetch: the Web API client's calls over node:http", () => {
  let server: Server;
  let base = "";
  const received: Received[] = [];
  let answer: Answer = (_req, res) => res.end("{}");

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const got = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        received.push(got);
        answer(got, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (options: ConstructorParameters<typeof webApi.WebClient>[1] = {}) =>
    new webApi.WebClient("xoxb-test-token", { slackApiUrl: `${base}/api/`, fetch: webApiFetch, retryConfig: { retries: 0 }, ...options });

  it("posts the call as Slack expects it and hands back Slack's answer and scopes", async () => {
    received.length = 0;
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-oauth-scopes": "chat:write,commands" });
      res.end(JSON.stringify({ ok: true, view: { id: "V123" } }));
    };
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "First move — ✅" }, blocks: [] };
    const result = await client().views.open({ trigger_id: "trigger-1", view });
    assert.equal(result.ok, true);
    assert.equal((result.view as { id: string }).id, "V123");
    assert.deepEqual(result.response_metadata?.scopes, ["chat:write", "commands"]);
    const [call] = received;
    assert.ok(call);
    assert.equal(call.method, "POST");
    assert.equal(call.url, "/api/views.open");
    assert.equal(call.headers.authorization, "Bearer xoxb-test-token");
    assert.equal(call.headers["content-type"], "application/x-www-form-urlencoded");
    // A declared length, not a chunked body, and the non-ASCII text arrives intact.
    assert.equal(Number(call.headers["content-length"]), Buffer.byteLength(call.body));
    const form = new URLSearchParams(call.body);
    assert.equal(form.get("trigger_id"), "trigger-1");
    assert.deepEqual(JSON.parse(form.get("view") ?? "null"), view);
  });

  it("reports a Slack error as the client's platform error", async () => {
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error: "expired_trigger_id" }));
    };
    await assert.rejects(
      client().views.open({ trigger_id: "old", view: { type: "modal", title: { type: "plain_text", text: "x" }, blocks: [] } }),
      {
        code: webApi.ErrorCode.PlatformError,
        data: { ok: false, error: "expired_trigger_id", response_metadata: {} },
      },
    );
  });

  it("passes Slack's rate limit and its Retry-After on, so the outbox can wait it out", async () => {
    answer = (_req, res) => {
      res.writeHead(429, { "retry-after": "7" });
      res.end();
    };
    await assert.rejects(client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: "C1", text: "hello" }), {
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it("reports an HTTP error status with its body", async () => {
    answer = (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("upstream down");
    };
    await assert.rejects(client().chat.postMessage({ channel: "C1", text: "hello" }), {
      code: webApi.ErrorCode.HTTPError,
      statusCode: 503,
      body: "upstream down",
    });
  });

  it("fails a compressed answer it did not ask for as a request error, not as junk text", async () => {
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ ok: true })));
    };
    await assert.rejects(client().chat.postMessage({ channel: "C1", text: "hello" }), { code: webApi.ErrorCode.RequestError });
  });

  it("does not follow a redirect: the call fails as a request error", async () => {
    received.length = 0;
    answer = (req, res) => {
      if (req.url === "/elsewhere") {
        res.end(JSON.stringify({ ok: true }));
        return;
      }
      res.writeHead(302, { location: `${base}/elsewhere` });
      res.end();
    };
    await assert.rejects(client().chat.postMessage({ channel: "C1", text: "hello" }), { code: webApi.ErrorCode.RequestError });
    assert.deepEqual(
      received.map((r) => r.url),
      ["/api/chat.postMessage"],
    );
  });

  it("gives up on a call when its signal is aborted, with the signal's reason", async () => {
    let arrived: () => void = () => {};
    const reachedServer = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    answer = () => arrived(); // never answers
    const controller = new AbortController();
    const call = webApiFetch(`${base}/api/views.open`, { method: "POST", body: "a=1", redirect: "error", signal: controller.signal });
    await reachedServer;
    const reason = new Error("timed out");
    controller.abort(reason);
    await assert.rejects(call, (error) => error === reason);
    // An already aborted signal sends nothing.
    await assert.rejects(
      webApiFetch(`${base}/api/x`, { method: "POST", body: "", redirect: "error", signal: controller.signal }),
      (error) => error === reason,
    );
  });

  it("reports an unreachable Slack as a request error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new webApi.WebClient("xoxb-test-token", {
      slackApiUrl: `http://127.0.0.1:${port}/api/`,
      fetch: webApiFetch,
      retryConfig: { retries: 0 },
    });
    await assert.rejects(unreachable.chat.postMessage({ channel: "C1", text: "hello" }), { code: webApi.ErrorCode.RequestError });
  });

  it("leaves calls that may follow a redirect (Bolt's respond) to the global fetch", async () => {
    answer = (req, res) => {
      if (req.url === "/elsewhere") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, followed: true }));
        return;
      }
      res.writeHead(307, { location: `${base}/elsewhere` });
      res.end();
    };
    const response = await webApiFetch(`${base}/hooks/respond`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, followed: true });
  });
});
