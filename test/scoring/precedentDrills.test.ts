import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { FakeClock } from "../../src/domain/clock.js";
import { verdictOf } from "../../src/domain/scoring.js";
import { DrillService } from "../../src/service/drillService.js";
import { REPO_ROOT, tempDir } from "../helpers.js";
import { describeStores } from "../stores.js";

// A drill judges first moves as `drillbot score` does: the rubric, overruled by the scenario's
// precedents where answers worded like the one given were judged the other way. The verdict is
// recorded with the ruling, and a drill still running on an older version of the scenario (the
// file was edited since it started) is judged with the precedents the catalog has now.

const ANSWER = "do all 5 families really show a 2nd device_fp from the other country with status=200? 🔍";

/** token-replay copied into a team folder with its title edited (so its hash differs), with or without its precedents. */
function editedCatalog(withPrecedents: boolean) {
  const dir = tempDir();
  mkdirSync(join(dir, "runbooks"));
  copyFileSync(join(REPO_ROOT, "runbooks/token-replay.md"), join(dir, "runbooks/token-replay.md"));
  const text = readFileSync(join(REPO_ROOT, "scenarios/token-replay.yml"), "utf8")
    .replace(/^title: (.*)$/m, "title: $1 (edited)")
    .replace(/^runbook: .*$/m, "runbook: runbooks/token-replay.md");
  writeFileSync(join(dir, "token-replay.yml"), text);
  if (withPrecedents) {
    mkdirSync(join(dir, "precedents"));
    copyFileSync(join(REPO_ROOT, "scenarios/precedents/token-replay.yml"), join(dir, "precedents/token-replay.yml"));
  }
  return loadCatalog({ file: null, base: dir, catalogs: [dir], builtin: false, headings: {}, problems: [] }).scenarios;
}

describeStores("a drill judged with precedents", (open) => {
  it("records the overruled verdict with its ruling, also for a drill on an edited scenario", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 11, 6, 10));
    const shipped = loadCatalog(REPO_ROOT).scenarios;
    const service = new DrillService(db.stores.drills, shipped, clock);
    const started = await service.start({
      scenarioId: "token-replay",
      startedBy: { id: "U1", name: "ana" },
      venue: "C1",
      surface: "slack",
    });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    clock.advance(10_000);
    assert.ok((await service.submitFirstMove(id, { id: "U2", name: "bo" }, ANSWER)).ok);

    // Two more app processes whose catalog has token-replay edited: one with its precedents, one without.
    const judgedBy = async (withPrecedents: boolean, userId: string) => {
      const other = new DrillService((await db.another()).drills, editedCatalog(withPrecedents), clock);
      clock.advance(10_000);
      assert.ok((await other.submitFirstMove(id, { id: userId, name: userId }, ANSWER)).ok);
    };
    await judgedBy(true, "U3");
    await judgedBy(false, "U4");

    const drill = await (await db.another()).drills.loadDrill(id);
    const verdicts = new Map(drill?.responders.map((r) => [r.user.id, r.firstMove ? verdictOf(r.firstMove.score) : null]));
    for (const userId of ["U2", "U3"]) {
      const v = verdicts.get(userId);
      assert.equal(v?.correct, true, userId);
      assert.equal(v?.needsReview, true);
      assert.equal(v?.precedent?.rulesSaid, false);
      assert.match(v?.reason ?? "", /^judged like accepted answers such as “/);
    }
    const rulesAlone = verdicts.get("U4");
    assert.equal(rulesAlone?.correct, false);
    assert.equal(rulesAlone?.precedent, undefined);
  });

  it("judges a role's own first move by its own rubric alone: the scenario's precedents answer another move", async () => {
    const db = await open();
    const clock = new FakeClock(Date.UTC(2026, 11, 6, 10));
    const service = new DrillService(db.stores.drills, loadCatalog(REPO_ROOT).scenarios, clock);
    const started = await service.start({ scenarioId: "payment-5xx", startedBy: { id: "U1", name: "ana" }, venue: "C1", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    // The investigator's check, which payment-5xx's precedents accept: right for the scenario's
    // first move, not for Communications, whose first move is a status update.
    const check = "is it just paycore or northpay too? pulling the 5xx-by-provider panel on the payments-providers dash";
    clock.advance(10_000);
    assert.ok((await service.takeRole(id, { id: "U2", name: "bo" }, "comms")).ok);
    assert.ok((await service.submitFirstMove(id, { id: "U2", name: "bo" }, check)).ok);
    assert.ok((await service.takeRole(id, { id: "U3", name: "cy" }, "ic")).ok);
    assert.ok((await service.submitFirstMove(id, { id: "U3", name: "cy" }, check)).ok);
    const drill = await (await db.another()).drills.loadDrill(id);
    const verdict = (userId: string) => {
      const move = drill?.responders.find((r) => r.user.id === userId)?.firstMove;
      return move ? verdictOf(move.score) : null;
    };
    assert.equal(verdict("U2")?.correct, false);
    assert.equal(verdict("U2")?.precedent, undefined);
    // The IC has no first move of their own: theirs is the scenario's, judged with its precedents.
    assert.equal(verdict("U3")?.correct, true);
  });
});
