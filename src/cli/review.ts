import { userInfo } from "node:os";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import type { CatalogConfig } from "../catalog/config.js";
import { reviewOrder } from "../domain/debrief.js";
import { percent } from "../domain/debriefWords.js";
import type { Person } from "../domain/drillState.js";
import { REFUSAL_TEXT } from "../domain/refusals.js";
import type { DrillService } from "../service/drillService.js";
import { openService } from "./context.js";
import type { CliIO } from "./io.js";
import { terminalSafe } from "./renderDebrief.js";
import { LineReader } from "./terminalDrill.js";

// `drillbot review <drill-id>`: a facilitator at a terminal walks a drill's answers (the ones the
// rubric was unsure of first) and accepts or rejects each; decisions are recorded like Slack's.

export interface ReviewOptions {
  service: DrillService;
  drillId: number;
  reviewer: Person;
  input: Readable;
  io: CliIO;
  interactive: boolean;
}

const pct = percent;

export async function runReview(o: ReviewOptions): Promise<number> {
  const { service, io } = o;
  const debrief = await service.debrief(o.drillId);
  if (!debrief) {
    io.err(`no drill #${o.drillId} (drillbot debrief last shows the latest)`);
    return 1;
  }
  const answered = reviewOrder(debrief.responders.filter((r) => r.answer !== null));
  if (answered.length === 0) {
    io.out(`Drill #${o.drillId} (${debrief.scenarioId}) has no first moves to review.`);
    return 0;
  }
  const unsure = answered.filter((r) => r.needsReview && !r.override).length;
  io.out(`Drill #${o.drillId} · ${debrief.scenarioId}: ${answered.length} answer(s), ${unsure} marked needs review (shown first).`);
  io.out(`Expected first move: ${debrief.expectedFirstMove}`);
  io.out("For each answer: a = accept, r = reject, Enter or s = skip, q = stop.");
  const reader = new LineReader(o.input, o.interactive);
  let decided = 0;
  try {
    for (const [i, r] of answered.entries()) {
      const current = r.correct ? "correct" : "wrong";
      const by = r.override ? `decided by ${r.override.by}` : `rubric${r.needsReview ? ", needs review" : ""}`;
      io.out("");
      io.out(`[${i + 1}/${answered.length}] ${terminalSafe(r.user.name)} · ${current} (${by})`);
      io.out(`  “${terminalSafe(r.answer ?? "")}”`);
      if (r.reason) io.out(`  why: ${terminalSafe(r.reason)}`);
      let choice: "a" | "r" | "s" | "q" | null = null;
      while (choice === null) {
        if (o.interactive) process.stdout.write("  accept, reject, skip or quit [a/r/s/q]? ");
        const line = await reader.next();
        if (line === null) {
          choice = "q";
          break;
        }
        const word = line.trim().toLowerCase();
        if (word === "" || word === "s" || word === "skip") choice = "s";
        else if (word === "a" || word === "accept") choice = "a";
        else if (word === "r" || word === "reject") choice = "r";
        else if (word === "q" || word === "quit") choice = "q";
        else io.out(`  "${terminalSafe(line.trim())}" is not a choice: a (accept), r (reject), s (skip) or q (quit)`);
      }
      if (choice === "q") break;
      if (choice === "s") continue;
      const result = await service.overrideScore(o.drillId, r.user.id, choice === "a", o.reviewer, "terminal");
      if (!result.ok) {
        io.err(`  ${REFUSAL_TEXT[result.reason]}`);
        continue;
      }
      decided++;
      io.out(
        `  ${choice === "a" ? "accepted" : "rejected"} (${result.before === (choice === "a") ? "same as before" : "verdict changed"})`,
      );
    }
  } finally {
    reader.close();
  }
  const after = await service.debrief(o.drillId);
  io.out("");
  io.out(
    `${decided} decision(s) recorded by ${terminalSafe(o.reviewer.name)}. Team: ${after?.team.correctInReadWindow ?? 0} of ${after?.team.responders ?? 0} correct inside the read window (${pct(after?.team.shareCorrectInReadWindow ?? null)}).`,
  );
  return 0;
}

/** `drillbot review <drill-id> [--user NAME] [--db PATH]` */
export async function reviewCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { user: { type: "string" }, db: { type: "string" } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1 || !/^\d+$/.test(id)) {
    io.err("usage: drillbot review <drill-id> [--user NAME] [--db PATH]   (drillbot debrief last shows the latest drill's id)");
    return 2;
  }
  const opened = await openService(config, values.db, io);
  if (!opened) return 1;
  const name = values.user ?? process.env.USER ?? safeUsername();
  try {
    return await runReview({
      service: opened.service,
      drillId: Number(id),
      reviewer: { id: `terminal:${name}`, name },
      input: process.stdin,
      io,
      interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    });
  } finally {
    await opened.stores.close();
  }
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "facilitator";
  }
}
