import { createInterface, type Interface } from "node:readline";
import type { Readable } from "node:stream";
import { computeDebrief } from "../domain/debrief.js";
import type { Drill, DueInject, TreePosition } from "../domain/drill.js";
import type { DrillMode, Person } from "../domain/drillState.js";
import { formatClock } from "../domain/duration.js";
import { displayOrder } from "../domain/optionOrder.js";
import { REFUSAL_TEXT } from "../domain/refusals.js";
import { RUNBOOK_PARTS, type Scenario, type TreeOption } from "../domain/scenario.js";
import type { DrillService } from "../service/drillService.js";
import type { CliIO } from "./io.js";
import { renderDebriefText } from "./renderDebrief.js";

// The terminal front end: one responder, the same engine and store as Slack. Interactive on a
// TTY (real timers: read-window countdown, injects at their offsets, the time limit); scripted
// otherwise: one line per prompt, never sleeping, injects shown in order after the first move.

export interface TerminalDrillOptions {
  service: DrillService;
  scenarioId: string;
  mode: DrillMode;
  user: Person;
  /** An incident role to answer as (a role id of the scenario). */
  role?: string;
  input: Readable;
  io: CliIO;
  interactive: boolean;
  /** For the closing hint, e.g. "./data/drillbot.db". */
  dbPath: string;
}

/** Lines from stdin, one per prompt; null at end of input or when the drill is over. */
export class LineReader {
  private readonly queue: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private closed = false;
  readonly rl: Interface;

  constructor(input: Readable, interactive: boolean) {
    this.rl = createInterface({ input, output: interactive ? process.stdout : undefined, terminal: interactive });
    this.rl.on("line", (line) => this.push(line));
    this.rl.on("close", () => this.finish());
  }

  private push(line: string) {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(line);
    } else {
      this.queue.push(line);
    }
  }

  finish() {
    this.closed = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(null);
    }
  }

  next(): Promise<string | null> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close() {
    this.rl.close();
  }
}

export function renderTrigger(scenario: Scenario, mode: DrillMode): string {
  const t = scenario.trigger;
  const fields = Object.entries(t.fields).map(([k, v]) => `  ${k}: ${v}`);
  return [
    `━━ DRILL (practice only, nobody is paged) · ${scenario.id} · ${scenario.severity} · mode ${mode}`,
    `${t.source}: ${t.title}`,
    "",
    t.text.trim(),
    ...(fields.length ? ["", ...fields] : []),
    "",
    `Read window ${formatClock(scenario.readWindowMs)} · time limit ${formatClock(scenario.timeLimitMs)}${scenario.quick ? " · quick drill: first move only" : ""}`,
  ].join("\n");
}

export function renderRunbookText(scenario: Scenario): string {
  const doc = scenario.runbookDoc;
  const out = [`── Runbook: ${doc.title || scenario.runbookRef}`];
  for (const part of RUNBOOK_PARTS) {
    const section = doc.sections[part];
    if (!section) continue;
    out.push("", `## ${section.heading}`, "", section.body);
  }
  return out.join("\n");
}

function renderInject(due: DueInject, late: boolean): string {
  const kind = due.inject.kind ? ` (${due.inject.kind})` : "";
  return `\n⏱ +${formatClock(due.offsetMs)} inject${kind}${late ? " — late" : ""}: ${due.inject.text.trim()}`;
}

function renderNode(options: TreeOption[], position: Extract<TreePosition, { kind: "node" }>): string {
  const lines = options.map((o, i) => `  ${i + 1}) ${o.label}`);
  return [`\n? ${position.node.question}`, ...lines].join("\n");
}

