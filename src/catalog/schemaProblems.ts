import type { z } from "zod";
import { closeMatch } from "../domain/closest.js";
import { scenarioSchemas } from "../domain/scenario.js";
import { fieldName, type LintProblem } from "./problems.js";
import type { YamlSource } from "./yamlSource.js";

// Zod's issues as lint lines: file, line and field, one line per problem, and for a key the
// schema does not know, the key it most likely meant.

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  in?: { _zod: { def: Def } };
}

/** The keys an object at `path` of the schema may have. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let def: Def | undefined = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = () => {
    while (def && ["optional", "default", "nullable", "pipe", "prefault"].includes(def.type)) def = (def.innerType ?? def.in)?._zod.def;
  };
  for (const segment of path) {
    unwrap();
    if (!def) return [];
    if (def.type === "object") def = def.shape?.[String(segment)]?._zod.def;
    else if (def.type === "array") def = def.element?._zod.def;
    else if (def.type === "record") def = def.valueType?._zod.def;
    else if (def.type === "union") def = def.options?.map((o) => o._zod.def).find((d) => d.type === "object" || d.type === "array");
    else return [];
  }
  unwrap();
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

export function schemaIssueProblems(
  issues: z.core.$ZodIssue[],
  source: YamlSource,
  file: string,
  schema: z.ZodType = scenarioSchemas().ScenarioSchema,
): LintProblem[] {
  return issues.flatMap((issue): LintProblem[] => {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const close = closeMatch(key, known);
        return {
          file,
          line: source.lineOf([...issue.path, key]),
          field: fieldName([...issue.path, key]),
          message: `unknown key "${key}"${close ? ` (did you mean "${close}"?)` : known.length ? ` (known keys here: ${known.join(", ")})` : ""}`,
        };
      });
    }
    return [
      {
        file,
        line: source.lineOf(issue.path),
        field: fieldName(issue.path),
        message: issue.message.endsWith("received undefined") ? "required field is missing" : issue.message,
      },
    ];
  });
}
