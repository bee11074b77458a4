import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { resolveConfig } from "../../src/catalog/config.js";
import { indexRunbooks, matchRunbook, readRuleFiles } from "../../src/catalog/importer.js";
import { formatProblem } from "../../src/catalog/problems.js";
import { main } from "../../src/cli/main.js";
import type { AlertRule } from "../../src/domain/alertRules.js";
import { renderTemplate } from "../../src/domain/alertTemplate.js";
import { scenarioIdFor } from "../../src/domain/draftScenario.js";
import { firstMoveScore } from "../../src/domain/scoring.js";
import { REPO_ROOT, tempDir } from "../helpers.js";

// `drillbot import` against the blind-written corpus (test/fixtures/import, EXPECTED.md):
// both rule formats, the runbook_url → file mapping, name fallback, alerts with no runbook,
// and drafts that load as quick drills and lint clean by default.

const FIXTURE = join(REPO_ROOT, "test/fixtures/import");

/** The corpus copied to a fresh folder, as a team's repository. */
function teamRepo(): string {
  const dir = tempDir("drillbot-import-");
  cpSync(join(FIXTURE, "rules"), join(dir, "rules"), { recursive: true });
  cpSync(join(FIXTURE, "runbooks"), join(dir, "runbooks"), { recursive: true });
  return dir;
}

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env, cwd);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// EXPECTED.md, "Alerts": alert → runbook under runbooks/ (null: none).
const EXPECTED: Record<string, string | null> = {
  KubePodCrashLooping: "kubernetes/KubePodCrashLooping.md",
  KubePodNotReady: null,
  KubeDeploymentReplicasMismatch: "kubernetes/KubeDeploymentReplicasMismatch.md",
  KubeStatefulSetReplicasMismatch: null,
  KubeJobFailed: "kubernetes/KubeJobFailed.md",
  KubeHpaMaxedOut: null,
  KubePersistentVolumeFillingUp: "kubernetes/KubePersistentVolumeFillingUp.md",
  KubeCPUOvercommit: "kubernetes/KubeCPUOvercommit.md",
  NodeFilesystemSpaceFillingUp: "node/NodeFilesystemSpaceFillingUp.md",
  NodeFilesystemAlmostOutOfSpace: null,
  NodeNetworkReceiveErrs: "node/NodeNetworkReceiveErrs.md",
  NodeClockNotSynchronising: "node/NodeClockNotSynchronising.md",
  NodeClockSkewDetected: null,
  etcdMembersDown: "etcd/etcdMembersDown.md",
  etcdHighNumberOfLeaderChanges: null,
  PrometheusRuleFailures: "prometheus/PrometheusRuleFailures.md",
  AlertmanagerFailedToSendAlerts: "alertmanager/AlertmanagerFailedToSendAlerts.md",
  TargetDown: "general/TargetDown.md",
  Watchdog: "general/Watchdog.md",
};
const BY_NAME = new Set(["KubeJobFailed", "NodeClockNotSynchronising"]);

describe("reading Prometheus rule files", () => {
  const set = readRuleFiles([join(FIXTURE, "rules")]);

  it("reads plain rule files and PrometheusRule manifests: 21 alerting rules, 19 names, the recording rule skipped", () => {
    assert.deepEqual(set.problems, []);
    assert.equal(set.files.length, 3);
    assert.equal(set.alerts.length, 21);
    assert.equal(set.recordingRules, 1);
    assert.deepEqual(new Set(set.alerts.map((a) => a.alert)), new Set(Object.keys(EXPECTED)));
    const node = set.alerts.find((a) => a.alert === "NodeNetworkReceiveErrs");
    assert.equal(node?.group, "node-exporter", "from spec.groups of the PrometheusRule");
    assert.match(node?.file ?? "", /node-exporter-prometheusrule\.yaml$/);
  });

  it("knows where each alert is, for messages", () => {
    const crash = set.alerts.find((a) => a.alert === "KubePodCrashLooping");
    const text = readFileSync(join(FIXTURE, "rules/kubernetes-apps.rules.yml"), "utf8").split("\n");
    assert.equal(text[(crash?.line ?? 0) - 1]?.trim(), "- alert: KubePodCrashLooping");
  });

  it("reads a List of PrometheusRules and a ConfigMap holding a rule file; a Helm template is refused with what to do", () => {
    const dir = tempDir();
    const rule = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n";
    writeFileSync(
      join(dir, "list.yaml"),
      `kind: List\nitems:\n  - kind: PrometheusRule\n    spec:\n      groups:\n        - name: g\n          rules:\n            - alert: B\n              expr: up == 0\n`,
    );
    writeFileSync(join(dir, "cm.yaml"), `kind: ConfigMap\ndata:\n  alerts.rules: |\n${rule.replace(/^/gm, "    ")}`);
    writeFileSync(join(dir, "helm.yaml"), "groups:\n{{ toYaml .Values.rules | indent 2 }}\n");
    writeFileSync(join(dir, "kustomization.yaml"), "kind: Kustomization\nresources: [list.yaml]\n");
    const read = readRuleFiles([dir]);
    assert.deepEqual(read.alerts.map((a) => a.alert).sort(), ["A", "B"]);
    assert.deepEqual(read.notRuleFiles, [join(dir, "kustomization.yaml")], "a folder's other YAML is skipped, not an error");
    assert.equal(read.problems.length, 1);
    assert.match(
      formatProblem(read.problems[0] ?? { file: "", line: 0, field: "", message: "" }),
      /helm\.yaml:1: .*Helm template: render it first/,
    );
  });
});

