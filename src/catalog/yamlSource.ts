import { createRequire } from "node:module";
import type { Node } from "yaml";

const require = createRequire(import.meta.url);

/** js-yaml's CommonJS build, on purpose: its ES module build (what `import` resolves to) parses
 * the same files about 3x slower on Node 20 (500 scenarios: ~380 ms against ~130 ms; V8 keeps
 * its parseNode far slower), and every catalog load is mostly YAML. */
const { CORE_SCHEMA, load } = require("js-yaml") as typeof import("js-yaml");

/** The `yaml` package (about 8 MB of a process's memory once loaded), required on first use:
 * only a file with a problem to report, or one js-yaml refuses, needs its line numbers. */
let yamlWithLines: typeof import("yaml") | null = null;
const withLines = (): typeof import("yaml") => {
  yamlWithLines ??= require("yaml") as typeof import("yaml");
  return yamlWithLines;
};

/** A parsed YAML file that can say on which line any field path sits. */
export interface YamlSource {
  data: unknown;
  errors: { line: number; message: string }[];
  lineOf(path: readonly PropertyKey[]): number;
}

/** Reads YAML fast (js-yaml, YAML 1.2 core schema); the `yaml` package, slower but with line
 * numbers for every node, runs only when something needs a line (a problem to report) or when
 * js-yaml refuses the text. Loading 500 scenarios depends on this. */
export function parseYamlSource(text: string): YamlSource {
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA });
  } catch {
    return parseWithLines(text);
  }
  return validatedYamlSource(text, data);
}

/** A file whose data is already known (validated at build time, or just read by js-yaml): the YAML is parsed again only if
 * something asks for a line. */
export function validatedYamlSource(text: string, data: unknown): YamlSource {
  let full: YamlSource | null = null;
  return {
    data,
    errors: [],
    lineOf: (path) => {
      full ??= parseWithLines(text);
      return full.lineOf(path);
    },
  };
}

function parseWithLines(text: string): YamlSource {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = withLines();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const errors = [...doc.errors, ...doc.warnings].map((e) => ({
    line: e.linePos?.[0]?.line ?? lineAt(e.pos[0]),
    message: e.message.split("\n")[0] ?? e.message,
  }));
  // The deepest node on the path that exists gives the line; a missing key points at its parent.
  const lineOf = (path: readonly PropertyKey[]): number => {
    let node: unknown = doc.contents;
    let line = lineAt((doc.contents as Node | null)?.range?.[0]);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        line = lineAt((pair.key as Node).range?.[0]);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (!item) break;
        line = lineAt(item.range?.[0]);
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
  if (errors.length > 0) return { data: null, errors, lineOf };
  try {
    return { data: doc.toJS(), errors, lineOf };
  } catch (error) {
    // e.g. an alias (*name) with no anchor: only found when the document is turned into data.
    const message = (error as Error).message.split("\n")[0] ?? "cannot read this YAML";
    const alias = /: (\S+)$/.exec(message)?.[1];
    const at = alias ? text.split("\n").findIndex((l) => l.includes(`*${alias}`)) + 1 : 0;
    return { data: null, errors: [{ line: at > 0 ? at : 1, message }], lineOf };
  }
}
