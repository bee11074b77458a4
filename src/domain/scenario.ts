import type { z as Z } from "zod";
import { parseDuration } from "./duration.js";
import type { PrecedentModel } from "./precedents.js";
import type { LabelledAnswer } from "./rubricEval.js";
import type { RunbookFinding } from "./runbookFindings.js";
import type { CompiledRubric } from "./scoring.js";
import { onFirstUse, zod } from "./zodOnDemand.js";

// The one schema for scenarios/<id>.yml. The JSON Schema in schema/scenario.schema.json is
// generated from it (npm run schema), so editors and the loader can never disagree.

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;

/** "15 min" → "15m", "1 hour 30 minutes" → "1h30m": what the author most likely meant. */
export function durationSuggestion(text: string): string | null {
  const units: Record<string, "h" | "m" | "s"> = { h: "h", hr: "h", hrs: "h", hour: "h", hours: "h" };
  for (const m of ["m", "min", "mins", "minute", "minutes"]) units[m] = "m";
  for (const s of ["s", "sec", "secs", "second", "seconds"]) units[s] = "s";
  const parts: Partial<Record<"h" | "m" | "s", number>> = {};
  const rest = text.toLowerCase().replace(/(\d+)\s*([a-z]+)/g, (_, n: string, unit: string) => {
    const u = units[unit];
    if (u && parts[u] === undefined) parts[u] = Number(n);
    return u ? "" : "?";
  });
  if (rest.replace(/[\s,]|and/g, "") !== "" || Object.keys(parts).length === 0) return null;
  const out = `${parts.h ? `${parts.h}h` : ""}${parts.m ? `${parts.m}m` : ""}${parts.s ? `${parts.s}s` : ""}`;
  return out === "" ? null : out;
}

