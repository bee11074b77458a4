/** One lint finding, printed as `file:line: field: message`. */
export interface LintProblem {
  file: string;
  line: number;
  field: string;
  message: string;
  /** A warning is printed but does not stop a scenario from loading; only `drillbot lint --strict` fails on it. */
  severity?: "warning";
}

/** `file:line: field: message`, or `file:line: field: warning: message`. */
export function formatProblem(p: LintProblem): string {
  return `${p.file}:${p.line}: ${p.field}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
}

export const isError = (p: LintProblem) => p.severity !== "warning";

export function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(file)" : path.map(String).join(".");
}
