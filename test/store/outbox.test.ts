import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import type Database from "better-sqlite3";
import { type InstanceIdentity, type InstanceRegistry, SqliteInstanceRegistry } from "../../src/store/instances.js";
import { type OutboxStore, OWNER_STALE_MS, REPOST_PRIORITY, SqliteOutboxStore } from "../../src/store/outbox.js";
import { PgInstanceRegistry } from "../../src/store/pg/instances.js";
import { migratePg } from "../../src/store/pg/migrations.js";
import { MissingWorkspaceError, PgOutboxStore } from "../../src/store/pg/outbox.js";
import { openDatabase } from "../../src/store/sqlite.js";
import { tempDir } from "../helpers.js";
import { createTestSchema, PG_SKIP } from "../pgServer.js";

// The outbox and the instance registry as several app processes see them on one database: the
// same assertions on SQLite (one file, several connections) and on PostgreSQL (several pools).

interface Instance {
  outbox: OutboxStore;
  instances: InstanceRegistry;
}

interface Backend {
  /** Another app process on the same database. */
  open(): Instance;
  /** A running Slack drill in `venue` with these responders' first moves, not yet announced. */
  drillWithAnswers(venue: string, users: string[], at: number): Promise<number>;
  /** Empties every table these tests write. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function sqliteBackend(): Backend {
  const path = join(tempDir(), "drillbot.db");
  const dbs: Database.Database[] = [];
  const connect = () => {
    const db = openDatabase(path);
    dbs.push(db);
    return db;
  };
  const admin = connect();
  return {
    open() {
      const db = connect();
      return { outbox: new SqliteOutboxStore(db), instances: new SqliteInstanceRegistry(db) };
    },
    async drillWithAnswers(venue, users, at) {
      admin
        .prepare(
          "INSERT OR IGNORE INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES ('h', 's', '{}', '', 0)",
        )
        .run();
      const id = Number(
        admin
          .prepare(
            `INSERT INTO drills (scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name, started_at, read_window_ms, time_limit_ms, status)
             VALUES ('s', 'h', 'read', 'slack', ?, 'U0', 'u0', ?, 60000, 600000, 'running')`,
          )
          .run(venue, at).lastInsertRowid,
      );
      users.forEach((user, i) => {
        admin
          .prepare("INSERT INTO responders (drill_id, user_id, user_name, joined_at) VALUES (?, ?, ?, ?)")
          .run(id, user, user.toLowerCase(), at);
        admin
          .prepare(
            "INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, noticed) VALUES (?, ?, 'x', ?, 1, '{}', 0)",
          )
          .run(id, user, at + i);
      });
      return id;
    },
    async reset() {
      admin.exec("DELETE FROM outbox; DELETE FROM instances; DELETE FROM first_moves; DELETE FROM responders; DELETE FROM drills;");
    },
    async close() {
      for (const db of dbs) db.close();
    },
  };
}

async function pgBackend(): Promise<Backend> {
  const schema = await createTestSchema();
  await migratePg(schema.pool);
  const admin = schema.pool;
  return {
    open() {
      const pool = schema.connect();
      return { outbox: new PgOutboxStore(pool, { teamId: "T0HOME" }), instances: new PgInstanceRegistry(pool) };
    },
    async drillWithAnswers(venue, users, at) {
      await admin.query(
        "INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES ('h', 's', '{}', '', 0) ON CONFLICT DO NOTHING",
      );
      const { rows } = await admin.query<{ id: number }>(
        `INSERT INTO drills (team_id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name, started_at, read_window_ms, time_limit_ms, status)
         VALUES ('T0DRILL', 's', 'h', 'read', 'slack', $1, 'U0', 'u0', $2, 60000, 600000, 'running') RETURNING id`,
        [venue, at],
      );
      const id = rows[0]?.id ?? 0;
      for (const [i, user] of users.entries()) {
        await admin.query("INSERT INTO responders (drill_id, user_id, user_name, joined_at) VALUES ($1, $2, $3, $4)", [
          id,
          user,
          user.toLowerCase(),
          at,
        ]);
        await admin.query(
          "INSERT INTO first_moves (drill_id, user_id, text, answered_at, correct, score, noticed) VALUES ($1, $2, 'x', $3, true, '{}', false)",
          [id, user, at + i],
        );
      }
      return id;
    },
    async reset() {
      await admin.query("TRUNCATE outbox, instances, first_moves, responders, drills CASCADE");
    },
    close: () => schema.drop(),
  };
}

const NOW = 1_800_000_000_000;
const me = (id: string, pid = 4242): InstanceIdentity => ({ id, host: "host-a", pid });
const text = (t: string) => ({ text: t });

function contract(name: string, makeBackend: () => Promise<Backend> | Backend, skip: string | false = false) {
  describe(`outbox and instances shared by several processes on ${name}`, { skip }, () => {
    let backend: Backend;
    let a: Instance;
    let b: Instance;
    before(async () => {
      backend = await makeBackend();
      a = backend.open();
      b = backend.open();
    });
    beforeEach(async () => {
      await backend.reset();
      await a.instances.register(me("A", 1), NOW, () => true);
      await b.instances.register(me("B", 2), NOW, () => true);
    });
    after(async () => {
      await backend?.close();
    });

    it("queues a message once per key, whichever process queues it", async () => {
      const first = await a.outbox.enqueue({ dedupeKey: "k1", channel: "C1", kind: "game_day", payload: text("first"), now: NOW });
      const again = await b.outbox.enqueue({ dedupeKey: "k1", channel: "C1", kind: "game_day", payload: text("second"), now: NOW + 5 });
      assert.equal(again.id, first.id);
      assert.equal(again.payload.text, "first");
      assert.deepEqual(await a.outbox.counts(), { pending: 1, sent: 0, failed: 0 });
    });

    it("offers each channel's next message, a drill's own before re-posts, in order", async () => {
      const repost = await a.outbox.enqueue({
        dedupeKey: "r",
        channel: "C1",
        kind: "repost",
        payload: text("r"),
        now: NOW,
        priority: REPOST_PRIORITY,
      });
      const c1 = await a.outbox.enqueue({ dedupeKey: "c1", channel: "C1", kind: "game_day", payload: text("1"), now: NOW });
      await a.outbox.enqueue({ dedupeKey: "c1b", channel: "C1", kind: "game_day", payload: text("2"), now: NOW });
      const c2 = await b.outbox.enqueue({ dedupeKey: "c2", channel: "C2", kind: "game_day", payload: text("3"), now: NOW });
      assert.deepEqual(
        (await b.outbox.heads(NOW)).map((h) => h.id),
        [c1.id, c2.id],
      );
      assert.equal(await a.outbox.claim(repost.id, NOW, 15_000, "A"), null, "a re-post may not overtake the drill's own message");
    });

    it("lets one process claim a message; the other stands down until the lease is free", async () => {
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      const claims = await Promise.all([
        a.outbox.claim(entry.id, NOW, 15_000, "A"),
        b.outbox.claim(entry.id, NOW, 15_000, "B"),
        a.outbox.claim(entry.id, NOW, 15_000, "A"),
        b.outbox.claim(entry.id, NOW, 15_000, "B"),
      ]);
      assert.equal(claims.filter(Boolean).length, 1);
      const heads = await b.outbox.heads(NOW + 1);
      assert.equal(heads[0]?.leaseUntil, NOW + 15_000, "the holder is alive: its lease counts");
      // Past the lease, anyone may try again.
      assert.ok(await b.outbox.claim(entry.id, NOW + 15_001, 15_000, "B"));
    });

    it("frees a dead process's lease as soon as its heartbeat is stale, long before the lease ends", async () => {
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      assert.ok(await a.outbox.claim(entry.id, NOW, 60_000, "A"));
      // B keeps beating; A died at NOW and beats no more.
      const later = NOW + OWNER_STALE_MS + 1;
      await b.instances.heartbeat(me("B", 2), later);
      assert.equal(await b.outbox.claim(entry.id, NOW + 1_000, 15_000, "B"), null, "A is alive a second later");
      assert.equal((await b.outbox.heads(later))[0]?.leaseUntil, null);
      assert.ok(await b.outbox.claim(entry.id, later, 15_000, "B"));
      assert.equal(await b.outbox.markSent(entry.id, later, "1.1"), true);
      assert.equal(await a.outbox.markSent(entry.id, later, "1.2"), false, "a late second send does not count twice");
      assert.equal((await a.outbox.get(entry.id))?.messageTs, "1.1");
    });

    it("keeps a channel's order: the next message waits while an earlier one is leased or backing off", async () => {
      const first = await a.outbox.enqueue({ dedupeKey: "1", channel: "C1", kind: "inject", payload: text("1"), now: NOW });
      const second = await a.outbox.enqueue({ dedupeKey: "2", channel: "C1", kind: "inject", payload: text("2"), now: NOW });
      assert.ok(await a.outbox.claim(first.id, NOW, 15_000, "A"));
      assert.equal(await b.outbox.claim(second.id, NOW, 15_000, "B"), null, "leased: the second waits");
      await a.outbox.retryLater(first.id, NOW + 4_000, "HTTP 503", "A");
      assert.equal(await b.outbox.claim(second.id, NOW + 1, 15_000, "B"), null, "backing off: the second still waits");
      assert.deepEqual(
        (await b.outbox.heads(NOW + 1)).map((h) => [h.id, h.dueAt]),
        [[first.id, NOW + 4_000]],
      );
      assert.ok(await b.outbox.claim(first.id, NOW + 4_000, 15_000, "B"));
      await b.outbox.markSent(first.id, NOW + 4_000, "1.1");
      assert.ok(await a.outbox.claim(second.id, NOW + 4_001, 15_000, "A"));
    });

    it("lets go of a process's leases on a clean shutdown, and of its row", async () => {
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      await a.outbox.claim(entry.id, NOW, 60_000, "A");
      assert.equal(await a.outbox.releaseLeases("A"), 1);
      await a.instances.unregister("A");
      assert.ok(await b.outbox.claim(entry.id, NOW + 1, 15_000, "B"));
      // B leaves without releasing (a SIGKILL): its row is gone, so its lease is free too.
      await b.instances.unregister("B");
      assert.ok(await a.outbox.claim(entry.id, NOW + 2, 15_000, "A"));
    });

    it("remembers a send whose outcome is unknown until one ends it, through a clean shutdown and a restart", async () => {
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      assert.equal((await a.outbox.get(entry.id))?.sendUnresolved, false, "never tried");
      await a.outbox.claim(entry.id, NOW, 60_000, "A");
      assert.equal((await b.outbox.get(entry.id))?.sendUnresolved, true, "A is sending it: Slack may have it");
      // A is stopped mid-send; on the next start backed-off messages are tried at once.
      assert.equal(await a.outbox.releaseLeases("A"), 1);
      assert.equal(await b.outbox.retryNow(NOW + 1), 0);
      const released = await b.outbox.get(entry.id);
      assert.equal(released?.leaseUntil, null, "its lease is free");
      assert.equal(released?.sendUnresolved, true, "but whether Slack has it is still unknown");
      assert.ok(await b.outbox.claim(entry.id, NOW + 1, 15_000, "B"));
      // B's answer was lost (a timeout): still unknown. Slack's own refusal (a 429) settles it.
      await b.outbox.retryLater(entry.id, NOW + 2_000, "request timed out", "B", true);
      assert.equal((await a.outbox.get(entry.id))?.sendUnresolved, true);
      assert.equal(await b.outbox.retryNow(NOW + 3), 1);
      assert.equal((await a.outbox.get(entry.id))?.sendUnresolved, true, "a restart does not forget it");
      assert.ok(await a.outbox.claim(entry.id, NOW + 4, 15_000, "A"));
      await a.outbox.retryLater(entry.id, NOW + 5_000, "rate limited (Retry-After 1 s)", "A");
      assert.equal((await b.outbox.get(entry.id))?.sendUnresolved, false, "refused by Slack: not posted");
      assert.ok(await b.outbox.claim(entry.id, NOW + 5_000, 15_000, "B"));
      await b.outbox.markSent(entry.id, NOW + 5_000, "1.1");
      assert.equal((await a.outbox.get(entry.id))?.sendUnresolved, false, "sent");
    });

    it("hands a claim the state it took over, and keeps a message waiting out its backoff from every process", async () => {
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      const first = await a.outbox.claim(entry.id, NOW, 15_000, "A");
      assert.deepEqual([first?.sendUnresolved, first?.attempts], [false, 0], "never tried before A");
      // A's post timed out: Slack may have it; tried again in 2 s.
      await a.outbox.retryLater(entry.id, NOW + 2_000, "request timed out", "A", true);
      assert.equal(await b.outbox.claim(entry.id, NOW + 1_999, 15_000, "B"), null, "still backing off");
      const second = await b.outbox.claim(entry.id, NOW + 2_000, 15_000, "B");
      assert.deepEqual([second?.sendUnresolved, second?.attempts], [true, 1], "B learns from its claim that A's send is unresolved");
      assert.equal(second?.sendStartedAt, NOW, "and when A's send started, where B looks for it");
      // B's look is rate limited; then B is stopped. Neither forgets when A's send started.
      await b.outbox.retryLater(entry.id, NOW + 62_000, "rate limited (Retry-After 60 s)", "B", true);
      assert.ok(await b.outbox.claim(entry.id, NOW + 62_000, 15_000, "B"));
      await b.outbox.releaseLeases("B");
      assert.equal((await a.outbox.get(entry.id))?.sendStartedAt, NOW);
      const third = await a.outbox.claim(entry.id, NOW + 62_001, 15_000, "A");
      assert.equal(third?.sendStartedAt, NOW);
      // A found nothing and posts it itself: its own send starts now.
      assert.ok(await a.outbox.renewLease(entry.id, NOW + 63_000, 15_000, "A"));
      assert.equal((await b.outbox.get(entry.id))?.sendStartedAt, NOW + 63_000);
    });

    it("renews a send's lease only for the process still holding it", async () => {
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      assert.ok(await a.outbox.claim(entry.id, NOW, 15_000, "A"));
      assert.equal(await a.outbox.renewLease(entry.id, NOW + 5_000, 15_000, "A"), true);
      assert.equal((await b.outbox.get(entry.id))?.leaseUntil, NOW + 20_000);
      await a.instances.heartbeat(me("A", 1), NOW + 16_000);
      assert.equal(await b.outbox.claim(entry.id, NOW + 16_000, 15_000, "B"), null, "renewed: still A's");
      assert.ok(await b.outbox.claim(entry.id, NOW + 20_001, 15_000, "B"));
      assert.equal(await a.outbox.renewLease(entry.id, NOW + 20_002, 15_000, "A"), false, "taken over: A stands down");
      await b.outbox.markSent(entry.id, NOW + 20_003, "1.1");
      assert.equal(await b.outbox.renewLease(entry.id, NOW + 20_004, 15_000, "B"), false, "sent: nothing to hold");
    });

    it("forgets processes on this host that no longer exist when one registers", async () => {
      const dead = await a.instances.register(me("A2", 3), NOW, (pid) => pid !== 2);
      assert.deepEqual(dead, ["B"]);
      const entry = await a.outbox.enqueue({ dedupeKey: "k", channel: "C1", kind: "inject", payload: text("x"), now: NOW });
      await b.outbox.claim(entry.id, NOW, 60_000, "B");
      assert.ok(await a.outbox.claim(entry.id, NOW + 1, 15_000, "A2"), "B's lease went with its row");
    });

    it("tries backed-off messages again on start, but not rate-limited ones or another process's send", async () => {
      const failed = await a.outbox.enqueue({ dedupeKey: "f", channel: "C1", kind: "inject", payload: text("f"), now: NOW });
      const limited = await a.outbox.enqueue({ dedupeKey: "l", channel: "C2", kind: "inject", payload: text("l"), now: NOW });
      const sending = await a.outbox.enqueue({ dedupeKey: "s", channel: "C3", kind: "inject", payload: text("s"), now: NOW });
      for (const entry of [failed, limited]) await a.outbox.claim(entry.id, NOW, 15_000, "A");
      await a.outbox.retryLater(failed.id, NOW + 60_000, "HTTP 503", "A");
      await a.outbox.retryLater(limited.id, NOW + 30_000, "rate limited (Retry-After 30 s)", "A");
      await a.outbox.claim(sending.id, NOW, 15_000, "A");
      assert.equal(await b.outbox.retryNow(NOW + 1), 1);
      assert.equal((await b.outbox.get(failed.id))?.dueAt, NOW + 1);
      assert.equal((await b.outbox.get(limited.id))?.dueAt, NOW + 30_000);
      assert.equal(await b.outbox.claim(sending.id, NOW + 2, 15_000, "B"), null);
    });

    it("prunes old sent and failed messages and keeps pending ones", async () => {
      const sent = await a.outbox.enqueue({ dedupeKey: "s", channel: "C1", kind: "inject", payload: text("s"), now: NOW });
      const failed = await a.outbox.enqueue({ dedupeKey: "f", channel: "C2", kind: "inject", payload: text("f"), now: NOW });
      await a.outbox.enqueue({ dedupeKey: "p", channel: "C3", kind: "inject", payload: text("p"), now: NOW });
      await a.outbox.claim(sent.id, NOW, 1, "A");
      await a.outbox.markSent(sent.id, NOW, "1.1");
      await a.outbox.claim(failed.id, NOW, 1, "A");
      await a.outbox.markFailed(failed.id, "not_in_channel", "A");
      assert.equal(await a.outbox.prune(NOW + 1), 2);
      assert.deepEqual(await b.outbox.counts(), { pending: 1, sent: 0, failed: 0 });
      assert.equal(await a.outbox.byKey("s"), null);
    });

    it("announces each first move once, even when two processes flush the same drill at once", async () => {
      const drillId = await backend.drillWithAnswers("C9", ["U1", "U2", "U3"], NOW);
      const render = (moves: { userName: string }[]) => text(moves.map((m) => m.userName).join(","));
      const [fromA, fromB] = await Promise.all([
        a.outbox.enqueueFirstMoveNotices(drillId, "C9", NOW, render),
        b.outbox.enqueueFirstMoveNotices(drillId, "C9", NOW, render),
      ]);
      const entries = [fromA, fromB].filter((e) => e !== null);
      assert.equal(new Set(entries.map((e) => e.id)).size, 1);
      assert.equal(entries[0]?.payload.text, "u1,u2,u3");
      assert.equal(await a.outbox.enqueueFirstMoveNotices(drillId, "C9", NOW, render), null);
      assert.deepEqual(await a.outbox.counts(), { pending: 1, sent: 0, failed: 0 });
    });

    it("sends everything exactly once and in order per channel when three processes drain one outbox", async () => {
      const c = backend.open();
      await c.instances.register(me("C", 3), NOW, () => true);
      const channels = ["C1", "C2", "C3", "C4"];
      for (let i = 0; i < 40; i++) {
        const channel = channels[i % channels.length] ?? "C1";
        await [a, b, c][i % 3]?.outbox.enqueue({ dedupeKey: `m${i}`, channel, kind: "inject", payload: text(String(i)), now: NOW });
      }
      const sent: { channel: string; id: number; by: string }[] = [];
      const drain = async (instance: Instance, owner: string) => {
        for (let round = 0; round < 200; round++) {
          const heads = await instance.outbox.heads(NOW);
          if (heads.length === 0) return;
          for (const head of heads) {
            if (!(await instance.outbox.claim(head.id, NOW, 15_000, owner))) continue;
            sent.push({ channel: head.channel, id: head.id, by: owner });
            await instance.outbox.markSent(head.id, NOW, `${head.id}.0`);
          }
        }
      };
      await Promise.all([drain(a, "A"), drain(b, "B"), drain(c, "C")]);
      assert.equal(sent.length, 40);
      assert.equal(new Set(sent.map((s) => s.id)).size, 40, "no message sent twice");
      for (const channel of channels) {
        const ids = sent.filter((s) => s.channel === channel).map((s) => s.id);
        assert.deepEqual(
          ids,
          [...ids].sort((x, y) => x - y),
          `${channel} in order`,
        );
      }
    });
  });
}

contract("SQLite", sqliteBackend);
contract("PostgreSQL", pgBackend, PG_SKIP);

describe("the PostgreSQL outbox's workspace", { skip: PG_SKIP }, () => {
  it("files a drill's message under the drill's workspace, others under the deployment's, and refuses one with none", async () => {
    const schema = await createTestSchema();
    try {
      await migratePg(schema.pool);
      const withTeam = new PgOutboxStore(schema.pool, { teamId: "T0HOME" });
      await schema.pool.query(
        "INSERT INTO scenario_versions (hash, scenario_id, content, runbook, first_seen_at) VALUES ('h', 's', '{}', '', 0)",
      );
      const { rows } = await schema.pool.query<{ id: number }>(
        `INSERT INTO drills (team_id, scenario_id, scenario_hash, mode, surface, venue, started_by_id, started_by_name, started_at, read_window_ms, time_limit_ms, status)
         VALUES ('T0DRILL', 's', 'h', 'read', 'slack', 'C1', 'U0', 'u0', 0, 1, 1, 'running') RETURNING id`,
      );
      await withTeam.enqueue({ dedupeKey: "d", channel: "C1", drillId: rows[0]?.id ?? 0, kind: "inject", payload: text("d"), now: NOW });
      await withTeam.enqueue({ dedupeKey: "g", channel: "C2", kind: "game_day", payload: text("g"), now: NOW });
      await withTeam.enqueue({ dedupeKey: "t", channel: "C3", kind: "repost", payload: text("t"), now: NOW, teamId: "T0OTHER" });
      const teams = await schema.pool.query<{ dedupe_key: string; team_id: string }>("SELECT dedupe_key, team_id FROM outbox ORDER BY id");
      assert.deepEqual(
        teams.rows.map((r) => [r.dedupe_key, r.team_id]),
        [
          ["d", "T0DRILL"],
          ["g", "T0HOME"],
          ["t", "T0OTHER"],
        ],
      );
      await assert.rejects(
        new PgOutboxStore(schema.pool).enqueue({ dedupeKey: "x", channel: "C4", kind: "game_day", payload: text("x"), now: NOW }),
        MissingWorkspaceError,
      );
    } finally {
      await schema.drop();
    }
  });
});