describe("mapping alerts to runbooks", () => {
  const set = readRuleFiles([join(FIXTURE, "rules")]);
  const index = indexRunbooks(join(FIXTURE, "runbooks"));

  it("never indexes _index.md or README pages", () => {
    assert.equal(index.length, 14);
    assert.ok(index.every((e) => !/_index|readme/i.test(e.path)));
  });

  for (const [alert, runbook] of Object.entries(EXPECTED)) {
    it(`${alert} → ${runbook ?? "none"}`, () => {
      for (const rule of set.alerts.filter((a) => a.alert === alert)) {
        const match = matchRunbook(rule, index);
        if (runbook === null) {
          assert.equal(match.how, "none");
        } else {
          assert.ok(match.how !== "none", JSON.stringify(match));
          assert.equal(match.entry.path, join(FIXTURE, "runbooks", runbook));
          assert.equal(match.how, BY_NAME.has(alert) ? "name" : "runbook_url");
        }
      }
    });
  }

  it("maps URL paths case-insensitively, with a trailing slash, a .md or a GitHub blob URL", () => {
    const rule = (url: string): AlertRule => ({
      alert: "Whatever",
      expr: "",
      for: null,
      labels: {},
      annotations: { runbook_url: url },
      group: "g",
      file: "f",
      line: 1,
    });
    for (const url of [
      "https://runbooks.example.com/runbooks/kubernetes/kubepodcrashlooping",
      "https://runbooks.example.com/runbooks/kubernetes/KubePodCrashLooping/",
      "https://github.com/acme/runbooks/blob/main/content/runbooks/kubernetes/KubePodCrashLooping.md",
      "https://wiki.example.com/ops/kubepodcrashlooping",
    ]) {
      const match = matchRunbook(rule(url), index);
      assert.ok(match.how === "runbook_url" && match.entry.path.endsWith("kubernetes/KubePodCrashLooping.md"), url);
    }
  });

  it("does not fall back to the alert's name when its runbook_url is dangling, and says which file has the name", () => {
    const match = matchRunbook(
      {
        alert: "KubeJobFailed",
        expr: "",
        for: null,
        labels: {},
        annotations: { runbook_url: "https://runbooks.example.com/runbooks/kubernetes/kubejobfailure" },
        group: "g",
        file: "f",
        line: 1,
      },
      index,
    );
    assert.equal(match.how, "none");
    assert.ok(match.how === "none" && match.lookalike?.path.endsWith("KubeJobFailed.md"));
  });
});

