import { createRequire } from "node:module";

/** csv-stringify, required when a CSV is first written (the Slack app and most commands never do). */
let csvStringify: typeof import("csv-stringify/sync").stringify | null = null;
const stringify: typeof import("csv-stringify/sync").stringify = (input, options) => {
  csvStringify ??= (createRequire(import.meta.url)("csv-stringify/sync") as typeof import("csv-stringify/sync")).stringify;
  return csvStringify(input, options);
};

import type { Debrief } from "../domain/debrief.js";
import type { DrillService } from "./drillService.js";

// Every response as flat rows, for spreadsheets (CSV) and tools (JSON). One row per responder
// per drill; a drill nobody answered still appears once, with empty responder columns.

export const RESPONSE_COLUMNS = [
  "drill_id",
  "scenario_id",
  "scenario_version",
  "mode",
  "venue",
  "status",
  "started_at",
  "ended_at",
  "user_id",
  "user_name",
  "time_to_ack_ms",
  "time_to_first_move_ms",
  "answer",
  "correct",
  "scored_by",
  "needs_review",
  "reason",
  "within_read_window",
  "correct_in_read_window",
  "path",
  "outcome",
  "path_matches_expected",
] as const;

export type ResponseRow = Record<(typeof RESPONSE_COLUMNS)[number], string | number | boolean | null>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function responseRows(d: Debrief, venue: string): ResponseRow[] {
  const base = {
    drill_id: d.drillId,
    scenario_id: d.scenarioId,
    scenario_version: d.scenarioHash.slice(0, 12),
    mode: d.mode,
    venue,
    status: d.status,
    started_at: iso(d.startedAt),
    ended_at: iso(d.endedAt),
  };
  if (d.responders.length === 0) {
    return [
      {
        ...base,
        user_id: null,
        user_name: null,
        time_to_ack_ms: null,
        time_to_first_move_ms: null,
        answer: null,
        correct: null,
        scored_by: null,
        needs_review: null,
        reason: null,
        within_read_window: null,
        correct_in_read_window: null,
        path: null,
        outcome: null,
        path_matches_expected: null,
      },
    ];
  }
  return d.responders.map((r) => ({
    ...base,
    user_id: r.user.id,
    user_name: r.user.name,
    time_to_ack_ms: r.timeToAckMs,
    time_to_first_move_ms: r.timeToFirstMoveMs,
    answer: r.answer,
    correct: r.correct,
    scored_by: r.scoredBy,
    needs_review: r.answer === null ? null : r.needsReview,
    reason: r.reason,
    within_read_window: r.withinReadWindow,
    correct_in_read_window: r.correctInReadWindow,
    path: r.path.map((p) => `${p.nodeId}>${p.optionId}`).join(" ; "),
    outcome: r.outcome?.id ?? null,
    path_matches_expected: r.pathMatchesExpected,
  }));
}

/** RFC 4180 CSV with a header row; empty cells for nulls. Formula-leading cells are quoted
 * with a leading apostrophe so a spreadsheet shows what people typed instead of running it. */
export function rowsToCsv(rows: ResponseRow[]): string {
  const safe = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === "string" && /^[=+\-@\t\r]/.test(v) && k === "answer" ? `'${v}` : v]),
    ),
  );
  return stringify(safe, {
    header: true,
    columns: [...RESPONSE_COLUMNS],
    cast: { boolean: (v) => (v ? "true" : "false") },
  });
}

export interface ExportFilter {
  since?: number;
  scenarioId?: string;
}

/** Every response of every drill matching the filter, oldest drill first. */
export async function exportResponses(service: DrillService, filter: ExportFilter): Promise<ResponseRow[]> {
  const drills = await service.listDrills({
    ...(filter.scenarioId ? { scenarioId: filter.scenarioId } : {}),
    ...(filter.since !== undefined ? { since: filter.since } : {}),
    limit: 1_000_000,
  });
  const rows: ResponseRow[] = [];
  for (const summary of [...drills].reverse()) {
    const debrief = await service.debrief(summary.id);
    if (debrief) rows.push(...responseRows(debrief, summary.venue));
  }
  return rows;
}
