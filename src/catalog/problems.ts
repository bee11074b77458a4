/** One lint finding, printed as `file:line: field: message`. */
export interface LintProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export function formatProblem(p: LintProblem): string {
  return `${p.file}:${p.line}: ${p.field}: ${p.message}`;
}

export function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(file)" : path.map(String).join(".");
}
