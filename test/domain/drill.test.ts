import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../src/domain/clock.js";
import { computeDebrief } from "../../src/domain/debrief.js";
import { Drill } from "../../src/domain/drill.js";
import { verdictOf } from "../../src/domain/scoring.js";
import { baseScenario } from "../helpers.js";

const alice = { id: "U1", name: "alice" };
const bob = { id: "U2", name: "bob" };
const carol = { id: "U3", name: "carol" };

function startDrill(mode: "read" | "blind" = "read") {
  const clock = new FakeClock();
  const drill = Drill.start({ scenario: baseScenario(), mode, startedBy: alice, venue: "C1", clock, id: 7 });
  return { clock, drill };
}

describe("drill engine", () => {
  it("records an ack once per person, with its time since the trigger", () => {
    const { clock, drill } = startDrill();
    clock.advance(5_000);
    const first = drill.ack(bob);
    clock.advance(5_000);
    const again = drill.ack(bob);
    assert.ok(first.ok && first.first);
    assert.ok(again.ok && !again.first);
    assert.equal(drill.responder("U2")?.ackAt, drill.state.startedAt + 5_000);
    assert.deepEqual(drill.progress(), { acked: 1, answered: 0, responders: 1 });
  });

  it("takes one first move per responder and scores it against the rubric", () => {
    const { clock, drill } = startDrill();
    clock.advance(40_000);
    const good = drill.submitFirstMove(bob, "Check the Grafana dashboard to confirm it's real");
    const second = drill.submitFirstMove(bob, "restart everything");
    const risky = drill.submitFirstMove(carol, "confirm on the dashboard, then restart the pods");
    assert.ok(good.ok);
    assert.equal(good.firstMove.score.correct, true);
    assert.deepEqual(second, { ok: false, reason: "already_answered" });
    assert.ok(risky.ok);
    assert.equal(risky.firstMove.score.correct, false);
    assert.deepEqual(verdictOf(risky.firstMove.score).risky, ["restart"]);
    assert.equal(drill.responder("U2")?.firstMove?.text, "Check the Grafana dashboard to confirm it's real");
  });

  it("refuses empty and over-long first moves without recording them", () => {
    const { drill } = startDrill();
    assert.deepEqual(drill.submitFirstMove(bob, "   "), { ok: false, reason: "empty_answer" });
    assert.deepEqual(drill.submitFirstMove(bob, "x".repeat(601)), { ok: false, reason: "answer_too_long" });
    assert.equal(drill.responder("U2")?.firstMove ?? null, null);
  });

  it("shows the runbook at once in read mode and only after the first move in blind mode", () => {
    const read = startDrill("read").drill;
    assert.equal(read.runbookVisibleTo("U2"), true);
    const blind = startDrill("blind").drill;
    assert.equal(blind.runbookVisibleTo("U2"), false);
    blind.submitFirstMove(bob, "check the dashboard");
    assert.equal(blind.runbookVisibleTo("U2"), true);
    assert.equal(blind.runbookVisibleTo("U3"), false);
  });

  it("walks the decision tree one node at a time and records the time at each node", () => {
    const { clock, drill } = startDrill();
    assert.deepEqual(drill.position("U2"), { ok: false, reason: "first_move_required" });
    drill.submitFirstMove(bob, "check the dashboard");
    clock.advance(10_000);
    const start = drill.position("U2");
    assert.ok(start.ok && start.position.kind === "node" && start.position.id === "a");
    clock.advance(12_000);
    const step1 = drill.choose("U2", "a", "yes");
    assert.ok(step1.ok);
    assert.equal(step1.step.chosenAt - step1.step.enteredAt, 12_000);
    assert.equal(step1.option.reveals, "error_rate 0.1");
    assert.deepEqual(drill.choose("U2", "a", "yes"), { ok: false, reason: "stale_node" });
    assert.deepEqual(drill.choose("U2", "b", "maybe"), { ok: false, reason: "unknown_option" });
    clock.advance(3_000);
    const step2 = drill.choose("U2", "b", "no");
    assert.ok(step2.ok && step2.position.kind === "outcome" && step2.position.id === "esc");
    assert.equal(step2.step.chosenAt - step2.step.enteredAt, 3_000);
    assert.deepEqual(drill.choose("U2", "c", "yes"), { ok: false, reason: "walk_finished" });
  });

  it("says which injects are due as time passes, each once", () => {
    const { clock, drill } = startDrill();
    assert.deepEqual(drill.dueInjects(), []);
    clock.advance(3 * 60_000);
    assert.deepEqual(
      drill.dueInjects().map((d) => d.index),
      [0],
    );
    assert.ok(drill.markInjectPosted(0).ok);
    assert.deepEqual(drill.markInjectPosted(0), { ok: false, reason: "inject_already_posted" });
    clock.advance(10 * 60_000);
    const late = drill.markInjectPosted(1);
    assert.ok(late.ok && late.late, "an inject posted minutes after its offset is marked late");
  });

  it("stops taking answers at the time limit and records the end at the limit", () => {
    const { clock, drill } = startDrill();
    clock.advance(10 * 60_000 + 1);
    assert.equal(drill.isOverdue, true);
    assert.deepEqual(drill.submitFirstMove(bob, "check the dashboard"), { ok: false, reason: "time_up" });
    clock.advance(60_000);
    const ended = drill.end("drillbot", "time_limit");
    assert.ok(ended.ok);
    assert.equal(ended.endedAt, drill.state.startedAt + 10 * 60_000);
    assert.deepEqual(drill.end("alice", "manual"), { ok: false, reason: "not_running" });
  });

  it("cancels with no further changes allowed", () => {
    const { drill } = startDrill();
    assert.ok(drill.cancel("alice").ok);
    assert.equal(drill.state.status, "cancelled");
    assert.deepEqual(drill.ack(bob), { ok: false, reason: "not_running" });
  });
});

