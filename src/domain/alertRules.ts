// Prometheus alerting rules as drillbot reads them: plain rule files (`groups:` at the top),
// Kubernetes PrometheusRule manifests (`spec.groups`), a List of them, or a ConfigMap whose
// data holds a rule file. Pure: the caller parses YAML and says where each path sits.

export interface AlertRule {
  alert: string;
  expr: string;
  for: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  group: string;
  /** Where the rule sits, for messages. */
  file: string;
  line: number;
}

export interface RuleFileResult {
  alerts: AlertRule[];
  recordingRules: number;
  problems: { line: number; message: string }[];
}

type Path = (string | number)[];
type LineOf = (path: Path) => number;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const stringMap = (v: unknown): Record<string, string> =>
  isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" ? x : String(x)])) : {};

/** Where the rule groups of one YAML document are, or a reason there are none. */
function groupsOf(doc: unknown): { groups: unknown; path: Path }[] | string {
  if (!isObject(doc)) return "not a rule file (expected groups: or a PrometheusRule)";
  if (Array.isArray(doc.groups)) return [{ groups: doc.groups, path: ["groups"] }];
  if (doc.kind === "PrometheusRule") {
    const spec = doc.spec;
    if (isObject(spec) && Array.isArray(spec.groups)) return [{ groups: spec.groups, path: ["spec", "groups"] }];
    return "PrometheusRule without spec.groups";
  }
  if (doc.kind === "List" && Array.isArray(doc.items)) {
    const found: { groups: unknown; path: Path }[] = [];
    doc.items.forEach((item, i) => {
      const inner = groupsOf(item);
      if (typeof inner !== "string") found.push(...inner.map((g) => ({ groups: g.groups, path: ["items", i, ...g.path] })));
    });
    return found;
  }
  return `not a rule file: kind ${String(doc.kind ?? "(none)")} has no rule groups`;
}

/** The alerting rules of one parsed YAML document. */
export function alertRulesOf(doc: unknown, file: string, lineOf: LineOf): RuleFileResult {
  const result: RuleFileResult = { alerts: [], recordingRules: 0, problems: [] };
  const found = groupsOf(doc);
  if (typeof found === "string") {
    result.problems.push({ line: lineOf([]), message: found });
    return result;
  }
  for (const { groups, path } of found) {
    if (!Array.isArray(groups)) continue;
    groups.forEach((group, gi) => {
      if (!isObject(group) || !Array.isArray(group.rules)) {
        result.problems.push({ line: lineOf([...path, gi]), message: "a rule group needs name: and rules:" });
        return;
      }
      const groupName = typeof group.name === "string" ? group.name : `group ${gi + 1}`;
      group.rules.forEach((rule, ri) => {
        const at = [...path, gi, "rules", ri];
        if (!isObject(rule)) return;
        if (typeof rule.record === "string") {
          result.recordingRules++;
          return;
        }
        if (typeof rule.alert !== "string" || rule.alert.trim() === "") {
          result.problems.push({ line: lineOf(at), message: "a rule with neither alert: nor record:" });
          return;
        }
        result.alerts.push({
          alert: rule.alert.trim(),
          expr: typeof rule.expr === "string" ? rule.expr : String(rule.expr ?? ""),
          for: typeof rule.for === "string" ? rule.for : null,
          labels: stringMap(rule.labels),
          annotations: stringMap(rule.annotations),
          group: groupName,
          file,
          line: lineOf([...at, "alert"]),
        });
      });
    });
  }
  return result;
}

/** A ConfigMap's data values that are rule files themselves (Helm charts ship rules so). */
export function embeddedRuleFiles(doc: unknown): { key: string; text: string }[] {
  if (!isObject(doc) || doc.kind !== "ConfigMap" || !isObject(doc.data)) return [];
  return Object.entries(doc.data).flatMap(([key, text]) =>
    typeof text === "string" && /^\s*groups\s*:/m.test(text) ? [{ key, text }] : [],
  );
}

const SEVERITY_ORDER = ["critical", "page", "high", "error", "warning", "warn", "medium", "low", "info", "none"];

/** Most severe first (critical before warning), for picking the rule a draft is made from. */
export function bySeverity(a: AlertRule, b: AlertRule): number {
  const rank = (r: AlertRule) => {
    const i = SEVERITY_ORDER.indexOf((r.labels.severity ?? "").toLowerCase());
    return i < 0 ? SEVERITY_ORDER.length : i;
  };
  return rank(a) - rank(b);
}

/** drillbot's severity for an alert's severity label: critical → SEV2, warning → SEV3, else SEV4.
 * SEV1 is left to people: one alert alone is rarely the worst incident of the year. */
export function scenarioSeverity(label: string | undefined): "SEV2" | "SEV3" | "SEV4" {
  const s = (label ?? "").toLowerCase();
  if (["critical", "page", "high", "error", "p1", "p2"].includes(s)) return "SEV2";
  if (["warning", "warn", "medium", "p3"].includes(s)) return "SEV3";
  return "SEV4";
}
