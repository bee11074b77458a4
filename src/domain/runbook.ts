import { RUNBOOK_PARTS, type Runbook, type RunbookLine, type RunbookPart, type RunbookSection } from "./scenario.js";

// Real teams' runbooks use many headings for the same five parts. A synonym is one or more
// whole words ("quick check"; a plural s is fine); a trailing * makes its last word a prefix
// ("verif*": verify, verification). The earliest match in the heading wins.
export const PART_SYNONYMS: Record<RunbookPart, readonly string[]> = {
  trigger: [
    "trigger",
    "meaning",
    "symptom*",
    "alert",
    "overview",
    "description",
    "summary",
    "detection",
    "when this fires",
    "what it means",
    "what this alert means",
    "signal",
  ],
  verify: [
    "immediate verification",
    "verif*",
    "quick check",
    "first step",
    "triage",
    "confirm*",
    "first response",
    "first 60 seconds",
    "first minute",
    "initial check",
    "sanity check",
    "validat*",
    "is it real",
  ],
  impact: ["impact", "blast radius", "who is affected", "customer effect", "business effect", "consequence*"],
  diagnose: ["diagnos*", "investigat*", "troubleshoot*", "decision tree", "root cause", "analysis", "possible cause", "debug*"],
  mitigate: [
    "mitigat*",
    "remediat*",
    "rollback",
    "roll back",
    "recover*",
    "workaround",
    "contain*",
    "fix",
    "resolution",
    "resolv*",
    "remed*",
    "solution",
  ],
};

/** Where a synonym first occurs in the heading's words, or -1. */
function synonymAt(words: readonly string[], synonym: string): number {
  const parts = synonym.split(" ");
  for (let start = 0; start + parts.length <= words.length; start++) {
    const ok = parts.every((p, i) => {
      const w = words[start + i] ?? "";
      if (p.endsWith("*")) return w.startsWith(p.slice(0, -1));
      return w === p || w === `${p}s` || w === `${p}es`;
    });
    if (ok) return start;
  }
  return -1;
}

export const PART_TITLES: Record<RunbookPart, string> = {
  trigger: "Trigger",
  verify: "Immediate verification (under 60 seconds)",
  impact: "Impact",
  diagnose: "Diagnostic steps",
  mitigate: "Mitigations and rollback",
};

/** A catalog's own headings → parts (drillbot.yml `headings:`); `none` keeps a heading out of every part. */
export type HeadingMap = Readonly<Record<string, RunbookPart | "none">>;

