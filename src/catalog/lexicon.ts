import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CompiledLexicon, checkLexicon, compileLexicon, type LexiconFile, lexiconSchema } from "../domain/lexicon.js";
import { cachedBuiltin } from "./builtinCache.js";
import { fieldName, type LintProblem } from "./problems.js";
import { parseYamlSource } from "./yamlSource.js";

// Reads lexicon.yml files: the built-in one shipped with drillbot, and a catalog folder's own,
// which extends it. Problems name file, line and field like every other lint problem.

export const LEXICON_FILE = "lexicon.yml";

/** The lexicon that ships with drillbot (scenarios/lexicon.yml in the package). */
export const BUILTIN_LEXICON_PATH = fileURLToPath(new URL(`../../scenarios/${LEXICON_FILE}`, import.meta.url));

export interface LoadedLexiconFile {
  file: LexiconFile | null;
  problems: LintProblem[];
}

const display = (path: string) => {
  const rel = path.startsWith(process.cwd()) ? path.slice(process.cwd().length + 1) : path;
  return rel || path;
};

/** One lexicon file, validated against the schema and the checks the schema cannot make. */
export function readLexiconFile(path: string): LoadedLexiconFile {
  const file = display(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { file: null, problems: [{ file, line: 1, field: "(file)", message: `cannot read: ${(error as Error).message}` }] };
  }
  // The built-in lexicon as validated at build time, when this is the very text (builtinCache.ts).
  const cached = path === BUILTIN_LEXICON_PATH ? (cachedBuiltin(path, text) as LexiconFile | undefined) : undefined;
  if (cached && checkLexicon(cached).length === 0) return { file: cached, problems: [] };
  const source = parseYamlSource(text);
  if (source.errors.length > 0) {
    return { file: null, problems: source.errors.map((e) => ({ file, line: e.line, field: "yaml", message: e.message })) };
  }
  const parsed = lexiconSchema().safeParse(source.data ?? {});
  if (!parsed.success) {
    return {
      file: null,
      problems: parsed.error.issues.map((issue) => ({
        file,
        line: source.lineOf(issue.path),
        field: fieldName(issue.path),
        message: issue.message.endsWith("received undefined") ? "required field is missing" : issue.message,
      })),
    };
  }
  const problems = checkLexicon(parsed.data).map((p) => ({
    file,
    line: source.lineOf(p.path),
    field: fieldName(p.path),
    message: p.message,
  }));
  return { file: problems.length > 0 ? null : parsed.data, problems };
}

export interface LoadedLexicon {
  lexicon: CompiledLexicon;
  /** The files it was made from, built-in first. */
  files: string[];
  problems: LintProblem[];
}

/** Lexicons loaded in this process, by the paths and texts of their files (the last few). Loading
 * the same files again (the built-in lexicon, a catalog loaded twice) gives the same compiled
 * lexicon: compiling one is not free, and the scorer keeps its compiled terms and typo readings
 * per lexicon object, so a new object would throw those away too. */
const loadedLexicons = new Map<string, LoadedLexicon>();
const LOADED_LEXICONS_KEPT = 4;

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/** The built-in lexicon extended by the lexicon.yml of each folder given (when it has one). */
export function loadLexicon(folders: readonly string[] = []): LoadedLexicon {
  const paths = [BUILTIN_LEXICON_PATH];
  for (const folder of folders) {
    const path = resolve(folder, LEXICON_FILE);
    if (existsSync(path) && !paths.includes(path)) paths.push(path);
  }
  const key = paths.map((path) => `${path}\0${readText(path) ?? "\0unreadable"}`).join("\0\0");
  const known = loadedLexicons.get(key);
  if (known) return known;
  const files: LexiconFile[] = [];
  const problems: LintProblem[] = [];
  for (const path of paths) {
    const loaded = readLexiconFile(path);
    problems.push(...loaded.problems);
    if (loaded.file) files.push(loaded.file);
  }
  const loaded = { lexicon: compileLexicon(files), files: paths, problems };
  if (loadedLexicons.size >= LOADED_LEXICONS_KEPT) loadedLexicons.delete(loadedLexicons.keys().next().value ?? "");
  loadedLexicons.set(key, loaded);
  return loaded;
}

let builtin: CompiledLexicon | null = null;

/** The built-in lexicon alone, read once (for scenario versions stored in the database). */
export function builtinLexicon(): CompiledLexicon {
  builtin ??= loadLexicon().lexicon;
  return builtin;
}

/** The folders whose lexicon.yml extends the built-in one for these scenario paths. */
export function lexiconFolders(root: string, paths: readonly string[]): string[] {
  const folders = new Set<string>([join(root, "scenarios")]);
  for (const path of paths) {
    const folder = existsSync(path) && !/\.ya?ml$/.test(path) ? path : dirname(path);
    folders.add(resolve(folder));
  }
  return [...folders];
}
