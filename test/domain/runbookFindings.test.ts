import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseRunbook, partForHeading } from "../../src/domain/runbook.js";
import { runbookFindings } from "../../src/domain/runbookFindings.js";
import { REPO_ROOT } from "../helpers.js";

// Runbooks as teams write them: the headings of public runbook collections, Hugo front matter,
// nested "### Verify", placeholders, per-step undo notes and a code fence left open. The corpus
// under test/fixtures/import/ was written blind, with its ground truth in EXPECTED.md.

const CORPUS = join(REPO_ROOT, "test/fixtures/import/runbooks");
const read = (file: string) => parseRunbook(readFileSync(join(CORPUS, file), "utf8"));
const findings = (markdown: string) => runbookFindings(parseRunbook(markdown));

const fiveParts = (mitigation: string) =>
  ["# T", "## Meaning", "m", "## Quick check", "q", "## Impact", "i", "## Diagnosis", "d", "## Mitigation", mitigation].join("\n");

describe("runbook heading conventions", () => {
  it("reads Meaning/Overview/Description/Alert as the trigger and Quick check/First steps/Verify/Triage as verification", () => {
    for (const heading of ["Meaning", "Overview", "Description", "Alert", "Symptoms", "What this alert means"]) {
      assert.equal(partForHeading(heading), "trigger", heading);
    }
    for (const heading of ["Quick check", "First steps", "Verify", "Triage", "Immediate verification (under 60 seconds)"]) {
      assert.equal(partForHeading(heading), "verify", heading);
    }
    assert.equal(partForHeading("Diagnosis"), "diagnose");
    assert.equal(partForHeading("Mitigation"), "mitigate");
  });

  it("matches whole words: an alert's own name is not the Alert heading", () => {
    assert.equal(partForHeading("AlertmanagerFailedToSendAlerts"), null);
    assert.equal(partForHeading("Checkout"), null);
    assert.equal(partForHeading("Alerts"), "trigger");
  });

  it("uses the catalog's heading map first, and `none` keeps a heading out of every part", () => {
    const map = { "What to look at": "verify", "Alert routing": "none" } as const;
    assert.equal(partForHeading("What to look at first", map), "verify");
    assert.equal(partForHeading("Alert routing", map), null);
    const doc = parseRunbook("# X\n## What to look at\nkubectl get pods\n## Alert routing\nto #sre", { headings: map });
    assert.match(doc.sections.verify?.body ?? "", /kubectl get pods/);
    assert.equal(doc.sections.trigger, undefined);
  });

  it("finds a nested ### Verify under another part, but not a sub-heading that only mentions a part", () => {
    const doc = parseRunbook(
      [
        "# T",
        "## Meaning",
        "m",
        "## Impact",
        "users",
        "### Verify",
        "kubectl get pods",
        "## Diagnosis",
        "### Check if the alert fires",
        "x",
      ].join("\n"),
    );
    assert.equal(doc.sections.verify?.heading, "Verify");
    assert.equal(doc.sections.verify?.body, "kubectl get pods");
    assert.equal(doc.sections.impact?.body, "users");
    assert.match(doc.sections.diagnose?.body ?? "", /### Check if the alert fires/);
  });

  it("takes the title from front matter or the first heading and never reads front matter as text", () => {
    const doc = parseRunbook("---\ntitle: KubePodCrashLooping\nweight: 10\n---\n\n## Meaning\n\nIt loops.");
    assert.equal(doc.title, "KubePodCrashLooping");
    assert.equal(doc.sections.trigger?.body, "It loops.");
  });
});

describe("runbook findings", () => {
  it("a complete runbook has none", () => {
    assert.deepEqual(findings(fiveParts("1. Roll back the release. Undo: roll forward.")), []);
  });

  it("a Mitigation that is only TODO, or only an HTML comment, is a placeholder", () => {
    for (const body of ["TODO", "TBD: write this once we know more", "<!-- fill me -->"]) {
      const f = findings(fiveParts(body));
      assert.equal(f.length, 1, body);
      assert.match(f[0]?.message ?? "", /"Mitigation" is a placeholder/);
    }
  });

  it("checks each mitigation step: one step's undo note does not cover another step", () => {
    const f = findings(fiveParts("1. Scale the deployment up. Undo: none needed.\n2. Delete the stuck PVC.\n3. Check the logs again."));
    assert.equal(f.length, 1, JSON.stringify(f));
    assert.equal(f[0]?.line, 12);
    assert.match(f[0]?.message ?? "", /step "Delete the stuck PVC\." changes something but does not say how to undo it/);
  });

  it("accepts 'reversible', 'not reversible', 'no undo needed' per step, and a sentence that speaks for every step", () => {
    assert.deepEqual(
      findings(
        fiveParts("1. Restart the pod. No undo needed.\n2. Drain the node. Not reversible.\n3. Raise the limit. This is reversible."),
      ),
      [],
    );
    assert.deepEqual(findings(fiveParts("Every step here is reversible.\n\n1. Restart the pod.\n2. Drain the node.")), []);
    assert.equal(findings(fiveParts("1. Restart the pod.\n2. Drain the node.")).length, 2);
  });

  it("reports a code fence left open as such, not as missing parts", () => {
    const f = findings(
      [
        "# T",
        "## Meaning",
        "m",
        "## Quick check",
        "```shell",
        "kubectl get pods",
        "## Impact",
        "i",
        "## Diagnosis",
        "d",
        "## Mitigation",
        "x",
      ].join("\n"),
    );
    assert.equal(f.length, 1, JSON.stringify(f));
    assert.equal(f[0]?.field, "markdown");
    assert.equal(f[0]?.line, 5);
    assert.match(f[0]?.message ?? "", /never closed.*"Impact" \(line 7\), "Diagnosis" \(line 9\), "Mitigation" \(line 11\)/);
  });
});

describe("the runbook corpus (test/fixtures/import, ground truth in EXPECTED.md)", () => {
  // Heading → part for every runbook, as EXPECTED.md lists the headings.
  const expectedParts: Record<string, string[]> = {
    "kubernetes/KubePodCrashLooping.md": ["trigger", "impact", "verify", "diagnose", "mitigate"],
    "kubernetes/KubePersistentVolumeFillingUp.md": ["trigger", "impact", "diagnose", "mitigate"],
    "kubernetes/KubeDeploymentReplicasMismatch.md": ["trigger", "impact", "verify", "diagnose", "mitigate"],
    "kubernetes/KubeCPUOvercommit.md": ["trigger", "impact", "diagnose", "mitigate"],
    "kubernetes/KubeJobFailed.md": ["trigger", "impact", "verify", "mitigate"],
    "kubernetes/KubeContainerWaiting.md": ["trigger", "impact", "diagnose", "mitigate"],
    "node/NodeFilesystemSpaceFillingUp.md": ["trigger", "impact", "verify", "diagnose", "mitigate"],
    "node/NodeClockNotSynchronising.md": ["trigger", "impact", "diagnose", "mitigate"],
    "node/NodeNetworkReceiveErrs.md": ["trigger", "impact", "diagnose", "mitigate"],
    "alertmanager/AlertmanagerFailedToSendAlerts.md": ["trigger", "impact", "verify", "diagnose", "mitigate"],
    "prometheus/PrometheusRuleFailures.md": ["trigger", "impact", "diagnose"],
    "etcd/etcdMembersDown.md": ["trigger", "impact", "diagnose", "mitigate"],
    "general/TargetDown.md": ["trigger", "impact", "verify", "diagnose", "mitigate"],
    "general/Watchdog.md": ["trigger", "impact", "diagnose", "mitigate"],
  };

  for (const [file, parts] of Object.entries(expectedParts)) {
    it(`${file}: title from its H1, parts ${parts.join(", ")}`, () => {
      const doc = read(file);
      assert.equal(doc.title, file.split("/")[1]?.replace(".md", ""));
      assert.deepEqual(
        Object.values(doc.sections)
          .sort((a, b) => a.line - b.line)
          .map((s) => s.part),
        parts,
      );
    });
  }

  it("flags exactly the two placeholder Mitigations", () => {
    const placeholders = Object.keys(expectedParts).filter((file) =>
      runbookFindings(read(file)).some((f) => f.field === "mitigate" && /is a placeholder/.test(f.message)),
    );
    assert.deepEqual(placeholders.sort(), ["kubernetes/KubeCPUOvercommit.md", "node/NodeNetworkReceiveErrs.md"]);
  });

  it("reports PrometheusRuleFailures' open fence at line 55, swallowing the Mitigation heading, and no missing Mitigation", () => {
    const f = runbookFindings(read("prometheus/PrometheusRuleFailures.md"));
    const fence = f.find((x) => x.field === "markdown");
    assert.equal(fence?.line, 55);
    assert.match(fence?.message ?? "", /"Mitigation" \(line 59\)/);
    assert.ok(!f.some((x) => x.field === "mitigate"), JSON.stringify(f));
  });

  it("accepts every step's undo note where each step has one, and flags etcdMembersDown's step 3 only", () => {
    for (const file of [
      "kubernetes/KubePodCrashLooping.md",
      "kubernetes/KubePersistentVolumeFillingUp.md",
      "kubernetes/KubeJobFailed.md",
      "node/NodeFilesystemSpaceFillingUp.md",
      "node/NodeClockNotSynchronising.md",
    ]) {
      assert.deepEqual(
        runbookFindings(read(file)).filter((f) => /undo/.test(f.message)),
        [],
        file,
      );
    }
    const etcd = runbookFindings(read("etcd/etcdMembersDown.md")).filter((f) => /undo/.test(f.message));
    assert.deepEqual(
      etcd.map((f) => f.line),
      [104],
    );
  });
});
