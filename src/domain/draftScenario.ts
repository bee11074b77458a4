import { Document, isSeq, type Node } from "yaml";
import { type AlertRule, scenarioSeverity } from "./alertRules.js";
import { plausibleLabels, plausibleValue, renderTemplate } from "./alertTemplate.js";
import type { CompiledLexicon } from "./lexicon.js";
import { plainText, type RunbookStep, sectionSteps } from "./runbook.js";
import type { Runbook } from "./scenario.js";
import { compileRubric, firstMoveScore } from "./scoring.js";

// A draft scenario from an alert rule and its runbook: a quick drill that runs as it is, with
// the trigger worded as Alertmanager would post it, the first move and rubric drafted from the
// runbook's first verification (or diagnosis) step, risky actions from its mitigations, sample
// answers to replace with real ones, and a decision tree and injects to fill in, as comments.

export interface DraftInput {
  rule: AlertRule;
  /** Every rule with this alert name (several severities), the chosen one first. */
  variants: AlertRule[];
  runbook: Runbook;
  /** The runbook's path relative to the draft file. */
  runbookPath: string;
  /** The runbook's folder under the runbook root ("kubernetes"), for a tag. */
  section: string | null;
  /** `# yaml-language-server: $schema=…` target, relative to the draft file. */
  schemaRef: string | null;
  /** The catalog's lexicon: the draft's rubric is checked against it as lint will score it. */
  lexicon: CompiledLexicon;
}

export interface Draft {
  id: string;
  text: string;
  /** The runbook heading the first move was drafted from ("Quick check"), or null. */
  firstMoveFrom: string | null;
}

/** KubePodCrashLooping → kube-pod-crash-looping; etcdMembersDown → etcd-members-down. */
export function scenarioIdFor(alert: string): string {
  const id = alert
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  // A name with no letter or digit in it still gets a valid, stable id.
  return id === "" ? `alert-${[...alert].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(36)}` : id;
}

const asTag = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);

const STOP = new Set(
  (
    "a an the and or but if then else of to in on at by for from with without into onto is are was were be been being it its this that these those " +
    "there here what which who whom whose why how when where whether do does did done can could should would will may might must shall " +
    "confirm check see find look make sure really out up down all any each every some more most less first next again also only just still " +
    "get got use using used run running show shows tell tells read open know go going you your we our they their them he she his her " +
    "not no yes than as so such very much many few one two three last new old same other another before after while during " +
    "right now far over across through itself already according again ago bad good well whole real true false else anything something"
  ).split(" "),
);

const words = (text: string) => (text.toLowerCase().match(/[a-z][a-z0-9_-]*[a-z0-9]|[a-z]/g) ?? []).filter((w) => w.length > 1);

const IMPERATIVE =
  /^(check|confirm|find|look|open|run|see|read|list|compare|get|query|verify|make sure|ask|search|inspect|describe|watch|identify|determine|count|view|use|show)\b/i;
const QUESTION = /^(which|what|why|how|is|are|does|do|did|who|when|where|has|have|can)\b/i;

function sentences(text: string): string[] {
  return (plainText(text).match(/[^.!?]+[.!?]?/g) ?? [])
    .map((s) =>
      s
        .trim()
        .replace(/[:;,]\s*$/, "")
        .trim(),
    )
    .filter((s) => s !== "");
}

/** The sentence of a step that states the check: an instruction (the one nearest the command),
 * else a question, else the first sentence; before the step's first code block. */