/** The schemas, defined when first needed (zod loads then: see zodOnDemand.ts). */
function defineSchemas(z: typeof Z) {
  const Id = z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes, e.g. payment-5xx")
    .max(64);

  const Duration = z
    .string()
    .superRefine((value, ctx) => {
      const ms = parseDuration(value);
      if (ms !== null && ms > 0) return;
      const suggestion = durationSuggestion(value);
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a duration: write it like 90s, 2m, 1m30s or 1h${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
      });
    })
    .meta({ pattern: "^(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?$" });

  const Text = z.string().trim().min(1, "must not be empty");

  const TriggerSchema = z
    .object({
      source: Text.describe("The tool that fires the alert, e.g. Prometheus Alertmanager, Falco, Kyverno"),
      title: Text.describe("The alert title as the tool words it"),
      text: Text.describe("The alert body as the responder would see it"),
      fields: z
        .record(z.string(), z.union([z.string(), z.number()]))
        .default({})
        .describe("Labels and fields shown with the alert (service, namespace, region, since…)"),
    })
    .strict();

  const Concept = z
    .union([Text, z.array(Text).min(1, "a concept needs at least one term")])
    .describe("A term, or a list of alternative terms (any one will do); the first names the concept");

  const RubricSchema = z
    .object({
      core: z
        .array(Concept)
        .min(1, "name at least one core concept")
        .optional()
        .describe(
          'What alone makes the first move right: every concept must be in the answer. Terms match on word stems, through the shared lexicon (scenarios/lexicon.yml), in order within a few words, and not where the answer negates them. A term of parts joined by " + " (provider + only) matches when every part is within a few words of the others, in any order.',
        ),
      names: z
        .record(
          z.string().regex(/^[a-z0-9][a-z0-9 ._'-]{0,59}$/, "name a group in lower case, e.g. provider or database"),
          z.array(Text).min(1, "list at least one name"),
        )
        .optional()
        .describe(
          'This scenario\'s own names for lexicon concepts, e.g. {provider: [paycore, northpay], database: [catalog-db]}: in this rubric they match wherever the group does ("provider + only" matches "only paycore"). A name that is no lexicon group makes one for this rubric.',
        ),
      supporting: z
        .array(Concept)
        .optional()
        .describe("Nice to have: a correct answer without them is still correct, and the debrief says what it left out"),
      risky: z
        .array(Text)
        .optional()
        .describe(
          'Actions that make a first move wrong unless negated or deferred ("don\'t restart", "before rolling back"); words may stand between a verb and its object',
        ),
      after_check: z
        .array(Text)
        .optional()
        .describe(
          'The runbook\'s next steps once the check confirms (e.g. deactivate the key): risky as a first move, but accepted when the answer makes them depend on the check ("if it is active, deactivate it", "once confirmed, revoke")',
        ),
      off_target: z
        .array(Text)
        .optional()
        .describe(
          "Things a check can be about that are not this incident's (e.g. redis connections when the origin is the database): a core term inside or right next to one does not count, and the verdict says the answer checks the wrong thing",
        ),
      must: z
        .array(z.array(Text).min(1, "a phrase group needs at least one phrase"))
        .min(1, "the rubric needs at least one phrase group")
        .optional()
        .describe("Deprecated (rubric v1): use core. Still read: each group becomes a core concept."),
      must_not: z.array(Text).optional().describe("Deprecated (rubric v1): use risky. Still read as risky."),
    })
    .strict()
    .superRefine((rubric, ctx) => {
      if (rubric.core === undefined && rubric.must === undefined)
        ctx.addIssue({ code: "custom", path: ["core"], message: "required field is missing: name the core concepts of the first move" });
      if (rubric.core !== undefined && rubric.must !== undefined)
        ctx.addIssue({ code: "custom", path: ["must"], message: "use core or the old must, not both" });
      if (rubric.core !== undefined && rubric.must_not !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["must_not"],
          message: "with core, list risky actions under risky (must_not is the old name)",
        });
    });

  const SamplesSchema = z
    .object({
      accept: z.array(Text).default([]).describe("First moves the rubric must score correct"),
      reject: z.array(Text).default([]).describe("First moves the rubric must score wrong"),
    })
    .strict()
    .describe("The rubric's own regression samples: lint checks that it scores each of them as labelled");

  const FirstMoveSchema = z
    .object({
      expected: Text.describe("The correct first move in one sentence, shown in the debrief"),
      rubric: RubricSchema,
      samples: SamplesSchema.optional(),
    })
    .strict();

  const RoleSchema = z
    .object({
      id: Id.describe("Short id people pick, e.g. ic, comms, scribe"),
      name: Text.describe("As shown, e.g. Incident Commander"),
      first_move: FirstMoveSchema.optional().describe(
        "This role's own expected first move and rubric (e.g. Communications: post a status-page update); without one the scenario's is used",
      ),
    })
    .strict();

  const InjectSchema = z
    .object({
      at: Duration.describe("Offset from the trigger"),
      kind: z.enum(["stakes", "clue", "noise"]).optional().describe("What the inject does to the story"),
      text: Text,
    })
    .strict();

  const TreeOptionSchema = z
    .object({
      id: Id,
      label: Text,
      reveals: Text.optional().describe("What the responder sees after taking this step (command output, a dashboard reading)"),
      next: Id.describe("The id of the next node or of an outcome"),
    })
    .strict();

  const TreeNodeSchema = z
    .object({
      question: Text.describe("A question answerable from a command or dashboard, not a judgement"),
      options: z.array(TreeOptionSchema).min(2, "a decision node needs at least 2 options"),
    })
    .strict();

  const OutcomeSchema = z
    .object({
      kind: z.enum(["mitigation", "escalation", "resolution", "dead-end"]),
      title: Text,
      text: Text,
    })
    .strict();

  const TreeSchema = z
    .object({
      start: Id.describe("The id of the first decision node"),
      nodes: z.record(Id, TreeNodeSchema),
      outcomes: z.record(Id, OutcomeSchema),
      expected_path: z
        .array(Id)
        .min(2, "the expected path needs the start node and an outcome at least")
        .describe("Node ids from start to the outcome the scenario's hidden facts make true"),
    })
    .strict();

  const ScenarioSchema = z
    .object({
      id: Id,
      title: Text,
      severity: z.enum(SEVERITIES),
      tags: z.array(Id).min(1, "add at least one tag, e.g. sre or security"),
      summary: Text.optional().describe("One line for lists"),
      runbook: Text.describe("Path of the runbook, relative to this scenario file, e.g. ../runbooks/payment-5xx.md"),
      trigger: TriggerSchema,
      read_window: Duration.default("2m").describe("How long responders read the runbook before stating a first move"),
      time_limit: Duration.describe("When the drill ends by itself"),
      first_move: FirstMoveSchema,
      injects: z.array(InjectSchema).default([]).describe("Timed events posted during the drill; a full drill has at least 2"),
      tree: TreeSchema.optional().describe("The decision tree; without one the scenario is a quick drill (first move only)"),
      hidden_facts: z.array(Text).default([]).describe("What is really going on; revealed in the debrief"),
      hint: Text.optional().describe(
        "What a facilitator's hint posts in the thread (/drill hint); without one, the runbook's immediate verification",
      ),
      roles: z
        .array(RoleSchema)
        .min(1, "list at least one role, or leave roles out for the default ones")
        .optional()
        .describe("Incident roles responders can take; default: Incident Commander, Communications, Scribe"),
    })
    .strict();
  return {
    TriggerSchema,
    RubricSchema,
    SamplesSchema,
    FirstMoveSchema,
    RoleSchema,
    InjectSchema,
    TreeOptionSchema,
    TreeNodeSchema,
    OutcomeSchema,
    TreeSchema,
    ScenarioSchema,
  };
}

