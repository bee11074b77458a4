import { type HeadingMap, PART_TITLES, partForHeading, plainText, sectionSteps } from "./runbook.js";
import { RUNBOOK_PARTS, type Runbook, type RunbookPart, type RunbookSection } from "./scenario.js";

// What a runbook still lacks, as findings. They never stop a drill (lenient at run time): the
// debrief lists them and they become action items; `drillbot lint --strict` fails on them.

export interface RunbookFinding {
  /** The part concerned; "title" or "markdown" for the document as a whole. */
  field: RunbookPart | "title" | "markdown";
  line: number;
  message: string;
}

/** The headings most teams use for each part, shown when a part is missing. */
const COMMON_HEADINGS: Record<RunbookPart, string[]> = {
  trigger: ["Meaning", "Symptoms", "Overview", "Alert"],
  verify: ["Quick check", "Verify", "Triage", "First steps"],
  impact: ["Blast radius", "Who is affected"],
  diagnose: ["Diagnosis", "Investigation", "Troubleshooting"],
  mitigate: ["Mitigation", "Remediation", "Rollback"],
};

// A part that only holds a marker ("TODO", "TBD: write this once we know more").
const PLACEHOLDER =
  /^(?:todo|tbd|tba|fixme|xxx|wip|n\/a|coming soon|to be (?:written|added|done|defined|determined|completed)|fill (?:this |me )?in|write (?:this|me)|placeholder|lorem ipsum|\.{3}|…)\b/i;
// A marker left inside an otherwise written part.
const MARKER = /\b(TODO|TBD|FIXME|XXX)\b/;

// A step that changes something: it must say how to undo it, or that it is not reversible.
const CHANGE =
  /\b(restart|reboot|delete|remove|rm|kill|drain|cordon|evict|scale|resize|increase|decrease|raise|lower|bump|patch|edit|apply|set|update|upgrade|downgrade|rollout|redeploy|deploy|fail ?over|switch|disable|enable|rotate|revoke|flush|purge|truncate|compact|prune|reset|replace|migrate|expand|extend|stop|pause|suspend|terminate|silence|block|throttle|isolate|quarantine|promote|uninstall|recreate)\b/i;
const UNDO =
  /\b(undo|un-do|roll(?:ing|ed)?[ -]?back|revert(?:s|ed|ing)?|reversib(?:le|ly)|irreversib(?:le|ly)|not reversible|cannot be undone|can't be undone|one[- ]way|nothing to undo|back out|to restore|restore (?:the )?(?:previous|original|old))\b/i;
// One sentence that speaks for every step ("every step here is reversible").
const BLANKET =
  /\b(all|every|each|both)\b[^.\n]{0,50}\b(reversible|can be undone|can be rolled back|can be reverted)\b|\bnone of\b[^.\n]{0,40}\bundo/i;
const ROLLBACK_HEADING = /^(?:#{2,6}\s+|\*\*)\s*.*\b(roll ?back|undo|revert|back ?out)/i;

const quote = (text: string, max = 60) => {
  const one = plainText(text);
  return `"${one.length > max ? `${one.slice(0, max - 1)}…` : one}"`;
};

function placeholderFindings(section: RunbookSection): RunbookFinding[] {
  if (section.body.trim() === "") return [{ field: section.part, line: section.line, message: `"${section.heading}" is empty` }];
  const text = plainText(section.body);
  // Only an HTML comment ("<!-- fill me -->") shows nothing to a reader: a placeholder too.
  const onlyComment = section.body.replace(/<!--[\s\S]*?-->/g, "").trim() === "";
  if (onlyComment || (PLACEHOLDER.test(text) && text.split(" ").length <= 12)) {
    return [
      {
        field: section.part,
        line: section.line,
        message: `"${section.heading}" is a placeholder (${onlyComment ? `"${section.body.trim().slice(0, 40)}"` : quote(section.body, 40)}): write what a responder does here`,
      },
    ];
  }
  return section.lines
    .filter((l) => MARKER.test(l.text))
    .map((l) => ({
      field: section.part,
      line: l.n,
      message: `"${section.heading}" still has a ${MARKER.exec(l.text)?.[1]}: ${quote(l.text)}`,
    }));
}

/** Each mitigation step that changes something says how to undo it, or that it cannot be. */
function undoFindings(section: RunbookSection): RunbookFinding[] {
  if (BLANKET.test(section.body) || section.lines.some((l) => ROLLBACK_HEADING.test(l.text.trim()))) return [];
  return sectionSteps(section)
    .filter((step) => CHANGE.test(step.text) && !UNDO.test(step.text) && !PLACEHOLDER.test(plainText(step.text)))
    .map((step) => ({
      field: "mitigate" as const,
      line: step.line,
      message: `step ${quote(step.text)} changes something but does not say how to undo it (or that it needs no undo / is not reversible)`,
    }));
}

/** Every finding for a parsed runbook, in file order. */
export function runbookFindings(runbook: Runbook, headings?: HeadingMap): RunbookFinding[] {
  const findings: RunbookFinding[] = [];
  if (runbook.title.trim() === "") {
    findings.push({ field: "title", line: 1, message: 'add a title as the first heading, e.g. "# Payment provider 5xx"' });
  }
  const fence = runbook.unclosedFence;
  const swallowedParts = new Set(fence?.swallowed.map((h) => partForHeading(h.heading, headings)) ?? []);
  if (fence) {
    const heads = fence.swallowed.map((h) => `"${h.heading}" (line ${h.line})`);
    findings.push({
      field: "markdown",
      line: fence.line,
      message: `the code block opened here is never closed, so everything after it reads as code${heads.length ? `, including the headings ${heads.join(", ")}` : ""}: close it with a line of three backticks`,
    });
  }
  for (const part of RUNBOOK_PARTS) {
    const section = runbook.sections[part];
    if (!section) {
      if (swallowedParts.has(part)) continue;
      findings.push({
        field: part,
        line: 1,
        message: `missing part "${PART_TITLES[part]}": add a heading "## ${PART_TITLES[part]}" (also accepted: ${COMMON_HEADINGS[part].join(", ")}…; or map your own heading in drillbot.yml under headings:)`,
      });
      continue;
    }
    const placeholders = placeholderFindings(section);
    findings.push(...placeholders);
    if (part === "mitigate" && !placeholders.some((f) => f.line === section.line)) findings.push(...undoFindings(section));
  }
  return findings.sort((a, b) => a.line - b.line);
}
