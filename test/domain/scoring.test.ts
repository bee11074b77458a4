import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { builtinLexicon } from "../../src/catalog/lexicon.js";
import { compileLexicon } from "../../src/domain/lexicon.js";
import { compileRubric, firstMoveScore, type RubricV2, verdictOf } from "../../src/domain/scoring.js";
import { toWords } from "../../src/domain/words.js";
import { REPO_ROOT } from "../helpers.js";

// A small lexicon of its own, so these tests say what the scorer does, not what the shipped
// lexicon happens to hold.
const lexicon = compileLexicon([
  {
    groups: {
      dashboard: ["dash", "grafana", "datadog"],
      provider: ["psp", "vendor"],
      error: ["errors", "5xx"],
      "status page": ["statuspage"],
      restart: ["bounce", "rollout restart"],
      "roll back": ["rollback", "revert"],
      delete: ["wipe", "rm"],
      credential: ["creds"],
    },
    forms: { containers: "container", container: "container" },
  },
]);

const payment: RubricV2 = {
  core: [["provider error", "by provider", "one provider", "status page"]],
  supporting: [["by provider", "provider error"], ["status page"]],
  risky: ["restart", "roll back", "fail over", "delete session", "rotate credential"],
};
const rubric = compileRubric(payment, lexicon);
const score = (answer: string, r = rubric) => firstMoveScore(answer, r);

