import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { lintCommand } from "../../src/cli/lint.js";
import { LINT_FIXTURES, tempDir } from "../helpers.js";

// Each case breaks the valid base fixture in one way and expects the exact line lint prints.

function lintBroken(
  edit: (files: { scenario: string; runbook: string }) => { scenario: string; runbook: string; extra?: Record<string, string> },
  mkdirs: string[] = [],
  args: string[] = [],
) {
  const dir = tempDir();
  cpSync(LINT_FIXTURES, dir, { recursive: true });
  const scenarioPath = join(dir, "scenarios/base.yml");
  const runbookPath = join(dir, "runbooks/base.md");
  const edited = edit({ scenario: readFileSync(scenarioPath, "utf8"), runbook: readFileSync(runbookPath, "utf8") });
  writeFileSync(scenarioPath, edited.scenario);
  writeFileSync(runbookPath, edited.runbook);
  for (const sub of mkdirs) mkdirSync(join(dir, sub), { recursive: true });
  for (const [name, text] of Object.entries(edited.extra ?? {})) writeFileSync(join(dir, name), text);
  const errors: string[] = [];
  const out: string[] = [];
  const config = { file: null, base: dir, catalogs: [join(dir, "scenarios")], builtin: false, headings: {}, problems: [] };
  const code = lintCommand(args, config, { out: (l) => out.push(l), err: (l) => errors.push(l) });
  rmSync(dir, { recursive: true, force: true });
  // Paths in messages are absolute outside the cwd; compare from the fixture folder down. The
  // last line on stdout is the summary; the lines before it are the problems.
  const shown = out.map((l) => l.replace(`${dir}/`, ""));
  return { code, lines: shown.slice(0, -1), summary: shown.at(-1) ?? "", out, errors };
}

