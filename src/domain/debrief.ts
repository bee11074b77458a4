import { isCorrect } from "./drill.js";
import { drillTimeAt, pauseSpans, timeLimitMs } from "./drillClock.js";
import type { DrillState, EndReason, Person } from "./drillState.js";
import { PART_TITLES } from "./runbook.js";
import type { RunbookFinding } from "./runbookFindings.js";
import type { Scenario } from "./scenario.js";
import { type FirstMoveVerdict, verdictOf } from "./scoring.js";

// Debrief maths: pure functions of a finished drill's state and the scenario version it ran.

export interface PathStep {
  nodeId: string;
  question: string;
  optionId: string;
  optionLabel: string;
  nextId: string;
  timeMs: number;
  onExpectedPath: boolean;
}

export interface ResponderDebrief {
  user: Person;
  /** The incident role they held, if any. */
  role: { id: string; name: string } | null;
  /** They stated their first move after a facilitator's hint. */
  afterHint: boolean;
  timeToAckMs: number | null;
  timeToFirstMoveMs: number | null;
  answer: string | null;
  /** The verdict that counts: a facilitator's when there is one, else the rubric's. */
  correct: boolean | null;
  scoredBy: "rubric" | "facilitator" | null;
  /** The rubric's verdict (older drills' v1 scores converted). */
  score: FirstMoveVerdict | null;
  /** The rubric was unsure: a person should look at this answer first. */
  needsReview: boolean;
  /** One line: why the verdict is what it is. */
  reason: string | null;
  /** A facilitator's decision, when one was made. */
  override: { correct: boolean; by: string; at: number } | null;
  withinReadWindow: boolean;
  correctInReadWindow: boolean;
  path: PathStep[];
  outcome: { id: string; title: string } | null;
  /** null when the responder did not walk the tree. */
  pathMatchesExpected: boolean | null;
  /** The decision (1-based) at which this responder first left the expected path. */
  divergedAt: number | null;
}

export type ClarityVerdict = "clear" | "needs-work" | "fails";

/** One moment of the drill as it ran: an inject, or something a facilitator did. */
export type TimelineEntry = { atMs: number } & (
  | { kind: "inject"; index: number; injectKind: string | null; early: Person | null }
  | { kind: "extended"; by: Person; minutes: number }
  | { kind: "paused"; by: Person; forMs: number | null }
  | { kind: "resumed"; by: Person }
  | { kind: "hint"; by: Person }
);

export interface Debrief {
  drillId: number;
  scenarioId: string;
  scenarioTitle: string;
  scenarioHash: string;
  mode: DrillState["mode"];
  status: DrillState["status"];
  endReason: EndReason | null;
  startedBy: Person;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  readWindowMs: number;
  /** The time limit with every extension. */
  timeLimitMs: number;
  /** Time the drill spent paused. */
  pausedMs: number;
  /** Injects and facilitators' controls, in drill time. */
  timeline: TimelineEntry[];
  expectedFirstMove: string;
  /** Roles with a first move of their own, and what it is. */
  roleExpectations: { role: string; name: string; expected: string }[];
  /** A quick drill: first move only, no decision tree (expectedPath is empty). */
  quick: boolean;
  expectedPath: string[];
  /** What the runbook still lacks (missing parts, TODOs, steps with no undo): action items. */
  runbookFindings: RunbookFinding[];
  runbook: string;
  hiddenFacts: string[];
  injectsPosted: number;
  injectsTotal: number;
  responders: ResponderDebrief[];
  team: {
    responders: number;
    acked: number;
    answered: number;
    correct: number;
    correctInReadWindow: number;
    /** Share of responders with a correct first move inside the read window; null with no responders. */
    shareCorrectInReadWindow: number | null;
    medianTimeToFirstMoveMs: number | null;
  };
  /** Read mode only: did the runbook let people state the first move in two minutes? */
  clarity: { share: number; verdict: ClarityVerdict; sample: number } | null;
}

export const CLARITY_CLEAR = 0.8;
export const CLARITY_NEEDS_WORK = 0.5;