describe("first-move scoring v2", () => {
  it("accepts a right but shorter move and says what it left out", () => {
    const v = score("confirm on the provider-errors dashboard that the 5xx are confined to one provider");
    assert.equal(v.correct, true);
    assert.match(v.reason, /left out: status page/);
    assert.deepEqual(
      v.supporting.map((s) => s.matched !== null),
      [true, false],
    );
  });

  it("matches plurals and tenses on stems, synonyms through the lexicon, words in between", () => {
    assert.equal(score("checking PSP 5xx rates per region").correct, true); // psp → provider, 5xx → error
    assert.equal(score("are the vendors' errors all on one of them?").correct, true);
    assert.equal(score("errors broken down by our biggest provider").correct, true);
    assert.equal(score("look at the statuspage").correct, true);
  });

  it("keeps a word whose one capital ends it whole (IdP, SaaS), and splits real camelCase", () => {
    assert.deepEqual(
      toWords("IdP SaaS headRefOid", new Map()).map((w) => w.raw),
      ["idp", "saas", "head", "ref", "oid"],
    );
  });

  it("reads a possessive as its noun ('the PSP's errors'), and keeps contractions ('it's', 'let's')", () => {
    const prs = compileRubric({ core: [["pr checks"]] }, lexicon);
    assert.equal(score("the PR's checks on its head commit", prs).correct, true);
    assert.deepEqual(
      toWords("it's fine, let's check the db's cpu", new Map()).map((w) => w.raw),
      ["its", "fine", "lets", "check", "the", "db", "cpu"],
    );
  });

  it("ignores case, punctuation, accents and invisible characters", () => {
    assert.equal(score("CHECK THE STATUS‐PAGE!!").correct, true);
    assert.equal(score("sta\u200Btus pa\u202Ege").correct, true);
    assert.equal(score("vérifier le status page").correct, true);
  });

  it('matches a two-word term turned around "of" ("errors of each provider"), not around "for"', () => {
    assert.equal(score("look at the errors of each provider").correct, true);
    assert.equal(score("look at the errors for the checkout provider page").correct, false);
  });

  it("finds a risky action with words in between, and fails the move", () => {
    const v = score("check the status page and then wipe every session");
    assert.equal(v.correct, false);
    assert.deepEqual(v.risky, ["wipe every session"]);
    assert.deepEqual(score("status page first, then rotate the role's credentials").risky, ["rotate the role credentials"]);
    assert.deepEqual(score("status page ok, kubectl rollout restart deploy/gw").risky, ["rollout restart"]);
  });

  it("does not count a risky action the answer negates or defers", () => {
    for (const answer of [
      "check the status page; don't restart anything yet",
      "check the status page, dont restart",
      "check the status page before rolling back",
      "look at the status page rather than roll back",
      "status page first, no restart no rollback",
      "is it one provider? nothing gets restarted until we know",
    ]) {
      const v = score(answer);
      assert.equal(v.correct, true, `${answer}: ${v.reason}`);
    }
    assert.equal(score("restart the pods before checking the status page").correct, false);
  });

  it("does not count a core concept the answer dismisses", () => {
    const v = score("no need to check the status page, just restart");
    assert.equal(v.correct, false);
    assert.equal(v.core[0]?.negated, true);
    assert.match(v.reason, /dismissed/);
    assert.equal(score("skip the status page and the dashboard, just fail over to northpay").correct, false);
    assert.equal(score("don't bother with the status page").correct, false);
  });

  it("reads a risky verb in the past participle, or asked about in the past, as a state, not an action", () => {
    assert.equal(score("status page, and was anything restarted at 14:00?").correct, true);
    assert.equal(score("status page; did someone roll back the gateway?").correct, true);
    assert.equal(score("status page, was there a restart recently?").correct, true);
    assert.equal(score("status page, then restart").correct, false);
    assert.equal(score("status page: did the operator even restart the gateway pods?").correct, true);
    // A question about what happened, however long, is not a proposal; "should we…?" is.
    assert.equal(score("status page first. when did the gateway team last roll back the release?").correct, true);
    assert.deepEqual(score("status page first. should we roll back the release?").risky, ["roll back"]);
    // After "there was" the state is the noun's: the verb that follows is an action.
    assert.deepEqual(score("check the status page and if there was an incident restart the gateway").risky, ["restart"]);
  });

  it("reads a risky term written as a participle as the action, and a core participle as a state, not an order", () => {
    const edge = compileRubric({ core: [["deactivated in okta", "status page"]], risky: ["managed challenge"] }, lexicon);
    assert.deepEqual(score("status page, then managed_challenge on /login", edge).risky, ["managed challenge"]);
    assert.equal(score("is j.doe really deactivated in okta?", edge).correct, true);
    assert.equal(score("deactivate j.doe in okta", edge).correct, false);
  });

  it('reads a risky noun a modal follows as a consequence, not the move ("a revert would ship through the bypass")', () => {
    assert.equal(score("status page first; no rollback yet, a rollback would lose the evidence").correct, true);
    assert.deepEqual(score("status page, then do a rollback").risky, ["rollback"]);
  });

  it("reads a risky verb after a subject, in the clause after an if-clause, as reasoning, not a move", () => {
    assert.equal(score("status page. if only paycore fails, their release rolled back badly").correct, true);
    assert.deepEqual(score("status page; if its paycore restart the gateway").risky, ["restart"]);
    assert.deepEqual(score("status page; if its paycore, the gateway needs a restart").risky, ["restart"]);
    assert.deepEqual(score("status page; if its paycore, restart the gateway").risky, ["restart"]);
  });

  it("reads 'before' and 'until' as putting off their whole clause, however long", () => {
    assert.deepEqual(score("before anyone touches the gateway config or asks us to restart the pods, status page").risky, []);
    assert.deepEqual(score("status page, then restart the pods and the gateway config, whatever people asked before").risky, ["restart"]);
  });

  it("reads a risky action after 'what to' or 'think about' as what the check decides", () => {
    assert.deepEqual(score("status page first so we know what to roll back").risky, []);
    assert.deepEqual(score("by provider on the dashboard. Only then do we think about restarting").risky, []);
    assert.deepEqual(score("status page first so we know exactly what we'd be restarting").risky, []);
    assert.deepEqual(score("status page, then what we need is to restart").risky, ["restart"]);
    assert.deepEqual(score("status page, then think hard and restart").risky, ["restart"]);
  });

  it("reads 'wait with the restart' as putting it off, like 'hold off on'", () => {
    assert.equal(score("Please wait with the restart. I check the status page first").correct, true);
    assert.equal(score("hold off on the restart, status page first").correct, true);
    assert.deepEqual(score("status page, then restart and wait with the rest").risky, ["restart"]);
  });

  it('reads a risky action the check will decide as not taken ("that tells us restart vs wait")', () => {
    assert.equal(score("status page first, that tells us restart vs wait").correct, true);
  });

  it("accepts a next step made conditional on the check, never an unconditional one or a plain risky action", () => {
    const nextStep = compileRubric(
      { ...payment, risky: payment.risky?.filter((r) => r !== "fail over"), after_check: ["fail over"] },
      lexicon,
    );
    const conditional = score("5xx by provider on the dash. if it's only paycore -> fail over to northpay", nextStep);
    assert.equal(conditional.correct, true, conditional.reason);
    assert.equal(conditional.needsReview, true);
    assert.deepEqual(conditional.conditional, ["fail over"]);
    assert.match(conditional.reason, /only if the check confirms: “fail over”/);
    assert.equal(score("status page, and fail over to northpay if they have an incident", nextStep).correct, true);
    assert.deepEqual(score("5xx by provider on the dash, then fail over to northpay", nextStep).risky, ["fail over"]);
    assert.deepEqual(score("5xx by provider on the dash. if it's paycore, restart the gateway", nextStep).risky, ["restart"]);
    // The condition does not reach past a full stop.
    assert.equal(score("if it's paycore we know. fail over to northpay", nextStep).correct, false);
  });

  it("lets a conditional next step keep its words when a risky group also names them", () => {
    // "revert" is in the roll back group, which stays risky; the runbook's next step names it too.
    const both = compileRubric({ ...payment, after_check: ["revert"] }, lexicon);
    const v = score("status page first; if paycore is down we revert", both);
    assert.equal(v.correct, true, v.reason);
    assert.deepEqual(v.conditional, ["revert"]);
    assert.deepEqual(score("status page, then revert", both).risky, ["revert"]);
  });

  it('ends a dismissal at "and": what follows is a new action', () => {
    assert.deepEqual(score("skip the status page and restart the gateway").risky, ["restart"]);
    assert.deepEqual(score("status page, don't restart and roll back").risky, []);
  });

  it('rejects a vague "look into <the right thing>", and marks it for review', () => {
    const v = score("look into the provider errors");
    assert.equal(v.correct, false);
    assert.equal(v.needsReview, true);
    assert.match(v.reason, /^vague: “look into the provider errors”/);
    assert.equal(score("investigate the 5xx by provider").correct, false);
    // A question, a query or more detail make it a check.
    assert.equal(score("look into the provider errors: is it only paycore?").correct, true);
    assert.equal(score("investigate the provider errors split by endpoint on the grafana dash").correct, true);
    assert.equal(score("dig into 5xx by provider | sum by (provider)").correct, true);
    assert.match(score("keep an eye on the provider errors").reason, /^vague/);
    assert.match(score("watch the status page").reason, /^vague/);
  });

  it("rejects handing the move to someone else, unless telling people is the move", () => {
    const v = score("ask paycore if their status page shows an incident");
    assert.equal(v.correct, false);
    assert.equal(v.needsReview, true);
    assert.match(v.reason, /^hands off: “ask paycore/);
    assert.equal(score("first check the provider errors, then ping security").correct, true);
    for (const handOff of [
      "have the payments team check the provider errors",
      "get someone from payments to look at the status page",
      "hey @payments-oncall can you ask paycore about the status page",
      "@payments-oncall the provider errors are yours",
      "check with the payments team whether the 5xx are by provider",
      "open a jira for payments: provider errors up",
      "loop in the payments team on the status page",
      "who's on payments? can someone ask paycore about the provider errors",
      "open an AWS support case about the provider errors",
      "tell the payments team to check the provider errors",
    ])
      assert.match(score(handOff).reason, /^hands off/, handOff);
    // Asking someone to run the right check names the right first move: correct, for review.
    for (const request of [
      "@payments-oncall can you check the 5xx by provider?",
      "hey @payments-oncall can you check the status page",
      "could someone check the status page",
      "who's on payments? can someone check the provider errors",
      "can somebody pull the 5xx split by provider",
      "can someone with grafana access check the 5xx by provider?",
      "@payments-oncall kubectl logs on the gateway for the 5xx by provider pls",
      "can someone with grafana access tell us which provider the 5xx come from?",
      "@payments-oncall tell me if the status page shows an incident",
    ]) {
      const r = score(request);
      assert.equal(r.correct, true, request);
      assert.equal(r.needsReview, true, request);
    }
    // A hand-off next to the responder's own move is coordination: the own move is scored.
    assert.equal(score("@bob can you page security while I check the provider errors split by provider").correct, true);
    assert.equal(score("@nina please ask paycore for an ETA; I'm checking their status page now").correct, true);
    assert.equal(score("@bob can you page security while I restart the gateway").correct, false);
    assert.match(score("@bob please ask paycore about the status page, I think it's them").reason, /^hands off/);
    // "I'm on <a thing>" is the responder's own check; "I'm on it" and leaving are not.
    assert.equal(score("@bob ask paycore for an ETA pls, I'm on the provider errors dashboard").correct, true);
    assert.match(score("@bob ask paycore about the status page, I'm on it").reason, /^hands off/);
    assert.match(score("@bob please ask paycore about the status page, I'm heading to lunch").reason, /^hands off/);
    // "I'm <word> <doing>" and "I've <done>" are the responder's own move too; "I've no access" is not.
    assert.equal(score("@nina please ask paycore for an ETA; I'm also checking their status page").correct, true);
    assert.equal(score("@nina paycore side please (ETA, incident); I've got the provider errors dashboard open").correct, true);
    assert.match(score("@bob please ask paycore about the status page, I've no access").reason, /^hands off/);
    assert.equal(score("check with grafana whether the 5xx are by provider").correct, true);
    assert.equal(score("one provider? checking with grafana before anyone restarts").correct, true);
    assert.equal(score("get the provider errors + owner references first").correct, true);
    assert.equal(score("provider errors? one provider? status page? posting in channel").correct, true);
    assert.match(score("provider errors? open a ticket with paycore").reason, /^hands off/);
    assert.equal(score("only one provider? check their status page").correct, true);
    assert.equal(score("get the status page and the provider errors").correct, true);
    const comms = compileRubric({ core: [["status update", "post an update"]], risky: ["restart"] }, lexicon);
    assert.equal(score("post a status update in #incident: cards failing for 10%", comms).correct, true);
  });

  it("does not count a core term that is about the wrong thing (off_target), and says so", () => {
    const cache = compileRubric({ core: [["connections", "last deploy"]], off_target: ["=redis connections"], risky: ["flush"] }, lexicon);
    const v = score("check redis connections and memory", cache);
    assert.equal(v.correct, false);
    assert.match(v.reason, /checks the wrong thing: “redis connections”/);
    assert.equal(v.needsReview, true);
    assert.equal(score("catalog-db connections and redis memory", cache).correct, true);
    // The thing a check is run on ("for", "against", "on", "of" and a few words) is what it is about.
    const key = compileRubric({ core: [["status page"]], off_target: ["backup vendor"] }, lexicon);
    assert.equal(score("status page for our EU backup vendor", key).correct, false);
    assert.equal(score("status page; the backup vendor can wait", key).correct, true);
    // One word may stand between an off-target thing and the check it modifies: "the backup vendor EU status page".
    assert.equal(score("check the backup vendor EU status page", key).correct, false);
  });

  it('reads a thing the answer calls useless, pointless or too slow as dismissed ("the status page is useless")', () => {
    assert.match(score("the status page is useless, its our side").reason, /dismissed: provider error/);
    assert.match(score("the provider errors wont help us").reason, /dismissed/);
    assert.equal(score("check the status page, restarting wont help if its paycore").correct, true);
    assert.deepEqual(score("status page then restart, waiting is pointless").risky, ["restart"]);
  });

  it("says which core concept is missing", () => {
    const v = score("investigate the issue and keep an eye on it");
    assert.equal(v.correct, false);
    assert.equal(v.reason, "missing: provider error");
  });

  it("requires every core concept", () => {
    const two = compileRubric({ core: ["dashboard", ["status page", "provider status"]], risky: ["restart"] }, lexicon);
    assert.equal(score("check grafana", two).correct, false);
    assert.equal(score("check grafana and the provider status", two).correct, true);
  });

  it("keeps words apart that only a stemmer would join (lexicon forms)", () => {
    const contain = compileRubric({ core: ["contain"], risky: ["delete"] }, lexicon);
    assert.equal(score("check disallow-privileged-containers", contain).correct, false);
    assert.equal(score("contain the pod", contain).correct, true);
  });

  it("matches a term exactly, without its lexicon group, when a word is written =word", () => {
    const exact = compileRubric({ core: ["=grafana"], risky: ["restart"] }, lexicon);
    assert.equal(score("open grafana", exact).correct, true);
    assert.equal(score("open datadog", exact).correct, false);
  });

  it("marks a correct answer for review when it names no supporting concept, or something the scenario does not", () => {
    const coreOnly = score("paycore 5xx one provider?");
    assert.equal(coreOnly.correct, true, coreOnly.reason);
    assert.match(coreOnly.reviewReason ?? "", /core alone/);
    const scoped = compileRubric({ ...payment, names: { provider: ["paycore", "northpay"] } }, lexicon);
    const scenarioText = { knownText: "payments-gateway 5xx from paycore, provider errors on the payments dashboard" };
    const withText = compileRubric({ ...payment }, lexicon, scenarioText);
    const other = firstMoveScore("provider errors on the dash for billing-api first, status page after", withText);
    assert.equal(other.correct, true, other.reason);
    assert.match(other.reviewReason ?? "", /names something the scenario does not/);
    assert.equal(firstMoveScore("provider errors on the dash first, status page after", withText).needsReview, false);
    assert.equal(firstMoveScore("is it one psp? provider errors by provider", scoped).needsReview, false);
    // A risky action read as negated no longer asks for a look (right 534 times in 535, measured).
    const v = score("check the status page, no restart");
    assert.equal(v.correct, true);
    assert.equal(v.needsReview, false);
  });

  it("reads the old must/must_not shape as core and risky", () => {
    const old = compileRubric({ must: [["status page"], ["dashboard", "verif*"]], must_not: ["restart"] }, lexicon);
    assert.equal(score("verify on the dash and the status page", old).correct, true);
    assert.equal(score("status page then restart", old).correct, false);
  });

  it("renders a v1 score stored by an older drill", () => {
    const v = verdictOf(
      { correct: false, matched: ["status page", null], missingGroups: [1], forbidden: ["restart"] },
      { must: [["status page"], ["dashboard", "grafana"]], must_not: ["restart"] },
    );
    assert.equal(v.correct, false);
    assert.equal(v.reason, "risky: “restart”; missing: dashboard");
  });

  it("splits identifiers from commands into words", () => {
    assert.deepEqual(
      toWords("JA3Hash headRefOid revoked_at ASNs").map((w) => w.raw),
      ["ja3", "hash", "head", "ref", "oid", "revoked", "at", "asns"],
    );
  });

  it('keeps the particle of "turn on" (a change), but "on" elsewhere is filler', () => {
    const enable = compileLexicon([{ groups: { enable: ["turn on"] }, forms: {} }]);
    const turnOn = compileRubric({ core: [["okta"]], risky: ["enable"] }, enable);
    assert.deepEqual(firstMoveScore("turn on SCIM push deactivation in okta", turnOn).risky, ["turn on"]);
    assert.equal(firstMoveScore("turn to okta: is the user deactivated? on which day?", turnOn).correct, true);
  });

  it("reads an API or event name a query searches for (DeleteSession) as a name, never as the action", () => {
    assert.equal(score("status page, and cloudtrail lookup-events AttributeValue=DeleteSession").correct, true);
    assert.deepEqual(score("status page, then delete the session").risky, ["delete the session"]);
  });

  it("reads what grep or a LogQL filter searches for as a pattern, never as the action", () => {
    assert.equal(score("status page, and kubectl logs deploy/gw | grep -i restart | head").correct, true);
    assert.equal(score('status page; logcli query \'{app="gw"} |= "rollback"\'').correct, true);
    assert.deepEqual(score("status page | grep 5xx; then restart the gateway").risky, ["restart"]);
  });

  it('reads "deploy/name" as the Kubernetes object, not an act of deploying', () => {
    const deploys = compileRubric({ core: [["deploy"]], risky: ["restart"] }, lexicon);
    assert.equal(score("kubectl logs deploy/catalog-api | grep miss", deploys).correct, false);
    assert.equal(score("kubectl get deployment.apps/catalog-api", deploys).correct, false);
    assert.equal(score("when was the last deploy of catalog-api?", deploys).correct, true);
  });

  it("reads a command-line option (--rm) as how a command runs, but an option with a value still acts", () => {
    assert.equal(score("status page, and kubectl run probe --rm -it --image=curl -- curl the psp").correct, true);
    const keys = compileRubric({ core: [["status page"]], risky: ["status inactive"] }, lexicon);
    assert.deepEqual(score("status page; aws iam update-access-key --status Inactive", keys).risky, ["status inactive"]);
  });

  it("reads a risky word a check looks for as what it searches, not the action", () => {
    assert.equal(score("status page, and the audit log for restarts or a rollback").correct, true);
    assert.deepEqual(score("status page, then go for a rollback").risky, ["rollback"]);
  });

  it("takes a numbered plan's first steps as the first move: step 3 on, or a step 2 that depends on the check, comes later", () => {
    assert.equal(score("1) provider errors on the dash 2) status page 3) restart if it is ours").correct, true);
    assert.equal(score("1) provider errors on the dash 2) if it is ours, roll back").correct, true);
    assert.deepEqual(score("1) provider errors on the dash 2) restart the gateway").risky, ["restart"]);
    // Not a plan without a step 1 and a step 2.
    assert.deepEqual(score("status page. wait 3. restart").risky, ["restart"]);
  });

  it("does not count a core move that only follows a condition on something else", () => {
    const isolate = compileRubric({ core: [["isolate"]], risky: ["delete"] }, lexicon);
    const v = score("check the audit log for an exec first, if nobody exec'd then isolate", isolate);
    assert.equal(v.correct, false);
    assert.match(v.reason, /only after something else: “isolate”/);
    assert.equal(score("isolate it now, and check the audit log", isolate).correct, true);
    // What the condition itself checks counts: "if it's only one provider".
    assert.equal(score("if it is one provider, we wait").correct, true);
    // "see if" asks, it does not condition.
    assert.equal(score("check the logs to see if it moved, then isolate", isolate).correct, true);
  });

  it("reads negations in other languages and 'wouldn't' before a risky action", () => {
    assert.deepEqual(score("status page, nada de restart").risky, []);
    assert.deepEqual(score("I wouldn't restart anything yet, status page first").risky, []);
    assert.deepEqual(score("quitar el label del service, status page").risky, []);
  });

  it("reads a joined yes/no question about a setting as asking, not doing", () => {
    const batch = compileRubric({ core: [["status page"]], risky: ["suspend"] }, lexicon);
    assert.deepEqual(score("status page? and is suspend still false?", batch).risky, []);
    assert.deepEqual(score("status page, then suspend the job", batch).risky, ["suspend"]);
  });

  it("reads risky words that are not the responder's action: lists under one negation, consequences, deferrals, emoji, names", () => {
    const correct = (answer: string) => assert.equal(score(answer).correct, true, answer);
    const wrong = (answer: string) => assert.equal(score(answer).correct, false, answer);
    // A negation heads its list across commas.
    correct("checking the provider errors. I won't restart, delete or roll back anything yet");
    wrong("checking the provider errors, no dashboards, restart the gateway");
    // A clause that says something is no list item: the negation stays behind it.
    wrong("no need to check the status page, its obviously the provider - restart and move on");
    // What something would do, not what the responder does.
    correct("check the status page; a rollback right now would wipe the evidence");
    correct("check the status page first. Restarting it would only hide the provider errors");
    correct("check the status page, no global restart — that would kick everyone and wipe the sessions");
    wrong("check the status page and restart the gateway, which would clear the errors");
    // Later, not first.
    correct("check the provider errors by provider. Roll back only after that");
    correct("check the status page; roll back later if it's ours");
    // Asked about, a page taken, a function's name.
    correct("check the provider errors by provider, then the audit log for who made the rollback");
    correct(":rotating_light: ack. checking the status page");
    correct("status page first; looks like deleteSession ran twice");
    // A new first-person statement ends a negation: the check after it still counts.
    correct("+1 to not restarting :pray: I'm checking the status page now");
  });

  it("reads the shared state-changing verbs as risky in every rubric where they are the responder's move", () => {
    const shared = compileLexicon([
      {
        groups: { provider: ["psp"], error: ["errors", "5xx"], "change state": ["set", "setting", "alter", "alter role", "attach"] },
        forms: {},
      },
    ]);
    const r = compileRubric({ core: [["provider error", "by provider"]], risky: ["restart"] }, shared);
    const verdict = (answer: string) => firstMoveScore(answer, r);
    assert.match(verdict("checked the errors by provider, it's paycore. Setting max_attempts 3 on the client").reason, /risky: “setting”/);
    assert.equal(verdict("errors by provider, and meanwhile running ALTER ROLE on the db user").correct, false);
    assert.equal(verdict("errors by provider then attach the deny policy").correct, false);
    // "I'll" before the verb makes it the responder's move wherever the clause starts.
    assert.equal(verdict("errors by provider: since it's one psp I'll set max_attempts to 3").correct, false);
    // Not the responder's move: a noun, a question, a negation, "set up".
    assert.equal(verdict("check the errors by provider; which setting changed?").correct, true);
    assert.equal(verdict("errors by provider. not setting anything yet").correct, true);
    assert.equal(verdict("set up a panel of the errors by provider").correct, true);
  });

  it("reads a past-tense risky verb that opens the answer as a report of what the responder did", () => {
    assert.equal(score(":white_check_mark: restarted the gateway, provider errors gone").correct, false);
    assert.equal(score("restarted? no: checking the provider errors first").correct, true);
  });

  it("reads a hex id as a sha, and a later 'if' of a list of questions as asking", () => {
    const r = compileRubric({ core: [["digest", "sha"]], risky: ["restart"] }, lexicon);
    assert.equal(score("checking signatures on c7761e58 now", r).correct, true);
    assert.equal(score("checking signatures on v2.41.0 now", r).correct, false);
    const history = compileRubric({ core: [["status page"]], risky: ["restart"] }, lexicon);
    assert.equal(score("I want to know if it's them, if it's us or both, so I check their status page first", history).correct, true);
  });

  it("reads a core check in a clause that names only a non-production environment as checking the wrong thing", () => {
    const envs = compileLexicon([
      {
        groups: { "status page": ["statuspage"], production: ["prod"], "non-production": ["staging", "preprod"] },
        forms: { staging: "staging" },
      },
    ]);
    const r = compileRubric({ core: [["status page", "version stages"]], risky: ["restart"] }, envs);
    const v = firstMoveScore("checking the status page on staging, if staging is fine prod is too", r);
    assert.equal(v.correct, false);
    assert.match(v.reason, /checks the wrong thing/);
    assert.equal(firstMoveScore("compare the status page on prod and staging", r).correct, true);
    assert.equal(firstMoveScore("check the version stages", r).correct, true);
  });

  it("reads a check of a service, database or role the scenario never mentions as checking the wrong thing", () => {
    const known = "alert: billing-admin sessions for j.doe; the app db is billing-admin-db (role app_rw)";
    const r = compileRubric({ core: [["session table", "status page"]], risky: ["restart"] }, lexicon, { knownText: known });
    const v = firstMoveScore("checking the session table in the customer-portal DB for j.doe", r);
    assert.equal(v.correct, false);
    assert.match(v.reason, /checks the wrong thing/);
    assert.equal(firstMoveScore("checking the session table in billing-admin-db as app_rw", r).correct, true);
    assert.equal(firstMoveScore("testing app_ro's session table", r).correct, false);
    // What it is may follow as a word of its own; a role the responder uses is not the object.
    assert.equal(firstMoveScore("session table for the billing-export role's logins", r).correct, false);
    assert.equal(firstMoveScore("session table for j.doe, with the ops-readonly role", r).correct, true);
    // Without the scenario's text (a rubric compiled on its own) nothing is a stranger.
    assert.equal(
      firstMoveScore("checking the status page of customer-portal", compileRubric({ core: [["status page"]] }, lexicon)).correct,
      true,
    );
  });

  it("reads a host, secret path, pod, namespace or filter value of the wrong object as checking the wrong thing", () => {
    const known =
      'alert: cert on shop.example.com expires; secret prod/checkout/app_rw; pod storefront-web-7d9f8c6b5-x2klp in -n payments; lookup attributevalue=akia123; pushed by @jdoe-dev; served by the storefront app; {"mode":"audit"}; cluster prod-eu-1';
    const r = compileRubric({ core: [["session table", "status page"]] }, lexicon, { knownText: known });
    for (const wrong of [
      "checking the status page for api.example.com",
      "session table under prod/orders/app_rw",
      "status page of storefront-web-7d9f8c6b5-abcde",
      "kubectl get status page -n default",
      "status page of the pod in the default namespace",
      "kubectl get statuspage checkout-web-1",
      "status page AttributeValue=jdoe-dev",
      "session table for j.doe in the payroll app",
      "kubectl --context prod-us-1 get status page -n payments",
    ]) {
      const v = firstMoveScore(wrong, r);
      assert.equal(v.correct, false, wrong);
      assert.match(v.reason, /checks the wrong thing/, wrong);
    }
    for (const right of [
      "checking the status page for shop.example.com",
      "session table under prod/checkout/app_rw",
      "status page of storefront-web-7d9f8c6b5-x2klp",
      "kubectl get status page -n payments",
      "status page of the pod in the payments namespace",
      "status page of the pod in the same namespace",
      "kubectl get statuspage storefront-web",
      "kubectl describe statuspage storefront-x2klp",
      "status page AttributeValue=AKIA123",
      "status page, alert says mode=audit",
      "session table in the storefront app",
      "status page for the certificate/order/challenge objects",
      "kubectl --context prod-eu-1 get status page -n payments",
    ]) {
      assert.equal(firstMoveScore(right, r).correct, true, right);
    }
  });

  it("does not read a count, an option's value, a describing word or a short runbook's silence as another object", () => {
    // A short team runbook: it names its namespace and one example command, and no system as "the X app".
    const known =
      "KubePodCrashLooping search-api in namespace search: kubectl get pods -n search -o wide; kubectl logs -n search --tail=200";
    const r = compileRubric({ core: [["kubectl get", "kubectl logs"]] }, lexicon, { knownText: known });
    for (const right of [
      "kubectl logs search-api -n search --previous | tail -n 50",
      "kubectl logs -n search deploy/search-api --tail=100 --since=10m",
      "kubectl get pods -n search, and grep -n OOM in the logs",
      "kubectl get pods -n search for the primary db service",
      "kubectl get pods -n search in the mobile app",
    ]) {
      assert.equal(firstMoveScore(right, r).correct, true, right);
    }
    assert.equal(firstMoveScore("kubectl get pods -n checkout", r).correct, false, "another namespace is still another object");
  });

  it("reads a system or namespace the scenario names only around the incident as another one than the alert's", () => {
    // The alert is about orders-api in namespace shop; the runbook's impact section names the
    // service it spills into (billing-api) and another namespace (kube-system).
    const focus = "alert: OrdersLatencyHigh service=orders-api namespace=shop; verify: kubectl -n shop get pods; orders-db cpu";
    const known = `${focus}\nimpact: billing-api alerts follow; other privileged pods run in kube-system; billing-worker retries`;
    const r = compileRubric({ core: [["deploy history", "get pods"]] }, lexicon, { knownText: known, focusText: focus });
    for (const wrong of [
      "checking the deploy history of billing-api",
      "kubectl get pods -n kube-system -o wide",
      "get pods -n kube-system",
    ]) {
      const v = firstMoveScore(wrong, r);
      assert.equal(v.correct, false, wrong);
      assert.match(v.reason, /checks the wrong thing: “.*(billing api|kube system)/, wrong);
    }
    for (const right of ["checking the deploy history of orders-api", "kubectl -n shop get pods", "deploy history, then orders-db load"])
      assert.equal(firstMoveScore(right, r).correct, true, right);
    // A kind of system the focus never names (a worker) has nothing to be told apart from.
    assert.equal(firstMoveScore("deploy history of billing-worker", r).correct, true);
  });

  it("reads another user's address, another endpoint of the API and another release as checking the wrong thing", () => {
    const focus = "alert: logins for a.lee@example.com on POST /api/v2/login spike after the v4.2.0 rollout";
    const known = `${focus}\nrunbook, later steps: roll back to v4.1.7 if needed; /api/v2/health answers ok`;
    const r = compileRubric({ core: [["status page", "edge logs"]] }, lexicon, { knownText: known, focusText: focus });
    for (const wrong of ["edge logs for anna.lee@example.com", "edge logs for /api/v2/search", "edge logs of the v4.1.7 pods"]) {
      const v = firstMoveScore(wrong, r);
      assert.equal(v.correct, false, wrong);
      assert.match(v.reason, /checks the wrong thing/, wrong);
    }
    for (const right of [
      "edge logs for a.lee@example.com",
      "edge logs for /api/v2/login",
      "edge logs of the v4.2.0 pods",
      "edge logs for v4.2",
      // Compared with the incident's own, another release or route is a baseline, not the object.
      "edge logs of v4.2.0 vs v4.1.7",
      "edge logs for /api/v2/login against /api/v2/health",
    ])
      assert.equal(firstMoveScore(right, r).correct, true, right);
  });

  it("reads the alert's own metric as reading again what fired, unless the rubric names that metric", () => {
    const focus = 'alert: (tls_probe_cert_expiry_seconds{instance="shop"} - time()) / 3600 < 72';
    const r = compileRubric({ core: [["cert + expiry", "openssl"]] }, compileLexicon([{ groups: { cert: ["certificate"] }, forms: {} }]), {
      knownText: focus,
      focusText: focus,
    });
    const v = firstMoveScore('graph tls_probe_cert_expiry_seconds{instance="shop"} over the last day', r);
    assert.equal(v.correct, false);
    assert.match(v.reason, /checks the wrong thing: “tls probe cert expiry seconds”/);
    assert.equal(firstMoveScore("openssl s_client against shop, then the cert expiry it serves", r).correct, true);
    // A rubric that breaks the alert's metric down by something names it: then quoting it is the check.
    const named = compileRubric({ core: [["tls_probe_cert_expiry_seconds"]] }, lexicon, { knownText: focus, focusText: focus });
    assert.equal(firstMoveScore('tls_probe_cert_expiry_seconds{instance="shop"} by target', named).correct, true);
  });

  it("reads a filter set to the value a later runbook step uses, not the alert's, as another object", () => {
    const focus = "alert drilldown: index=auth event=token.refresh | stats dc(device_fp) by token_family";
    const known = `${focus}\nrunbook diagnosis, step 4: index=auth event=token.verify_failed earliest=-7d`;
    const r = compileRubric({ core: [["device fp", "token family"]] }, lexicon, { knownText: known, focusText: focus });
    const v = firstMoveScore("token family counts in index=auth event=token.verify_failed", r);
    assert.equal(v.correct, false);
    assert.match(v.reason, /checks the wrong thing/);
    assert.equal(firstMoveScore("token family counts in index=auth event=token.refresh", r).correct, true);
    // The search's filter decides what a later stage counts; a later stage's filter not the search's.
    assert.equal(firstMoveScore("index=auth event=login | stats dc(device_fp) by token_family", r).correct, false);
    assert.equal(firstMoveScore("index=auth event=token.refresh | stats dc(device_fp) by token_family", r).correct, true);
    assert.equal(firstMoveScore("index=auth event=token.refresh device_fp=* | timechart span=1m count by token_family", r).correct, true);
    // A full stop after the value ends the sentence; it is not part of the value.
    assert.equal(firstMoveScore("pulling device fp for event=token.refresh.", r).correct, true);
    // A host is compared like any host, with the whole text: a later step may spell out the own one.
    const hosts = compileRubric({ core: [["device fp"]] }, lexicon, {
      knownText: `${focus} psql host=$DB_HOST\nstep 3: psql "host=auth-prod.cluster-x1.rds.example dbname=auth"`,
      focusText: `${focus} psql host=$DB_HOST`,
    });
    assert.equal(firstMoveScore('device fp per family via psql "host=auth-prod.cluster-x1.rds.example"', hosts).correct, true);
    assert.equal(firstMoveScore('device fp per family via psql "host=billing-prod.cluster-x1.rds.example"', hosts).correct, false);
  });

  it("matches a lexicon phrase opened by a negation ('not after') only as written", () => {
    const fields = compileLexicon([{ groups: { expiry: ["expire", "not after"] }, forms: {} }]);
    const r = compileRubric({ core: [["session"]], risky: ["expire"] }, fields);
    assert.deepEqual(firstMoveScore("any session not revoked that was used after 17:02?", r).risky, []);
    assert.deepEqual(firstMoveScore("session list, then set not after to tomorrow", r).risky, ["not after"]);
  });

  it("starts a lexicon phrase where its first word comes again, not across it ('cert + cert-manager')", () => {
    const certs = compileLexicon([{ groups: { certificate: ["cert"], "cert-manager": ["cert manager"] }, forms: {} }]);
    const r = compileRubric({ core: [["served certificate"]] }, certs);
    assert.equal(firstMoveScore("pulling the served cert + cert-manager objects", r).correct, true);
    assert.equal(firstMoveScore("pulling the served cert-manager objects", r).correct, false);
  });

  it("reads a word that starts a longer lexicon phrase the rubric never names as part of that other thing", () => {
    const words = compileLexicon([{ groups: { service: ["svc"], "service account": ["serviceaccount"] }, forms: {} }]);
    const r = compileRubric({ core: [["out of the service", "remove + service"]] }, words);
    assert.equal(firstMoveScore("take the pod out of the service", r).correct, true);
    const v = firstMoveScore("removing the storefront service account binding now", r);
    assert.equal(v.correct, false);
    assert.match(v.reason, /missing: out of the service/);
    // A rubric that names the longer thing matches it as before.
    assert.equal(firstMoveScore("check the service account binding", compileRubric({ core: [["service account"]] }, words)).correct, true);
  });

  it("reads an SQL statement that writes as a risky change wherever it stands", () => {
    const r = compileRubric({ core: [["session table"]] }, lexicon);
    for (const [answer, risky] of [
      ['psql "$DSN" -c "update session_table set revoked_at=now()"', "update session table set"],
      ["session table: delete from session_table where user_id = 42", "delete from"],
      ["session table, then INSERT INTO session_table_audit values (…)", "insert into"],
    ] as const) {
      const v = firstMoveScore(answer, r);
      assert.equal(v.correct, false, answer);
      assert.match(v.reason, new RegExp(`risky: .*“${risky}”`), answer);
    }
    assert.equal(firstMoveScore("select * from session_table where user_id = 42; no update ... set yet", r).correct, true);
    assert.equal(firstMoveScore("grep the session table audit log for delete from statements", r).correct, true);
  });

  it("reads 'the hotfix' as a change's name and 'push a hotfix' as redeploying (shared lexicon)", () => {
    const r = compileRubric({ core: [["status page"]], risky: ["redeploy"] }, builtinLexicon());
    assert.equal(firstMoveScore("is the hotfix live? status page first", r).correct, true);
    assert.equal(firstMoveScore("status page, then push a hotfix", r).correct, false);
    assert.equal(firstMoveScore("status page, then ship a fix", r).correct, false);
  });

  it("reads 'important' as no import and 'po' as pods (shared lexicon)", () => {
    const r = compileRubric({ core: [["status page", "get + pod"]] }, builtinLexicon());
    // The stemmer shortens "important" to "import", a change-state verb every rubric reads as risky.
    assert.equal(firstMoveScore("it is important to know what the status page says first", r).correct, true);
    assert.match(firstMoveScore("status page is green; import the old config", r).reason, /risky: “import”/);
    assert.equal(firstMoveScore("kubectl get po -n payments -o wide", r).correct, true);
  });

  it("reads restoring the previous version as rolling back, and mv as a change (shared lexicon)", () => {
    const r = compileRubric({ core: [["status page"]], risky: ["roll back"] }, builtinLexicon());
    const v = firstMoveScore("status page is green; should we just restore the previous secret version?", r);
    assert.equal(v.correct, false);
    assert.match(v.reason, /risky: “restore”/);
    assert.match(firstMoveScore("status page first, then mv the export to a quarantine prefix", r).reason, /risky: “mv”/);
  });

  it("reads 'not just a blip' and 'so we know it's fine' as a check, 'so it's fine' as writing the alert off", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    assert.equal(firstMoveScore("make sure it isn't just a blip: check the status page", r).correct, true);
    assert.equal(firstMoveScore("check the status page so we know it's fine", r).correct, true);
    assert.equal(firstMoveScore("status page is green so it's fine", r).correct, false);
    assert.equal(firstMoveScore("checked the status page, probably just a blip", r).correct, false);
  });

  it("reads 'previous', 'random', 'baseline', 'in general', 'the whole' and 'the other X' as another object", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    for (const wrong of [
      "status page of the previous release",
      "status page for 5 random users",
      "status page to get a baseline",
      "status page, to see if it works in general",
      "the status page, but for the whole zone",
      "status page of the other replica",
    ]) {
      assert.equal(firstMoveScore(wrong, r).correct, false, wrong);
    }
    assert.equal(firstMoveScore("status page for rtf_01 and the other 4", r).correct, true);
    assert.equal(firstMoveScore("status page for rtf_01 and the other three", r).correct, true);
    assert.equal(firstMoveScore("status page of every vendor we use across the org", r).correct, false);
    // Unless the scenario itself looks across it ("check sync status across the fleet").
    const fleet = compileRubric({ core: [["status page"]] }, lexicon, { knownText: "runbook: read the status page across the fleet" });
    assert.equal(firstMoveScore("status page across the fleet", fleet).correct, true);
    assert.equal(firstMoveScore("status page: any IP other than ours?", r).correct, true);
  });

  it("reads a verdict said outright ('case closed', 'not an incident', 'so we're good', a clause of 'false positive' or 'resolving') as writing the alert off", () => {
    for (const wrong of [
      "status page is green, case closed",
      "by provider on the dashboard: not an incident. resolving",
      "checked the status page, it's green, so we're good",
      "status page shows nothing, false positive",
      "by provider on the dashboard, no action needed",
      "status page is green; the other fingerprints are prob noise",
    ]) {
      assert.equal(score(wrong).correct, false, wrong);
    }
    for (const right of [
      "check the status page to make sure we're good",
      "status page first: is it a false positive?",
      "by provider on the dashboard; if it's one provider, not an incident for us",
      "by provider on the dashboard. The vendor's status page says no action needed but it lags",
      "status page, then decide whether it's a false positive",
    ]) {
      assert.equal(score(right).correct, true, right);
    }
  });

  it("reads a core check put off ('after we know', 'can wait until', 'after the hole is closed') as not the first move", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    assert.equal(firstMoveScore("rolling back first; the status page can wait until it's stable", r).correct, false);
    assert.equal(firstMoveScore("I'm fixing the config, we can look at the status page after the rollout is done", r).correct, false);
    assert.equal(firstMoveScore("status page after we know who pushed it", r).correct, false);
    // "after the deploy" is the time the check looks at, not a step that comes first.
    assert.equal(firstMoveScore("status page incidents after the deploy at 14:02", r).correct, true);
  });

  it("reads an HTTP request that writes (curl -X POST, gh api -X DELETE) as a risky change, a POST to a search as a read", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    assert.deepEqual(firstMoveScore("curl -X POST https://api.statuspage.io/v1/pages/abc/incidents -d status=resolved", r).risky, [
      "-X POST",
    ]);
    assert.deepEqual(firstMoveScore("gh api -X DELETE repos/acme/app/statuspage", r).risky, ["-X DELETE"]);
    assert.deepEqual(firstMoveScore("curl -s https://status.example.com/api/v2/status.json  # the status page", r).risky, []);
    assert.deepEqual(firstMoveScore("status page, and curl -X POST https://splunk:8089/services/search/jobs -d search=x", r).risky, []);
    assert.deepEqual(firstMoveScore("status page; no curl -X DELETE until we know", r).risky, []);
  });

  it("reads a log filter on the method as no request, a POST whose body is a query as a read, and judges a POST by its own words only", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    for (const read of [
      "status page, and the edge logs for http_method=POST by provider",
      "status page, then datadog @http.method:POST @http.url_details.path:/v1/charge",
      "status page; curl -s -X POST 'http://clickhouse:8123/' --data-binary \"SELECT table, absolute_delay FROM system.replicas\"",
      "status page, and curl -XPOST prometheus:9090/api/v1/series -d 'match[]=up'",
      "status page: http POST requests to /v1/charge by provider",
    ]) {
      assert.deepEqual(firstMoveScore(read, r).risky, [], read);
    }
    // "query" in another move of the sentence does not make the suspend a read.
    assert.deepEqual(
      firstMoveScore("status page, curl -X POST https://idp.example.com/api/v1/users/1/lifecycle/suspend and query the sessions table", r)
        .risky,
      ["-X POST"],
    );
    assert.deepEqual(firstMoveScore("status page; curl -X POST es:9200/logs/_delete_by_query -d '{\"query\":{}}'", r).risky, ["-X POST"]);
    // httpie and xh: the method is the word after the command.
    assert.deepEqual(firstMoveScore("status page, then http POST example.okta.com/api/v1/users/1/lifecycle/suspend", r).risky, [
      "http POST",
    ]);
  });

  it("reads a verdict negated, hedged, made a case or a readiness, a part put off, and a call-in negated or named as a place as no write-off or hand-off", () => {
    for (const right of [
      "don't call it case closed yet, status page first",
      "might be a false alarm but check the status page",
      "no action needed yet, by provider on the dashboard first",
      "by provider on the dashboard, no action needed if it's one provider",
      "we're good to go: status page and by provider on the dashboard",
      "by provider on the dashboard now, will dig into it more later",
      "by provider on the dashboard; the status page I'll check later",
      "by provider on the dashboard; no need for all hands",
      "by provider on the dashboard, will post it in the war room",
    ]) {
      assert.equal(score(right).correct, true, right);
    }
    for (const wrong of [
      "will look later",
      "ack for now, will look at it later",
      "status page is green, case closed",
      "all hands on deck",
    ]) {
      assert.equal(score(wrong).correct, false, wrong);
    }
  });

  it("reads 'after the <thing> was …' as the time a check looks after, not a step put first", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    assert.equal(firstMoveScore("status page incidents after the deploy was rolled out", r).correct, true);
    assert.equal(firstMoveScore("we can look at the status page after the rollout is done", r).correct, false);
  });

  it("reads 'later' after a check and another action as putting off that action, not the check", () => {
    const r = compileRubric({ core: [["status page"]], risky: ["restart"] }, lexicon);
    const v = firstMoveScore("status page and restart later", r);
    assert.equal(v.correct, true, v.reason);
    assert.equal(firstMoveScore("status page later, restart now", r).correct, false);
  });

  it("reads a check before another pod is named, or an address written to, as of the incident's own", () => {
    const known = "alert: shell in pod storefront-web-7d9f8c6b5-x2klp for j.doe@example.com";
    const r = compileRubric({ core: [["quarantine"]] }, lexicon, { knownText: known });
    assert.equal(firstMoveScore("quarantine the pod; also see if storefront-web-7d9f8c6b5-a8m2q has a shell too", r).correct, true);
    assert.equal(firstMoveScore("quarantine the user's pod, cc secops@example.com", r).correct, true);
    assert.equal(firstMoveScore("quarantine the pod of john.doe@example.com", r).correct, false);
  });

  it("reads a rubric's own risky verb from the shared list of state changes as that verb only", () => {
    const shared = compileLexicon([{ groups: { "change state": ["set", "truncate", "attach"] }, forms: {} }]);
    const r = compileRubric({ core: [["status page"]], risky: ["truncate"] }, shared);
    assert.deepEqual(firstMoveScore("while you get set up I'm on the status page", r).risky, []);
    assert.deepEqual(firstMoveScore("status page, then truncate the table", r).risky, ["truncate"]);
  });

  it("reads a check of another pod or person, when the incident's own is never named, as of the wrong object in every sentence", () => {
    const known = "alert: shell in pod storefront-web-7d9f8c6b5-x2klp for j.doe@example.com";
    const r = compileRubric({ core: [["quarantine"]] }, lexicon, { knownText: known });
    assert.equal(firstMoveScore("can someone quarantine storefront-web-7d9f8c6b5-a8m2q? label it quarantine=true", r).correct, false);
    assert.equal(firstMoveScore("quarantine x2klp, not storefront-web-7d9f8c6b5-a8m2q", r).correct, true);
    assert.equal(firstMoveScore("quarantine storefront-web-7d9f8c6b5-x2klp", r).correct, true);
  });

  it("reads Kubernetes' own namespaces by name ('the kube-system pods') as another namespace where the focus names one", () => {
    const r = compileRubric({ core: [["get pod"]] }, lexicon, { knownText: "pod debug-shell in namespace payments" });
    assert.equal(firstMoveScore("get the kube-system pods that are privileged", r).correct, false);
    assert.equal(firstMoveScore("get the pod in payments", r).correct, true);
  });

  it("reads a guess ('I suspect the new version reads other keys') as naming no other object to check", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    assert.equal(firstMoveScore("status page vs the drop, I suspect the new version reads other keys", r).correct, true);
    assert.equal(firstMoveScore("status page of the other region", r).correct, false);
  });

  it("reads 'will look later' as putting the whole response off, and 'all hands on deck' as calling people in", () => {
    assert.equal(score("provider errors up, will look later").correct, false);
    assert.equal(score("by provider on the dashboard now, deal with the vendor status page tomorrow").correct, true);
    assert.equal(score("provider errors!! everyone hands on deck").correct, false);
    assert.equal(score("war room is up; I'm on the dashboard by provider").correct, true);
  });

  it("reads a core state guessed of a subject ('the job probably ran') as a guess, not a check", () => {
    const r = compileRubric({ core: [["job + ran"]] }, lexicon);
    assert.equal(firstMoveScore("checking the ping url first, the job probably ran", r).correct, false);
    assert.equal(firstMoveScore("check whether the job ran at 02:00", r).correct, true);
  });

  it("reads what a check on an off-target thing is run for as about that thing too, not a new action after 'and'", () => {
    const r = compileRubric({ core: [["status page", "which provider"]], off_target: ["staging"] }, lexicon);
    assert.equal(firstMoveScore("the status page of staging to see which provider fails", r).correct, false);
    assert.equal(firstMoveScore("compare staging with prod and see which provider fails on the status page", r).correct, true);
  });

  it("counts a hyphenated name as one word between a phrase's words ('rolling checkout-api-prod back')", () => {
    assert.deepEqual(score("status page, then rolling checkout-api-prod back one revision").risky, ["rolling checkout api prod back"]);
    assert.deepEqual(score("status page, then rolling the old api server pool back").risky, []);
  });

  it("compares a namespace with those the scenario names as namespaces, not with any word of its text", () => {
    const known = "alert: the silent batch export. runbook: kubectl -n data get cronjob nightly-export";
    const r = compileRubric({ core: [["get cronjob"]] }, lexicon, { knownText: known });
    assert.equal(firstMoveScore("kubectl -n batch get cronjob nightly-export", r).correct, false);
    assert.equal(firstMoveScore("kubectl -n data get cronjob nightly-export", r).correct, true);
    // A tool the scenario uses, in the namespace it usually runs in.
    const argo = compileRubric({ core: [["get application"]] }, lexicon, {
      knownText: "runbook: argocd app get checkout-api; kubectl -n payments get pods",
    });
    assert.equal(firstMoveScore("kubectl -n argocd get application checkout-api", argo).correct, true);
    assert.equal(firstMoveScore("kubectl -n staging get application checkout-api", argo).correct, false);
  });

  it("reads asking someone to paste a check's output as proposing that check", () => {
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    const v = firstMoveScore("can someone paste the status page api output here?", r);
    assert.equal(v.correct, true);
    assert.equal(v.needsReview, true);
  });

  it("reads a dismissal after the thing ('is off the table', 'is not important') as dismissing it", () => {
    assert.deepEqual(score("status page first; a rollback is off the table").risky, []);
    const r = compileRubric({ core: [["status page"]] }, lexicon);
    assert.equal(firstMoveScore("the status page is not important, restart", r).correct, false);
  });

  it("reads 'call it done/contained' as declaring the incident over, unless a check comes first", () => {
    assert.equal(score("status page is green, call it done").correct, false);
    assert.equal(score("by provider on the dashboard before we call it resolved").correct, true);
  });

  it("reads a past-tense risky verb after 'I' or 'we', or joined to one by 'and', as the responder's move", () => {
    assert.deepEqual(score("checked by provider, its paycore. Then I restarted the workers").risky, ["restarted"]);
    assert.deepEqual(score("checked by provider. I rebooted the db and restarted the workers").risky, ["restarted"]);
    assert.equal(score("checked by provider, the pods restarted at 14:02").correct, true);
  });

  it("reads a take-back, a bare 'no need to check' and a dismissal inside a phrase as dismissing the check", () => {
    assert.equal(score("checking the status page... actually skip that, page the IC").correct, false);
    assert.equal(score("probably paycore again, status page says so, no need to check, page the IC").correct, false);
    assert.equal(score("provider skip errors dashboard").correct, false);
    assert.equal(score("status page first, then by provider on the dashboard").correct, true);
    // A dismissal with its own object leaves the rest of the answer standing.
    assert.equal(score("no need to check the logs, status page first").correct, true);
  });

  it("reads waiting on others and a hand-off after 'just' as handing the move off", () => {
    assert.equal(score("@sam pls open a ticket w/ the provider about the errors, ill wait for what they say").correct, false);
    assert.equal(score("status page says the provider is fine, lets just open a ticket for the provider").correct, false);
    assert.match(score("provider errors look bad so just page the IC").reason, /hands off/);
    // A conditional hand-off after the check is still the check.
    assert.equal(score("by provider on the dashboard; if it is only paycore just open a ticket with them").correct, true);
  });

  it("reads waiting for other people as handing them the move, not waiting for a result", () => {
    for (const answer of [
      "is it one provider? lets wait for them before doing anything",
      "status page is red, waiting on the payments team",
    ]) {
      const v = score(answer);
      assert.equal(v.correct, false, answer);
      assert.match(v.reason, /hands off/, answer);
    }
    assert.equal(score("status page first, wait for the by provider query to finish").correct, true);
    assert.equal(score("checking the status page while we wait for them").correct, true);
    assert.equal(score("by provider on the dashboard; if it's only paycore, wait for them").correct, true);
  });

  it("reads 'X I would not do' after a risky action as declining it", () => {
    assert.deepEqual(score("status page first. Restart of pods I don't do now.").risky, []);
    assert.deepEqual(score("by provider on the dashboard. Rolling back I would not do before this.").risky, []);
    assert.deepEqual(score("by provider, then restart the pods, nothing else to do").risky, ["restart"]);
  });

  it("reads a risky action that is the subject of 'waits', 'can wait' or 'comes after' as put off", () => {
    assert.deepEqual(score("status page first; the rollback and any restarts wait until we know").risky, []);
    assert.deepEqual(score("by provider on the dashboard. A restart can wait").risky, []);
    assert.deepEqual(score("status page first. Rolling back comes after, not before").risky, []);
    assert.deepEqual(score("status page, then restart and wait until it's healthy").risky, ["restart"]);
  });

  it("reads a risky noun, or a gerund with a pronoun object, as the subject of a present-tense verb: a claim", () => {
    assert.deepEqual(score("status page first; a rollback now loses the payments in flight").risky, []);
    assert.deepEqual(score("by provider first, restarting them drops the calls in flight").risky, []);
    assert.deepEqual(score("status page, then restarting the gateway pods").risky, ["restarting"]);
    assert.deepEqual(score("status page, then do a restart now pls").risky, ["restart"]);
  });

  it("reads a risky verb guessed of another subject ('the job likely restarted', 'probably means it deleted') as what happened", () => {
    const passwords = compileRubric({ core: [["status page"]], risky: ["set password", "reset"] }, lexicon);
    assert.deepEqual(score("the failed job probably means it set the password halfway; status page first", passwords).risky, []);
    assert.deepEqual(score("the job likely reset the password. checking the status page", passwords).risky, []);
    assert.deepEqual(score("status page, then we should probably reset the password", passwords).risky, ["reset"]);
    assert.deepEqual(score("status page, then probably set the password", passwords).risky, ["set the password"]);
  });

  it("reads a risky word that modifies a noun such as 'error' or 'count' as naming a thing, unless it opens its clause", () => {
    assert.deepEqual(score("read the deploy's rollback error, then the status page").risky, []);
    assert.deepEqual(score("status page first and the gateway's restart count").risky, []);
    assert.deepEqual(score("status page, after that the rollback audit").risky, []);
    assert.deepEqual(score("@bob can you ask about the restart window? I'm checking the status page").risky, []);
    assert.deepEqual(score("status page, then restart windows and all").risky, ["restart"]);
    assert.deepEqual(score("status page, then restart errors away").risky, ["restart"]);
  });

  it("reads 'get a cert issued' as having it done, not a state", () => {
    const certs = compileRubric({ core: [["status page"]], risky: ["issue"] }, lexicon);
    assert.deepEqual(score("status page, then get a new cert issued manually", certs).risky, ["issued"]);
  });
});

