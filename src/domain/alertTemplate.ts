import type { AlertRule } from "./alertRules.js";

// An alert as Alertmanager would show it: labels with plausible values and the annotations'
// Go templates ({{ $labels.pod }}, {{ $value | humanizePercentage }}, {{ printf "%.2f" $value }})
// filled in. Values are made up but stable: derived from the alert's name, so a draft written
// twice is the same draft.

/** A small stable hash (FNV-1a) for choosing made-up values. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const pick = <T>(items: readonly T[], seed: string): T => items[hash(seed) % items.length] as T;
const hex = (seed: string, length: number) => hash(seed).toString(16).padStart(8, "0").slice(0, length);
/** A ReplicaSet hash and pod suffix as Kubernetes makes them: 10 and 5 characters of bcdf…2456789. */
const podSuffix = (seed: string) => {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const chars = (salt: string, length: number) => {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[hash(`${seed}${salt}${i}`) % alphabet.length];
    return out;
  };
  return `${chars("rs", 10)}-${chars("pod", 5)}`;
};

/** The value a label matcher in the expression pins (`job="kube-state-metrics"`), if plain enough. */
function matcherValue(expr: string, label: string): string | null {
  const m = new RegExp(`[{,\\s]${label}\\s*(=~?)\\s*"([^"]*)"`).exec(expr);
  if (!m) return null;
  const [, op, raw = ""] = m;
  if (op === "=") return raw || null;
  // A regex: its first alternative, without wildcards, if a usable word is left.
  const first = (
    raw
      .replace(/^\^|\$$/g, "")
      .replace(/^\((.*)\)$/, "$1")
      .split("|")[0] ?? ""
  ).replace(/\.\*|\.\+|\\/g, "");
  return /^[\w.-]+$/.test(first) && !first.endsWith("-") ? first : null;
}

const NAMESPACES = ["checkout", "payments", "orders", "search", "accounts"];

/** Plausible labels for the alert: its own, those its expression pins, and made-up ones for
 * every label its annotations use. */
export function plausibleLabels(rule: AlertRule): Record<string, string> {
  const seed = rule.alert;
  const used = new Set<string>();
  for (const text of Object.values(rule.annotations)) {
    for (const m of text.matchAll(/\$labels\.(\w+)|\.Labels\.(\w+)/g)) used.add(m[1] ?? m[2] ?? "");
  }
  for (const label of ["namespace", "job", "service"]) if (matcherValue(rule.expr, label)) used.add(label);
  used.delete("");

  const system = /^(prometheus|alertmanager|thanos)/i.test(rule.alert)
    ? "monitoring"
    : /^(etcd|kube(api|scheduler|controller|proxy|let)|coredns)/i.test(rule.alert)
      ? "kube-system"
      : null;
  const labels: Record<string, string> = {};
  const value = (label: string): string => {
    if (labels[label] !== undefined) return labels[label];
    const pinned = matcherValue(rule.expr, label);
    if (pinned) return pinned;
    const ns = () => value("namespace");
    const app = () =>
      /^prometheus/i.test(rule.alert) ? "prometheus-k8s" : /^alertmanager/i.test(rule.alert) ? "alertmanager-main" : `${ns()}-api`;
    const ip = `10.0.${hash(`${seed}ip`) % 8}.${10 + (hash(`${seed}host`) % 200)}`;
    switch (label) {
      case "namespace":
        return system ?? pick(NAMESPACES, seed);
      case "pod":
        return system === "monitoring" ? `${app()}-0` : `${value("deployment")}-${podSuffix(seed)}`;
      case "container":
        return system === "monitoring" ? (app().split("-")[0] ?? "app") : value("deployment");
      case "deployment":
      case "horizontalpodautoscaler":
      case "service":
        return app();
      case "statefulset":
        return `${ns()}-db`;
      case "daemonset":
        return "node-exporter";
      case "job_name":
        return `${ns()}-nightly-export-${28_000_000 + (hash(seed) % 999_999)}`;
      case "cronjob":
        return `${ns()}-nightly-export`;
      case "persistentvolumeclaim":
        return `data-${ns()}-db-0`;
      case "persistentvolume":
        return `pvc-${hex(seed, 8)}-${hex(`${seed}a`, 4)}-${hex(`${seed}b`, 4)}`;
      case "node":
        return `ip-${ip.replace(/\./g, "-")}.eu-west-1.compute.internal`;
      case "instance":
        return /etcd/i.test(rule.alert) ? `${ip}:2379` : /node_/.test(rule.expr) || /^Node/.test(rule.alert) ? `${ip}:9100` : `${ip}:8080`;
      case "device":
        return /node_network/.test(rule.expr) ? "ens5" : "/dev/nvme1n1";
      case "mountpoint":
        return "/var/lib/containerd";
      case "fstype":
        return "ext4";
      case "job":
        return /etcd/i.test(rule.alert) ? "etcd" : /^Node/.test(rule.alert) ? "node-exporter" : app();
      case "integration":
        return pick(["pagerduty", "slack", "webhook"], seed);
      case "rule_group":
        return `/etc/prometheus/rules/prometheus-k8s-rulefiles-0/monitoring-rules.yaml;${rule.group}`;
      case "cluster":
        return "prod-eu-west-1";
      case "To":
        return hex(`${seed}peer`, 16);
      case "reason":
        return "CrashLoopBackOff";
      case "endpoint":
        return "http-metrics";
      default:
        return `${label.replace(/_/g, "-")}-1`;
    }
  };
  for (const label of [...used].sort()) labels[label] = value(label);
  return labels;
}

