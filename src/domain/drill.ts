import type { Clock } from "./clock.js";
import type { DrillChange } from "./drillChanges.js";
import { drillTimeAt, isPaused, pauseSpans, timeLimitMs, wallTimeAt } from "./drillClock.js";
import type {
  DecisionStepRecord,
  DrillEvent,
  DrillMode,
  DrillState,
  EndReason,
  FirstMoveRecord,
  InjectPostRecord,
  Person,
  ResponderRecord,
} from "./drillState.js";
import { judgeFirstMove } from "./precedents.js";
import type { Inject, Outcome, Role, Scenario, TreeNode, TreeOption } from "./scenario.js";
import { firstMoveScore } from "./scoring.js";
import { LOCAL_TEAM, type Team } from "./team.js";

// The drill state machine. Pure: no I/O, time only from the injected clock. Every operation
// either changes the state and returns what changed as `changes` (DrillChange, which the store
// applies in one transaction), or refuses with a reason a front end can turn into a kind message.
// The front ends persist what changed before telling anyone.

export const MAX_FIRST_MOVE_CHARS = 600;
/** The most one extension adds to a drill's time limit. */
export const MAX_EXTENSION_MINUTES = 60;
/** An inject reaching people more than this after its offset is marked late (the app was down);
 * timers fire within milliseconds, so anything slower is not ordinary jitter. */
export const LATE_AFTER_MS = 5_000;

import type { Refusal } from "./refusals.js";

export type { Refusal };

export type Result<T> = ({ ok: true } & T) | { ok: false; reason: Refusal };

/** An operation's success: its own data plus the changes to persist. */
export type Changed<T = unknown> = T & { changes: DrillChange[] };

export type TreePosition =
  | { kind: "node"; id: string; node: TreeNode; enteredAt: number }
  | { kind: "outcome"; id: string; outcome: Outcome };

export interface DueInject {
  index: number;
  inject: Inject;
  /** Its offset in drill time ("+3:00"). */
  offsetMs: number;
  /** When it falls due on the wall clock (later by any pause before it), or null while paused. */
  dueAt: number | null;
}

const refuse = (reason: Refusal): { ok: false; reason: Refusal } => ({ ok: false, reason });

export class Drill {
  private constructor(
    readonly state: DrillState,
    readonly scenario: Scenario,
    private readonly clock: Clock,
  ) {}

  /** A new drill; `id` is the store's, 0 until saved. */
  static start(options: {
    scenario: Scenario;
    mode: DrillMode;
    startedBy: Person;
    venue: string;
    clock: Clock;
    id?: number;
    team?: Team;
  }): Drill {
    const { scenario, clock } = options;
    return new Drill(
      {
        id: options.id ?? 0,
        team: options.team ?? LOCAL_TEAM,
        scenarioId: scenario.id,
        scenarioHash: scenario.hash,
        mode: options.mode,
        startedBy: options.startedBy,
        venue: options.venue,
        venueRef: null,
        startedAt: clock.now(),
        readWindowMs: scenario.readWindowMs,
        timeLimitMs: scenario.timeLimitMs,
        status: "running",
        endedAt: null,
        endReason: null,
        endedBy: null,
        responders: [],
        injects: [],
        events: [],
      },
      scenario,
      clock,
    );
  }

  /** A drill loaded back from the store, on the scenario version it ran. */
  static restore(state: DrillState, scenario: Scenario, clock: Clock): Drill {
    return new Drill(state, scenario, clock);
  }

  /** The time limit with every extension (drill time). */
  get timeLimitMs(): number {
    return timeLimitMs(this.state);
  }

  /** When the time limit falls on the wall clock; Infinity while paused. */
  get endsAt(): number {
    return wallTimeAt(this.state, this.timeLimitMs) ?? Number.POSITIVE_INFINITY;
  }

  get readWindowEndsAt(): number {
    return wallTimeAt(this.state, this.state.readWindowMs) ?? Number.POSITIVE_INFINITY;
  }

