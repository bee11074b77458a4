import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AppKind } from "../../bench/app-process.js";
import { pairRatios, type RoundResult, roundSchedule, WARMUP_ROUNDS } from "../../bench/stampede.js";
import { median } from "../../bench/stats.js";

// How the stampede bench compares drillbot with the bare Bolt app: warm-ups, then pairs of rounds
// back to back in ABBA order, and each ratio the median of the pairs' ratios (RESULTS.md's Method).

describe("stampede bench: rounds in pairs against the bare app", () => {
  it("warms both apps up, then runs every pair back to back, drillbot first in odd pairs and the bare app in even ones", () => {
    const schedule = roundSchedule(4);
    const order = schedule.map((step) => `${step.kind === "drillbot" ? "D" : "B"}${step.warmup ? "w" : ""}`).join(" ");
    assert.equal(WARMUP_ROUNDS, 2);
    assert.equal(order, "Dw Bw Bw Dw D B B D D B B D");
    // Both rounds of a pair are adjacent and share a label, so the report can match them.
    const measured = schedule.filter((step) => !step.warmup);
    for (let i = 0; i < measured.length; i += 2) {
      assert.equal(measured[i]?.label, `round ${i / 2 + 1}`);
      assert.equal(measured[i + 1]?.label, measured[i]?.label);
      assert.notEqual(measured[i + 1]?.kind, measured[i]?.kind);
    }
  });

  it("takes each ratio against the bare app from the rounds of the same pair, and every pair counts", () => {
    const round = (kind: AppKind, label: string, p99: number, cpu: number | null, warmup = false) =>
      ({ kind, label, warmup, latency: { p99 }, cpuMsPerClick: cpu }) as unknown as RoundResult;
    // The machine got busier after pair 1: both apps slowed down together in pairs 2 and 3.
    const rounds = [
      round("drillbot", "warm-up 1", 90, 3, true),
      round("bare", "warm-up 1", 10, 1, true),
      round("drillbot", "round 1", 12, 1.1),
      round("bare", "round 1", 10, 1.0),
      round("bare", "round 2", 40, 2.0),
      round("drillbot", "round 2", 44, 2.4),
      round("drillbot", "round 3", 30, 1.8),
      round("bare", "round 3", 20, 1.5),
    ];
    const p99 = pairRatios(rounds, (r) => r.latency.p99);
    assert.deepEqual(
      p99.map((v) => v.toFixed(2)),
      ["1.20", "1.10", "1.50"],
    );
    assert.equal(median(p99).toFixed(2), "1.20");
    assert.deepEqual(
      pairRatios(rounds, (r) => r.cpuMsPerClick).map((v) => v.toFixed(2)),
      ["1.10", "1.20", "1.20"],
    );
  });
});
