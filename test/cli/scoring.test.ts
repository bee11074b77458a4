import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { resolveConfig } from "../../src/catalog/config.js";
import { readCorpusFile } from "../../src/catalog/corpus.js";
import { FakeClock } from "../../src/domain/clock.js";
import type { Scenario } from "../../src/domain/scenario.js";
import { DrillService } from "../../src/service/drillService.js";
import { REPO_ROOT, tempDir } from "../helpers.js";
import { describeStores, type TestDatabase } from "../stores.js";

// drillbot score, review and rubric eval|suggest, run as a user runs them.

function drillbot(args: string[], input = "", db?: TestDatabase, home = REPO_ROOT) {
  const { DATABASE_URL: _url, ...env } = process.env;
  // On the test's database: `--db FILE` for SQLite, DATABASE_URL for PostgreSQL.
  const where = db?.location.kind === "sqlite" ? ["--db", db.location.path] : [];
  const result = spawnSync(process.execPath, [join(REPO_ROOT, "bin/drillbot.js"), ...args, ...where], {
    input,
    encoding: "utf8",
    cwd: home,
    env: {
      ...env,
      DRILLBOT_HOME: home,
      USER: "tester",
      ...(db?.location.kind === "postgres" ? { DATABASE_URL: db.location.url } : {}),
    },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scenarios = loadCatalog(REPO_ROOT).scenarios;

/** An ended payment-5xx drill with four answers: two the rubric gets right, one good answer it
 * rejects and one bad answer it accepts (so reviews have something to correct). */
async function recordedDrill(db: TestDatabase, catalog = scenarios): Promise<number> {
  const clock = new FakeClock(Date.UTC(2026, 2, 2, 10));
  const stores = db.stores;
  const service = new DrillService(stores.drills, catalog, clock);
  const started = await service.start({ scenarioId: "payment-5xx", startedBy: { id: "U1", name: "ana" }, venue: "C1", surface: "slack" });
  assert.ok(started.ok);
  const id = started.drill.state.id;
  const answers = [
    ["U2", "bo", "check the provider errors dash: is it only paycore? then their status page"],
    ["U3", "cy", "restart the payments-gateway pods"],
    ["U4", "di", "kubectl logs deploy/payments-gateway | grep -o 'provider=[a-z]*' | sort | uniq -c"],
    ["U5", "ed", "check the status page and hope it clears up, then page northpay to take all the traffic"],
  ] as const;
  for (const [userId, name, text] of answers) {
    clock.advance(20_000);
    const submitted = await service.submitFirstMove(id, { id: userId, name }, text);
    assert.ok(submitted.ok);
  }
  assert.ok((await service.end(id, "ana", "manual")).ok);
  return id;
}

describe("drillbot score", () => {
  it("prints the verdict with the matched and missing concepts and the risky phrase", () => {
    const good = drillbot(["score", "payment-5xx", "is it only paycore? checking the 5xx split by provider"]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^payment-5xx: CORRECT/);
    assert.match(good.stdout, /provider \+ error: ✓ “[^”]*5xx[^”]*”/);
    assert.match(good.stdout, /by provider: ✓ “split by provider”/);
    assert.match(good.stdout, /status page: – left out/);
    const risky = drillbot(["score", "payment-5xx", "check the provider dashboard, then kill all of the gateway pods"]);
    assert.match(risky.stdout, /^payment-5xx: WRONG/);
    assert.match(risky.stdout, /risky: “kill”/);
    const dismissed = drillbot(["score", "payment-5xx", "no need to look at the status page, just restart"]);
    assert.match(dismissed.stdout, /dismissed or negated/);
    const conditional = drillbot([
      "score",
      "leaked-cloud-key",
      "whose key + last used + cloudtrail since the push. if yes -> deactivate it",
    ]);
    assert.match(conditional.stdout, /^leaked-cloud-key: CORRECT · needs review/);
    assert.match(conditional.stdout, /next step, only if the check confirms: “deactivate”/);
    const vague = drillbot(["score", "payment-5xx", "look into the provider errors"]);
    assert.match(vague.stdout, /^payment-5xx: WRONG/);
    assert.match(vague.stdout, /why: vague: “look into the provider errors” names no check to run/);
  });

  it("says when the scenario's precedents overruled the rubric, and which judged answer it was like", () => {
    // The rubric reads "all 5 families" as about the wrong thing; answers worded like this one
    // were accepted by the people who judged token-replay's precedents.
    const answer = "do all 5 families really show a 2nd device_fp from the other country with status=200? 🔍";
    const judged = drillbot(["score", "token-replay", answer]);
    assert.equal(judged.code, 0, judged.stderr);
    assert.match(
      judged.stdout,
      /^token-replay: CORRECT · needs review \(the rubric called it wrong; judged answers worded like it were accepted\)/,
    );
    assert.match(judged.stdout, /precedents: the rubric said wrong; answers judged before put this one at \d+% acceptable/);
    assert.match(judged.stdout, /closest accepted: “[^”]*device_fp[^”]*”/);
    const json = JSON.parse(drillbot(["score", "token-replay", answer, "--json"]).stdout) as { precedent?: { rulesSaid: boolean } };
    assert.equal(json.precedent?.rulesSaid, false);
  });

  it("shows a team's precedent and its why as text, whatever control sequences the file holds", () => {
    const home = tempDir();
    mkdirSync(join(home, "scenarios/precedents"), { recursive: true });
    mkdirSync(join(home, "runbooks"));
    copyFileSync(join(REPO_ROOT, "runbooks/token-replay.md"), join(home, "runbooks/token-replay.md"));
    copyFileSync(join(REPO_ROOT, "scenarios/token-replay.yml"), join(home, "scenarios/token-replay.yml"));
    const answer = "do all 5 families really show a 2nd device_fp from the other country with status=200? 🔍";
    const hostile = `${answer} \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007\u001b[2J`;
    const precedents = readFileSync(join(REPO_ROOT, "scenarios/precedents/token-replay.yml"), "utf8").replace(
      `  - text: ${answer}\n    label: accept\n`,
      `  - text: ${JSON.stringify(hostile)}\n    label: accept\n    why: ${JSON.stringify("\u001b[31mred\u001b[0m \u009b2J raw-log check")}\n`,
    );
    assert.notEqual(precedents, readFileSync(join(REPO_ROOT, "scenarios/precedents/token-replay.yml"), "utf8"));
    writeFileSync(join(home, "scenarios/precedents/token-replay.yml"), precedents);
    const judged = drillbot(["score", "token-replay", answer], "", undefined, home);
    assert.equal(judged.code, 0, judged.stderr);
    assert.match(judged.stdout, /closest accepted: “do all 5 families[^”]*evil\.example[^”]*” — .*raw-log check/);
    for (const control of ["\u001b", "\u0007", "\u009b"]) assert.ok(!judged.stdout.includes(control), JSON.stringify(judged.stdout));
  });

  it("gives JSON with --json and helps with a wrong scenario name or no answer", () => {
    const json = drillbot(["score", "cache-miss", "argocd app history catalog-api", "--json"]);
    const verdict = JSON.parse(json.stdout) as { correct: boolean; reason: string };
    assert.equal(verdict.correct, true);
    const typo = drillbot(["score", "payment-5x", "check"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean payment-5xx/);
    assert.match(drillbot(["score", "payment-5xx"]).stderr, /usage: drillbot score/);
  });
});

describeStores("drillbot review", (open) => {
  it("walks the answers, unsure ones first, and records each decision with who made it", async () => {
    const db = await open();
    const id = await recordedDrill(db);
    // Order: needs-review answers first; then the rest in answer order. Decide on each.
    const walk = drillbot(["review", String(id), "--user", "fran"], "a\nr\nhuh\nr\na\n", db);
    assert.equal(walk.code, 0, walk.stderr);
    assert.match(walk.stdout, /4 answer\(s\), \d marked needs review \(shown first\)/);
    assert.match(walk.stdout, /"huh" is not a choice/);
    assert.match(walk.stdout, /4 decision\(s\) recorded by fran/);

    const stores = await db.another();
    const reviews = await stores.drills.listReviews(id);
    assert.equal(reviews.length, 4);
    assert.ok(reviews.every((r) => r.by.name === "fran" && r.via === "terminal"));
    const drill = await stores.drills.loadDrill(id);
    const decided = new Map(drill?.responders.map((r) => [r.user.id, r.firstMove?.override?.correct]));
    // The debrief and its figures follow the decisions.
    const debrief = drillbot(["debrief", String(id)], "", db);
    assert.match(debrief.stdout, /(confirmed|overridden) by fran/);
    const correct = [...decided.values()].filter(Boolean).length;
    assert.match(debrief.stdout, new RegExp(`Team: ${correct} of 4 responder`));
  });

  it("stops at q and explains a missing drill", async () => {
    const db = await open();
    const id = await recordedDrill(db);
    const quit = drillbot(["review", String(id)], "q\n", db);
    assert.match(quit.stdout, /0 decision\(s\) recorded by tester/);
    assert.match(drillbot(["review", "99"], "", db).stderr, /no drill #99/);
    assert.match(drillbot(["review", "x"]).stderr, /usage: drillbot review/);
  });
});

describeStores("drillbot rubric eval and suggest", (open) => {
  it("scores the rubric against its samples and every reviewed answer in the database", async () => {
    const db = await open();
    const id = await recordedDrill(db);
    const samplesOnly = drillbot(["rubric", "eval", "payment-5xx"], "", db);
    assert.match(samplesOnly.stdout, /0 reviewed by people/);
    assert.match(samplesOnly.stdout, /accuracy {6}100\.0%/);

    // People accept the kubectl one-liner (the rubric rejected it) and reject the hand-off (it accepted it).
    const stores = await db.another();
    const service = new DrillService(stores.drills, scenarios, new FakeClock(Date.UTC(2026, 2, 2, 11)));
    assert.ok((await service.overrideScore(id, "U4", true, { id: "U1", name: "ana" }, "slack")).ok);
    assert.ok((await service.overrideScore(id, "U5", false, { id: "U1", name: "ana" }, "slack")).ok);
    assert.ok((await service.overrideScore(id, "U2", true, { id: "U1", name: "ana" }, "slack")).ok);

    const evaluated = drillbot(["rubric", "eval", "payment-5xx"], "", db);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /3 reviewed by people/);
    // Judged as a drill judges them: the rubric rejects the kubectl one-liner, but answers worded
    // like it among payment-5xx's precedents were accepted, so it is correct; the hand-off stays wrong.
    assert.match(evaluated.stdout, /judged by the rubric and \d+ precedents \(precedents\/payment-5xx\.yml; 1 verdict\(s\) overruled\)/);
    assert.match(evaluated.stdout, /false rejects 0\.0% \(0 of \d+ acceptable answers called wrong\)/);
    assert.match(evaluated.stdout, /false accepts \d+\.\d% \(1 of \d+ unacceptable answers called correct\)/);
    assert.match(evaluated.stdout, /false accept \(drill #\d+, decided by ana\): “check the status page and hope/);

    const suggested = drillbot(["rubric", "suggest", "payment-5xx"], "", db);
    assert.equal(suggested.code, 0, suggested.stderr);
    assert.match(suggested.stdout, /add to first_move\.rubric\.core: "[^"]+"/);
    assert.match(suggested.stdout, /add to first_move\.rubric\.risky: "[^"]+"/);
  });
});

describeStores("drillbot rubric precedents", (open) => {
  it("keeps the answers facilitators decided on as the team scenario's precedents, once each", async () => {
    const db = await open();
    // The team's own copy of payment-5xx (it replaces the built-in one), without precedents yet.
    const home = tempDir();
    mkdirSync(join(home, "scenarios"));
    mkdirSync(join(home, "runbooks"));
    copyFileSync(join(REPO_ROOT, "runbooks/payment-5xx.md"), join(home, "runbooks/payment-5xx.md"));
    copyFileSync(join(REPO_ROOT, "scenarios/payment-5xx.yml"), join(home, "scenarios/payment-5xx.yml"));
    const team = loadCatalog(resolveConfig(home, { DRILLBOT_HOME: home })).scenarios;
    const id = await recordedDrill(db, team);
    const service = new DrillService((await db.another()).drills, team, new FakeClock(Date.UTC(2026, 2, 2, 11)));
    assert.ok((await service.overrideScore(id, "U4", true, { id: "U1", name: "ana" }, "slack")).ok);
    assert.ok((await service.overrideScore(id, "U5", false, { id: "U1", name: "ana" }, "slack")).ok);

    const added = drillbot(["rubric", "precedents", "payment-5xx"], "", db, home);
    assert.equal(added.code, 0, added.stderr);
    assert.match(
      added.stdout,
      /2 decided answer\(s\) added to .*precedents\/payment-5xx\.yml \(2 decided in all; the file now holds 1 accepted and 1 rejected\)/,
    );
    assert.match(added.stdout, /at least 10 of each label; until then the rubric judges alone/);
    const path = join(home, "scenarios/precedents/payment-5xx.yml");
    const file = readCorpusFile(path).files[0];
    assert.deepEqual(
      file?.answers.map((a) => [a.text.slice(0, 14), a.accept, a.why]),
      [
        ["kubectl logs d", true, undefined],
        ["check the stat", false, `decided in drill #${id}`],
      ],
    );
    // A hand edit stays; a second run adds nothing, and says where a decision and the file disagree.
    writeFileSync(path, `${readFileSync(path, "utf8").replace("label: accept", "label: reject")}  # checked by hand\n`);
    const again = drillbot(["rubric", "precedents", "payment-5xx"], "", db, home);
    assert.match(again.stdout, /0 decided answer\(s\) added/);
    assert.match(again.stdout, /1 decided answer\(s\) already there with the other label[\s\S]*“kubectl logs/);
    assert.match(readFileSync(path, "utf8"), /# checked by hand/);
    // The built-in scenario's precedents ship with drillbot.
    const builtin = drillbot(["rubric", "precedents", "payment-5xx"], "", db);
    assert.equal(builtin.code, 2);
    assert.match(builtin.stderr, /payment-5xx is a built-in scenario: its precedents ship with drillbot/);
  });
});

/** A team folder with its own copy of payment-5xx (it replaces the built-in one), and its catalog. */
function teamCopy() {
  const home = tempDir();
  mkdirSync(join(home, "scenarios"));
  mkdirSync(join(home, "runbooks"));
  copyFileSync(join(REPO_ROOT, "runbooks/payment-5xx.md"), join(home, "runbooks/payment-5xx.md"));
  copyFileSync(join(REPO_ROOT, "scenarios/payment-5xx.yml"), join(home, "scenarios/payment-5xx.yml"));
  return { home, team: loadCatalog(resolveConfig(home, { DRILLBOT_HOME: home })).scenarios };
}

describeStores("drillbot rubric precedents and roles", (open) => {
  it("leaves out answers given in a role with its own first move, and keeps every answer's text as typed", async () => {
    const db = await open();
    const { home, team } = teamCopy();
    const clock = new FakeClock(Date.UTC(2026, 2, 3, 10));
    const service = new DrillService(db.stores.drills, team, clock);
    const started = await service.start({ scenarioId: "payment-5xx", startedBy: { id: "U1", name: "ana" }, venue: "C1", surface: "slack" });
    assert.ok(started.ok);
    const id = started.drill.state.id;
    // Comms has a first move of its own (a status update); the IC answers the scenario's.
    const comms = "post in #incident-payments: ~10% of card auths failing, next update in 15 min";
    const tricky = 'is it only paycore? "5xx: by provider" # not a comment\n- text: injected\nlabel: accept \u2028 \\n done';
    const quoted = "check: 'the provider dash' — & <b>status page</b>: {a: [1]} *bold* `code`";
    for (const [userId, role, text] of [
      ["U2", "comms", comms],
      ["U3", "ic", tricky],
      ["U4", null, quoted],
    ] as const) {
      clock.advance(10_000);
      if (role) assert.ok((await service.takeRole(id, { id: userId, name: userId }, role)).ok);
      assert.ok((await service.submitFirstMove(id, { id: userId, name: userId }, text)).ok);
    }
    assert.ok((await service.end(id, "ana", "manual")).ok);
    for (const [userId, correct] of [
      ["U2", true],
      ["U3", false],
      ["U4", true],
    ] as const)
      assert.ok((await service.overrideScore(id, userId, correct, { id: "U1", name: "ana" }, "slack")).ok);

    const added = drillbot(["rubric", "precedents", "payment-5xx"], "", db, home);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /2 decided answer\(s\) added to .*\(2 decided in all; the file now holds 1 accepted and 1 rejected\)/);
    assert.match(added.stdout, /1 decided answer\(s\) given in a role with its own first move left out/);
    const file = readCorpusFile(join(home, "scenarios/precedents/payment-5xx.yml"));
    assert.deepEqual(file.problems, []);
    assert.deepEqual(
      file.files[0]?.answers.map((a) => [a.text, a.accept]),
      [
        [tricky, false],
        [quoted, true],
      ],
    );
    // The rubric's own measure leaves the comms answer out too: it was never the scenario's move.
    assert.match(drillbot(["rubric", "eval", "payment-5xx"], "", db, home).stdout, /2 reviewed by people/);
  });

  it("adds nothing to a file drills do not read or that it would break, and leaves it as it was", async () => {
    const db = await open();
    const { home, team } = teamCopy();
    const id = await recordedDrill(db, team);
    const service = new DrillService((await db.another()).drills, team, new FakeClock(Date.UTC(2026, 2, 2, 11)));
    assert.ok((await service.overrideScore(id, "U4", true, { id: "U1", name: "ana" }, "slack")).ok);
    const path = join(home, "scenarios/precedents/payment-5xx.yml");
    mkdirSync(join(home, "scenarios/precedents"));
    for (const [text, why] of [
      [
        'scenario: token-replay\nanswers:\n  - text: "check the auth logs"\n    label: accept\n',
        /scenario: is "token-replay", but this file holds the precedents of "payment-5xx"/,
      ],
      ['answers:\n  - text: "check the provider dash"\n    label: accept\nscenario: payment-5xx\n', /answers: must be the file's last key/],
    ] as const) {
      writeFileSync(path, text);
      const refused = drillbot(["rubric", "precedents", "payment-5xx"], "", db, home);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, why);
      assert.equal(readFileSync(path, "utf8"), text);
    }
  });
});

/** An ended payment-5xx drill in which each [user id, text] answered. */
async function drillWith(db: TestDatabase, catalog: Map<string, Scenario>, answers: readonly (readonly [string, string])[], at: number) {
  const clock = new FakeClock(at);
  const service = new DrillService(db.stores.drills, catalog, clock);
  const started = await service.start({ scenarioId: "payment-5xx", startedBy: { id: "U1", name: "ana" }, venue: "C1", surface: "slack" });
  assert.ok(started.ok);
  const id = started.drill.state.id;
  for (const [userId, text] of answers) {
    clock.advance(10_000);
    assert.ok((await service.submitFirstMove(id, { id: userId, name: userId }, text)).ok);
  }
  assert.ok((await service.end(id, "ana", "manual")).ok);
  return { id, service };
}

describeStores("drillbot rubric eval and precedents, on answers already judged", (open) => {
  it("measures a decided answer as if nobody had judged it before: its own precedent is left out", async () => {
    const db = await open();
    // In payment-5xx's precedents, rejected (it sums by pod, not by provider); the rubric accepts it.
    const query = 'sum by (pod) (rate(payments_provider_requests_total{code=~"5.."}[5m]))';
    const { id, service } = await drillWith(db, scenarios, [["U2", query]], Date.UTC(2026, 2, 4, 10));
    assert.ok((await service.overrideScore(id, "U2", false, { id: "U1", name: "ana" }, "slack")).ok);
    const evaluated = drillbot(["rubric", "eval", "payment-5xx"], "", db);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /false accept \(drill #\d+, decided by ana\): “sum by \(pod\)/);
  });

  it("keeps the latest decision on an answer given in several drills", async () => {
    const db = await open();
    const { home, team } = teamCopy();
    const answer = "check the provider errors dash: is it only paycore?";
    const first = await drillWith(db, team, [["U2", answer]], Date.UTC(2026, 2, 4, 10));
    assert.ok((await first.service.overrideScore(first.id, "U2", true, { id: "U1", name: "ana" }, "slack")).ok);
    const second = await drillWith(db, team, [["U3", `${answer.toUpperCase()}!`]], Date.UTC(2026, 2, 5, 10));
    assert.ok((await second.service.overrideScore(second.id, "U3", false, { id: "U1", name: "ana" }, "slack")).ok);
    const added = drillbot(["rubric", "precedents", "payment-5xx"], "", db, home);
    assert.equal(added.code, 0, added.stderr);
    const file = readCorpusFile(join(home, "scenarios/precedents/payment-5xx.yml")).files[0];
    assert.deepEqual(
      file?.answers.map((a) => [a.accept, a.why]),
      [[false, `decided in drill #${second.id}`]],
    );
  });
});

describe("drillbot rubric usage", () => {
  it("explains its usage", () => {
    assert.match(drillbot(["rubric", "nope", "payment-5xx"]).stderr, /usage: drillbot rubric eval/);
    assert.match(drillbot(["rubric", "eval", "payment5xx"]).stderr, /did you mean payment-5xx/);
  });
});
