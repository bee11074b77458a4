import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT, tempDir } from "../helpers.js";

// `drillbot stats` is `/drill stats` at a terminal: the team's trend and coverage, one scenario's
// recent drills, or one person's accuracy and mastery, from the same history.

function drillbot(args: string[], input = "") {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, "bin/drillbot.js"), ...args], {
    input,
    encoding: "utf8",
    cwd: REPO_ROOT,
    env: { ...process.env, DRILLBOT_HOME: REPO_ROOT, DATABASE_URL: "" },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("drillbot stats", () => {
  it("shows coverage, a scenario's drills and a person's mastery from recorded drills", () => {
    const db = join(tempDir(), "stats.db");
    const good = "check the provider errors dashboard: is it only paycore? then their status page";
    assert.equal(drillbot(["drill", "payment-5xx", "--user", "sam", "--db", db], `${good}\n`).code, 0);
    assert.equal(drillbot(["drill", "payment-5xx", "--user", "sam", "--db", db], "restart the gateway pods\n").code, 0);

    const team = drillbot(["stats", "--db", db]);
    assert.equal(team.code, 0, team.stderr);
    assert.match(team.stdout, /team, latest 2 drill\(s\)/);
    assert.match(team.stdout, /cache-miss\s+never practised/);
    assert.match(team.stdout, /payment-5xx\s+last \d{4}-\d\d-\d\d\s+2 drill\(s\)\s+last 0% correct/);
    assert.ok(team.stdout.indexOf("cache-miss") < team.stdout.indexOf("payment-5xx"), "stalest first");

    const scenario = drillbot(["stats", "--scenario", "payment-5xx", "--db", db]);
    assert.match(scenario.stdout, /payment-5xx: 2 recent drill\(s\)/);
    assert.match(scenario.stdout, /#2 .* 0\/1 correct/);
    assert.match(scenario.stdout, /#1 .* 1\/1 correct/);

    const person = drillbot(["stats", "--user", "sam", "--db", db]);
    assert.match(person.stdout, /sam: 2 drill\(s\), 1 correct inside the read window \(50%\)/);
    assert.match(person.stdout, /payment-5xx\s+learning \(0\/3 in a row\), 2 drill\(s\)/);

    const typo = drillbot(["stats", "--scenario", "payment-5x", "--db", db]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean payment-5xx/);
    const nobody = drillbot(["stats", "--user", "kim", "--db", db]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /kim has not finished a drill yet/);
  });
});
