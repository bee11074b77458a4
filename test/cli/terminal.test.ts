import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { LINT_FIXTURES, REPO_ROOT, tempDir } from "../helpers.js";

// The terminal drill as a user scripts it: `printf … | drillbot drill <id>`, a child process
// with piped stdin (not a TTY), so it must read one line per prompt and never sleep.

function drillbot(args: string[], input = "", env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, "bin/drillbot.js"), ...args], {
    input,
    encoding: "utf8",
    cwd: REPO_ROOT,
    env: { ...process.env, DRILLBOT_HOME: LINT_FIXTURES, ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("terminal drill (scripted)", () => {
  it("runs a whole drill from piped answers and records it for the debrief command", () => {
    const db = join(tempDir(), "drills.db");
    const run = drillbot(
      ["drill", "base", "--user", "dana", "--db", db],
      "check the grafana dashboard to confirm it is real\nyes\nyes\nno\n",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /DRILL \(practice only, nobody is paged\) · base/);
    assert.match(run.stdout, /## Symptoms/, "read mode shows the runbook before the first move");
    assert.match(run.stdout, /\+3:00 inject \(stakes\): support calls/);
    assert.match(run.stdout, /│ error_rate 0.1/, "a chosen option's reveal is shown");
    assert.match(run.stdout, /Outcome \(escalation\): Escalate/);
    assert.match(run.stdout, /dana: ack 0:00 · first move 0:0\d · correct, inside the read window/);
    assert.match(run.stdout, /left the expected path at decision 3/);
    assert.match(run.stdout, /Team: 1 of 1 responder\(s\) stated a correct first move inside the read window \(100%\)/);

    const json = drillbot(["debrief", "last", "--db", db, "--format", "json"]);
    assert.equal(json.code, 0, json.stderr);
    const debrief = JSON.parse(json.stdout);
    assert.equal(debrief.scenarioId, "base");
    assert.equal(debrief.status, "ended");
    assert.equal(debrief.responders[0].user.name, "dana");
    assert.equal(debrief.responders[0].answer, "check the grafana dashboard to confirm it is real");
    assert.equal(debrief.responders[0].correct, true);
    assert.deepEqual(
      debrief.responders[0].path.map((p: { optionId: string }) => p.optionId),
      ["yes", "yes", "no"],
    );
    assert.equal(debrief.injectsPosted, 2);

    const text = drillbot(["debrief", String(debrief.drillId), "--db", db]);
    assert.match(text.stdout, /“check the grafana dashboard to confirm it is real”/);
    const md = drillbot(["debrief", "last", "--db", db, "--format", "md"]);
    assert.match(md.stdout, /^# Drill #1: Demo/m);
    assert.match(md.stdout, /\| dana \| 0:00 \|/);
    assert.match(md.stdout, /### Symptoms/);
  });

  it("in blind mode shows the runbook only after the first move, and scores a risky answer wrong", () => {
    const db = join(tempDir(), "drills.db");
    const run = drillbot(["drill", "base", "--mode", "blind", "--user", "eve", "--db", db], "restart the pods\nno\n");
    assert.equal(run.code, 0, run.stderr);
    const answerAt = run.stdout.indexOf("first move > restart the pods");
    assert.ok(answerAt > 0);
    assert.ok(run.stdout.indexOf("## Symptoms") > answerAt, "runbook after the answer");
    assert.match(run.stdout, /eve: .* wrong, inside the read window/);
    assert.match(run.stdout, /why: risky: “restart”/);
    assert.match(run.stdout, /Runbook clarity: not measured in blind mode/);
  });

  it("asks again after a bad choice and ends cleanly when input runs out", () => {
    const db = join(tempDir(), "drills.db");
    const run = drillbot(["drill", "base", "--db", db, "--user", "fin"], "\ncheck the dashboard\n9\nbanana\nyes\n");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Write your first move in one sentence/);
    assert.match(run.stdout, /Pick a number from 1 to 2\.\n[\s\S]*Pick a number from 1 to 2\./);
    assert.match(run.stdout, /stopped before an outcome/);
    const json = JSON.parse(drillbot(["debrief", "last", "--db", db, "--format", "json"]).stdout);
    assert.equal(json.responders[0].path.length, 1);
  });

  it("names the closest scenario for an unknown id", () => {
    const run = drillbot(["drill", "bse", "--db", join(tempDir(), "x.db")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown scenario "bse" — did you mean base\?/);
    assert.match(run.stderr, /scenarios: base/);
  });

  it("explains bad flags and a missing drill", () => {
    assert.match(drillbot(["drill", "base", "--mode", "loud"]).stderr, /--mode must be read .* or blind/);
    const missing = drillbot(["debrief", "42", "--db", join(tempDir(), "x.db")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no drill #42/);
    assert.match(drillbot(["debrief", "--format", "xml"]).stderr, /--format must be text, md, json or csv/);
  });

  it("answers as an incident role with --role, judged by that role's own first move", () => {
    const db = join(tempDir(), "roles.db");
    const comms = "post a first update in #incident-payments and give support the payment-provider-degraded macro";
    const run = drillbot(["drill", "payment-5xx", "--user", "sam", "--role", "comms", "--db", db], `${comms}\n`, {
      DRILLBOT_HOME: REPO_ROOT,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /You answer as Communications/);
    assert.match(run.stdout, /sam \(Communications\): ack 0:00 · first move 0:0\d · correct/);
    assert.match(run.stdout, /Expected of Communications: Post a first update/);
    const wrongRole = drillbot(["drill", "payment-5xx", "--role", "chef", "--db", db], "", { DRILLBOT_HOME: REPO_ROOT });
    assert.equal(wrongRole.code, 2);
    assert.match(
      wrongRole.stderr,
      /no such role\. Roles of payment-5xx: ic \(Incident Commander\), comms \(Communications\), scribe \(Scribe\)/,
    );
    assert.doesNotMatch(wrongRole.stdout, /DRILL/, "refused before the trigger is shown");
    const recorded = new Database(db, { readonly: true });
    assert.equal(
      (recorded.prepare("SELECT count(*) AS n FROM drills").get() as { n: number }).n,
      1,
      "nothing recorded for the refused run",
    );
    recorded.close();
  });
});
