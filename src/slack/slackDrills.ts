import type { Logger } from "@slack/logger";
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../domain/clock.js";
import type { Debrief } from "../domain/debrief.js";
import type { Drill } from "../domain/drill.js";
import type { DrillMode, Person } from "../domain/drillState.js";
import { formatClock } from "../domain/duration.js";
import { Coalescer } from "../scheduler/coalescer.js";
import { DrillTimers } from "../scheduler/drillTimers.js";
import type { TimerHost } from "../scheduler/timers.js";
import type { DrillService, StartResult } from "../service/drillService.js";
import type { Insights } from "../service/insights.js";
import { debriefSummaryText, renderDebriefMessages } from "./blocks/debriefBlocks.js";
import { triggerBlocks, triggerFallbackText } from "./blocks/drillBlocks.js";
import { insightBlocks } from "./blocks/historyBlocks.js";
import type { Block } from "./blocks/limits.js";
import { escapeMrkdwn, truncate } from "./blocks/text.js";
import type { WorkTracker } from "./workTracker.js";

// The drill as it lives in a Slack channel: the trigger message and its thread. Listeners and
// timers call in here; everything is recorded through the service before Slack hears of it.

/** chat.update is Tier 3 (~50/min): one trigger message is updated at most every 1.5 s. */
export const TRIGGER_UPDATE_INTERVAL_MS = 1_500;
/** "Who answered" notices in the thread are batched: at most one post every 5 s per drill. */
export const THREAD_NOTICE_INTERVAL_MS = 5_000;

export interface SlackDrillsOptions {
  service: DrillService;
  client: WebClient;
  clock: Clock;
  timers: TimerHost;
  logger: Logger;
  work: WorkTracker;
  /** Trends, mastery and action items for debriefs. */
  insights?: Insights;
}

export class SlackDrills {
  readonly drillTimers: DrillTimers;
  private readonly triggerUpdates: Coalescer<number>;
  private readonly threadNotices: Coalescer<number>;
  private readonly pendingNotices = new Map<number, string[]>();
  private readonly service: DrillService;
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly work: WorkTracker;
  private readonly insights: Insights | undefined;

  constructor(options: SlackDrillsOptions) {
    this.insights = options.insights;
    this.service = options.service;
    this.client = options.client;
    this.logger = options.logger;
    this.work = options.work;
    const logError = (what: string) => (id: number, error: unknown) => this.logger.error(`${what} for drill #${id} failed:`, error);
    this.drillTimers = new DrillTimers(
      options.timers,
      options.clock,
      {
        onInjectDue: (id) => this.work.run(this.postDueInjects(id)),
        onTimeLimit: (id) => this.work.run(this.finish(id, "drillbot", "time_limit").then(() => undefined)),
      },
      logError("timer"),
    );
    this.triggerUpdates = new Coalescer(
      options.timers,
      options.clock,
      TRIGGER_UPDATE_INTERVAL_MS,
      (id) => this.work.run(this.updateTrigger(id)),
      logError("trigger update"),
    );
    this.threadNotices = new Coalescer(
      options.timers,
      options.clock,
      THREAD_NOTICE_INTERVAL_MS,
      (id) => this.work.run(this.flushNotices(id)),
      logError("thread notice"),
    );
  }

  /** Starts a drill in a channel: record it, post the trigger, arm its timers. */
  async start(options: {
    scenarioId: string;
    mode: DrillMode;
    user: Person;
    channel: string;
  }): Promise<StartResult | { ok: false; reason: "post_failed"; error: string }> {
    const started = await this.service.start({
      scenarioId: options.scenarioId,
      mode: options.mode,
      startedBy: options.user,
      venue: options.channel,
      surface: "slack",
    });
    if (!started.ok) return started;
    const drill = started.drill;
    try {
      const posted = await this.client.chat.postMessage({
        channel: options.channel,
        text: triggerFallbackText(drill),
        blocks: triggerBlocks(drill),
        unfurl_links: false,
      });
      if (!posted.ts) throw new Error("Slack returned no message ts");
      await this.service.store.setVenueRef(drill.state.id, posted.ts);
      drill.state.venueRef = posted.ts;
      await this.rememberLink(drill.state.id, options.channel, posted.ts);
    } catch (error) {
      // Without a trigger message nobody can take part: cancel rather than leave a ghost drill.
      await this.service.cancel(drill.state.id, "drillbot");
      const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      return { ok: false, reason: "post_failed", error: code };
    }
    this.drillTimers.arm(drill);
    return started;
  }

  async postInThread(channel: string, threadTs: string, text: string): Promise<void> {
    await this.client.chat.postMessage({ channel, thread_ts: threadTs, text: truncate(text, 3000) });
  }

  async postInChannel(channel: string, text: string, blocks?: Block[]): Promise<void> {
    await this.client.chat.postMessage({ channel, text: truncate(text, 3000), ...(blocks ? { blocks } : {}) });
  }

  /** A link to the thread for App Home and stats; a drill works without one. */
  private async rememberLink(drillId: number, channel: string, ts: string): Promise<void> {
    try {
      const link = await this.client.chat.getPermalink({ channel, message_ts: ts });
      if (link.permalink) await this.service.store.setVenueLink(drillId, link.permalink);
    } catch (error) {
      this.logger.warn(`no permalink for drill #${drillId}:`, error);
    }
  }