  get isPaused(): boolean {
    return isPaused(this.state);
  }

  /** Drill time now (pauses left out). */
  get elapsedMs(): number {
    return drillTimeAt(this.state, this.clock.now());
  }

  /** Drill time at a wall-clock instant (pauses left out): "first move at 0:41". */
  drillTimeAt(at: number): number {
    return drillTimeAt(this.state, at);
  }

  /** Running, not paused and inside the time limit. */
  get isOpen(): boolean {
    return this.state.status === "running" && !this.isPaused && this.clock.now() < this.endsAt;
  }

  /** Running but past the time limit: the front end should end it now. */
  get isOverdue(): boolean {
    return this.state.status === "running" && this.clock.now() >= this.endsAt;
  }

  responder(userId: string): ResponderRecord | undefined {
    return this.state.responders.find((r) => r.user.id === userId);
  }

  private checkOpen(): { ok: false; reason: Refusal } | null {
    if (this.state.status !== "running") return refuse("not_running");
    if (this.isPaused) return refuse("paused");
    if (this.clock.now() >= this.endsAt) return refuse("time_up");
    return null;
  }

  private join(user: Person): ResponderRecord {
    const existing = this.responder(user.id);
    if (existing) return existing;
    const record: ResponderRecord = {
      user,
      joinedAt: this.clock.now(),
      role: null,
      ackAt: null,
      firstMove: null,
      walkStartedAt: null,
      steps: [],
    };
    this.state.responders.push(record);
    return record;
  }

  /** "I'm on it". A second ack by the same person changes nothing and says so. */
  ack(user: Person): Result<Changed<{ responder: ResponderRecord; first: boolean }>> {
    const closed = this.checkOpen();
    if (closed) return closed;
    const responder = this.join(user);
    if (responder.ackAt !== null) return { ok: true, responder, first: false, changes: [] };
    const at = this.clock.now();
    responder.ackAt = at;
    return { ok: true, responder, first: true, changes: [{ type: "acked", user, joinedAt: responder.joinedAt, at }] };
  }

  /** One first move per responder, scored at once, kept blind until the debrief. */
  submitFirstMove(user: Person, text: string): Result<Changed<{ responder: ResponderRecord; firstMove: FirstMoveRecord }>> {
    const closed = this.checkOpen();
    if (closed) return closed;
    const trimmed = text.trim();
    // Only invisible characters, spaces or punctuation is no answer (no letter or digit at all).
    if (!/[\p{L}\p{N}]/u.test(trimmed)) return refuse("empty_answer");
    if (trimmed.length > MAX_FIRST_MOVE_CHARS) return refuse("answer_too_long");
    const existing = this.responder(user.id);
    if (existing?.firstMove) return refuse("already_answered");
    const responder = this.join(user);
    const firstMove: FirstMoveRecord = {
      text: trimmed,
      at: this.clock.now(),
      score: this.judge(trimmed, existing?.role ?? null),
      override: null,
    };
    responder.firstMove = firstMove;
    return { ok: true, responder, firstMove, changes: [{ type: "first_move", user, joinedAt: responder.joinedAt, move: firstMove }] };
  }

  /** A first move judged by the responder's rubric; the scenario's own rubric also by its
   * precedents (they are answers to the scenario's first move, not a role's). */
  private judge(answer: string, role: string | null) {
    const rubric = this.rubricFor(role);
    return rubric === this.scenario.rubric ? judgeFirstMove(answer, rubric, this.scenario.precedentModel) : firstMoveScore(answer, rubric);
  }

  /** The rubric a responder's first move is judged by: their role's own, else the scenario's. */
  rubricFor(role: string | null) {
    return (role !== null ? this.scenario.roleRubrics[role] : undefined) ?? this.scenario.rubric;
  }