function proseOf(step: RunbookStep): string {
  const before = (step.text.split(/^\s*(?:```|~~~)/m)[0] ?? "").replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "");
  const all = sentences(before);
  const instruction = all.filter((s) => IMPERATIVE.test(s)).at(-1);
  const question = all.find((s) => QUESTION.test(s) || s.endsWith("?"));
  const chosen = instruction ?? question ?? all[0] ?? "";
  return QUESTION.test(chosen) && !chosen.endsWith("?") ? `${chosen.replace(/[.!]$/, "")}?` : chosen;
}

/** The first code of a step, in the order it is written: a shell command or a query. */
function firstCode(step: RunbookStep): { kind: "command" | "query"; text: string } | null {
  const command = step.commands[0];
  const query = step.queries[0];
  if (command && query)
    return step.text.indexOf(query.split(" ")[0] ?? query) < step.text.indexOf(command.split(" ")[0] ?? command)
      ? { kind: "query", text: query }
      : { kind: "command", text: command };
  if (command) return { kind: "command", text: command };
  return query ? { kind: "query", text: query } : null;
}

/** `kubectl get pods -n $NAMESPACE -o wide | grep …` → `kubectl get pods -n $NAMESPACE -o wide`: up
 * to a pipe or a long argument (a jsonpath), at most 8 words, no dangling flag. */
function shortCommand(command: string): string {
  const head = command.split(/\s(?:\||&&|;|>)\s/)[0] ?? command;
  const kept: string[] = [];
  for (const token of head.trim().split(/\s+/)) {
    if (kept.length >= 8 || /jsonpath|^-o=?json|^--output|^&$/.test(token) || token.length > 40) break;
    kept.push(token);
  }
  while (kept.length > 1 && /^-/.test(kept.at(-1) ?? "")) kept.pop();
  return kept.join(" ");
}

/** The words of a command that name what it does: `kubectl -n x get pods` → [kubectl, get, pods]. */
function commandWords(command: string): string[] {
  const out: string[] = [];
  const tokens = shortCommand(command).split(/\s+/);
  for (let i = 0; i < tokens.length && out.length < 3; i++) {
    const token = tokens[i] ?? "";
    if (token.startsWith("-")) {
      // A short flag's value follows it (-n monitoring); a long flag carries it (--since=2m).
      if (/^-[a-zA-Z]$/.test(token) && !(tokens[i + 1] ?? "-").startsWith("-")) i++;
      continue;
    }
    if (token.startsWith("$") || /['"{}()|=]/.test(token)) continue;
    const word = (token.split("/")[0] ?? "").replace(/[^a-zA-Z0-9_-]/g, "");
    if (word.length > 1 && !/^\d/.test(word)) out.push(word.toLowerCase());
  }
  return out;
}

const QUERY_TERMS = ["promql", "prometheus", "query", "grafana", "dashboard", "graph"];

// Actions that change something, as they are written in answers (the first move must not be one).
const RISKY_VERBS: [RegExp, string][] = [
  [/\brollout undo\b|\broll(?:ing)? ?back\b|\brollback\b/i, "roll back"],
  [/\brollout restart\b|\brestart\b/i, "restart"],
  [/\bdelete\b|\brm -/i, "delete"],
  [/\bdrain\b/i, "drain"],
  [/\bcordon\b/i, "cordon"],
  [/\bscale\b/i, "scale"],
  [/\bkubectl patch\b|\bpatch the\b/i, "patch"],
  [/\bkubectl edit\b/i, "edit"],
  [/\bevict\b/i, "evict"],
  [/\bkill\b/i, "kill"],
  [/\breboot\b/i, "reboot"],
  [/\bredeploy\b/i, "redeploy"],
  [/\bfail ?over\b/i, "fail over"],
  [/\brotate\b/i, "rotate"],
  [/\brevoke\b/i, "revoke"],
  [/\bflush\b/i, "flush"],
  [/\bpurge\b/i, "purge"],
  [/\btruncate\b/i, "truncate"],
  [/\bresize\b|\bexpand\b/i, "resize"],
  [/\braise\b|\bincrease\b|\bbump\b/i, "increase"],
  [/\bremove\b/i, "remove"],
  [/\bsilence\b/i, "silence"],
  [/\bdisable\b/i, "disable"],
  [/\buninstall\b/i, "uninstall"],
  [/\brecreate\b/i, "recreate"],
];
/** Sample wrong first moves, one per risky action. */
const REJECT_SAMPLES: Record<string, string> = {
  restart: "Restart it right away",
  delete: "Delete it and let it come back",
  "roll back": "Roll back the last deploy right away",
  scale: "Scale it up right away",
  increase: "Increase the limits right away",
  silence: "Silence the alert and move on",
  cordon: "Cordon the node right away",
  drain: "Drain the node right away",
  resize: "Resize the volume right away",
  remove: "Remove it right away",
};
/** The risky first moves of almost every alert. */
const ALWAYS_RISKY = ["restart", "delete", "roll back"];

interface FirstMoveDraft {
  expected: string;
  core: string[][];
  supporting: string[];
  risky: string[];
  accept: string[];
  reject: string[];
  from: string | null;
}

export function draftFirstMove(runbook: Runbook, lexicon: CompiledLexicon): FirstMoveDraft {
  const section = runbook.sections.verify ?? runbook.sections.diagnose;
  const step = section ? sectionSteps(section)[0] : undefined;
  const prose = step ? proseOf(step) : "";
  const code = step ? firstCode(step) : null;
  const command = code?.kind === "command" ? shortCommand(code.text) : null;
  const query = code?.kind === "query" ? code.text : null;

  const how = command
    ? `\`${command}\``
    : query
      ? query.length <= 80
        ? `\`${query}\` in Prometheus`
        : "the runbook's Prometheus query"
      : null;
  let expected: string;
  if (prose?.endsWith("?")) expected = `First answer "${prose}"${how ? ` with ${how}` : ""}, before changing anything.`;
  else if (prose) expected = `${prose.replace(/[.!]$/, "")}${how ? ` (${how})` : ""} before changing anything.`;
  else if (how) expected = `Run ${how} to confirm the alert and its scope before changing anything.`;
  else expected = "Confirm the alert is real and see how far it reaches in Prometheus before changing anything.";

  // Core: the check itself, in any of the words a responder would use for it.
  const terms: string[] = [];
  const cmd = command ? commandWords(command) : [];
  if (cmd.length >= 2) terms.push(cmd.slice(0, 2).join(" "));
  if (cmd.length >= 3) terms.push(cmd.slice(1, 3).join(" "), cmd[2] ?? "");
  if (query || step?.queries.length || (!command && !prose)) terms.push(...QUERY_TERMS);
  const proseWords = words(prose);
  for (let i = 0; i + 1 < proseWords.length; i++) {
    const [a = "", b = ""] = [proseWords[i], proseWords[i + 1]];
    if (!STOP.has(a) && !STOP.has(b) && a.length > 2 && b.length > 2 && !/ly$/.test(a) && !/ly$/.test(b)) terms.push(`${a} ${b}`);
  }
  // The things the step looks at ("volume", "members", "interfaces") are a way to say it too.
  const nouns = [...new Set(proseWords.filter((w) => !STOP.has(w) && w.length > 3 && !/ly$|ing$/.test(w)))];
  terms.push(...nouns.slice(0, 3));
  if (terms.length === 0) terms.push(...QUERY_TERMS);
  const core = [[...new Set(terms.filter((t) => t !== ""))].slice(0, 10)];
  const inCore = new Set(core[0]?.flatMap((t) => t.split(" ")));
  const supporting = [...new Set(proseWords.filter((w) => !STOP.has(w) && w.length > 4 && !inCore.has(w)))].slice(0, 3);

  // Risky: what the runbook's mitigations change, plus the usual suspects.
  const mitigation = runbook.sections.mitigate?.body ?? "";
  const found = RISKY_VERBS.filter(([pattern]) => pattern.test(mitigation)).map(([, term]) => term);
  const candidates = [...new Set([...found, ...ALWAYS_RISKY])].slice(0, 8);
  // A risky term the expected move itself contains ("before changing anything") is left out.
  const risky = candidates.filter((term) => firstMoveScore(expected, compileRubric({ core, risky: [term] }, lexicon)).risky.length === 0);

  const accept = command ? [command] : [];
  const reject = risky.slice(0, 2).map((term) => REJECT_SAMPLES[term] ?? `${term.replace(/^\w/, (c) => c.toUpperCase())} it right away`);
  return { expected, core, supporting, risky, accept, reject, from: section?.heading ?? null };
}

function yamlString(text: string): string {
  return JSON.stringify(text);
}

/** The commented decision tree and injects a team fills in to make the draft a full drill. */
function treeSkeleton(runbook: Runbook): string[] {
  const diagnose = runbook.sections.diagnose ?? runbook.sections.verify;
  const steps = diagnose ? sectionSteps(diagnose).slice(0, 4) : [];
  const fixes = runbook.sections.mitigate ? sectionSteps(runbook.sections.mitigate).slice(0, 3) : [];
  const lines = [
    "",
    "# ── To make this a full drill, uncomment and fill in (drillbot lint checks the result).",
    `# The nodes below follow the runbook's "${diagnose?.heading ?? "Diagnosis"}" steps; each question should be`,
    "# answerable from a command or dashboard, and `reveals` is what the responder would see.",
    "# tree:",
    "#   start: step-1",
    "#   nodes:",
  ];
  const nodes = steps.length > 0 ? steps : [{ text: "What does the first check show?", line: 0, commands: [], queries: [] }];
  nodes.forEach((step, i) => {
    const next = i + 1 < nodes.length ? `step-${i + 2}` : "fixed";
    const question = proseOf(step) || "What do you see?";
    lines.push(
      `#     step-${i + 1}:`,
      `#       question: ${yamlString(question.endsWith("?") ? question : `${question.replace(/[.:]$/, "")}: what do you see?`)}`,
      "#       options:",
      `#         - { id: expected, label: "…", reveals: "…", next: ${next} }`,
      '#         - { id: other, label: "…", next: escalate }',
    );
  });
  lines.push("#   outcomes:");
  const fix = fixes[0] ? proseOf(fixes[0]) : "";
  lines.push(`#     fixed: { kind: mitigation, title: ${yamlString(fix || "…")}, text: "…" }`);
  lines.push('#     escalate: { kind: escalation, title: "Escalate to the owning team", text: "…" }');
  lines.push(`#   expected_path: [${nodes.map((_, i) => `step-${i + 1}`).join(", ")}, fixed]`);
  lines.push("# injects:");
  lines.push('#   - { at: 3m, kind: stakes, text: "…" }   # raises the stakes: support tickets, a second region, an exec asking');
  lines.push('#   - { at: 6m, kind: clue, text: "…" }     # a clue: a deploy found, the status page updates');
  lines.push("# hidden_facts:");
  lines.push('#   - "…"                                    # what is really going on; revealed in the debrief');
  return lines;
}

/** The draft scenario file for an alert and its runbook. */
export function draftScenario(input: DraftInput): Draft {
  const { rule, runbook } = input;
  const id = scenarioIdFor(rule.alert);
  const labels = plausibleLabels(rule);
  const value = plausibleValue(rule.expr);
  const render = (template: string | undefined) => (template ? renderTemplate(template, labels, value).trim() : "");
  const summary = render(rule.annotations.summary) || render(rule.annotations.message);
  const description = render(rule.annotations.description);
  const allLabels: Record<string, string> = { alertname: rule.alert, ...rule.labels, ...labels };
  // Alertmanager's default title: the group labels (alertname), then the other labels' values.
  const others = Object.keys(allLabels)
    .filter((k) => k !== "alertname")
    .sort()
    .map((k) => allLabels[k]);
  const fields: Record<string, string> = {};
  for (const key of ["alertname", "severity", ...Object.keys(allLabels).sort()]) {
    const v = allLabels[key];
    if (v !== undefined && fields[key] === undefined && v !== "") fields[key] = v;
  }
  const text = [
    summary && `*Summary:* ${summary}`,
    description && `*Description:* ${description}`,
    rule.annotations.runbook_url && `*Runbook:* ${rule.annotations.runbook_url}`,
  ]
    .filter(Boolean)
    .join("\n");
  const move = draftFirstMove(runbook, input.lexicon);
  const tags = [...new Set(["sre", "imported", asTag(rule.group), ...(input.section ? [asTag(input.section)] : [])])].filter((t) =>
    /^[a-z0-9][a-z0-9-]*$/.test(t),
  );

  const data = {
    id,
    title: summary ? `${rule.alert}: ${summary.replace(/\.$/, "")}` : rule.alert,
    severity: scenarioSeverity(rule.labels.severity),
    tags,
    runbook: input.runbookPath,
    trigger: {
      source: "Prometheus Alertmanager",
      title: `[FIRING:1] ${rule.alert}${others.length ? ` (${others.join(" ")})` : ""}`,
      text: text || `${rule.alert} is firing.`,
      fields,
    },
    read_window: "2m",
    time_limit: "10m",
    first_move: {
      expected: move.expected,
      rubric: {
        core: move.core,
        ...(move.supporting.length ? { supporting: move.supporting } : {}),
        risky: move.risky,
      },
      samples: { accept: move.accept, reject: move.reject },
    },
  };

  const doc = new Document(data, { aliasDuplicateObjects: false });
  for (const path of [["tags"], ["first_move", "rubric", "supporting"], ["first_move", "rubric", "risky"]]) {
    const node = doc.getIn(path, true);
    if (isSeq(node)) node.flow = true;
  }
  const core = doc.getIn(["first_move", "rubric", "core"], true);
  if (isSeq(core)) for (const item of core.items) if (isSeq(item)) item.flow = true;
  const samples = doc.getIn(["first_move", "samples"], true) as Node | undefined;
  if (samples)
    samples.commentBefore = " Replace these with real answers from your team: lint checks the rubric scores each one as labelled.";
  const rubric = doc.getIn(["first_move", "rubric"], true) as Node | undefined;
  if (rubric)
    rubric.commentBefore = ` Drafted from the runbook's "${move.from ?? "(no verification or diagnosis part)"}": review the terms (a concept lists alternatives).`;
  const where = `${rule.file}:${rule.line}`;
  const severities = input.variants.map((v) => v.labels.severity ?? "none");
  const header = [
    ...(input.schemaRef ? [`# yaml-language-server: $schema=${input.schemaRef}`] : []),
    `# Drafted by drillbot import from the alert ${rule.alert} (${where}) and its runbook.`,
    ...(input.variants.length > 1
      ? [`# The alert has ${input.variants.length} rules (${severities.join(", ")}); this draft uses the ${severities[0]} one.`]
      : []),
    "# It runs as a quick drill (first move only) as it is. Review the expected first move and the",
    "# rubric, replace the samples with real answers, and grow it into a full drill at the end of the file.",
  ];
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { id, text: `${header.join("\n")}\n${body}${treeSkeleton(runbook).join("\n")}\n`, firstMoveFrom: move.from };
}