describe("alert templates", () => {
  const labels = { namespace: "checkout", pod: "checkout-api-7d9f8b6c5-x2x4k", container: "checkout-api" };
  it("fills $labels and formats $value as Prometheus does", () => {
    assert.equal(
      renderTemplate("Container {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is waiting.", labels, 1),
      "Container checkout/checkout-api-7d9f8b6c5-x2x4k (checkout-api) is waiting.",
    );
    assert.equal(renderTemplate("only {{ $value | humanizePercentage }} free", labels, 0.021), "only 2.1% free");
    assert.equal(renderTemplate('{{ printf "%.2f" $value }}% left', labels, 14), "14.00% left");
    assert.equal(renderTemplate('{{ printf "%.0f" $value }} rules', labels, 3.4), "3 rules");
    assert.equal(renderTemplate('{{ printf "%.4g" $value }}%', labels, 14.123456), "14.12%");
    assert.equal(renderTemplate("wants {{ $value }} replicas{{ if true }}!{{ end }}", labels, 3), "wants 3 replicas!");
    assert.equal(renderTemplate("{{ $labels.missing }} and {{ unknownFn $value }}", labels, 3), "<missing> and <…>");
  });

  it("a rule file named on the command line that holds no rules is an error", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "values.yaml"), "replicas: 3\n");
    const read = readRuleFiles([join(dir, "values.yaml")]);
    assert.match(
      formatProblem(read.problems[0] ?? { file: "", line: 0, field: "", message: "" }),
      /values\.yaml:1: \(file\): not a rule file/,
    );
  });

  it("names scenarios after alerts", () => {
    assert.equal(scenarioIdFor("KubePodCrashLooping"), "kube-pod-crash-looping");
    assert.match(scenarioIdFor("!!!"), /^alert-[a-z0-9]+$/);
    assert.equal(scenarioIdFor("KubeCPUOvercommit"), "kube-cpu-overcommit");
    assert.equal(scenarioIdFor("etcdMembersDown"), "etcd-members-down");
  });
});

