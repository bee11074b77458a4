import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileLexicon } from "../../src/domain/lexicon.js";
import {
  judgeFirstMove,
  MIN_PRECEDENTS_PER_LABEL,
  precedentModelFromJson,
  precedentModelToJson,
  sameAnswerKey,
  trainPrecedentModel,
} from "../../src/domain/precedents.js";
import type { LabelledAnswer } from "../../src/domain/rubricEval.js";
import { compileRubric, firstMoveScore } from "../../src/domain/scoring.js";

// A made-up scenario: the first move is to check the orders queue's depth. The rubric knows
// "queue depth" and that purging is risky; it cannot know that, in this team, the depth on the
// *staging* broker is the wrong thing to look at, nor that "peek at the backlog graph" is how
// its engineers say the right thing. Its precedents do.
const lexicon = compileLexicon([{ groups: { dashboard: ["dash", "graph"], purge: ["drain", "flush"] }, forms: {} }]);
const rubric = compileRubric({ core: [["queue depth", "depth of the queue"]], supporting: [["orders"]], risky: ["purge"] }, lexicon);

const accepted = [
  "check the orders queue depth on the prod broker",
  "queue depth for orders pls, prod broker",
  "look at the depth of the queue on prod before anything",
  "peek at the backlog graph for orders on prod",
  "backlog graph on prod first, how far behind are we",
  "pull up the prod backlog graph and see if it's still climbing",
  "what does the backlog graph say on prod, checking now",
  "checking prod queue depth for orders",
  "prod broker: orders queue depth, is it growing",
  "on it — looking at the prod backlog graph",
  "first the backlog graph for orders on prod, nothing else yet",
  "prod orders backlog graph, then we decide",
];
const rejected = [
  "check the orders queue depth on the staging broker",
  "staging queue depth looks fine, check that",
  "look at the depth of the queue on staging first",
  "queue depth on staging for orders",
  "staging broker queue depth pls",
  "check staging queue depth and compare later",
  "orders queue depth on the staging cluster first",
  "is the staging queue depth growing? checking",
  "queue depth in staging, that is where it started",
  "checking the staging broker's queue depth now",
  "staging first: queue depth for orders",
  "depth of the queue in staging before anything",
];
// Wrong in ways the rubric sees too: a precedent set is mostly answers both agree on.
const alsoWrong = [
  "restart the consumers",
  "purge the orders queue",
  "look into it",
  "ping the orders team",
  "scale the consumers up to 20",
  "flush the queue and replay",
];
const why = "looks at staging, not the broker that pages";
const acceptedWhy = "the prod broker's backlog: the one that pages";
const precedents: (LabelledAnswer & { why?: string })[] = [
  ...accepted.map((text) => ({ text, accept: true, why: acceptedWhy })),
  ...rejected.map((text) => ({ text, accept: false, why })),
  ...alsoWrong.map((text) => ({ text, accept: false, why: "not the check" })),
];

