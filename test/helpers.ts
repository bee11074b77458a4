import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../src/catalog/catalog.js";
import type { Scenario } from "../src/domain/scenario.js";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const LINT_FIXTURES = join(REPO_ROOT, "test/fixtures/lint");

/** The small valid scenario the engine and lint tests start from. */
export function baseScenario(): Scenario {
  const loaded = loadScenarioFile(join(LINT_FIXTURES, "scenarios/base.yml"), LINT_FIXTURES);
  if (!loaded.scenario) throw new Error(`base fixture is invalid: ${JSON.stringify(loaded.problems)}`);
  return loaded.scenario;
}

export function tempDir(prefix = "drillbot-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
