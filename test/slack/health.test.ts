import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, it } from "node:test";
import { LogLevel } from "@slack/bolt";
import { FakeSlack } from "../../bench/fakeSlack.js";
import { FakeClock } from "../../src/domain/clock.js";
import { timerCronArmer } from "../../src/scheduler/gameDays.js";
import { DrillService } from "../../src/service/drillService.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { createLogger } from "../../src/slack/logger.js";
import type { Stores } from "../../src/store/stores.js";
import { baseScenario } from "../helpers.js";
import { describeStores } from "../stores.js";
import { FakeTimers } from "./harness.js";

// /healthz and /readyz, for a load balancer: on the HTTP receiver beside /slack/events, and in
// Socket Mode on a small listener of their own.

const SIGNING_SECRET = "8f742231b10e8888abcd99aaaaaa85a5";

function appOn(
  stores: Stores,
  mode: { signingSecret: string } | { appToken: string; apiUrl: string },
): { slack: SlackApp; logs: string[] } {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const timers = new FakeTimers(clock);
  const scenario = baseScenario();
  const logs: string[] = [];
  const slack = createSlackApp({
    botToken: "xoxb-test",
    ...mode,
    service: new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock),
    stores,
    scenarios: new Map([[scenario.id, scenario]]),
    facilitators: new Set(),
    clock,
    timers,
    armer: timerCronArmer(timers, clock),
    logger: createLogger({ level: LogLevel.WARN, secrets: ["xoxb-test"], write: (line) => logs.push(line) }),
    botId: "B0DRILL",
    botUserId: "U0DRILLBOT",
    retries: 0,
    shutdownGraceMs: 0,
  });
  return { slack, logs };
}

async function get(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describeStores("health and readiness on the HTTP receiver", (open) => {
  it("is alive and ready while the database answers, and not ready once it stops answering", async () => {
    const db = await open();
    // The app's readiness asks a connection of its own; closing it is the database going away.
    const probe = await db.another();
    const { slack, logs } = appOn({ ...db.stores, ping: (ms) => probe.ping(ms) }, { signingSecret: SIGNING_SECRET });
    const server = await slack.start(0);
    assert.ok(server);
    const port = (server.address() as AddressInfo).port;
    try {
      assert.deepEqual(await get(port, "/healthz"), { status: 200, body: { status: "ok" } });
      assert.deepEqual(await get(port, "/readyz"), { status: 200, body: { status: "ready" } });
      await probe.close();
      assert.deepEqual(await get(port, "/readyz"), { status: 503, body: { status: "unavailable", reason: "database" } });
      assert.deepEqual(await get(port, "/healthz"), { status: 200, body: { status: "ok" } }, "alive all the same");
      assert.match(logs.join("\n"), /readiness check failed: the database did not answer/);
      // Slack's own path still wants a signature.
      const unsigned = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "{}" });
      assert.equal(unsigned.status, 401);
    } finally {
      await slack.stop();
    }
  });
});

describeStores("health and readiness in Socket Mode", (open) => {
  const fake = new FakeSlack();
  after(() => fake.stop());

  it("serves both on PORT while connected through the socket, and nothing else", async () => {
    await fake.start();
    const db = await open();
    const { slack } = appOn(db.stores, { appToken: "xapp-1-A0DRILL-1-abc", apiUrl: fake.apiUrl });
    const server = await slack.start(0);
    assert.ok(server, "Socket Mode opens a listener for health checks");
    const port = (server.address() as AddressInfo).port;
    try {
      assert.equal(fake.socketMode.statsOf("xapp-1-A0DRILL-1-abc").opened, 1, "connected to Slack through the socket");
      assert.deepEqual(await get(port, "/healthz"), { status: 200, body: { status: "ok" } });
      assert.deepEqual(await get(port, "/readyz"), { status: 200, body: { status: "ready" } });
      assert.equal((await get(port, "/slack/events")).status, 404);
    } finally {
      await slack.stop();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), "the listener stops with the app");
  });
});