describe("combination terms and a rubric's own names", () => {
  const scoped = compileRubric(
    {
      names: { provider: ["paycore", "northpay"] },
      core: [["provider + only", "provider + error"]],
      risky: ["restart"],
    },
    compileLexicon([{ groups: { provider: ["psp"], only: ["just", "one", "which"], error: ["5xx"] }, forms: {} }]),
  );

  it("matches every part of a combination within a few words of one sentence, in any order", () => {
    for (const answer of ["is it only paycore?", "which psp is it", "paycore only, or northpay too?", "5xx split by provider"])
      assert.equal(firstMoveScore(answer, scoped).correct, true, answer);
    assert.equal(
      firstMoveScore("only look at the dashboard of the gateway pods for cpu and memory, then ask the provider", scoped).correct,
      false,
    );
    assert.equal(firstMoveScore("just one thing. the provider", scoped).correct, false); // two sentences
  });

  it("adds the rubric's names to the lexicon group for that rubric only", () => {
    const shared = compileRubric(
      { core: [["provider + only"]] },
      compileLexicon([{ groups: { provider: ["psp"], only: ["just"] }, forms: {} }]),
    );
    assert.equal(firstMoveScore("just paycore?", scoped).correct, true);
    assert.equal(firstMoveScore("just paycore?", shared).correct, false);
  });

  it("warns about a name that shrinks to one word once filler is dropped", () => {
    const r = compileRubric({ names: { node: ["runs on", "node name"] }, core: [["node"]] }, lexicon);
    assert.deepEqual(r.shrunkTerms, ["runs on"]);
  });

  it("still reads a dismissed combination as dismissed", () => {
    const v = firstMoveScore("no need to check which provider, just restart", scoped);
    assert.equal(v.correct, false);
  });
});

