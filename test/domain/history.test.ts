import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseGameDayScenario, type ScenarioPractice, seededRandom } from "../../src/domain/gameDayChoice.js";
import { masteryOf } from "../../src/domain/mastery.js";
import { sparkline, trendLine } from "../../src/domain/trends.js";

describe("mastery", () => {
  it("is reached after three correct drills in a row, and slips on a miss after that", () => {
    assert.equal(masteryOf([]).status, "learning");
    assert.deepEqual(masteryOf([true, true]), { status: "learning", streak: 2, drills: 2, reachedNow: false });
    assert.deepEqual(masteryOf([true, false, true, true, true]), { status: "mastered", streak: 3, drills: 5, reachedNow: true });
    assert.equal(masteryOf([true, true, true, true]).reachedNow, false, "the fourth in a row is not a new mastery");
    assert.equal(masteryOf([true, true, true, false]).status, "slipping");
    assert.equal(masteryOf([true, true, true, false, true, true, true]).status, "mastered");
  });
});

describe("trend lines", () => {
  it("draws shares as bars and summarises first → last", () => {
    assert.equal(sparkline([0, 0.5, 1, null]), "▁▅█·");
    assert.equal(trendLine([{ share: 0.25, medianFirstMoveMs: 100_000 }]), null);
    assert.equal(
      trendLine([
        { share: 0.25, medianFirstMoveMs: 100_000 },
        { share: 0.5, medianFirstMoveMs: 80_000 },
        { share: 0.8, medianFirstMoveMs: 52_000 },
      ]),
      "correct ▃▅▇ 25% → 80% · median first move 1:40 → 0:52 (3 drills)",
    );
  });
});

describe("random game-day choice", () => {
  const now = Date.UTC(2026, 10, 1);
  const day = 86_400_000;
  const candidates: ScenarioPractice[] = [
    { scenarioId: "mastered-recent", lastPractisedAt: now - 2 * day, lastShare: 1, notMastered: 0, regulars: 5 },
    { scenarioId: "never", lastPractisedAt: null, lastShare: null, notMastered: 5, regulars: 5 },
    { scenarioId: "weak", lastPractisedAt: now - 10 * day, lastShare: 0.2, notMastered: 4, regulars: 5 },
    { scenarioId: "previous", lastPractisedAt: now - 60 * day, lastShare: 0, notMastered: 5, regulars: 5 },
  ];

  it("is deterministic under a seeded random source", () => {
    const run = () =>
      Array.from({ length: 20 }, (_, i) => chooseGameDayScenario(candidates, "previous", now, seededRandom(i))?.scenarioId).join(",");
    assert.equal(run(), run());
  });

  it("never repeats the previous scenario and favours the unpractised and unmastered", () => {
    const random = seededRandom(42);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const choice = chooseGameDayScenario(candidates, "previous", now, random);
      counts.set(choice?.scenarioId ?? "", (counts.get(choice?.scenarioId ?? "") ?? 0) + 1);
    }
    assert.equal(counts.get("previous") ?? 0, 0);
    assert.ok((counts.get("never") ?? 0) > (counts.get("weak") ?? 0));
    assert.ok((counts.get("weak") ?? 0) > 3 * (counts.get("mastered-recent") ?? 0));
  });

  it("says why it picked", () => {
    const pick = (id: string) =>
      chooseGameDayScenario(
        candidates.filter((c) => c.scenarioId === id),
        null,
        now,
        () => 0,
      );
    assert.equal(pick("never")?.reason, "never practised in this channel");
    assert.equal(pick("weak")?.reason, "only 20% stated the right first move last time");
  });
});
