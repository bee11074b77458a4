import { RUNBOOK_PARTS, type Runbook, type RunbookPart, type RunbookSection } from "./scenario.js";

// Real teams' runbooks use many headings for the same five parts. Each list is matched
// against the start of a word in the heading; the earliest match in the heading wins.
export const PART_SYNONYMS: Record<RunbookPart, readonly string[]> = {
  trigger: ["trigger", "symptom", "alert", "detection", "when this fires", "signal"],
  verify: ["immediate verification", "verif", "confirm", "first 60 seconds", "first minute", "sanity check", "triage"],
  impact: ["impact", "blast radius", "who is affected", "customer effect", "business effect"],
  diagnose: ["diagnos", "investigat", "troubleshoot", "decision tree", "root cause", "analysis"],
  mitigate: ["mitigat", "remediat", "rollback", "roll back", "recover", "workaround", "contain", "fix", "resolution"],
};

export const PART_TITLES: Record<RunbookPart, string> = {
  trigger: "Trigger",
  verify: "Immediate verification (under 60 seconds)",
  impact: "Impact",
  diagnose: "Diagnostic steps",
  mitigate: "Mitigations and rollback",
};

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

function normaliseHeading(text: string): string {
  return text
    .toLowerCase()
    .replace(/[*_`]/g, "")
    .replace(/^\s*(?:step\s*)?\d+[.):]?\s*/, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Which of the five parts a heading names, or null. */
export function partForHeading(heading: string): RunbookPart | null {
  const text = ` ${normaliseHeading(heading)}`;
  let best: { part: RunbookPart; at: number } | null = null;
  for (const part of RUNBOOK_PARTS) {
    for (const synonym of PART_SYNONYMS[part]) {
      const at = text.indexOf(` ${synonym}`);
      if (at >= 0 && (best === null || at < best.at)) best = { part, at };
    }
  }
  return best?.part ?? null;
}

/** Splits a Markdown runbook into its five parts. Headings inside code fences are ignored. */
export function parseRunbook(source: string): Runbook {
  const lines = source.split(/\r?\n/);
  const sections: Partial<Record<RunbookPart, RunbookSection>> = {};
  const extra: Runbook["extra"] = [];
  let title = "";
  let partLevel: number | null = null;
  let current: { body: string[]; target: RunbookSection | Runbook["extra"][number] } | null = null;
  let inFence = false;

  const flush = () => {
    if (current) current.target.body = `${current.target.body ? `${current.target.body}\n\n` : ""}${current.body.join("\n").trim()}`.trim();
  };

  lines.forEach((line, index) => {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const text = heading[2] ?? "";
      if (level === 1 && title === "") {
        title = text;
        return;
      }
      const part = partForHeading(text);
      const startsSection = partLevel === null ? level >= 2 : level <= partLevel;
      if (startsSection) {
        flush();
        if (part) {
          partLevel ??= level;
          const existing = sections[part];
          if (existing) {
            // A second heading for the same part ("Mitigation" then "Rollback") joins the first.
            current = { body: [`**${text}**`], target: existing };
          } else {
            const section: RunbookSection = { part, heading: text, line: index + 1, body: "" };
            sections[part] = section;
            current = { body: [], target: section };
          }
        } else {
          const section = { heading: text, line: index + 1, body: "" };
          extra.push(section);
          current = { body: [], target: section };
        }
        return;
      }
    }
    current?.body.push(line);
  });
  flush();
  return { title, sections, extra, source };
}
