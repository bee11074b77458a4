import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { main } from "../../src/cli/main.js";
import { LOCAL_TEAM } from "../../src/domain/team.js";
import { FOLLOW_MS } from "../../src/scheduler/housekeeping.js";
import { SlackHarness } from "./harness.js";

// A single-workspace install (SLACK_BOT_TOKEN) kept its data under the 'local' workspace. When
// the same database is started in OAuth mode without `drillbot adopt-workspace`, that data is no
// installed workspace's: drillbot says so once at start, leaves it alone (no timers, no game
// days, queued messages neither sent nor failed) and picks it up once it is adopted.

const ACME = "T0ACME";
const TOKEN_ACME = "xoxb-acme-1111-secret";
const ali = { id: "U0ALI", name: "ali" };
const MINUTE = 60_000;

function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
  return main(args, io as never, {}).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

describe("a single-workspace database started in OAuth mode before adopt-workspace", () => {
  let oauth: SlackHarness | null = null;
  after(() => oauth?.stop());

  it("warns once with the counts and the command, holds the 'local' drills, game days and messages, and runs them once adopted", async () => {
    // The single-workspace install: a drill left running, a daily game day at 11:00 and a
    // message still queued when it stopped.
    const single = await new SlackHarness().start();
    await single.command("payment-5xx", ali, "C0OLD");
    const [drill] = await single.store.listDrills({ status: "running" });
    assert.ok(drill);
    await single.slack.deps.schedules.createSchedule({
      channel: "C0WEEKLY",
      cron: "0 11 * * *",
      timezone: "UTC",
      scenario: "payment-5xx",
      mode: "read",
      headsUp: false,
      createdBy: ali.id,
      createdAt: single.clock.now(),
    });
    await single.stores.outbox.enqueue({
      dedupeKey: "test:left-behind",
      channel: "C0OLD",
      kind: "game_day",
      payload: { text: "left behind" },
      now: single.clock.now(),
    });
    await single.stop();

    // The same database in OAuth mode, with one workspace installed.
    oauth = await new SlackHarness({
      dbPath: single.dbPath,
      clock: single.clock,
      workspaces: [{ teamId: ACME, token: TOKEN_ACME }],
    }).start();
    const warnings = oauth.logLines.filter((line) => line.includes("adopt-workspace"));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0] ?? "", /1 drill \(1 running\), 1 active game-day schedule and 1 queued message/);
    assert.match(warnings[0] ?? "", /`drillbot adopt-workspace <T…>`/);

    // Past the drill's 15-minute limit and the 11:00 game day: nothing is posted (no token can
    // post for 'local'), nothing is given up, nothing fires.
    await oauth.advance(70 * MINUTE);
    assert.deepEqual(oauth.callsTo("chat.postMessage"), []);
    assert.equal((await oauth.stores.outbox.byKey("test:left-behind"))?.status, "pending", "held, not failed");
    assert.equal((await oauth.stores.outbox.counts()).failed, 0);
    assert.deepEqual(
      (await oauth.store.listDrills({ status: "running" })).map((d) => d.id),
      [drill.id],
      "not timed out unseen",
    );
    assert.deepEqual(await oauth.stores.schedules.forTeam(LOCAL_TEAM).listScheduleRuns(1, 4), [], "no game day fired");
    assert.equal(oauth.logLines.filter((line) => line.includes("adopt-workspace")).length, 1, "warned once, not on every cycle");

    // Adopted while the app runs: within a follow cycle the message goes out with Acme's token
    // and the drill, long past its limit, ends and gets its debrief in Acme's channel.
    const adopted = await cli(["adopt-workspace", ACME, "--db", single.dbPath]);
    assert.equal(adopted.code, 0, adopted.err);
    await oauth.advance(FOLLOW_MS * 3);
    const posts = oauth.callsTo("chat.postMessage");
    assert.ok(posts.length > 0);
    assert.ok(posts.every((call) => call.token === TOKEN_ACME));
    assert.ok(posts.some((call) => call.params.text === "left behind"));
    assert.equal((await oauth.store.forTeam({ id: ACME, enterpriseId: null }).loadDrill(drill.id))?.status, "ended");
    assert.equal((await oauth.stores.outbox.counts()).failed, 0);
  });
});