/** A plausible value for $value: just past the expression's threshold. */
export function plausibleValue(expr: string): number {
  // The last top-level comparison with a number: `… > 0.05`, `… >= 1`, `… < 0.03`.
  const comparisons = [...expr.matchAll(/(>=|<=|==|!=|>|<)\s*(?:bool\s+)?(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*\)?\s*$/gm)];
  const last = comparisons.at(-1);
  if (!last) return 3; // series against series (replicas wanted vs available): a small count
  const op = last[1] ?? ">";
  const t = Number(last[2]);
  const integer = Number.isInteger(t);
  switch (op) {
    case ">":
      return integer ? (t >= 10 ? Math.round(t * 1.4) : t + 2) : Number((t * 1.6).toPrecision(3));
    case ">=":
      return integer ? (t <= 1 ? t : t + 1) : Number((t * 1.3).toPrecision(3));
    case "<":
    case "<=":
      return t === 0 ? -1 : Number((t * 0.7).toPrecision(3));
    case "!=":
      return t + 1;
    default:
      return t;
  }
}

/** Prometheus's humanize: 4 significant digits with an SI prefix. */
export function humanize(v: number): string {
  const abs = Math.abs(v);
  const prefixes: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [scale, prefix] of prefixes) if (abs >= scale) return `${Number((v / scale).toPrecision(4))}${prefix}`;
  if (abs !== 0 && abs < 1) {
    for (const [scale, prefix] of [
      [1e-3, "m"],
      [1e-6, "u"],
    ] as [number, string][]) {
      if (abs >= scale) return `${Number((v / scale).toPrecision(4))}${prefix}`;
    }
  }
  return `${Number(v.toPrecision(4))}`;
}

function humanizeDuration(seconds: number): string {
  if (seconds < 1) return `${Number((seconds * 1000).toPrecision(4))}ms`;
  const s = Math.round(seconds);
  const parts = [
    Math.floor(s / 86400) && `${Math.floor(s / 86400)}d`,
    Math.floor((s % 86400) / 3600) && `${Math.floor((s % 86400) / 3600)}h`,
  ];
  parts.push(Math.floor((s % 3600) / 60) && `${Math.floor((s % 3600) / 60)}m`, s % 60 && `${s % 60}s`);
  return parts.filter(Boolean).join(" ") || "0s";
}