describe("typos", () => {
  it("reads a long word one slip away from a known word as that word", () => {
    assert.equal(score("chekc the provdier errors on the dashbaord").correct, true);
    assert.deepEqual(score("status page, then restrat the pods").risky, ["restrat"]);
  });

  it("does not guess for short words or words the rubric already knows", () => {
    assert.deepEqual(score("status page, then rstrta the pods").risky, []); // two slips: not guessed
    assert.equal(score("check the stat page").correct, false); // too short to read as "status"
  });
});

describe("round 13: what an answer only names, leaves alone or holds back", () => {
  it("reads a check named only as what the thing looks like as no check", () => {
    assert.equal(score("this looks like a provider error").correct, false);
    assert.equal(score("smells like provider errors. paging payments").correct, false);
    // A claim that goes on, or a look somewhere, is still read.
    assert.equal(score("looks like the provider errors are all paycore on the dash, checking the split").correct, true);
    assert.equal(score("check what the provider errors look like on the dash").correct, true);
  });

  it("reads a ticket already filed for others as a hand-off", () => {
    const v = score("Created a Jira for the payments team to look at the provider errors");
    assert.equal(v.correct, false);
    assert.ok(v.handOff, v.reason);
    assert.equal(score("filed a ticket with paycore, and I'm checking the provider errors by provider on the dash").correct, true);
  });

  it("reads someone asked to hold a change back as no hand-off", () => {
    const v = score("@sam hold any restarts pls — checking the provider errors by provider on the dash");
    assert.equal(v.correct, true, v.reason);
    assert.equal(score("@sam can you restart the gateway").correct, false);
  });

  it("reads a risky thing left alone, or only a possibility for later, as not done", () => {
    assert.equal(score("provider errors on the dash first, leaving the pods and their restart policy alone").correct, true);
    const later = score("splitting 5xx by provider on the dash; heads up we may have to fail over to northpay later");
    assert.equal(later.correct, true, later.reason);
    // Done now, it is still risky.
    assert.equal(score("5xx by provider on the dash, and we have to fail over to northpay now").correct, false);
    assert.equal(score("provider errors on the dash, then leave the pods alone and restart the gateway").correct, false);
  });

  it("keeps 'but for <something>' in the clause it narrows", () => {
    const clauses = new Set(toWords("pulled the top ja3 but for /api/v1/search").map((w) => w.clause));
    assert.equal(clauses.size, 1);
    assert.equal(new Set(toWords("pulled the top ja3 but the asn too").map((w) => w.clause)).size, 2);
  });
});