describe("drillbot import", () => {
  it("drafts a quick drill for every alert with a runbook, reports the rest, and writes drillbot.yml", async () => {
    const repo = teamRepo();
    const run = await cli(
      [
        "import",
        "--rules",
        "rules/kubernetes-apps.rules.yml",
        "rules/node-exporter-prometheusrule.yaml",
        "rules/misc-prometheusrule.yaml",
        "--runbooks",
        "runbooks",
      ],
      repo,
    );
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /read 21 alerting rule\(s\) \(19 alert names\) from 3 file\(s\); 1 recording rule\(s\) skipped/);
    assert.match(run.out, /13 draft\(s\) written to /);
    assert.match(run.out, /6 alert\(s\) without a runbook \(no draft\):/);
    assert.match(run.out, /kubernetes-apps\.rules\.yml:83: KubeHpaMaxedOut: no runbook_url, and no runbook named KubeHpaMaxedOut/);
    assert.match(
      run.out,
      /KubePodNotReady: runbook_url https:\/\/runbooks\.example\.com\/runbooks\/kubernetes\/kubepodnotready matches no runbook/,
    );
    assert.match(run.out, /Next: npx drillbot drill /);

    const drafts = readdirSync(join(repo, "drills")).sort();
    const expectedIds = Object.entries(EXPECTED)
      .filter(([, runbook]) => runbook !== null)
      .map(([alert]) => `${scenarioIdFor(alert)}.yml`)
      .sort();
    assert.deepEqual(drafts, expectedIds);
    assert.match(readFileSync(join(repo, "drillbot.yml"), "utf8"), /catalogs:\n {2}- drills\n/);
    assert.ok(existsSync(join(repo, ".drillbot/scenario.schema.json")), "the editor schema the drafts point at");

    // The drafts as the team's catalog: every one loads as a quick drill, with no error.
    const catalog = loadCatalog(resolveConfig(repo, {}));
    assert.deepEqual(catalog.problems.filter((p) => p.severity !== "warning").map(formatProblem), []);
    const drafted = [...catalog.scenarios.values()].filter((s) => s.tags.includes("imported"));
    assert.equal(drafted.length, 13);
    assert.ok(drafted.every((s) => s.quick));
    assert.ok(catalog.scenarios.has("payment-5xx"), "the built-in library comes along");
  });

  it("words the trigger as Alertmanager would, with templates filled and no braces left", async () => {
    const repo = teamRepo();
    await cli(["import", "--rules", "rules", "--runbooks", "runbooks"], repo);
    const catalog = loadCatalog(resolveConfig(repo, {}));
    const crash = catalog.scenarios.get("kube-pod-crash-looping");
    assert.ok(crash);
    assert.equal(crash.trigger.source, "Prometheus Alertmanager");
    assert.match(crash.trigger.title, /^\[FIRING:1\] KubePodCrashLooping \(/);
    assert.equal(crash.severity, "SEV3");
    assert.equal(crash.runbook, "../runbooks/kubernetes/KubePodCrashLooping.md");
    const pod = String(crash.trigger.fields.pod);
    const ns = String(crash.trigger.fields.namespace);
    assert.match(
      crash.trigger.text,
      new RegExp(`Container ${ns}/${pod} \\(${crash.trigger.fields.container}\\) has been in CrashLoopBackOff`),
    );
    assert.equal(crash.trigger.fields.job, "kube-state-metrics", "from the expression's matcher");
    const pv = catalog.scenarios.get("kube-persistent-volume-filling-up");
    assert.equal(pv?.severity, "SEV2", "the critical rule of the two");
    assert.match(pv?.trigger.text ?? "", /has only \d+(\.\d+)?% free/);
    for (const s of catalog.scenarios.values()) {
      assert.doesNotMatch(`${s.trigger.title}\n${s.trigger.text}`, /\{\{|\}\}|<…>/, s.id);
    }
    // The first move comes from the runbook's verification step, else its first diagnosis step.
    assert.match(crash.first_move.expected, /Confirm the pod really is crash looping.*kubectl get pods/);
    assert.match(catalog.scenarios.get("kube-cpu-overcommit")?.first_move.expected ?? "", /How far over are we\?/);
    assert.ok(crash.first_move.rubric.risky?.includes("roll back"), "a mitigation of the runbook is a risky first move");
  });

  it("judges fair first moves on imported runbooks as fair: no wrong-object reading from text a team runbook does not have", async () => {
    const repo = teamRepo();
    // A team runbook of its own: one "Steps" list, no Trigger or verification section.
    writeFileSync(
      join(repo, "rules/checkout.rules.yml"),
      [
        "groups:",
        "  - name: checkout",
        "    rules:",
        "      - alert: CheckoutApiHighLatency",
        '        expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout-api"}[5m]))) > 1',
        "        labels: {severity: critical}",
        "        annotations:",
        "          summary: checkout-api p99 latency is above 1s.",
        "          runbook_url: https://runbooks.example.com/runbooks/checkout/checkoutapihighlatency",
      ].join("\n"),
    );
    mkdirSync(join(repo, "runbooks/checkout"));
    writeFileSync(
      join(repo, "runbooks/checkout/CheckoutApiHighLatency.md"),
      "# CheckoutApiHighLatency\n\n## Steps\n\n1. Check the p99 latency of inventory-api and pricing-api on the Checkout dashboard: checkout-api waits on both.\n2. If one of them is slow, page its owner; do not restart checkout-api.\n",
    );
    // A runbook whose first check POSTs a read-only query (ClickHouse's HTTP interface).
    writeFileSync(
      join(repo, "rules/clickhouse.rules.yml"),
      [
        "groups:",
        "  - name: clickhouse",
        "    rules:",
        "      - alert: ClickHouseReplicationLag",
        '        expr: max by (table) (clickhouse_replica_absolute_delay{namespace="analytics"}) > 300',
        "        labels: {severity: warning}",
        "        annotations:",
        "          summary: A ClickHouse replica lags on {{ $labels.table }}.",
        "          runbook_url: https://runbooks.example.com/runbooks/checkout/clickhousereplicationlag",
      ].join("\n"),
    );
    writeFileSync(
      join(repo, "runbooks/checkout/ClickHouseReplicationLag.md"),
      "# ClickHouseReplicationLag\n\n## Quick check\n\n1. Which replicas lag, and on which tables? Read them from ClickHouse over its HTTP interface (queries are POSTed):\n\n   ```shell\n   curl -s -X POST 'http://clickhouse.analytics.svc:8123/' --data-binary \"SELECT table, replica_name, absolute_delay FROM system.replicas WHERE absolute_delay > 300\"\n   ```\n\n## Mitigation\n\n- Restart the lagging replica's pod if its queue does not move.\n",
    );
    const run = await cli(["import", "--rules", "rules", "--runbooks", "runbooks"], repo);
    assert.equal(run.code, 0, run.out + run.err);
    const catalog = loadCatalog(resolveConfig(repo, {}));
    const score = (id: string, answer: string) => {
      const scenario = catalog.scenarios.get(id);
      assert.ok(scenario, id);
      return firstMoveScore(answer, scenario.rubric);
    };
    const ns = String(catalog.scenarios.get("kube-pod-crash-looping")?.trigger.fields.namespace);
    const fair: [string, string][] = [
      // The runbook's own first step names the services checkout-api waits on.
      ["checkout-api-high-latency", "check the p99 latency of inventory-api and pricing-api on the Checkout dashboard"],
      // A cluster context where the alert names no cluster; the node an instance IP names.
      ["kube-pod-crash-looping", `kubectl --context prod get pods -n ${ns} -o wide`],
      ["node-filesystem-space-filling-up", "kubectl describe node ip-10-0-7-186 to see if the kubelet reports disk pressure"],
      // A scope comparison, and a wait for the owners after one's own check, before a change.
      ["node-filesystem-space-filling-up", "check in prometheus whether disk pressure is across the fleet or only on this node"],
      ["kube-pod-crash-looping", `kubectl get pods -n ${ns}, then wait for the owning team before restarting anything`],
      // The runbook's own read-only POST, and a sibling pod looked at after one's own check.
      [
        "click-house-replication-lag",
        `curl -s -X POST 'http://clickhouse.analytics.svc:8123/' --data-binary "SELECT table, absolute_delay FROM system.replicas"`,
      ],
      ["kube-pod-crash-looping", `kubectl get pods -n ${ns} -o wide, then kubectl logs -n ${ns} search-api-6tk9c2qgj8-hx7rd --previous`],
    ];
    for (const [id, answer] of fair) {
      const verdict = score(id, answer);
      assert.ok(verdict.correct, `${id}: "${answer}" → ${verdict.reason}`);
    }
    // etcd's own pods live in kube-system, which its runbook names only in a later step.
    const etcd = score("etcd-members-down", "kubectl -n kube-system get pods -l component=etcd -o wide to see which members are down");
    assert.doesNotMatch(etcd.reason, /wrong thing/);
    // Waiting on others with no move of one's own stays a hand-off.
    assert.equal(score("kube-pod-crash-looping", "who owns this? lets wait for them before doing anything").correct, false);
  });

  it("keeps existing drafts unless --force, and adds its folder to an existing drillbot.yml", async () => {
    const repo = teamRepo();
    writeFileSync(join(repo, "drillbot.yml"), "# ours\ncatalogs: []\nbuiltin: false\n");
    const first = await cli(["import", "--rules", "rules", "--runbooks", "runbooks", "--out", "scenarios/alerts"], repo);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /added scenarios\/alerts to the catalogs in /);
    const config = readFileSync(join(repo, "drillbot.yml"), "utf8");
    assert.match(config, /^# ours\n/);
    assert.match(config, /- scenarios\/alerts/);
    const file = join(repo, "scenarios/alerts/watchdog.yml");
    writeFileSync(file, readFileSync(file, "utf8").replace("time_limit: 10m", "time_limit: 12m"));
    const again = await cli(["import", "--rules", "rules", "--runbooks", "runbooks"], repo);
    assert.match(again.out, /0 draft\(s\) written to .*, 13 kept as they were \(--force overwrites\)/);
    assert.match(readFileSync(file, "utf8"), /time_limit: 12m/);
    const forced = await cli(["import", "--rules", "rules", "--runbooks", "runbooks", "--force"], repo);
    assert.match(forced.out, /13 draft\(s\) written/);
    assert.match(readFileSync(file, "utf8"), /time_limit: 10m/);
    assert.equal(loadCatalog(resolveConfig(repo, {})).scenarios.has("payment-5xx"), false, "builtin: false is kept");
  });

  it("explains bad arguments", async () => {
    const repo = teamRepo();
    const noRunbooks = await cli(["import", "--rules", "rules"], repo);
    assert.equal(noRunbooks.code, 2);
    assert.match(noRunbooks.err, /--runbooks needs the folder of your runbooks/);
    const missing = await cli(["import", "--rules", "rules", "--runbooks", "nope"], repo);
    assert.match(missing.err, /--runbooks nope is not a folder/);
    const help = await cli(["import", "--help"], repo);
    assert.equal(help.code, 0);
    assert.match(help.out, /^drillbot import --rules <file…> --runbooks <dir>/);
  });
});