type Schemas = ReturnType<typeof defineSchemas>;

/** The scenario schema and its parts, built on first use. */
export const scenarioSchemas = onFirstUse((): Schemas => defineSchemas(zod().z));

export type ScenarioFile = Z.output<Schemas["ScenarioSchema"]>;
export type Trigger = ScenarioFile["trigger"];
export type Rubric = ScenarioFile["first_move"]["rubric"];
export type Concept = NonNullable<Rubric["core"]>[number];
export type Inject = ScenarioFile["injects"][number];
export type Role = Z.output<Schemas["RoleSchema"]>;
export type Tree = NonNullable<ScenarioFile["tree"]>;
export type TreeNode = Tree["nodes"][string];
export type TreeOption = TreeNode["options"][number];
export type Outcome = Tree["outcomes"][string];

/** A scenario ready to drill: the validated file plus its runbook and parsed durations. */
export interface Scenario extends ScenarioFile {
  /** The first-move rubric compiled with the lexicon, ready to score answers. */
  rubric: CompiledRubric;
  /** Incident roles responders can take (the scenario's, or the default three). */
  roleList: Role[];
  /** The rubric of each role that has a first move of its own, compiled. */
  roleRubrics: Record<string, CompiledRubric>;
  readWindowMs: number;
  timeLimitMs: number;
  injectOffsetsMs: number[];
  runbookDoc: Runbook;
  /** What the runbook still lacks; listed in the debrief, never a reason to skip the drill. */
  runbookFindings: RunbookFinding[];
  /** No decision tree: a first-move drill. */
  quick: boolean;
  /** The runbook as people know it: its path from the catalog's folder (runbooks/payment-5xx.md). */
  runbookRef: string;
  /** The catalog's heading map the runbook was read with (drillbot.yml `headings:`), if any. */
  runbookHeadings?: Readonly<Record<string, RunbookPart | "none">>;
  /** sha256 of the scenario and runbook content, stored with every drill run on it. */
  hash: string;
  /** Answers people judged for this scenario (precedents/<id>.yml beside its file): not part of
   * the scenario's content or hash, read on first use. */
  precedents: readonly LabelledAnswer[];
  /** The precedents as a model that may overrule the rubric (null: none, or too few of a label). */
  precedentModel: PrecedentModel | null;
}

export const RUNBOOK_PARTS = ["trigger", "verify", "impact", "diagnose", "mitigate"] as const;
export type RunbookPart = (typeof RUNBOOK_PARTS)[number];

export interface RunbookSection {
  part: RunbookPart;
  heading: string;
  line: number;
  body: string;
  /** The body's lines with their line numbers in the file (a joined heading counts as a line). */
  lines: RunbookLine[];
}

export interface RunbookLine {
  n: number;
  text: string;
}

export interface Runbook {
  title: string;
  sections: Partial<Record<RunbookPart, RunbookSection>>;
  /** Headings that matched no part; kept so nothing a team wrote is dropped. */
  extra: { heading: string; line: number; body: string; lines: RunbookLine[] }[];
  /** A code fence never closed: where it opens, and the headings it swallowed. */
  unclosedFence: { line: number; swallowed: { heading: string; line: number }[] } | null;
  source: string;
}