describe("precedents: judged answers that overrule the rubric", () => {
  const model = trainPrecedentModel(rubric, precedents);

  it("needs enough judged answers of each label before it judges anything", () => {
    // The documented minimum: 10 of each label.
    assert.equal(MIN_PRECEDENTS_PER_LABEL, 10);
    const withRejects = (n: number) => [...precedents.filter((p) => p.accept), ...precedents.filter((p) => !p.accept).slice(0, n)];
    assert.notEqual(trainPrecedentModel(rubric, withRejects(10)), null);
    assert.equal(trainPrecedentModel(rubric, withRejects(9)), null);
    const answer = "check the orders queue depth on the staging broker";
    assert.deepEqual(judgeFirstMove(answer, rubric, null), firstMoveScore(answer, rubric));
  });

  it("rejects what the rubric accepts when answers worded like it were rejected, and cites the closest", () => {
    const answer = "queue depth on the staging broker for the orders queue";
    assert.equal(firstMoveScore(answer, rubric).correct, true);
    const v = judgeFirstMove(answer, rubric, model);
    assert.equal(v.correct, false);
    assert.equal(v.needsReview, true);
    assert.match(v.reviewReason ?? "", /rubric called it correct/);
    assert.equal(v.precedent?.rulesSaid, true);
    assert.ok(rejected.includes(v.precedent?.closest ?? ""), "the cited answer is one of the rejected precedents");
    assert.equal(v.precedent?.closestWhy, why);
    assert.match(v.reason, /judged like rejected answers such as “.*staging.*” \(looks at staging/);
    assert.match(v.reason, /the rubric said: has queue depth/);
  });

  it("accepts what the rubric misses when answers worded like it were accepted", () => {
    const answer = "peeking at the prod backlog graph for orders";
    assert.equal(firstMoveScore(answer, rubric).correct, false);
    const v = judgeFirstMove(answer, rubric, model);
    assert.equal(v.correct, true);
    assert.equal(v.needsReview, true);
    assert.equal(v.precedent?.rulesSaid, false);
    assert.ok(accepted.includes(v.precedent?.closest ?? ""));
    assert.equal(v.precedent?.closestWhy, acceptedWhy, "why the cited answer was accepted");
    assert.match(v.reason, /judged like accepted answers such as “.*prod.*” \(the prod broker's backlog/);
  });

  it("never accepts an answer in which the rubric found a risky action", () => {
    const answer = "peek at the prod backlog graph for orders and purge the queue";
    const rules = firstMoveScore(answer, rubric);
    assert.deepEqual(rules.risky, ["purge"]);
    assert.deepEqual(judgeFirstMove(answer, rubric, model), rules);
  });

  it("leaves the rubric's verdict alone where the precedents agree or are unsure", () => {
    for (const answer of ["check the orders queue depth on prod", "restart the consumer group", "look into this", "no idea tbh"]) {
      const rules = firstMoveScore(answer, rubric);
      assert.deepEqual(judgeFirstMove(answer, rubric, model), rules, answer);
    }
    // Overruled only at 60% or more the other way (short answers the model leans on lightly).
    let overruled = 0;
    for (const answer of ["prod", "on prod pls", "prod first", "peek at prod", "prod graph", "orders on prod", "queue depth", "staging"]) {
      const v = judgeFirstMove(answer, rubric, model);
      if (!v.precedent) continue;
      overruled++;
      const { acceptability } = v.precedent;
      assert.ok(v.correct ? acceptability >= 0.6 : acceptability <= 0.4, `${answer}: ${acceptability}`);
    }
    assert.ok(overruled >= 2, "some of them are overruled");
  });

  it("does not overrule on the model's lean alone: a judged answer must be worded like it", () => {
    // The rubric accepts it; the model leans against bare "queue depth" answers, but no rejected
    // precedent shares a fifth of its wording, so there is nothing to cite and the rubric stands.
    const answer = "queue depth per partition from the kafka lag exporter across eu-west-1 and us-east-2, consumer group alpha, last hour";
    const rules = firstMoveScore(answer, rubric);
    assert.equal(rules.correct, true);
    assert.deepEqual(judgeFirstMove(answer, rubric, model), rules);
  });

  it("is the same model on every run and after a trip through JSON", () => {
    const again = trainPrecedentModel(rubric, [...precedents]);
    assert.deepEqual(again?.weights, model?.weights);
    const copy = precedentModelFromJson(JSON.parse(JSON.stringify(precedentModelToJson(model as NonNullable<typeof model>))));
    assert.deepEqual(copy?.weights, model?.weights, "every weight, to the last bit");
    assert.deepEqual(copy?.cases, model?.cases);
    for (const answer of ["queue depth on the staging broker for the orders queue", "peeking at the prod backlog graph for orders"]) {
      assert.deepEqual(judgeFirstMove(answer, rubric, copy), judgeFirstMove(answer, rubric, model));
    }
    assert.equal(precedentModelFromJson({ weights: "nope", cases: [], accepts: 10, rejects: 10 }), null);
  });

  it("leaves out the answers it is told to, and counts one answer written twice once", () => {
    const twice = [...precedents, { text: "Check the orders queue-depth on the PROD broker!", accept: true }];
    assert.equal(trainPrecedentModel(rubric, twice)?.cases.length, precedents.length);
    const leaveOut = rejected.slice(0, 3);
    const without = trainPrecedentModel(rubric, precedents, leaveOut);
    assert.equal(without?.rejects, rejected.length + alsoWrong.length - 3);
    assert.ok(!without?.cases.some((c) => leaveOut.some((t) => sameAnswerKey(t) === sameAnswerKey(c.text))));
    // The same answer worded with other filler or inflections is the same answer to the model.
    const reworded = trainPrecedentModel(rubric, precedents, ["checking the orders queue depth on the staging broker pls"]);
    assert.equal(reworded?.rejects, rejected.length + alsoWrong.length - 1);
    assert.ok(!reworded?.cases.some((c) => c.text === rejected[0]));
  });
});
