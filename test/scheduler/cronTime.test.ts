import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import cron from "node-cron";
import { cronMatcher, nextOccurrence, parseCron, previousOccurrence } from "../../src/scheduler/cronTime.js";

// Next and previous runs are found by walking days, so a schedule whose next run is years away
// costs the same few zone look-ups as a daily one; and they agree with node-cron, which arms
// the schedules in production.

/** Counts the time-zone look-ups (the expensive step) made while running `fn`. */
function zoneLookups(fn: () => void): number {
  const proto = Intl.DateTimeFormat.prototype;
  const original = proto.formatToParts;
  let calls = 0;
  proto.formatToParts = function (this: Intl.DateTimeFormat, date?: Date | number) {
    calls++;
    return original.call(this, date);
  };
  try {
    fn();
  } finally {
    proto.formatToParts = original;
  }
  return calls;
}

describe("cron next and previous runs", () => {
  it("finds a run years away with a handful of zone look-ups", () => {
    const leapDay = cronMatcher("* * 29 2 *", "Europe/Berlin");
    let next: number | null = null;
    const lookups = zoneLookups(() => {
      next = nextOccurrence(leapDay, Date.UTC(2026, 10, 29, 12));
    });
    assert.equal(new Date(next ?? 0).toISOString(), "2028-02-28T23:00:00.000Z", "00:00 on 29 Feb 2028 in Berlin");
    assert.ok(lookups < 20, `${lookups} zone look-ups`);
    const rare = cronMatcher("0 9 29 2 1", "UTC"); // 29 February that is a Monday
    assert.equal(new Date(nextOccurrence(rare, Date.UTC(2026, 0, 1)) ?? 0).toISOString(), "2044-02-29T09:00:00.000Z");
    assert.ok(zoneLookups(() => previousOccurrence(leapDay, Date.UTC(2026, 10, 29))) < 20, "looking back is bounded too");
  });

  it("skips a local time that a daylight-saving change removes", () => {
    const m = cronMatcher("30 2 * * *", "Europe/Berlin");
    // 29 March 2026: clocks jump from 02:00 to 03:00 in Berlin, so 02:30 does not happen that day.
    const next = nextOccurrence(m, Date.UTC(2026, 2, 28, 12));
    assert.equal(new Date(next ?? 0).toISOString(), "2026-03-30T00:30:00.000Z");
  });

  it("agrees with node-cron on random expressions and zones", () => {
    const field = (min: number, max: number) =>
      fc.oneof(
        fc.constant("*"),
        fc.integer({ min, max }).map(String),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
        fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) }).map((s) => `*/${s}`),
      );
    const expression = fc.tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6)).map((parts) => parts.join(" "));
    const zone = fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe");
    const seed = process.env.FC_SEED === "random" ? Date.now() : 20261129;
    fc.assert(
      fc.property(expression, zone, (expr, tz) => {
        assert.ok(parseCron(expr).ok, expr);
        // node-cron answers only "from now", so both are asked from now (again if a minute turned).
        for (;;) {
          const now = Date.now();
          const ours = nextOccurrence(cronMatcher(expr, tz), now);
          const task = cron.createTask(expr, () => {}, { timezone: tz });
          const [theirs] = task.getNextRuns(1);
          void task.destroy();
          if (Math.floor(Date.now() / 60_000) !== Math.floor(now / 60_000)) continue;
          assert.equal(ours === null ? null : new Date(ours).toISOString(), theirs?.toISOString() ?? null, `${expr} in ${tz}`);
          return;
        }
      }),
      { seed, numRuns: 150 },
    );
  });
});