export async function runTerminalDrill(options: TerminalDrillOptions): Promise<number> {
  const { service, io, user, interactive } = options;
  // A role the scenario does not have is refused before anything is recorded or printed.
  const planned = service.scenario(options.scenarioId);
  if (planned && options.role !== undefined && !planned.roleList.some((r) => r.id === options.role)) {
    const roles = planned.roleList.map((r) => `${r.id} (${r.name})`).join(", ");
    io.err(`${REFUSAL_TEXT.unknown_role} Roles of ${planned.id}: ${roles}.`);
    return 2;
  }
  const started = await service.start({
    scenarioId: options.scenarioId,
    mode: options.mode,
    startedBy: user,
    venue: "terminal",
    surface: "terminal",
  });
  if (!started.ok) {
    if (started.reason === "unknown_scenario") {
      io.err(`unknown scenario "${options.scenarioId}"${started.closest ? ` — did you mean ${started.closest}?` : ""}`);
      io.err(`scenarios: ${service.scenarioIds().join(", ")}`);
    } else if (started.reason === "skipped_scenario") {
      io.err(`scenario "${options.scenarioId}" cannot run until these problems are fixed:`);
      for (const problem of started.problems) io.err(`  ${problem}`);
    } else {
      io.err(`a drill is already running here (#${started.runningDrillId})`);
    }
    return 2;
  }
  const drill = started.drill;
  const drillId = drill.state.id;
  const scenario = drill.scenario;
  const reader = new LineReader(options.input, interactive);
  const timers: NodeJS.Timeout[] = [];
  let over = false;
  let endReason: "manual" | "time_limit" = "manual";

  const say = (text: string) => {
    if (interactive) process.stdout.write("\r\x1b[K");
    io.out(text);
  };
  const ask = async (prompt: string): Promise<string | null> => {
    if (interactive) {
      reader.rl.setPrompt(prompt);
      reader.rl.prompt();
      return over ? null : reader.next();
    }
    // Scripted: echo each answer after its prompt so the transcript reads like a session.
    const line = over ? null : await reader.next();
    io.out(`${prompt}${line ?? ""}`);
    return line;
  };

  const postDue = async () => {
    const current = await service.load(drillId);
    for (const due of current?.dueInjects() ?? []) {
      const marked = await service.markInjectPosted(drillId, due.index);
      if (marked.ok) say(renderInject(due, marked.late));
    }
    if (interactive && !over) reader.rl.prompt(true);
  };

  say(renderTrigger(scenario, options.mode));
  await service.ack(drillId, user);
  say(`\nAcknowledged as ${user.name}. This drill is #${drillId}.`);
  if (options.role !== undefined) {
    const took = await service.takeRole(drillId, user, options.role);
    if (!took.ok) {
      const roles = scenario.roleList.map((r) => `${r.id} (${r.name})`).join(", ");
      io.err(`${REFUSAL_TEXT[took.reason]} Roles of ${scenario.id}: ${roles}.`);
      await service.cancel(drillId, user.id);
      return 2;
    }
    say(`You answer as ${took.role?.name ?? "nobody in particular"}.`);
  }

  if (interactive) {
    // Real time: injects at their offsets, countdown notices, and the time limit ends the drill.
    const at = (ms: number, fn: () => void) => timers.push(setTimeout(fn, Math.max(0, drill.state.startedAt + ms - Date.now())));
    for (const offset of new Set(scenario.injectOffsetsMs)) at(offset, () => void postDue());
    if (options.mode === "read") {
      for (const left of [60_000, 30_000]) {
        if (scenario.readWindowMs > left) at(scenario.readWindowMs - left, () => say(`⏳ ${formatClock(left)} left in the read window`));
      }
      at(scenario.readWindowMs, () => say("⏳ The read window is over: state your first move now."));
    }
    at(scenario.timeLimitMs, () => {
      over = true;
      endReason = "time_limit";
      say("\n⏰ Time limit reached: the drill is over.");
      reader.finish();
    });
  }

  if (options.mode === "read") {
    say(`\n${renderRunbookText(scenario)}\n`);
    say(`You have ${formatClock(scenario.readWindowMs)} to read the runbook. What is your first move, in one sentence?`);
  } else {
    say("\nBlind mode: the runbook is shown after your first move. What is your first move, in one sentence?");
  }

  // First move: re-asked until it is accepted or input ends.
  let answered = false;
  while (!answered && !over) {
    const line = await ask("first move > ");
    if (line === null) break;
    const result = await service.submitFirstMove(drillId, user, line);
    if (result.ok) {
      answered = true;
      const elapsed = result.firstMove.at - drill.state.startedAt;
      say(
        `Recorded at ${formatClock(elapsed)}${elapsed <= scenario.readWindowMs ? " (inside the read window)" : ""}. It stays blind until the debrief.`,
      );
    } else {
      say(REFUSAL_TEXT[result.reason]);
      if (result.reason === "time_up" || result.reason === "not_running") break;
    }
  }

  if (answered && options.mode === "blind") say(`\n${renderRunbookText(scenario)}\n`);

  if (answered && !interactive) {
    // Scripted runs never sleep: the story's injects arrive in order before the tree walk.
    for (const due of drill.pendingInjects()) {
      const marked = await service.markInjectPosted(drillId, due.index);
      if (marked.ok) say(renderInject(due, false));
    }
  }

  if (answered && !over && scenario.quick) {
    say("\nThis is a quick drill: no decision tree to walk. The debrief follows.");
  } else if (answered && !over) {
    say("\n── Decision tree: pick the number of what you would do or see next.");
    let position = await service.position(drillId, user);
    while (position.ok && position.position.kind === "node" && !over) {
      const here = position.position;
      const shown = displayOrder(here.node.options, drillId, here.id);
      say(renderNode(shown, here));
      const line = await ask("choice > ");
      if (line === null) break;
      const n = Number(line.trim());
      // A number picks from the list as shown; an option id (for scripts) picks that option.
      const option = Number.isInteger(n) ? shown[n - 1] : here.node.options.find((o) => o.id === line.trim());
      if (!option) {
        say(`Pick a number from 1 to ${shown.length}.`);
        continue;
      }
      const chosen = await service.choose(drillId, user, here.id, option.id);
      if (!chosen.ok) {
        say(REFUSAL_TEXT[chosen.reason]);
        if (chosen.reason === "time_up" || chosen.reason === "not_running") break;
        position = await service.position(drillId, user);
        continue;
      }
      if (option.reveals) say(`\n${option.reveals.trimEnd().replace(/^/gm, "  │ ")}`);
      position = { ...chosen, started: false };
    }
    if (position.ok && position.position.kind === "outcome") {
      const o = position.position.outcome;
      say(`\n✔ Outcome (${o.kind}): ${o.title}\n  ${o.text.trim()}`);
    }
  }

  for (const timer of timers) clearTimeout(timer);
  reader.close();

  const ended = await service.end(drillId, user.name, endReason);
  const debrief = ended.ok ? ended.debrief : computeDebrief(((await service.load(drillId)) as Drill).state, scenario);
  say(`\n${renderDebriefText(debrief, scenario)}`);
  say(`\nRecorded as drill #${drillId} in ${options.dbPath}. See it again: drillbot debrief ${drillId} --format md|json`);
  return 0;
}
