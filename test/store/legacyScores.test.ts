import assert from "node:assert/strict";
import { it } from "node:test";
import { renderDebriefText } from "../../src/cli/renderDebrief.js";
import { FakeClock } from "../../src/domain/clock.js";
import { DrillService } from "../../src/service/drillService.js";
import { renderDebriefMessages } from "../../src/slack/blocks/debriefBlocks.js";
import { baseScenario } from "../helpers.js";
import { describeStores } from "../stores.js";

// Drills recorded before rubric v2 stored a v1 score ({correct, matched, missingGroups,
// forbidden}). They must still load, render with a reason, and take a facilitator's decision.

describeStores("scores stored by rubric v1", (open) => {
  it("load, render with a reason line, and can be overruled", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
    const { stores } = await open();
    const scenario = baseScenario(); // its rubric is in the old must/must_not shape
    const service = new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock);
    const started = await service.start({ scenarioId: "base", startedBy: { id: "U1", name: "ana" }, venue: "C1", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    const legacy = { correct: false, matched: ["dashboard", null], missingGroups: [1], forbidden: ["restart"] };
    clock.advance(30_000);
    const responder = { id: "U2", name: "bo" };
    await stores.drills.apply(id, [
      {
        type: "first_move",
        user: responder,
        joinedAt: clock.now(),
        move: { text: "dashboard then restart", at: clock.now(), score: legacy, override: null },
      },
    ]);
    assert.ok((await service.end(id, "ana", "manual")).ok);

    const debrief = await service.debrief(id);
    const bo = debrief?.responders[0];
    assert.equal(bo?.correct, false);
    assert.equal(bo?.reason, "risky: “restart”; missing: confirm");
    assert.match(renderDebriefText(debrief ?? never()), /why: risky: “restart”; missing: confirm/);
    const slack = JSON.stringify(renderDebriefMessages(debrief ?? never(), scenario, [], { reviewControls: true }));
    assert.match(slack, /_risky: “restart”; missing: confirm_/);

    const decided = await service.overrideScore(id, "U2", true, { id: "U1", name: "ana" }, "terminal");
    assert.ok(decided.ok);
    const after = await service.debrief(id);
    assert.equal(after?.team.correct, 1);
    assert.match(after?.responders[0]?.reason ?? "", /^accepted by ana \(rubric: wrong — risky: “restart”; missing: confirm\)$/);
  });
});

function never(): never {
  throw new Error("no debrief");
}