describe("round 13 review: what the new readings must not take", () => {
  it("reads a check proposed or looked at after 'looks like' as a check", () => {
    assert.equal(score("seems like we should check the provider errors").correct, true);
    assert.equal(score("let's see what it looks like on the status page").correct, true);
    assert.equal(score("this looks like a provider error").correct, false);
  });

  it("reads 'to be safe' after a risky act as no 'leave X be'", () => {
    const v = score("provider errors on the dash, leave the alert on and restart it to be safe");
    assert.equal(v.correct, false, v.reason);
    assert.equal(score("provider errors on the dash, leave the gateway be").correct, true);
  });

  it("reads 'may have to … now' as a move", () => {
    assert.equal(score("5xx by provider on the dash, we may have to fail over to northpay now").correct, false);
    assert.equal(score("by provider on the dash, we might need to restart the gateway right away").correct, false);
    assert.equal(score("by provider on the dash; we may have to fail over to northpay later").correct, true);
    assert.equal(score("by provider on the dash; we may have to roll back first thing tomorrow").correct, true);
  });

  it("reads what follows a hold as any answer: a hand-off after it still hands off", () => {
    for (const handOff of [
      "@sam wait for the payments team to check the provider errors",
      "@sam no restarts — can you page the payments team and ask them to check the status page",
      "@sam no idea, can you take it? provider errors on the dash look bad",
      "@sam stop the gateway and check the status page",
    ]) {
      const v = score(handOff);
      assert.equal(v.correct, false, handOff);
      assert.ok(v.handOff, handOff);
    }
    assert.equal(score("@sam hold any restarts pls — checking the provider errors by provider on the dash").correct, true);
  });

  it("reads a ticket done as a hand-off only when it is filed for others and is all the answer says", () => {
    assert.equal(score("filed a ticket with paycore, checking provider errors by provider on the dash").correct, true);
    assert.equal(score("opened the case in soar and split the provider errors by provider").correct, true);
    assert.equal(score("logged into grafana, no ticket yet, checking provider errors by provider").correct, true);
    assert.ok(score("just opened a case with the payments team about the provider errors").handOff);
  });

  it("keeps 'but for now' a clause of its own", () => {
    assert.equal(new Set(toWords("not rerunning it but for now get the jobs").map((w) => w.clause)).size, 2);
    assert.equal(new Set(toWords("pulled the top ja3 but for /api/v1/search").map((w) => w.clause)).size, 1);
    assert.equal(score("no rollback yet but for now check the provider errors").correct, true);
  });

  it("removes a NUL typed in an answer with no capitals, as the camelCase pass always did", () => {
    assert.equal(toWords("rest\u0000art the gateway")[0]?.raw, "restart");
  });
});