export interface ParseOptions {
  headings?: HeadingMap;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

export function normaliseHeading(text: string): string {
  return text
    .toLowerCase()
    .replace(/[*_`]/g, "")
    .replace(/^\s*(?:step\s*)?\d+[.):]?\s*/, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

interface HeadingMatch {
  part: RunbookPart | null;
  /** The synonym starts the heading ("Verify", "Quick check"), not a word inside it. */
  leading: boolean;
  /** Matched by the catalog's heading map. */
  explicit: boolean;
}

function matchHeading(heading: string, map: HeadingMap = {}): HeadingMatch {
  const normal = normaliseHeading(heading);
  // The catalog's own map wins: its longest key that starts the heading.
  let mapped: { key: string; part: RunbookPart | "none" } | null = null;
  for (const [key, part] of Object.entries(map)) {
    const k = normaliseHeading(key);
    if (k !== "" && (normal === k || normal.startsWith(`${k} `)) && (!mapped || k.length > mapped.key.length)) mapped = { key: k, part };
  }
  if (mapped) return { part: mapped.part === "none" ? null : mapped.part, leading: true, explicit: true };
  const words = normal.split(" ");
  let best: { part: RunbookPart; at: number } | null = null;
  for (const part of RUNBOOK_PARTS) {
    for (const synonym of PART_SYNONYMS[part]) {
      const at = synonymAt(words, synonym);
      if (at >= 0 && (best === null || at < best.at)) best = { part, at };
    }
  }
  return { part: best?.part ?? null, leading: best?.at === 0, explicit: false };
}

/** Which of the five parts a heading names, or null. */
export function partForHeading(heading: string, map?: HeadingMap): RunbookPart | null {
  return matchHeading(heading, map).part;
}

/** Hugo/Jekyll front matter (`---` YAML or `+++` TOML) at the top: its length in lines and its title. */
function frontMatter(lines: string[]): { end: number; title: string } {
  const fence = lines[0]?.trim();
  if (fence !== "---" && fence !== "+++") return { end: 0, title: "" };
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === fence);
  if (close < 0) return { end: 0, title: "" };
  let title = "";
  for (const line of lines.slice(1, close)) {
    const m = /^title\s*[:=]\s*["']?(.*?)["']?\s*$/.exec(line);
    if (m?.[1]) title = m[1];
  }
  return { end: close + 1, title };
}

type Target = RunbookSection | Runbook["extra"][number];

/** Splits a Markdown runbook into its five parts. A part's heading may sit at any level: a
 * nested heading that clearly names a part not yet found ("### Verify" under "## Diagnosis")
 * starts that part; a second heading for a part already found ("Rollback" after "Mitigation")
 * joins it. Headings inside code fences are ignored, and a fence left open is reported. */
export function parseRunbook(source: string, options: ParseOptions = {}): Runbook {
  const lines = source.split(/\r?\n/);
  const sections: Partial<Record<RunbookPart, RunbookSection>> = {};
  const extra: Runbook["extra"] = [];
  const front = frontMatter(lines);
  let title = front.title;
  let sawTitleHeading = false;
  const stack: { level: number; target: Target; part: RunbookPart | null }[] = [];
  let fence: { char: string; length: number; line: number } | null = null;
  const swallowed: { heading: string; line: number }[] = [];

  const append = (line: RunbookLine) => stack.at(-1)?.target.lines.push(line);

  lines.forEach((line, index) => {
    const n = index + 1;
    if (index < front.end) return;
    if (fence) {
      const close = new RegExp(`^ {0,3}${fence.char === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
      if (close.test(line)) fence = null;
      else {
        const h = HEADING.exec(line);
        if (h?.[2]) swallowed.push({ heading: h[2], line: n });
      }
      append({ n, text: line });
      return;
    }
    const open = FENCE_OPEN.exec(line);
    if (open?.[1]) {
      fence = { char: open[1][0] ?? "`", length: open[1].length, line: n };
      swallowed.length = 0;
      append({ n, text: line });
      return;
    }
    const heading = HEADING.exec(line);
    if (!heading) {
      append({ n, text: line });
      return;
    }
    const level = heading[1]?.length ?? 1;
    const text = heading[2] ?? "";
    // The first level-1 heading is the title, unless front matter holds another title and this
    // heading starts with a part's name ("# Meaning").
    const titleLike =
      !front.title || normaliseHeading(text) === normaliseHeading(front.title) || !matchHeading(text, options.headings).leading;
    if (level === 1 && !sawTitleHeading && stack.length === 0 && titleLike) {
      sawTitleHeading = true;
      title = text;
      return;
    }
    while ((stack.at(-1)?.level ?? 0) >= level) stack.pop();
    const match = matchHeading(text, options.headings);
    const parent = stack.at(-1);
    const insideParts = stack.some((s) => s.part !== null);
    if (match.part && !sections[match.part] && (!insideParts || match.leading)) {
      const section: RunbookSection = { part: match.part, heading: text, line: n, body: "", lines: [] };
      sections[match.part] = section;
      stack.push({ level, target: section, part: match.part });
    } else if (match.part && sections[match.part] && !insideParts) {
      // "Mitigation" then "Rollback": one part, the second heading kept in bold.
      const existing = sections[match.part] as RunbookSection;
      existing.lines.push({ n, text: "" }, { n, text: `**${text}**` });
      stack.push({ level, target: existing, part: match.part });
    } else if (parent) {
      parent.target.lines.push({ n, text: line });
    } else {
      const section = { heading: text, line: n, body: "", lines: [] as RunbookLine[] };
      extra.push(section);
      stack.push({ level, target: section, part: null });
    }
  });

  for (const target of [...Object.values(sections), ...extra]) target.body = trimLines(target.lines);
  const openFence = fence as { line: number } | null;
  return {
    title,
    sections,
    extra,
    unclosedFence: openFence ? { line: openFence.line, swallowed: [...swallowed] } : null,
    source,
  };
}

function trimLines(lines: RunbookLine[]): string {
  return lines
    .map((l) => l.text)
    .join("\n")
    .trim();
}

/** One step of a part: a top-level list item or a sub-heading with what follows it, or the
 * whole part when it has neither. Code blocks stay with their step. */
export interface RunbookStep {
  line: number;
  text: string;
  /** Shell commands from the step's code blocks and inline code. */
  commands: string[];
  /** Queries (PromQL, LogQL, SQL code blocks, and inline queries). */
  queries: string[];
}

const LIST_ITEM = /^( {0,3})(?:[-*+]|\d+[.)])\s+/;