export function clarityVerdict(share: number): ClarityVerdict {
  if (share >= CLARITY_CLEAR) return "clear";
  if (share >= CLARITY_NEEDS_WORK) return "needs-work";
  return "fails";
}

/** What every debrief of a quick drill says about itself. */
export const QUICK_DRILL_NOTE =
  "Quick drill: first move only — no decision tree or injects. Add a tree and injects to make it a full drill.";

/** "Mitigations and rollback", or "title"/"markdown" for a finding about the whole document. */
export function findingPartName(f: RunbookFinding): string {
  return f.field === "title" || f.field === "markdown" ? f.field : PART_TITLES[f.field];
}

/** How a responder's walk compares with the expected path, in words both front ends use. */
export function pathVerdict(r: ResponderDebrief): string {
  if (r.pathMatchesExpected) return "matches the expected path";
  return r.divergedAt === null ? "on the expected path so far" : `left the expected path at decision ${r.divergedAt}`;
}

/** Why a responder's verdict is what it is, in one line (the rubric's reason, or who decided). */
export function reasonLine(r: ResponderDebrief): string | null {
  if (!r.score) return null;
  if (r.override) {
    const rubric = r.score.correct ? "correct" : "wrong";
    return `${r.override.correct ? "accepted" : "rejected"} by ${r.override.by} (rubric: ${rubric} — ${r.score.reason})`;
  }
  return r.score.needsReview ? `${r.score.reason} · needs review: ${r.score.reviewReason ?? "the rubric is unsure"}` : r.score.reason;
}

/** Responders in the order a reviewer wants them: answers the rubric was unsure of first, then
 * the rest as they joined. Stable, so a debrief updated after a decision keeps its order. */
