import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { drillTimeAt, isPaused, pauseSpans, timeLimitMs, wallTimeAt } from "../../src/domain/drillClock.js";
import type { DrillEvent } from "../../src/domain/drillState.js";

// The drill's own clock: pauses stop it, extensions add to the limit.

const alice = { id: "U1", name: "alice" };
const T0 = 1_000_000;
const MIN = 60_000;
const state = (events: DrillEvent[]) => ({ startedAt: T0, timeLimitMs: 15 * MIN, events });

describe("the drill clock", () => {
  it("leaves pauses out of drill time and moves every due time by them", () => {
    const s = state([
      { kind: "paused", by: alice, at: T0 + 2 * MIN },
      { kind: "resumed", by: alice, at: T0 + 7 * MIN },
    ]);
    assert.deepEqual(pauseSpans(s), [{ from: T0 + 2 * MIN, to: T0 + 7 * MIN }]);
    assert.equal(drillTimeAt(s, T0 + MIN), MIN, "before the pause");
    assert.equal(drillTimeAt(s, T0 + 4 * MIN), 2 * MIN, "during it, the clock stands still");
    assert.equal(drillTimeAt(s, T0 + 10 * MIN), 5 * MIN, "after it, five minutes were left out");
    assert.equal(wallTimeAt(s, MIN), T0 + MIN, "a due time before the pause does not move");
    assert.equal(wallTimeAt(s, 3 * MIN), T0 + 8 * MIN, "one after it moves by the pause");
  });

  it("has no due time while paused, and adds every extension to the limit", () => {
    const s = state([
      { kind: "extended", by: alice, at: T0 + MIN, minutes: 5 },
      { kind: "paused", by: alice, at: T0 + 2 * MIN },
      { kind: "extended", by: alice, at: T0 + 3 * MIN, minutes: 10 },
    ]);
    assert.equal(isPaused(s), true);
    assert.equal(timeLimitMs(s), 30 * MIN);
    assert.equal(wallTimeAt(s, MIN), T0 + MIN);
    assert.equal(wallTimeAt(s, 3 * MIN), null, "not due until someone resumes it");
  });
});