  /** The debrief's messages with trend, mastery and action items. */
  async debriefMessages(debrief: Debrief, drill: Drill): Promise<Block[][]> {
    const extra = this.insights ? insightBlocks(await this.insights.forDebrief(debrief)) : [];
    return renderDebriefMessages(debrief, drill.scenario, extra);
  }

  /** After a restart: timers for every running Slack drill, overdue ones firing at once. */
  async rearm(): Promise<number> {
    const running = await this.service.store.listDrills({ status: "running", surface: "slack", limit: 10_000 });
    for (const summary of running) {
      const drill = await this.service.load(summary.id);
      if (drill) this.drillTimers.arm(drill);
    }
    return running.length;
  }

  requestTriggerUpdate(drillId: number): void {
    this.triggerUpdates.request(drillId);
  }

  noteFirstMove(drill: Drill, user: Person, elapsedMs: number): void {
    const lines = this.pendingNotices.get(drill.state.id) ?? [];
    lines.push(`✍️ *${escapeMrkdwn(user.name)}* stated a first move at ${formatClock(elapsedMs)}`);
    this.pendingNotices.set(drill.state.id, lines);
    this.threadNotices.request(drill.state.id);
    this.triggerUpdates.request(drill.state.id);
  }

  private async updateTrigger(drillId: number): Promise<void> {
    const drill = await this.service.load(drillId);
    if (!drill?.state.venueRef) return;
    await this.client.chat.update({
      channel: drill.state.venue,
      ts: drill.state.venueRef,
      text: triggerFallbackText(drill),
      blocks: triggerBlocks(drill),
    });
  }

  private async flushNotices(drillId: number): Promise<void> {
    const lines = this.pendingNotices.get(drillId) ?? [];
    this.pendingNotices.delete(drillId);
    if (lines.length === 0) return;
    const drill = await this.service.load(drillId);
    if (!drill?.state.venueRef) return;
    // Many answers in one window become one message; 40 lines keep it short and within limits.
    const shown = lines.slice(0, 40);
    const more = lines.length - shown.length;
    const text = truncate(`${shown.join("\n")}${more > 0 ? `\n…and ${more} more` : ""}`, 3000);
    await this.client.chat.postMessage({ channel: drill.state.venue, thread_ts: drill.state.venueRef, text });
  }

  /** Posts every inject that is due and not yet posted, in order; recorded before posting. */
  async postDueInjects(drillId: number): Promise<void> {
    const drill = await this.service.load(drillId);
    if (!drill?.state.venueRef) return;
    for (const due of drill.dueInjects()) {
      const marked = await this.service.markInjectPosted(drillId, due.index);
      if (!marked.ok) continue; // another instance or an earlier timer posted it
      const kind = due.inject.kind ? ` · ${due.inject.kind}` : "";
      const late = marked.late ? " · _late: the app was down when it was due_" : "";
      await this.client.chat.postMessage({
        channel: drill.state.venue,
        thread_ts: drill.state.venueRef,
        text: truncate(
          `⏱ *+${formatClock(due.dueAt - drill.state.startedAt)}*${kind}${late}\n${escapeMrkdwn(due.inject.text.trim())}`,
          3000,
        ),
      });
    }
  }

  /** Ends a drill (by hand or at the time limit) and posts the debrief. */
  async finish(drillId: number, by: string, reason: "manual" | "time_limit"): Promise<{ ok: true; debrief: Debrief } | { ok: false }> {
    if (reason === "time_limit") await this.postDueInjects(drillId);
    const ended = await this.service.end(drillId, by, reason);
    if (!ended.ok) return { ok: false };
    this.drillTimers.disarm(drillId);
    await this.finalTriggerUpdate(drillId);
    const drill = ended.drill;
    if (drill.state.venueRef) {
      for (const blocks of await this.debriefMessages(ended.debrief, drill)) {
        await this.client.chat.postMessage({
          channel: drill.state.venue,
          thread_ts: drill.state.venueRef,
          text: `Debrief: ${drill.scenario.title}`,
          blocks,
        });
      }
    }
    await this.client.chat.postMessage({ channel: drill.state.venue, text: debriefSummaryText(ended.debrief) });
    return { ok: true, debrief: ended.debrief };
  }

  async cancel(drillId: number, by: Person): Promise<boolean> {
    const cancelled = await this.service.cancel(drillId, by.id);
    if (!cancelled.ok) return false;
    this.drillTimers.disarm(drillId);
    await this.finalTriggerUpdate(drillId);
    const drill = cancelled.drill;
    if (drill.state.venueRef) {
      await this.client.chat.postMessage({
        channel: drill.state.venue,
        thread_ts: drill.state.venueRef,
        text: `Drill cancelled by ${escapeMrkdwn(by.name)}: no debrief.`,
      });
    }
    return true;
  }

  /** The last update of the trigger message wins over any coalesced one still pending. */
  private async finalTriggerUpdate(drillId: number): Promise<void> {
    this.triggerUpdates.cancel(drillId);
    await this.triggerUpdates.settle(drillId);
    this.threadNotices.cancel(drillId);
    await this.threadNotices.settle(drillId);
    await this.flushNotices(drillId);
    await this.updateTrigger(drillId);
  }
}