  /** Takes an incident role (or gives one up: null). One person per role; changeable until the
   * first move, which is then judged for the role held. */
  takeRole(user: Person, roleId: string | null): Result<Changed<{ responder: ResponderRecord; role: Role | null }>> {
    const closed = this.checkOpen();
    if (closed) return closed;
    const role = roleId === null ? null : (this.scenario.roleList.find((r) => r.id === roleId) ?? null);
    if (roleId !== null && !role) return refuse("unknown_role");
    if (this.responder(user.id)?.firstMove) return refuse("role_locked");
    // Only this person may be loaded (a click): the store refuses a role someone else holds too.
    if (roleId !== null && this.state.responders.some((r) => r.role === roleId && r.user.id !== user.id)) return refuse("role_taken");
    const responder = this.join(user);
    if (responder.role === roleId) return { ok: true, responder, role, changes: [] };
    responder.role = roleId;
    return { ok: true, responder, role, changes: [{ type: "role", user, joinedAt: responder.joinedAt, role: roleId }] };
  }

  /** In read mode the runbook is open from the trigger; in blind mode only after a first move. */
  runbookVisibleTo(userId: string): boolean {
    if (this.state.mode === "read" || this.state.status !== "running") return true;
    return this.responder(userId)?.firstMove != null;
  }

  /** Where a responder stands in the decision tree. Starts the walk on first call. */
  position(userId: string): Result<Changed<{ position: TreePosition; started: boolean }>> {
    if (!this.scenario.tree) return refuse("no_tree");
    const responder = this.responder(userId);
    if (!responder?.firstMove) return refuse("first_move_required");
    const changes: DrillChange[] = [];
    if (responder.walkStartedAt === null) {
      const closed = this.checkOpen();
      if (closed) return closed;
      responder.walkStartedAt = this.clock.now();
      changes.push({ type: "walk_started", user: responder.user, at: responder.walkStartedAt });
    }
    return { ok: true, position: this.positionOf(responder), started: changes.length > 0, changes };
  }

  private positionOf(responder: ResponderRecord): TreePosition {
    const tree = this.scenario.tree;
    if (!tree) throw new Error(`scenario ${this.scenario.id} is a quick drill: it has no decision tree`); // callers check first
    const last = responder.steps.at(-1);
    const id = last ? last.nextId : tree.start;
    const outcome = tree.outcomes[id];
    if (outcome) return { kind: "outcome", id, outcome };
    const node = tree.nodes[id];
    if (!node) throw new Error(`scenario ${this.scenario.id} has no node "${id}"`); // lint guarantees this
    return { kind: "node", id, node, enteredAt: last ? last.chosenAt : (responder.walkStartedAt ?? this.clock.now()) };
  }

  /** Takes one option at the responder's current node. `nodeId` guards against stale clicks. */
  choose(
    userId: string,
    nodeId: string,
    optionId: string,
  ): Result<Changed<{ step: DecisionStepRecord; option: TreeOption; position: TreePosition }>> {
    const closed = this.checkOpen();
    if (closed) return closed;
    if (!this.scenario.tree) return refuse("no_tree");
    const responder = this.responder(userId);
    if (!responder?.firstMove) return refuse("first_move_required");
    const changes: DrillChange[] = [];
    if (responder.walkStartedAt === null) {
      responder.walkStartedAt = this.clock.now();
      changes.push({ type: "walk_started", user: responder.user, at: responder.walkStartedAt });
    }
    const here = this.positionOf(responder);
    if (here.kind === "outcome") return refuse("walk_finished");
    if (here.id !== nodeId) return refuse("stale_node");
    const option = here.node.options.find((o) => o.id === optionId);
    if (!option) return refuse("unknown_option");
    const step: DecisionStepRecord = {
      seq: responder.steps.length + 1,
      nodeId,
      optionId,
      nextId: option.next,
      enteredAt: here.enteredAt,
      chosenAt: this.clock.now(),
    };
    responder.steps.push(step);
    changes.push({ type: "step", user: responder.user, step });
    return { ok: true, step, option, position: this.positionOf(responder), changes };
  }

