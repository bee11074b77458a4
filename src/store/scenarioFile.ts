import type { Scenario, ScenarioFile } from "../domain/scenario.js";

// What a stored scenario version keeps, the same on every database.

/** The scenario as written in its file, without the fields drillbot derives from it; the runbook's path from the catalog
 * (`x-runbook-ref`) and a catalog heading map (`x-runbook-headings`, it decides how the stored
 * runbook reads) ride along. */
export function pickScenarioFile(scenario: Scenario): ScenarioFile {
  const {
    readWindowMs: _r,
    timeLimitMs: _t,
    injectOffsetsMs: _i,
    runbookDoc: _d,
    runbookFindings: _f,
    quick: _q,
    runbookHeadings,
    runbookRef,
    hash: _h,
    rubric: _c,
    ...file
  } = scenario;
  return { ...file, "x-runbook-ref": runbookRef, ...(runbookHeadings ? { "x-runbook-headings": runbookHeadings } : {}) } as ScenarioFile;
}