/** The base fixture's rubric in the v2 shape (the fixture keeps the old shape, which lint warns about). */
const V2 = ["  rubric:", "    core:", "      - [dashboard, error rate]", "    risky: [restart, roll back]"].join("\n");
const toV2 = (s: string) => s.replace(/ {2}rubric:\n(?: {4}.*\n)+/, `${V2}\n`);

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("drillbot lint", () => {
  it("passes the valid base fixture", () => {
    const result = lintBroken((f) => f);
    assert.equal(result.code, 0, result.lines.join("\n"));
    assert.match(result.out.join("\n"), /ok: 1 of 1 scenario/);
  });

  const cases: { name: string; edit: (s: string) => string; expect: (s: string) => RegExp; strict?: boolean }[] = [
    {
      name: "a schema error names the field and its line",
      edit: (s) => s.replace("severity: SEV3", "severity: critical"),
      expect: (s) => new RegExp(`^scenarios/base.yml:${lineOf(s, "severity:")}: severity: `),
    },
    {
      name: "a missing required field points at its parent",
      edit: (s) => s.replace("  title: DemoAlert\n", ""),
      expect: (s) => new RegExp(`^scenarios/base.yml:${lineOf(s, "trigger:")}: trigger.title: required field is missing`),
    },
    {
      name: "a YAML syntax error carries its line",
      edit: (s) => s.replace("tags: [sre]", "tags: [sre"),
      expect: () => /^scenarios\/base.yml:\d+: yaml: /,
    },
    {
      name: "an alias with no anchor",
      edit: (s) => s.replace("kind: stakes", "kind: *stakes"),
      expect: (s) => new RegExp(`^scenarios/base.yml:${lineOf(s, "*stakes")}: yaml: Unresolved alias`),
    },
    {
      name: "a next that does not exist",
      edit: (s) => s.replace("next: esc }\n    c:", "next: nowhere }\n    c:"),
      expect: (s) =>
        new RegExp(
          `^scenarios/base.yml:${lineOf(s, "next: nowhere")}: tree.nodes.b.options.1.next: "nowhere" is neither a node nor an outcome`,
        ),
    },
    {
      name: "an unreachable node",
      edit: (s) =>
        s.replace(
          "  outcomes:",
          "    orphan:\n      question: Lost?\n      options:\n        - { id: x, label: X, next: fp }\n        - { id: y, label: Y, next: esc }\n  outcomes:",
        ),
      expect: (s) => new RegExp(`^scenarios/base.yml:${lineOf(s, "orphan:")}: tree.nodes.orphan: node "orphan" cannot be reached`),
    },
    {
      name: "a cycle",
      edit: (s) => s.replace("{ id: no, label: No, next: esc }\n    c:", "{ id: no, label: No, next: a }\n    c:"),
      expect: () => /tree\.nodes\.b\.options\.1\.next: "b" → "a" makes a cycle/,
    },
    {
      name: "an expected path that is not a real path",
      edit: (s) => s.replace("expected_path: [a, b, c, failover]", "expected_path: [a, c, failover]"),
      expect: (s) => new RegExp(`^scenarios/base.yml:${lineOf(s, "expected_path")}: tree.expected_path.1: no option of "a" leads to "c"`),
    },
    {
      name: "an expected path that stops before an outcome",
      edit: (s) => s.replace("expected_path: [a, b, c, failover]", "expected_path: [a, b, c]"),
      expect: () => /tree\.expected_path\.2: the expected path must end in an outcome/,
    },
    {
      name: "an empty rubric",
      edit: (s) => s.replace(/must:\n(\s+- \[.*\]\n)+/, "must: []\n"),
      expect: (s) =>
        new RegExp(`^scenarios/base.yml:${lineOf(s, "must: []")}: first_move.rubric.must: the rubric needs at least one phrase group`),
    },
    {
      name: "a rubric that rejects its own expected first move",
      edit: (s) => s.replace("[dashboard, grafana]", "[status page]"),
      expect: (s) =>
        new RegExp(`^scenarios/base.yml:${lineOf(s, "expected:")}: first_move.expected: the rubric rejects its own expected first move`),
    },
    {
      name: "an inject outside the time limit",
      edit: (s) => s.replace("at: 5m", "at: 12m"),
      expect: (s) =>
        new RegExp(`^scenarios/base.yml:${lineOf(s, "at: 12m")}: injects.1.at: inject at 12m is not inside the time limit 10m`),
    },
    {
      name: "an id that does not match the file name",
      edit: (s) => s.replace("id: base", "id: other"),
      expect: () => /^scenarios\/base.yml:2: id: id "other" must match the file name "base.yml"/,
    },
    {
      name: "a runbook link to a missing file",
      edit: (s) => s.replace("runbooks/base.md", "runbooks/missing.md"),
      expect: (s) =>
        new RegExp(
          `^scenarios/base.yml:${lineOf(s, "runbook:")}: runbook: runbook ../runbooks/missing.md does not exist \\(paths are relative to this file: `,
        ),
    },
    {
      name: "too few decision nodes",
      edit: (s) =>
        s
          .replace(/ {4}c:\n(.*\n){4}/, "")
          .replace("next: c }", "next: failover }")
          .replace("[a, b, c, failover]", "[a, b, failover]"),
      expect: () => /: tree\.nodes: warning: a full drill needs at least 3 decision nodes, found 2/,
      strict: true,
    },
    {
      name: "an unknown key, with the key it most likely meant",
      edit: (s) => s.replace("time_limit: 10m", "time_limt: 10m"),
      expect: (s) =>
        new RegExp(`^scenarios/base.yml:${lineOf(s, "time_limt")}: time_limt: unknown key "time_limt" \\(did you mean "time_limit"\\?\\)`),
    },
    {
      name: "an unknown key deep in the tree, with the key it most likely meant",
      edit: (s) => s.replace("{ id: no, label: No, next: fp }", "{ id: no, lable: No, next: fp }"),
      expect: () => /tree\.nodes\.a\.options\.1\.lable: unknown key "lable" \(did you mean "label"\?\)/,
    },
    {
      name: "a duration written in words, once, with the fix",
      edit: (s) => s.replace("time_limit: 10m", "time_limit: 15 min"),
      expect: (s) =>
        new RegExp(
          `^scenarios/base.yml:${lineOf(s, "time_limit")}: time_limit: "15 min" is not a duration: write it like 90s, 2m, 1m30s or 1h \\(did you mean 15m\\?\\)$`,
        ),
    },
    {
      name: "a full drill with fewer than 2 injects (a warning: it still runs)",
      edit: (s) => s.replace(/ {2}- at: 5m\n.*\n.*\n/, ""),
      expect: () => /: injects: warning: a full drill needs at least 2 injects, found 1/,
      strict: true,
    },
  ];

  for (const c of cases) {
    it(`reports ${c.name}`, () => {
      let edited = "";
      const edit = (f: { scenario: string; runbook: string }) => {
        edited = c.edit(f.scenario);
        assert.notEqual(edited, f.scenario, "the edit must change the fixture");
        return { ...f, scenario: edited };
      };
      if (c.strict) {
        // A warning: the default lint passes (the drill runs), --strict fails.
        assert.equal(lintBroken(edit).code, 0);
      }
      const result = lintBroken(edit, [], c.strict ? ["--strict"] : []);
      assert.equal(result.code, 1);
      const pattern = c.expect(edited);
      assert.ok(
        result.lines.some((l) => pattern.test(l)),
        `expected ${pattern} in:\n${result.lines.join("\n")}`,
      );
    });
  }

  it("reports a runbook part that is missing as a warning, naming the heading to add; --strict fails on it", () => {
    const edit = (f: { scenario: string; runbook: string }) => ({
      scenario: toV2(f.scenario),
      runbook: f.runbook.replace("## Blast radius\n\nCheckout users.\n", ""),
    });
    const lenient = lintBroken(edit);
    assert.equal(lenient.code, 0, "the drill still runs: lint passes by default");
    const pattern = /^runbooks\/base.md:1: impact: warning: missing part "Impact": add a heading "## Impact" \(also accepted: Blast radius/;
    assert.ok(
      lenient.lines.some((l) => pattern.test(l)),
      lenient.lines.join("\n"),
    );
    assert.match(lenient.summary, /^ok: 1 of 1 scenario valid .*; 1 warning .*--strict fails on them/);
    const strict = lintBroken(edit, [], ["--strict"]);
    assert.equal(strict.code, 1);
    assert.match(strict.summary, /^0 errors, 1 warning \(--strict: warnings fail\)/);
  });

  it("checks undo per mitigation step: a step that changes something says how to undo it", () => {
    const result = lintBroken((f) => ({ ...f, runbook: f.runbook.replace("## Rollback\n\nShift traffic back.\n", "") }));
    assert.ok(
      result.lines.some((l) =>
        /runbooks\/base.md:26: mitigate: warning: step "Fail over to the secondary\." changes something but does not say how to undo it/.test(
          l,
        ),
      ),
      result.lines.join("\n"),
    );
  });

  it("reports a duplicate id across two files", () => {
    const dup = lintBroken(
      (f) => ({ ...f, extra: { "scenarios/zz/base.yml": f.scenario.replace("../runbooks/", "../../runbooks/") } }),
      ["scenarios/zz"],
    );
    assert.ok(
      dup.lines.some((l) => /scenarios\/zz\/base.yml:1: id: duplicate id "base", also in/.test(l)),
      dup.lines.join("\n"),
    );
  });

  it("prints its report on stdout and nothing on stderr", () => {
    const clean = lintBroken((f) => ({ ...f, scenario: toV2(f.scenario) }));
    assert.deepEqual(clean.errors, []);
    assert.deepEqual(clean.out, ["ok: 1 of 1 scenario valid (1 full drill, 0 quick drills), 1 runbook checked"]);
  });

  it("reads precedents/<id>.yml beside a scenario as its judged answers, never as a scenario, and warns about a broken or thin one", () => {
    const answers = (n: number, label: string) =>
      Array.from({ length: n }, (_, i) => `  - text: "answer ${label} ${i}"\n    label: ${label}\n`).join("");
    const broken = lintBroken(
      (f) => ({
        ...f,
        extra: { "scenarios/precedents/base.yml": 'scenario: base\nanswers:\n  - text: "check the dash"\n    label: acept\n' },
      }),
      ["scenarios/precedents"],
    );
    assert.equal(broken.code, 0, broken.lines.join("\n"));
    assert.match(broken.summary, /1 of 1 scenario valid/);
    assert.ok(
      broken.lines.includes(
        'scenarios/precedents/base.yml:4: answers.0.label: warning: Invalid option: expected one of "accept"|"reject" (the precedents are not used until it is fixed)',
      ),
      broken.lines.join("\n"),
    );
    const thin = lintBroken(
      (f) => ({
        ...f,
        extra: { "scenarios/precedents/base.yml": `scenario: base\nanswers:\n${answers(12, "accept")}${answers(3, "reject")}` },
      }),
      ["scenarios/precedents"],
    );
    assert.match(
      thin.lines.join("\n"),
      /precedents\/base\.yml:1: answers: warning: 12 accepted and 3 rejected: at least 10 of each are needed/,
    );
    const other = lintBroken(
      (f) => ({
        ...f,
        extra: { "scenarios/precedents/base.yml": `scenario: payment-5xx\nanswers:\n${answers(10, "accept")}${answers(10, "reject")}` },
      }),
      ["scenarios/precedents"],
    );
    assert.match(
      other.lines.join("\n"),
      /precedents\/base\.yml:1: scenario: warning: is "payment-5xx", but this file holds the precedents of "base"/,
    );
    const fine = lintBroken(
      (f) => ({
        ...f,
        extra: { "scenarios/precedents/base.yml": `scenario: base\nanswers:\n${answers(10, "accept")}${answers(10, "reject")}` },
      }),
      ["scenarios/precedents"],
    );
    assert.deepEqual(
      fine.lines.filter((l) => l.includes("precedents")),
      [],
    );
  });

  it("skips a precedents folder in a folder given to lint, and a file it warns about is not what drills use", () => {
    const dir = tempDir();
    cpSync(LINT_FIXTURES, dir, { recursive: true });
    mkdirSync(join(dir, "scenarios/precedents"));
    const answers = (label: string) =>
      Array.from({ length: 10 }, (_, i) => `  - text: "check the ${label}ed dashboard ${i}"\n    label: ${label}\n`).join("");
    const file = (scenario: string) => `scenario: ${scenario}\nanswers:\n${answers("accept")}${answers("reject")}`;
    const config = { file: null, base: dir, catalogs: [join(dir, "scenarios")], builtin: false, headings: {}, problems: [] };
    const lint = () => {
      const out: string[] = [];
      const code = lintCommand([join(dir, "scenarios")], config, { out: (l) => out.push(l), err: (l) => out.push(l) });
      return { code, text: out.join("\n") };
    };
    const base = () => loadCatalog(config).scenarios.get("base");

    writeFileSync(join(dir, "scenarios/precedents/base.yml"), file("payment-5xx"));
    const other = lint();
    assert.equal(other.code, 0, other.text);
    assert.match(other.text, /1 of 1 scenario valid/);
    assert.match(other.text, /precedents\/base\.yml:1: scenario: warning: is "payment-5xx".*not used until it is fixed/);
    assert.deepEqual(base()?.precedents, []);
    assert.equal(base()?.precedentModel, null);

    writeFileSync(join(dir, "scenarios/precedents/base.yml"), file("base"));
    assert.doesNotMatch(lint().text, /precedents/);
    assert.equal(base()?.precedents.length, 20);
    assert.notEqual(base()?.precedentModel, null);

    // A file named after no scenario (a typo), or with the wrong extension, is read by nothing.
    writeFileSync(join(dir, "scenarios/precedents/bsae.yml"), file("bsae"));
    writeFileSync(join(dir, "scenarios/precedents/base.yaml"), file("base"));
    const orphans = lint();
    assert.equal(orphans.code, 0, orphans.text);
    assert.match(
      orphans.text,
      /precedents\/bsae\.yml:1: \(file\): warning: no scenario "bsae" in .*scenarios: these precedents are not used/,
    );
    assert.match(
      orphans.text,
      /precedents\/base\.yaml:1: \(file\): warning: precedents are read from precedents\/base\.yml: this file is not used/,
    );
    assert.doesNotMatch(orphans.text, /precedents\/base\.yml:\d/);
  });

  it("reports one typo in a next once, with the id it most likely meant, not as a cascade", () => {
    const result = lintBroken((f) => ({
      ...f,
      scenario: toV2(f.scenario).replace("{ id: yes, label: Yes, next: c }", "{ id: yes, label: Yes, next: cc }"),
    }));
    assert.equal(result.code, 1);
    const problems = result.lines;
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0] ?? "", /tree\.nodes\.b\.options\.0\.next: "cc" is neither a node nor an outcome \(did you mean "c"\?\)/);
  });
});

