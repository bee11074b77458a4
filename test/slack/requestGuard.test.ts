import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { request } from "node:http";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { LogLevel } from "@slack/logger";
import { FakeClock } from "../../src/domain/clock.js";
import { computeDebrief } from "../../src/domain/debrief.js";
import { Drill } from "../../src/domain/drill.js";
import { renderDebriefMessages } from "../../src/slack/blocks/debriefBlocks.js";
import { createLogger } from "../../src/slack/logger.js";
import { BODY_LIMIT_BYTES, guardRequests } from "../../src/slack/requestGuard.js";
import { repoScenarios, SIGNING_SECRET, SlackHarness, sign } from "./harness.js";

// The door every request knocks on. Nothing that is not correctly signed is parsed or buffered
// past a small limit; bodies too big for Slack are refused before they are read.

interface RawResponse {
  status: number;
  body: string;
  /** Bytes the client managed to send before the server answered or hung up. */
  sent: number;
}

/** Sends a body in pieces (so the server can answer before it has all of it); with `hold`, the
 * last piece waits for it, so several uploads can be in the middle of their bodies at once. */
function rawPost(url: string, headers: Record<string, string>, chunks: Buffer[], hold?: Promise<void>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = request(url, { method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, sent }));
      res.on("error", reject);
    });
    req.on("error", (error) => reject(error));
    const writeNext = async (i: number) => {
      if (i === chunks.length - 1 && hold) await hold;
      if (i >= chunks.length || req.destroyed) {
        if (!req.destroyed) req.end();
        return;
      }
      const chunk = chunks[i] as Buffer;
      sent += chunk.length;
      req.write(chunk, () => setImmediate(() => void writeNext(i + 1)));
    };
    void writeNext(0);
  });
}

const arrayBody = (bytes: number) => `[${"{},".repeat(Math.floor(bytes / 3))}{}]`;
const pieces = (text: string, size = 64 * 1024) => {
  const buf = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
};
const now = () => Math.floor(Date.now() / 1000);