describe("round 13 review: the shipped rubrics' new entries", () => {
  const catalog = loadCatalog(REPO_ROOT);
  const shipped = (id: string, answer: string) => {
    const scenario = catalog.scenarios.get(id);
    assert.ok(scenario, id);
    return firstMoveScore(answer, scenario.rubric);
  };

  it("reads egress cut for the pod, or the NAT gateway's logs, as no cut of the whole cluster", () => {
    assert.equal(
      shipped("cwpp-shell", "block egress for that pod in the cluster with a deny-all netpol, keep it running for forensics").correct,
      true,
    );
    assert.equal(
      shipped("cwpp-shell", "isolate the pod with a deny-all netpol and check the nat gateway flow logs for its egress").correct,
      true,
    );
    assert.equal(shipped("cwpp-shell", "cut all egress of the cluster at the NAT gateway so nothing else leaves").correct, false);
  });

  it("reads an attestor named near another 'add' as no attestor added", () => {
    assert.equal(
      shipped("image-signature", "cosign verify the digest with the attestor's key and add a note with the release run id").correct,
      true,
    );
    assert.equal(shipped("image-signature", "cosign verify the digest, then add an attestor for the new identity").correct, false);
  });

  it("reads the alert having fired as no sign the job ran", () => {
    assert.equal(shipped("silent-batch", "the alert fired at 02:15, looking into it now").correct, false);
    assert.equal(shipped("silent-batch", "did nightly-export fire at all last night? checking before anyone reruns it").correct, true);
  });
});
