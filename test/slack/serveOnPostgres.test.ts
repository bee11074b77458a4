import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FakeSlack } from "../../bench/fakeSlack.js";
import { REPO_ROOT } from "../helpers.js";
import { createTestSchema, PG_SKIP, type TestSchema } from "../pgServer.js";
import { SIGNING_SECRET, sign } from "./harness.js";

// The whole app on PostgreSQL: `drillbot serve` with DATABASE_URL, as a process, driven by a
// signed slash command the way Slack drives it, against a fake Web API on loopback.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with everything written so far once `pattern` appears in the process's output. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const look = (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(text);
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    child.once("exit", (code) => reject(new Error(`drillbot serve exited with ${code} before ${pattern}:\n${text}`)));
  });
}

describe("drillbot serve with DATABASE_URL", { skip: PG_SKIP }, () => {
  const fake = new FakeSlack();
  let schema: TestSchema | undefined;
  let child: ChildProcess | undefined;
  after(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await fake.stop();
    await schema?.drop();
  });

  it("keeps its drills in PostgreSQL, is ready while the database answers, and stops cleanly", async () => {
    await fake.start();
    schema = await createTestSchema();
    const port = await freePort();
    const { DRILLBOT_DB: _db, SLACK_APP_TOKEN: _app, ...env } = process.env;
    child = spawn(process.execPath, [join(REPO_ROOT, "bin/drillbot.js"), "serve"], {
      cwd: REPO_ROOT,
      env: {
        ...env,
        SLACK_BOT_TOKEN: "xoxb-serve-test",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        DATABASE_URL: schema.url,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = await waitForOutput(child, /health checks at \/healthz and \/readyz/);
    assert.match(started, /data in PostgreSQL at 127\.0\.0\.1:\d+\/drillbot_test/);
    assert.doesNotMatch(started, new RegExp(new URL(schema.url).password), "the password is never logged");

    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);

    const since = performance.now();
    const body = new URLSearchParams({
      command: "/drill",
      text: "payment-5xx",
      user_id: "U0ALICE",
      user_name: "alice",
      channel_id: "C0PGDRILL",
      team_id: "T0TEAM",
      response_url: fake.responseUrl(1),
      trigger_id: "1.2.3",
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`${base}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": sign(body, timestamp),
      },
      body,
    });
    assert.equal(response.status, 200);
    const trigger = await fake.waitForPost("C0PGDRILL", since);

    const { rows } = await schema.pool.query("SELECT id, scenario_id, venue, status, team_id FROM drills");
    assert.deepEqual(rows, [{ id: 1, scenario_id: "payment-5xx", venue: "C0PGDRILL", status: "running", team_id: "local" }]);
    assert.equal(trigger.ackValue, "1", "the trigger's Ack button is for that drill");
    const sent = await schema.pool.query("SELECT kind, status FROM outbox WHERE kind = 'trigger'");
    assert.equal(sent.rows.length, 1, "the trigger went through the outbox in PostgreSQL");

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  });
});