describe("drillbot lint: rubric v2, samples and the lexicon", () => {
  it("warns about the old must/must_not shape and shows it in the new one, without failing", () => {
    const result = lintBroken((f) => f);
    assert.equal(result.code, 0);
    const warning = result.lines.find((l) => l.includes("deprecated rubric shape"));
    assert.match(warning ?? "", /^scenarios\/base.yml:\d+: first_move.rubric.must: warning: deprecated rubric shape/);
    assert.match(warning ?? "", /core:\n {4}- \[dashboard, grafana\]\n {4}- \[confirm, verif\*, check\]\n {2}risky: \[restart\]/);
    const clean = lintBroken((f) => ({ ...f, scenario: toV2(f.scenario) }));
    assert.deepEqual(clean.lines, []);
  });

  it("fails on a sample the rubric scores against its label, naming file, line and sample", () => {
    const result = lintBroken((f) => ({
      ...f,
      scenario: toV2(f.scenario).replace(
        "\ninjects:",
        '\n  samples:\n    accept: ["check the error rate on the dash"]\n    reject: ["check the dashboard, then restart", "check the dashboard"]\ninjects:',
      ),
    }));
    assert.equal(result.code, 1);
    const samples = result.lines.filter((l) => l.includes("sample"));
    assert.equal(samples.length, 1, samples.join("\n"));
    assert.match(
      samples[0] ?? "",
      /^scenarios\/base.yml:\d+: first_move.samples.reject.1: the rubric scores this reject sample correct \(has dashboard \(“dashboard”\)\): "check the dashboard"$/,
    );
  });

  it("scores samples with the scenario's text, as a drill does: a system the scenario never names is another one", () => {
    // A reject sample that checks the right thing on another service: lint must read it as off
    // target, which needs the scenario's text; and the sample's own name must not become "known".
    const result = lintBroken((f) => ({
      ...f,
      scenario: toV2(f.scenario).replace(
        "\ninjects:",
        '\n  samples:\n    accept: ["check the error rate on the dash"]\n    reject: ["check the dashboard of billing-api"]\ninjects:',
      ),
    }));
    assert.deepEqual(result.lines, []);
    assert.equal(result.code, 0);
  });

  it("reports a term made only of filler words and a rubric with neither core nor must", () => {
    const filler = lintBroken((f) => ({ ...f, scenario: toV2(f.scenario).replace("[dashboard, error rate]", "[dashboard, the]") }));
    assert.ok(
      filler.lines.some((l) => /first_move.rubric: term "the" has only filler words/.test(l)),
      filler.lines.join("\n"),
    );
    const none = lintBroken((f) => ({ ...f, scenario: toV2(f.scenario).replace(/ {4}core:\n {6}- .*\n/, "") }));
    assert.ok(
      none.lines.some((l) => /first_move.rubric.core: required field is missing: name the core concepts/.test(l)),
      none.lines.join("\n"),
    );
  });

  it("reads a catalog's own lexicon.yml (extending the built-in one) and reports its problems with file and line", () => {
    const extended = lintBroken((f) => ({
      ...f,
      scenario: toV2(f.scenario).replace("\ninjects:", '\n  samples:\n    accept: ["check the err-o-meter"]\n    reject: []\ninjects:'),
      extra: { "scenarios/lexicon.yml": "groups:\n  error rate: [err-o-meter]\n" },
    }));
    assert.deepEqual(extended.lines, []);
    const broken = lintBroken((f) => ({
      ...f,
      extra: { "scenarios/lexicon.yml": "groups:\n  dashboard: [dash]\n  Bad Name: [x]\n  empty: []\n" },
    }));
    assert.ok(
      broken.lines.some((l) => /^scenarios\/lexicon.yml:3: groups.Bad Name: name a group in lower case/.test(l)),
      broken.lines.join("\n"),
    );
    assert.ok(
      broken.lines.some((l) => /^scenarios\/lexicon.yml:4: groups.empty: list at least one other word or phrase/.test(l)),
      broken.lines.join("\n"),
    );
  });
});