/** Go's printf for the verbs alert templates use: %d %s %v %f %.Nf %g %.Ng %%. */
export function printf(format: string, args: (string | number)[]): string {
  let i = 0;
  return format.replace(/%(\.(\d+))?([dsvfge%])/g, (_, _p, precision: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    const arg = args[i++];
    if (arg === undefined) return `%!${verb}(MISSING)`;
    const n = typeof arg === "number" ? arg : Number(arg);
    switch (verb) {
      case "d":
        return String(Math.trunc(n));
      case "f":
        return n.toFixed(precision === undefined ? 6 : Number(precision));
      case "e":
        return n.toExponential(precision === undefined ? 6 : Number(precision));
      case "g":
        return precision === undefined ? String(n) : String(Number(n.toPrecision(Math.max(1, Number(precision)))));
      default:
        return String(arg);
    }
  });
}

type Value = string | number;

/** Renders one alert template with the given labels and value. Control actions (if/range/with/
 * end) are dropped and their text kept; anything it cannot evaluate becomes `<…>`. */
export function renderTemplate(template: string, labels: Record<string, string>, value: number): string {
  const operand = (token: string): Value | undefined => {
    const t = token.trim();
    if (t === "$value" || t === ".Value") return value;
    const label = /^(?:\$labels|\.Labels)\.(\w+)$/.exec(t);
    if (label) return labels[label[1] ?? ""] ?? `<${label[1]}>`;
    const external = /^\$externalLabels\.(\w+)$/.exec(t);
    if (external) return external[1] === "cluster" ? "prod-eu-west-1" : `<${external[1]}>`;
    if (/^".*"$/.test(t)) return JSON.parse(t) as string;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    return undefined;
  };
  const call = (name: string, args: Value[]): Value | undefined => {
    const n = Number(args.at(-1));
    switch (name) {
      case "printf":
        return printf(String(args[0] ?? ""), args.slice(1));
      case "humanize":
        return humanize(n);
      case "humanizePercentage":
        return `${humanize(n * 100)}%`;
      case "humanize1024": {
        const units = ["", "Ki", "Mi", "Gi", "Ti"];
        let v = n;
        let u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
          v /= 1024;
          u++;
        }
        return `${Number(v.toPrecision(4))}${units[u]}`;
      }
      case "humanizeDuration":
        return humanizeDuration(n);
      case "toUpper":
        return String(args.at(-1)).toUpperCase();
      case "toLower":
        return String(args.at(-1)).toLowerCase();
      case "title":
        return String(args.at(-1)).replace(/\b\w/g, (c) => c.toUpperCase());
      default:
        return undefined;
    }
  };
  const words = (text: string): string[] => text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const evaluate = (pipeline: string): string => {
    let current: Value | undefined;
    for (const [i, stage] of pipeline.split("|").entries()) {
      const [head = "", ...rest] = words(stage);
      const args = rest.map(operand);
      if (args.some((a) => a === undefined)) return "<…>";
      if (i === 0 && rest.length === 0 && operand(head) !== undefined) {
        current = operand(head);
        continue;
      }
      const piped = i === 0 ? (args as Value[]) : [...(args as Value[]), current as Value];
      current = call(head, piped);
      if (current === undefined) return "<…>";
    }
    return typeof current === "number" ? String(Number(current.toPrecision(6))) : (current ?? "");
  };
  return template
    .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, "")
    .replace(/\s*\{\{-\s*/g, "{{")
    .replace(/\s*-\}\}\s*/g, "}}")
    .replace(/\{\{\s*([\s\S]*?)\s*\}\}/g, (_, action: string) => {
      if (/^(if|else|end|range|with|define|template|block)\b/.test(action)) return "";
      if (/^\$\w+\s*:=/.test(action)) return "";
      return evaluate(action);
    });
}