  /** Every inject with its offset and when it falls due (one formula for timers, posts, debriefs). */
  injectSchedule(): DueInject[] {
    return this.scenario.injects
      .map((inject, index) => {
        const offsetMs = this.scenario.injectOffsetsMs[index] ?? 0;
        return { index, inject, offsetMs, dueAt: wallTimeAt(this.state, offsetMs) };
      })
      .sort((a, b) => a.offsetMs - b.offsetMs || a.index - b.index);
  }

  /** Injects whose time has come and that have not been posted, in order. */
  dueInjects(): DueInject[] {
    if (this.state.status !== "running") return [];
    const now = this.clock.now();
    return this.pendingInjects().filter((d) => d.dueAt !== null && d.dueAt <= now);
  }

  /** Every inject not yet posted, due or not: for timers and for the scripted terminal. */
  pendingInjects(): DueInject[] {
    return this.injectSchedule().filter((d) => !this.state.injects.some((p) => p.index === d.index));
  }

  markInjectPosted(index: number): Result<Changed<{ post: InjectPostRecord; late: boolean }>> {
    if (this.state.status !== "running") return refuse("not_running");
    if (this.state.injects.some((p) => p.index === index)) return refuse("inject_already_posted");
    const now = this.clock.now();
    const dueAt = wallTimeAt(this.state, this.scenario.injectOffsetsMs[index] ?? 0) ?? now;
    const post: InjectPostRecord = { index, dueAt, postedAt: now };
    this.state.injects.push(post);
    return { ok: true, post, late: post.postedAt - dueAt > LATE_AFTER_MS, changes: [{ type: "inject_posted", post }] };
  }

  /** Ends by hand or at the time limit; the time limit ends it at the limit, not later. */
  end(by: string, reason: Exclude<EndReason, "cancelled">): Result<Changed<{ endedAt: number }>> {
    if (this.state.status !== "running") return refuse("not_running");
    // A drill that ran past its limit (the app was down) is recorded as ending at the limit.
    const endedAt = Math.min(this.clock.now(), this.endsAt);
    this.state.status = "ended";
    this.state.endedAt = endedAt;
    this.state.endReason = reason;
    this.state.endedBy = by;
    return { ok: true, endedAt, changes: [{ type: "finished", status: "ended", endedAt, reason, by }] };
  }

  cancel(by: string): Result<Changed<{ endedAt: number }>> {
    if (this.state.status !== "running") return refuse("not_running");
    const endedAt = this.clock.now();
    this.state.status = "cancelled";
    this.state.endedAt = endedAt;
    this.state.endReason = "cancelled";
    this.state.endedBy = by;
    return { ok: true, endedAt, changes: [{ type: "finished", status: "cancelled", endedAt, reason: "cancelled", by }] };
  }

  // Facilitator controls. Each is a timeline event (see DrillEvent): a new control is a method
  // here and its words in the vocabulary, never a store method.