describe("debrief maths", () => {
  it("computes per-responder times, verdicts, paths and the team's share inside the read window", () => {
    const { clock, drill } = startDrill("read");
    clock.advance(4_000);
    drill.ack(alice);
    clock.advance(2_000);
    drill.ack(bob);
    drill.ack(carol);
    clock.advance(54_000); // 1:00
    drill.submitFirstMove(alice, "Look at the grafana dashboard and verify the error rate");
    clock.advance(30_000); // 1:30
    drill.submitFirstMove(bob, "restart the pods");
    drill.position("U1");
    for (const [node, option] of [
      ["a", "yes"],
      ["b", "yes"],
      ["c", "yes"],
    ] as const) {
      clock.advance(10_000);
      drill.choose("U1", node, option);
    }
    clock.advance(60_000);
    drill.end("alice", "manual");
    const d = computeDebrief(drill.state, drill.scenario);

    const [a, b, c] = d.responders;
    assert.equal(a?.timeToAckMs, 4_000);
    assert.equal(a?.timeToFirstMoveMs, 60_000);
    assert.equal(a?.correct, true);
    assert.equal(a?.correctInReadWindow, true);
    assert.deepEqual(
      a?.path.map((p) => p.timeMs),
      [10_000, 10_000, 10_000],
    );
    assert.equal(a?.pathMatchesExpected, true);
    assert.equal(a?.outcome?.id, "failover");
    assert.equal(b?.correct, false);
    assert.equal(b?.answer, "restart the pods");
    assert.equal(b?.pathMatchesExpected, null);
    assert.equal(c?.answer, null);
    assert.equal(c?.timeToFirstMoveMs, null);
    assert.equal(d.team.responders, 3);
    assert.equal(d.team.correctInReadWindow, 1);
    assert.equal(d.team.shareCorrectInReadWindow, 1 / 3);
    assert.equal(d.team.medianTimeToFirstMoveMs, 75_000);
    assert.deepEqual(d.clarity, { share: 1 / 3, verdict: "fails", sample: 3 });
  });

  it("counts a correct answer after the read window as correct but not inside it", () => {
    const { clock, drill } = startDrill("read");
    clock.advance(2 * 60_000 + 1);
    drill.submitFirstMove(bob, "check the dashboard");
    drill.end("alice", "manual");
    const d = computeDebrief(drill.state, drill.scenario);
    assert.equal(d.responders[0]?.correct, true);
    assert.equal(d.responders[0]?.withinReadWindow, false);
    assert.equal(d.team.shareCorrectInReadWindow, 0);
  });

  it("lets a facilitator's override win over the rubric", () => {
    const { drill } = startDrill("read");
    drill.submitFirstMove(bob, "eyeball the graphs to see if it's real");
    drill.overrideScore("U2", true, { id: "U1", name: "alice" }, "terminal");
    drill.end("alice", "manual");
    const d = computeDebrief(drill.state, drill.scenario);
    assert.equal(d.responders[0]?.correct, true);
    assert.equal(d.responders[0]?.scoredBy, "facilitator");
  });

  it("reports where a responder left the expected path", () => {
    const { drill } = startDrill("blind");
    drill.submitFirstMove(bob, "check the dashboard");
    drill.choose("U2", "a", "yes");
    drill.choose("U2", "b", "no");
    drill.end("alice", "manual");
    const d = computeDebrief(drill.state, drill.scenario);
    assert.equal(d.responders[0]?.pathMatchesExpected, false);
    assert.equal(d.responders[0]?.divergedAt, 2);
    assert.deepEqual(
      d.responders[0]?.path.map((p) => p.onExpectedPath),
      [true, false],
    );
    assert.equal(d.clarity, null, "blind mode does not measure the runbook");
  });
});

describe("option display order", () => {
  it("is stable within a drill, varies between drills, and keeps every option", async () => {
    const { displayOrder } = await import("../../src/domain/optionOrder.js");
    const options = ["a", "b", "c", "d"].map((id) => ({ id, label: id, next: "x" }));
    const ids = (drillId: number) =>
      displayOrder(options, drillId, "n1")
        .map((o) => o.id)
        .join("");
    assert.equal(ids(1), ids(1));
    assert.deepEqual([...ids(1)].sort().join(""), "abcd");
    const orders = new Set(Array.from({ length: 20 }, (_, i) => ids(i)));
    assert.ok(orders.size > 3, "different drills see different orders");
    assert.ok(
      !Array.from({ length: 20 }, (_, i) => ids(i)).every((o) => o.startsWith("a")),
      "the first-written option is not always first",
    );
  });
});

describe("terminal output", () => {
  it("strips escape sequences and other control characters people typed", async () => {
    const { terminalSafe } = await import("../../src/cli/renderDebrief.js");
    assert.equal(terminalSafe("check\u001b[2J the\u0007 dash\u202Eboard\nnext"), "check[2J the dashboard\nnext");
  });
});
