import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { LabelledAnswer } from "../domain/rubricEval.js";
import { onFirstUse, zod } from "../domain/zodOnDemand.js";
import { displayPath } from "./catalog.js";
import { fieldName, type LintProblem } from "./problems.js";
import { parseYamlSource } from "./yamlSource.js";

// A labelled corpus of first moves: one YAML file per scenario, written by people who never saw
// the rubric, used to measure the scorer (`npm run eval:scoring <folder>`). Labels are data:
// drillbot reads them and never writes them.

export const corpusFileSchema = onFirstUse(() => {
  const z = zod().z;
  return z
    .object({
      scenario: z.string().min(1),
      answers: z
        .array(
          z
            .object({
              text: z.string().min(1),
              label: z.enum(["accept", "reject"]),
              why: z.string().optional(),
            })
            .strict(),
        )
        .min(1),
    })
    .strict();
});

export interface CorpusFile {
  file: string;
  scenario: string;
  answers: LabelledAnswer[];
}

export function readCorpus(folder: string): { files: CorpusFile[]; problems: LintProblem[] } {
  const files: CorpusFile[] = [];
  const problems: LintProblem[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (![".yml", ".yaml"].includes(extname(name))) continue;
    const path = join(folder, name);
    const file = displayPath(path);
    const source = parseYamlSource(readFileSync(path, "utf8"));
    if (source.errors.length > 0) {
      problems.push(...source.errors.map((e) => ({ file, line: e.line, field: "yaml", message: e.message })));
      continue;
    }
    const parsed = corpusFileSchema().safeParse(source.data);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((issue) => ({
          file,
          line: source.lineOf(issue.path),
          field: fieldName(issue.path),
          message: issue.message,
        })),
      );
      continue;
    }
    files.push({
      file,
      scenario: parsed.data.scenario,
      answers: parsed.data.answers.map((a) => ({ text: a.text, accept: a.label === "accept", source: file })),
    });
  }
  return { files, problems };
}