  /** Gives the drill more time: 1–60 minutes on its time limit. */
  extend(by: Person, minutes: number): Result<Changed<{ minutes: number; endsAt: number }>> {
    if (this.state.status !== "running") return refuse("not_running");
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_EXTENSION_MINUTES) return refuse("bad_extension");
    const changed = this.record({ kind: "extended", by, at: this.clock.now(), minutes });
    return { ok: true, minutes, endsAt: this.endsAt, changes: changed };
  }

  /** Freezes the drill's clock: read window, injects and time limit wait; responders see it paused. */
  pause(by: Person): Result<Changed<Record<never, never>>> {
    const closed = this.checkOpen();
    if (closed) return closed.reason === "paused" ? refuse("already_paused") : closed;
    return { ok: true, changes: this.record({ kind: "paused", by, at: this.clock.now() }) };
  }

  /** Starts the clock again where it stopped. */
  resume(by: Person): Result<Changed<{ pausedMs: number }>> {
    if (this.state.status !== "running") return refuse("not_running");
    const open = pauseSpans(this.state).at(-1);
    if (!open || open.to !== null) return refuse("not_paused");
    const at = this.clock.now();
    return { ok: true, pausedMs: at - open.from, changes: this.record({ kind: "resumed", by, at }) };
  }

  /** Posts the next inject (or inject `number`, 1-based) now instead of at its offset. */
  injectNow(by: Person, number?: number): Result<Changed<{ due: DueInject; post: InjectPostRecord }>> {
    if (this.state.status !== "running") return refuse("not_running");
    let due: DueInject | undefined;
    if (number === undefined) due = this.pendingInjects()[0];
    else {
      due = this.injectSchedule().find((d) => d.index === number - 1);
      if (!due) return refuse("unknown_inject");
    }
    if (!due) return refuse("no_inject_left");
    const index = due.index;
    if (this.state.injects.some((p) => p.index === index)) return refuse("inject_already_posted");
    const at = this.clock.now();
    const post: InjectPostRecord = { index, dueAt: due.dueAt ?? at, postedAt: at };
    this.state.injects.push(post);
    const event = this.record({ kind: "inject_now", by, at, index });
    return { ok: true, due, post, changes: [{ type: "inject_posted", post }, ...event] };
  }

  /** A nudge in the thread: the scenario's hint, else the runbook's immediate verification. Once. */
  hint(by: Person): Result<Changed<{ text: string }>> {
    if (this.state.status !== "running") return refuse("not_running");
    if (this.state.events.some((e) => e.kind === "hint")) return refuse("hint_given");
    const text = this.scenario.hint ?? hintFromRunbook(this.scenario);
    return { ok: true, text, changes: this.record({ kind: "hint", by, at: this.clock.now(), text }) };
  }

  /** Appends a timeline event to the state; the change that stores it. */
  private record(event: DrillEvent): DrillChange[] {
    this.state.events.push(event);
    return [{ type: "event", event }];
  }

  /** A facilitator's decision on an answer (Accept or Reject), allowed during and after the drill.
   * It wins over the rubric; `before` is the verdict that counted until now. */
  overrideScore(
    userId: string,
    correct: boolean,
    by: Person,
    via: "slack" | "terminal",
  ): Result<Changed<{ firstMove: FirstMoveRecord; before: boolean }>> {
    const firstMove = this.responder(userId)?.firstMove;
    if (!firstMove) return refuse("unknown_responder");
    const before = isCorrect(firstMove);
    const at = this.clock.now();
    firstMove.override = { correct, by: by.name, byId: by.id, at };
    return { ok: true, firstMove, before, changes: [{ type: "verdict", userId, correct, by, at, before, via }] };
  }

  /** What the channel may see while the drill runs: who and how fast, never what. */
  progress(): { acked: number; answered: number; responders: number } {
    const r = this.state.responders;
    return {
      acked: r.filter((x) => x.ackAt !== null).length,
      answered: r.filter((x) => x.firstMove !== null).length,
      responders: r.length,
    };
  }
}

/** The verdict on a first move: the facilitator's override if there is one, else the rubric's. */
export function isCorrect(firstMove: FirstMoveRecord): boolean {
  return firstMove.override ? firstMove.override.correct : firstMove.score.correct;
}

/** The runbook's immediate verification as a hint: its opening lines, up to the first code
 * block (a hint points the way; the commands are in the runbook). */
export function hintFromRunbook(scenario: Scenario): string {
  const lines = scenario.runbookDoc.sections.verify?.body.split("\n") ?? [];
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line) || kept.join("\n").length > 600) break;
    kept.push(line);
  }
  const text = kept.join("\n").trim();
  return text === ""
    ? "Start with the runbook's immediate verification: confirm the signal is real and scoped before changing anything."
    : text;
}
