import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containsPhrase, firstMoveScore, normaliseAnswer } from "../../src/domain/scoring.js";

const rubric = {
  must: [
    ["status page", "provider status"],
    ["dashboard", "grafana", "error rate"],
  ],
  must_not: ["restart", "roll back"],
};

describe("first-move scoring", () => {
  it("ignores case, punctuation and invisible characters", () => {
    assert.deepEqual(normaliseAnswer("Check the STATUS-page!!"), ["check", "the", "status", "page"]);
    assert.deepEqual(normaliseAnswer("sta\u200Btus\u202E page"), ["status", "page"]);
    assert.equal(firstMoveScore("Check the provider's status page & the Grafana board.", rubric).correct, true);
  });

  it("needs one phrase from every group", () => {
    const score = firstMoveScore("check the status page", rubric);
    assert.equal(score.correct, false);
    assert.deepEqual(score.missingGroups, [1]);
    assert.deepEqual(score.matched, ["status page", null]);
  });

  it("fails a risky fix even when the verification words are there", () => {
    const score = firstMoveScore("check the status page and dashboard then restart the pods", rubric);
    assert.equal(score.correct, false);
    assert.deepEqual(score.forbidden, ["restart"]);
  });

  it("does not count a risky phrase the answer says not to do first", () => {
    for (const answer of [
      "check the status page and the dashboard; don't restart anything yet",
      "check the status page and dashboard before restarting",
      "look at the status page and error rate rather than roll back",
      "status page + grafana first, do not restart",
    ]) {
      assert.equal(firstMoveScore(answer, { ...rubric, must_not: ["restart*", "roll back"] }).correct, true, answer);
    }
    assert.equal(
      firstMoveScore("restart the pods before checking the status page and dashboard", { ...rubric, must_not: ["restart*"] }).correct,
      false,
    );
  });

  it("matches whole words only, with * for any ending", () => {
    assert.equal(containsPhrase(normaliseAnswer("restarting"), "restart"), false);
    assert.equal(containsPhrase(normaliseAnswer("restarting"), "restart*"), true);
    assert.equal(containsPhrase(normaliseAnswer("verification of scope"), "verif*"), true);
    assert.equal(containsPhrase(normaliseAnswer("the status of the page"), "status page"), false);
  });
});
