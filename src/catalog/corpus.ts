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
    const one = readCorpusFile(join(folder, name));
    files.push(...one.files);
    problems.push(...one.problems);
  }
  return { files, problems };
}

/** One corpus file (also the format of a scenario's precedents/<id>.yml): its answers, or the
 * problems that keep it from being read, with line and field. `text`: the file's, when already read. */
export function readCorpusFile(path: string, text = readFileSync(path, "utf8")): { files: CorpusFile[]; problems: LintProblem[] } {
  const file = displayPath(path);
  const source = parseYamlSource(text);
  if (source.errors.length > 0)
    return { files: [], problems: source.errors.map((e) => ({ file, line: e.line, field: "yaml", message: e.message })) };
  const parsed = corpusFileSchema().safeParse(source.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      file,
      line: source.lineOf(issue.path),
      field: fieldName(issue.path),
      message: issue.message,
    }));
    return { files: [], problems };
  }
  const answers = parsed.data.answers.map((a) => ({
    text: a.text,
    accept: a.label === "accept",
    source: file,
    ...(a.why ? { why: a.why } : {}),
  }));
  return { files: [{ file, scenario: parsed.data.scenario, answers }], problems: [] };
}
