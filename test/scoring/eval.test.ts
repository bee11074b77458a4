import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runScoringEval } from "../../src/cli/scoringEval.js";
import { TARGETS } from "../../src/domain/rubricEval.js";
import { REPO_ROOT } from "../helpers.js";

// The scorer against first moves written by people who never saw the rubrics (issue 11):
// accuracy ≥ 95%, false rejects ≤ 5%, false accepts ≤ 3%, every scenario ≥ 85%.
// test/fixtures/eval/ is the held-out set (placed by the lead engineer, never tuned on);
// test/fixtures/scoring-dev/ is the tuning set. Labels in both are never edited to fit the scorer.

const EVAL = join(REPO_ROOT, "test/fixtures/eval");
const DEV = join(REPO_ROOT, "test/fixtures/scoring-dev");
/** Written by the scorer's author while tuning: regression cases, not evidence of accuracy. */
const REGRESSION = join(REPO_ROOT, "test/fixtures/scoring-regression");

function assertTargets(folder: string): void {
  const report = runScoringEval(REPO_ROOT, folder, { misses: true });
  assert.deepEqual(report.problems, [], report.text);
  assert.ok(report.perScenario.length > 0, `no scenario scored in ${folder}`);
  assert.ok((report.total.accuracy ?? 0) >= TARGETS.accuracy, report.text);
  assert.ok((report.total.falseRejectRate ?? 1) <= TARGETS.falseRejectRate, report.text);
  assert.ok((report.total.falseAcceptRate ?? 1) <= TARGETS.falseAcceptRate, report.text);
  for (const s of report.perScenario) assert.ok((s.stats.accuracy ?? 0) >= TARGETS.perScenarioAccuracy, `${s.id}\n${report.text}`);
  assert.equal(report.ok, true, report.text);
}

describe("scoring evaluation (npm run eval:scoring)", () => {
  it("meets the targets on the held-out evaluation set", { skip: existsSync(EVAL) ? false : "test/fixtures/eval/ is not here yet" }, () => {
    assertTargets(EVAL);
  });

  it("meets the targets on the tuning set, every scenario included", () => {
    const report = runScoringEval(REPO_ROOT, DEV);
    assert.equal(report.perScenario.length, 14, report.text);
    assertTargets(DEV);
  });

  it("keeps the author's regression cases (typos, negation scope, risky verbs, paraphrase) within the targets", () => {
    assertTargets(REGRESSION);
  });

  it("fails, naming the target, when the labels disagree with the rubric", () => {
    const dir = mkdtempSync(join(tmpdir(), "drillbot-eval-"));
    writeFileSync(
      join(dir, "payment-5xx.yml"),
      [
        "scenario: payment-5xx",
        "answers:",
        '  - {text: "restart the payments-gateway pods", label: accept}',
        '  - {text: "roll back the last deploy", label: accept}',
        '  - {text: "check the provider errors dashboard: is it only paycore?", label: accept}',
        '  - {text: "check the paycore status page", label: reject}',
      ].join("\n"),
    );
    const report = runScoringEval(REPO_ROOT, dir);
    assert.equal(report.ok, false);
    assert.equal(report.total.falseRejects, 2);
    assert.equal(report.total.falseAccepts, 1);
    assert.match(report.text, /missed: accuracy 25\.0% is below 95\.0%/);
    assert.match(report.text, /payment-5xx: accuracy 25\.0% is below 85\.0%/);
  });

  it("measures an answer the way a drill would judge it had nobody judged that answer before", () => {
    // payment-5xx's precedents hold this query, rejected (it sums by pod, not by provider). The
    // rubric accepts it; only its own precedent teaches the model otherwise. Measured, it must
    // count as the rubric's false accept — typed again, or with a filler word the model ignores.
    const query = 'sum by (pod) (rate(payments_provider_requests_total{code=~"5.."}[5m]))';
    for (const text of [query, query.replace("(pod)", "(the pod)")]) {
      const dir = mkdtempSync(join(tmpdir(), "drillbot-eval-"));
      writeFileSync(
        join(dir, "payment-5xx.yml"),
        `scenario: payment-5xx\nanswers:\n  - text: ${JSON.stringify(text)}\n    label: reject\n`,
      );
      const report = runScoringEval(REPO_ROOT, dir);
      assert.equal(report.total.falseAccepts, 1, `${text}\n${report.text}`);
      assert.equal(report.total.overruled, 0, text);
    }
  });

  it("reports a corpus file for a scenario the catalog does not have", () => {
    const dir = mkdtempSync(join(tmpdir(), "drillbot-eval-"));
    writeFileSync(join(dir, "nope.yml"), 'scenario: no-such-scenario\nanswers:\n  - {text: "x", label: accept}\n');
    const report = runScoringEval(REPO_ROOT, dir);
    assert.equal(report.ok, false);
    assert.match(report.problems.join("\n"), /no scenario "no-such-scenario"/);
  });
});