describe("the request guard", () => {
  const h = new SlackHarness();
  before(() => h.start());
  after(() => h.stop());

  it("never parses an unsigned body, whatever its size or shape", async () => {
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
      if (String(text).startsWith("[{},")) parsed++; // the attacker's body (the client's own parses do not count)
      return parse(text, reviver);
    }) as typeof JSON.parse;
    try {
      const body = arrayBody(100 * 1024);
      const json = await h.post(body, "application/json", { signature: `v0=${"0".repeat(64)}` });
      const form = await h.post(`payload=${encodeURIComponent(body)}`, "application/x-www-form-urlencoded", {
        signature: sign("something else", now()),
      });
      assert.deepEqual([json.status, form.status], [401, 401]);
    } finally {
      JSON.parse = parse;
    }
    assert.equal(parsed, 0, "an unsigned body was parsed");
  });

  it("checks the signature of a request to the events endpoint however its path is spelled", async () => {
    // Bolt takes "/./slack/events" or "/slack/events?x" as its endpoint too, and it no longer
    // checks signatures itself: the guard must see every one of them.
    const port = new URL(h.eventsUrl).port;
    const body = "command=%2Fdrill&text=list&team_id=T0ACME&user_id=U0ALICE&user_name=alice&channel_id=C0GAMEDAY";
    const post = (path: string, signature: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path, method: "POST" }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.setHeader("content-type", "application/x-www-form-urlencoded");
        req.setHeader("x-slack-request-timestamp", String(now()));
        req.setHeader("x-slack-signature", signature);
        req.end(body);
      });
    const paths = ["/slack/events", "/./slack/events", "/slack/../slack/events", "/slack/events?retry=1", "//elsewhere/slack/events"];
    const forged: number[] = [];
    for (const path of paths) forged.push(await post(path, `v0=${"3".repeat(64)}`));
    assert.deepEqual(
      forged,
      paths.map(() => 401),
    );
    assert.equal(await post("/./slack/events", sign(body, now())), 200, "a signed request on another spelling still works");
  });

  it("refuses a body larger than the limit with 413 before reading it all", async () => {
    const big = arrayBody(3 * 1024 * 1024);
    // Declared: answered from the headers alone.
    const declared = await rawPost(
      h.eventsUrl,
      {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(big)),
        "x-slack-request-timestamp": String(now()),
        "x-slack-signature": `v0=${"1".repeat(64)}`,
      },
      pieces(big),
    ).catch((error: Error) => ({ status: -1, body: error.message, sent: 0 }));
    // Chunked, no length: cut off once the limit is passed.
    const chunked = await rawPost(
      h.eventsUrl,
      { "content-type": "application/json", "x-slack-request-timestamp": String(now()), "x-slack-signature": `v0=${"1".repeat(64)}` },
      pieces(big),
    ).catch((error: Error) => ({ status: -1, body: error.message, sent: 0 }));
    for (const response of [declared, chunked]) {
      // The client may see the 413 or, having been cut off mid-body, a reset: never a 2xx or 401.
      assert.ok(response.status === 413 || response.status === -1, `got ${response.status}`);
      assert.ok(response.sent < Buffer.byteLength(big), "the server stopped reading before the end");
    }
    // A signed body over the limit is refused the same way.
    const signedBig = `payload=${encodeURIComponent(JSON.stringify({ type: "block_actions", pad: "x".repeat(BODY_LIMIT_BYTES) }))}`;
    const signed = await h.post(signedBig, "application/x-www-form-urlencoded").catch(() => ({ status: 413 }));
    assert.equal(signed.status, 413);
    const alive = await h.command("list", { id: "U0ALICE", name: "alice" });
    assert.equal(alive.status, 200, "the app still answers");
  });

  it("refuses a stale or malformed signature header before reading the body", async () => {
    const body = "command=%2Fdrill&text=list";
    const stale = await h.post(body, "application/x-www-form-urlencoded", { timestamp: now() - 301, signature: sign(body, now() - 301) });
    const future = await h.post(body, "application/x-www-form-urlencoded", { timestamp: now() + 400, signature: sign(body, now() + 400) });
    const junk = await h.post(body, "application/x-www-form-urlencoded", { signature: "v1=abc" });
    assert.deepEqual([stale.status, future.status, junk.status], [401, 401, 401]);
  });

  it("sheds bodies past the shared reading budget with 503 instead of buffering them", () => {
    // The real guard, fed requests that are all in the middle of their bodies at once.
    let passed = 0;
    const listener = guardRequests(() => passed++, {
      signingSecret: SIGNING_SECRET,
      path: "/slack/events",
      logger: createLogger({ level: LogLevel.ERROR, secrets: [], write: () => {} }),
      bufferedBudget: 4 * BODY_LIMIT_BYTES,
      nowSeconds: () => 1_700_000_000,
    });
    const answered: number[] = [];
    for (let i = 0; i < 6; i++) {
      const req = Object.assign(new PassThrough(), {
        method: "POST",
        url: "/slack/events",
        headers: {
          "content-length": String(BODY_LIMIT_BYTES - 1),
          "x-slack-request-timestamp": "1700000000",
          "x-slack-signature": `v0=${"2".repeat(64)}`,
        },
      });
      const res = Object.assign(new EventEmitter(), {
        headersSent: false,
        writeHead(status: number) {
          answered.push(status);
          this.headersSent = true;
          return this;
        },
        end(_body?: unknown, done?: () => void) {
          done?.();
          return this;
        },
      });
      listener(req as never, res as never);
      req.write(Buffer.alloc(1024)); // a first piece, then nothing more for now
    }
    assert.deepEqual(answered, [503, 503], "the two past the budget are refused at once; four are still being read");
    assert.equal(passed, 0, "none reached the app");
  });

  it("has room for the largest payload Slack can send us: a click on our fullest debrief message", () => {
    // 500 responders with 600-character answers full of characters that form-encoding inflates.
    const scenario = repoScenarios().get("payment-5xx");
    assert.ok(scenario);
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 10));
    const drill = Drill.start({ scenario, mode: "read", startedBy: { id: "U0A", name: "alice" }, venue: "C1", clock, id: 1 });
    for (let i = 0; i < 500; i++) {
      const user = { id: `U${String(i).padStart(6, "0")}`, name: `user-${i}` };
      drill.ack(user);
      drill.submitFirstMove(user, `"{}" <&> ü ✓ `.repeat(50).slice(0, 600));
    }
    clock.advance(60_000);
    drill.end("alice", "manual");
    const messages = renderDebriefMessages(computeDebrief(drill.state, scenario), scenario);
    const largest = Math.max(
      ...messages.map((blocks) => {
        const payload = {
          type: "block_actions",
          user: { id: "U0A", username: "alice", name: "alice", team_id: "T1" },
          message: { type: "message", text: "Debrief", blocks, ts: "1.1" },
          actions: [{ type: "button", action_id: "x", value: "1" }],
        };
        return Buffer.byteLength(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
      }),
    );
    assert.ok(largest < BODY_LIMIT_BYTES / 2, `largest click payload ${largest} bytes`);
  });
});