export function sectionSteps(section: RunbookSection): RunbookStep[] {
  const steps: { line: number; lines: string[] }[] = [];
  let current: { line: number; lines: string[] } | null = null;
  let inFence = false;
  let intro: { line: number; lines: string[] } = { line: section.line, lines: [] };
  // Steps are the outermost list items; a nested list belongs to its item.
  let outer = Number.POSITIVE_INFINITY;
  for (const { text } of section.lines) {
    if (FENCE_OPEN.test(text)) inFence = !inFence;
    const item = inFence ? null : LIST_ITEM.exec(text);
    if (item) outer = Math.min(outer, item[1]?.length ?? 0);
  }
  inFence = false;
  let previous = "";
  for (const { n, text } of section.lines) {
    if (FENCE_OPEN.test(text)) inFence = !inFence;
    const item = inFence ? null : LIST_ITEM.exec(text);
    // A paragraph that opens in bold ("**A. Fail over.** Set the weights…") is a step too.
    const boldParagraph = /^\*\*[^*]+\*\*/.test(text) && previous.trim() === "";
    const startsStep = !inFence && ((item !== null && (item[1]?.length ?? 0) === outer) || /^#{2,6}\s/.test(text) || boldParagraph);
    previous = text;
    if (startsStep) {
      current = { line: n, lines: [text] };
      steps.push(current);
    } else if (current) {
      current.lines.push(text);
    } else {
      intro.lines.push(text);
    }
  }
  const toStep = (s: { line: number; lines: string[] }): RunbookStep => {
    const text = s.lines.join("\n").trim();
    const code = codeIn(text);
    return { line: s.line, text, commands: code.commands, queries: code.queries };
  };
  if (steps.length === 0) {
    intro = { line: section.lines.find((l) => l.text.trim() !== "")?.n ?? section.line, lines: intro.lines };
    return intro.lines.join("").trim() === "" ? [] : [toStep(intro)];
  }
  return steps.map(toStep).filter((s) => s.text.replace(/^\*\*[^*]+\*\*$/, "").trim() !== "");
}

/** The text of a part before its first step (an introduction that may speak for every step). */
export function sectionIntro(section: RunbookSection): string {
  const out: string[] = [];
  for (const { text } of section.lines) {
    if (LIST_ITEM.test(text) || /^#{2,6}\s/.test(text)) break;
    out.push(text);
  }
  return out.join("\n").trim();
}

const QUERY_LANGUAGES = new Set(["promql", "logql", "sql", "psql", "metricsql", "kql", "spl", "traceql"]);

/** Commands and queries in a piece of Markdown: each command of its fenced code blocks (lines
 * ending in \\ joined), then inline `code` that looks like a command (`kubectl get pods -n x`)
 * or a query (`rate(http_requests_total[5m])`), not `key: value`. */
export function codeIn(markdown: string): { commands: string[]; queries: string[] } {
  const commands: string[] = [];
  const queries: string[] = [];
  let fence: { lang: string; lines: string[] } | null = null;
  const flushFence = (f: { lang: string; lines: string[] }) => {
    if (QUERY_LANGUAGES.has(f.lang)) {
      const query = f.lines
        .map((l) => l.trim())
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      if (query) queries.push(query);
      return;
    }
    let pending = "";
    for (const raw of f.lines) {
      const line = raw.trim();
      if (line.startsWith("#") && pending === "") continue;
      if (line.endsWith("\\")) {
        pending += `${line.slice(0, -1).trim()} `;
        continue;
      }
      const command = `${pending}${line}`
        .replace(/^\$\s+/, "")
        .replace(/\s+#\s.*$/, "")
        .trim();
      pending = "";
      if (command !== "") commands.push(command);
    }
  };
  for (const line of markdown.split("\n")) {
    const open = FENCE_OPEN.exec(line);
    if (open) {
      if (fence) {
        flushFence(fence);
        fence = null;
      } else {
        fence = {
          lang: line
            .trim()
            .slice(open[1]?.length ?? 3)
            .trim()
            .toLowerCase(),
          lines: [],
        };
      }
      continue;
    }
    if (fence) {
      fence.lines.push(line);
      continue;
    }
    for (const m of line.matchAll(/`([^`\n]+)`/g)) {
      const code = m[1]?.trim() ?? "";
      if (/^[a-z_:][\w:]*(?:\{[^}]*\})?\(|\w\(.*\[\d+[smhd]\]/.test(code)) queries.push(code);
      else if (/^[a-z][\w.-]*\s+[\w$./-]/.test(code) && !/:\s/.test(code)) commands.push(code);
    }
  }
  if (fence) flushFence(fence);
  return { commands, queries };
}

/** Commands of a piece of Markdown (see codeIn). */
export function commandsIn(markdown: string): string[] {
  return codeIn(markdown).commands;
}

/** Markdown → one line of plain text (for drafts and messages). */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, "")
    .replace(/^#+\s+/gm, "")
    .replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, "$1")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