export function reviewOrder<T extends { needsReview: boolean }>(responders: readonly T[]): T[] {
  return [...responders.filter((r) => r.needsReview), ...responders.filter((r) => !r.needsReview)];
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function computeDebrief(state: DrillState, scenario: Scenario): Debrief {
  const tree = scenario.tree ?? { start: "", nodes: {}, outcomes: {}, expected_path: [] };
  const expected = tree.expected_path;
  const drillTime = (at: number) => drillTimeAt(state, at);
  const hintAt = state.events.find((e) => e.kind === "hint")?.at ?? null;
  const roleOf = (id: string | null) => (id === null ? null : (scenario.roleList.find((r) => r.id === id) ?? { id, name: id }));
  const responders = state.responders.map((r): ResponderDebrief => {
    const firstMove = r.firstMove;
    const timeToFirstMoveMs = firstMove ? drillTime(firstMove.at) : null;
    const correct = firstMove ? isCorrect(firstMove) : null;
    const role = roleOf(r.role);
    const rubric = (role && scenario.roles?.find((x) => x.id === role.id)?.first_move?.rubric) || scenario.first_move.rubric;
    const score = firstMove ? verdictOf(firstMove.score, rubric) : null;
    const withinReadWindow = timeToFirstMoveMs !== null && timeToFirstMoveMs <= state.readWindowMs;
    const walked = [tree.start, ...r.steps.map((s) => s.nextId)];
    const path = r.steps.map((step, i): PathStep => {
      const node = tree.nodes[step.nodeId];
      return {
        nodeId: step.nodeId,
        question: node?.question ?? step.nodeId,
        optionId: step.optionId,
        optionLabel: node?.options.find((o) => o.id === step.optionId)?.label ?? step.optionId,
        nextId: step.nextId,
        timeMs: step.chosenAt - step.enteredAt,
        onExpectedPath: expected[i] === step.nodeId && expected[i + 1] === step.nextId,
      };
    });
    const lastId = walked.at(-1) ?? tree.start;
    const outcome = tree.outcomes[lastId];
    let divergedAt: number | null = null;
    if (r.steps.length > 0) {
      const firstDifference = walked.findIndex((id, i) => expected[i] !== id);
      divergedAt = firstDifference >= 0 ? firstDifference : null;
    }
    const pathMatchesExpected =
      r.steps.length === 0 ? null : walked.length === expected.length && walked.every((id, i) => expected[i] === id);
    return {
      user: r.user,
      role: role ? { id: role.id, name: role.name } : null,
      afterHint: firstMove !== null && hintAt !== null && firstMove.at > hintAt,
      timeToAckMs: r.ackAt === null ? null : drillTime(r.ackAt),
      timeToFirstMoveMs,
      answer: firstMove?.text ?? null,
      correct,
      scoredBy: firstMove ? (firstMove.override ? "facilitator" : "rubric") : null,
      score,
      needsReview: score?.needsReview ?? false,
      reason: null,
      override: firstMove?.override ? { correct: firstMove.override.correct, by: firstMove.override.by, at: firstMove.override.at } : null,
      withinReadWindow,
      correctInReadWindow: withinReadWindow && correct === true,
      path,
      outcome: outcome ? { id: lastId, title: outcome.title } : null,
      pathMatchesExpected,
      divergedAt,
    };
  });
  for (const r of responders) r.reason = reasonLine(r);
  const correctInReadWindow = responders.filter((r) => r.correctInReadWindow).length;
  const share = responders.length === 0 ? null : correctInReadWindow / responders.length;
  return {
    drillId: state.id,
    scenarioId: state.scenarioId,
    scenarioTitle: scenario.title,
    scenarioHash: state.scenarioHash,
    mode: state.mode,
    status: state.status,
    endReason: state.endReason,
    startedBy: state.startedBy,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    durationMs: state.endedAt === null ? null : drillTime(state.endedAt),
    readWindowMs: state.readWindowMs,
    timeLimitMs: timeLimitMs(state),
    pausedMs: pauseSpans(state).reduce((sum, p) => sum + ((p.to ?? state.endedAt ?? p.from) - p.from), 0),
    timeline: timelineOf(state, scenario, drillTime),
    expectedFirstMove: scenario.first_move.expected,
    roleExpectations: (scenario.roles ?? []).flatMap((role) =>
      role.first_move ? [{ role: role.id, name: role.name, expected: role.first_move.expected }] : [],
    ),
    quick: scenario.quick,
    expectedPath: expected,
    runbookFindings: scenario.runbookFindings,
    runbook: scenario.runbookRef,
    hiddenFacts: scenario.hidden_facts,
    injectsPosted: state.injects.length,
    injectsTotal: scenario.injects.length,
    responders,
    team: {
      responders: responders.length,
      acked: responders.filter((r) => r.timeToAckMs !== null).length,
      answered: responders.filter((r) => r.answer !== null).length,
      correct: responders.filter((r) => r.correct === true).length,
      correctInReadWindow,
      shareCorrectInReadWindow: share,
      medianTimeToFirstMoveMs: median(responders.flatMap((r) => (r.timeToFirstMoveMs === null ? [] : [r.timeToFirstMoveMs]))),
    },
    clarity: state.mode === "read" && share !== null ? { share, verdict: clarityVerdict(share), sample: responders.length } : null,
  };
}

/** Injects as they were posted and what facilitators did, in drill time, in order. */
function timelineOf(state: DrillState, scenario: Scenario, drillTime: (at: number) => number): TimelineEntry[] {
  const early = new Map(state.events.flatMap((e) => (e.kind === "inject_now" ? [[e.index, e.by] as const] : [])));
  const spans = pauseSpans(state);
  const entries: TimelineEntry[] = state.injects.map((post) => ({
    kind: "inject",
    atMs: drillTime(post.postedAt),
    index: post.index,
    injectKind: scenario.injects[post.index]?.kind ?? null,
    early: early.get(post.index) ?? null,
  }));
  let pauseNo = 0;
  for (const event of state.events) {
    const atMs = drillTime(event.at);
    if (event.kind === "extended") entries.push({ kind: "extended", atMs, by: event.by, minutes: event.minutes });
    if (event.kind === "paused") {
      const span = spans[pauseNo++];
      entries.push({ kind: "paused", atMs, by: event.by, forMs: span?.to == null ? null : span.to - span.from });
    }
    if (event.kind === "resumed") entries.push({ kind: "resumed", atMs, by: event.by });
    if (event.kind === "hint") entries.push({ kind: "hint", atMs, by: event.by });
  }
  return entries.sort((a, b) => a.atMs - b.atMs);
}
