import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRunbook, partForHeading } from "../../src/domain/runbook.js";

describe("runbook parser", () => {
  it("recognises the five parts under the headings real teams use", () => {
    const cases: [string, string][] = [
      ["Trigger", "trigger"],
      ["Symptoms", "trigger"],
      ["Immediate verification (under 60 seconds)", "verify"],
      ["Verify", "verify"],
      ["2. Verification", "verify"],
      ["Impact", "impact"],
      ["Blast radius", "impact"],
      ["Diagnostic steps (decision tree)", "diagnose"],
      ["Diagnosis", "diagnose"],
      ["Troubleshooting", "diagnose"],
      ["Mitigations (reversible first) and rollback", "mitigate"],
      ["Mitigation", "mitigate"],
      ["Rollback", "mitigate"],
      ["Remediation", "mitigate"],
    ];
    for (const [heading, part] of cases) assert.equal(partForHeading(heading), part, heading);
    assert.equal(partForHeading("Contacts"), null);
  });

  it("splits sections, joins Mitigation and Rollback, and ignores headings inside code", () => {
    const doc = parseRunbook(
      [
        "# Cache misses",
        "## Symptoms",
        "hit ratio drops",
        "## Verify",
        "```",
        "## Impact (not a heading: in a code block)",
        "```",
        "## Impact",
        "origin load",
        "### Who is paged",
        "nobody",
        "## Diagnosis",
        "1. is it the deploy?",
        "## Mitigation",
        "roll the deploy back",
        "## Rollback",
        "redeploy the new version",
        "## Contacts",
        "#sre",
      ].join("\n"),
    );
    assert.equal(doc.title, "Cache misses");
    assert.deepEqual(Object.keys(doc.sections).sort(), ["diagnose", "impact", "mitigate", "trigger", "verify"]);
    assert.match(doc.sections.verify?.body ?? "", /not a heading/);
    assert.match(doc.sections.impact?.body ?? "", /### Who is paged\nnobody/);
    assert.match(doc.sections.mitigate?.body ?? "", /roll the deploy back[\s\S]*\*\*Rollback\*\*[\s\S]*redeploy/);
    assert.equal(doc.sections.impact?.line, 8);
    assert.deepEqual(
      doc.extra.map((e) => e.heading),
      ["Contacts"],
    );
  });
});
