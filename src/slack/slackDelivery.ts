import type { Logger } from "@slack/logger";
import type { Clock } from "../domain/clock.js";
import type { Debrief } from "../domain/debrief.js";
import type { Drill, DueInject } from "../domain/drill.js";
import type { Person } from "../domain/drillState.js";
import { formatClock } from "../domain/duration.js";
import type { Team } from "../domain/team.js";
import { Coalescer } from "../scheduler/coalescer.js";
import type { DrillVenue } from "../scheduler/drillLifecycle.js";
import type { TimerHost } from "../scheduler/timers.js";
import type { DrillService } from "../service/drillService.js";
import type { Insights } from "../service/insights.js";
import { type OutboxEntry, type OutboxKind, type OutboxPriority, type OutboxStore, REPOST_PRIORITY } from "../store/outbox.js";
import type { RequestLog } from "../store/requestLog.js";
import { type DebriefRenderOptions, debriefSummaryText, renderDebriefMessages } from "./blocks/debriefBlocks.js";
import { triggerBlocks, triggerFallbackText } from "./blocks/drillBlocks.js";
import { insightBlocks } from "./blocks/historyBlocks.js";
import type { Block } from "./blocks/limits.js";
import { escapeMrkdwn, escapeUserText, truncate } from "./blocks/text.js";
import { OutboxWorker } from "./outboxWorker.js";
import type { TeamClients } from "./teamClients.js";
import type { WorkTracker } from "./workTracker.js";

// How a drill reaches a Slack channel: its trigger message (updated, coalesced, as people join),
// its thread (injects, "who answered" notices, notes) and its debrief. Every message that must
// reach the channel goes through the persisted outbox, so a Slack outage, a 429 or a restart
// delays it but never loses or doubles it. What happens when (timers, the time limit, the end) is
// decided by the drill lifecycle (src/scheduler/drillLifecycle.ts), which calls in here.

/** chat.update is Tier 3 (~50/min): one trigger message is updated at most every 1.5 s. */
export const TRIGGER_UPDATE_INTERVAL_MS = 1_500;
/** "Who answered" notices in the thread are batched: at most one post every 5 s per drill. */
export const THREAD_NOTICE_INTERVAL_MS = 5_000;
/** Ended drills younger than this get their debrief queued again on start if it never was. */
const DEBRIEF_RECOVERY_MS = 24 * 60 * 60 * 1000;

export interface SlackDeliveryOptions {
  /** Any workspace's service: each drill is handled in its own workspace (drill.state.team). */
  service: DrillService;
  outbox: OutboxStore;
  /** Each workspace's Web API clients: for chat.update and chat.getPermalink (best effort, with
   * bounded retries), and for outbox deliveries (no built-in retries, 429s reported). */
  clients: TeamClients;
  clock: Clock;
  timers: TimerHost;
  logger: Logger;
  work: WorkTracker;
  /** Trends, mastery and action items for debriefs, of a workspace. */
  insights?: (team: Team) => Insights;
  /** Minimum gap between two posts in one channel (tests use 0). */
  channelPaceMs?: number;
  /** This process's id on the database (it holds the outbox leases it takes). */
  owner: string;
  /** The database's once-per-key record, shared by every instance: a trigger message is updated
   * by one instance per 1.5 s window, so several instances share Slack's chat.update budget. */
  once?: Pick<RequestLog, "firstSeen">;
  /** Workspaces whose drills this app does not serve and whose messages stay queued (OAuth
   * mode: 'local', until adopted). */
  holds?: (team: Team) => boolean;
}

export class SlackDelivery implements DrillVenue {
  readonly worker: OutboxWorker;
  private readonly triggerUpdates: Coalescer<number>;
  private readonly threadNotices: Coalescer<number>;
  /** Where each drill with first moves to announce runs; the lines themselves are in the database. */
  private readonly noticeVenues = new Map<number, { channel: string; startedAt: number; team: Team }>();
  /** The workspace of each drill with a trigger update pending. */
  private readonly drillTeams = new Map<number, Team>();
  private readonly service: DrillService;
  private readonly outbox: OutboxStore;
  private readonly clients: TeamClients;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly work: WorkTracker;
  private readonly insights: ((team: Team) => Insights) | undefined;
  private readonly once: Pick<RequestLog, "firstSeen"> | undefined;
  private readonly holds: (team: Team) => boolean;

  constructor(options: SlackDeliveryOptions) {
    this.service = options.service;
    this.outbox = options.outbox;
    this.clients = options.clients;
    this.clock = options.clock;
    this.logger = options.logger;
    this.work = options.work;
    this.insights = options.insights;
    this.holds = options.holds ?? (() => false);
    const logError = (what: string) => (id: number, error: unknown) => this.logger.error(`${what} for drill #${id} failed:`, error);
    this.worker = new OutboxWorker({
      outbox: options.outbox,
      threadOf: (team, drillId) => this.service.forTeam(team).venueRefOf(drillId),
      onTriggerSent: (entry, ts) => this.triggerPosted(entry, ts),
      clientFor: (team) => this.clients.delivery(team),
      clock: options.clock,
      timers: options.timers,
      logger: options.logger,
      work: options.work,
      owner: options.owner,
      ...(options.holds ? { holds: options.holds } : {}),
      ...(options.channelPaceMs !== undefined ? { paceMs: options.channelPaceMs } : {}),
    });
    this.triggerUpdates = new Coalescer(
      options.timers,
      options.clock,
      TRIGGER_UPDATE_INTERVAL_MS,
      (id) => this.work.run(this.sharedTriggerUpdate(id)),
      logError("trigger update"),
    );
    this.once = options.once;
    this.threadNotices = new Coalescer(
      options.timers,
      options.clock,
      THREAD_NOTICE_INTERVAL_MS,
      (id) => this.work.run(this.flushNotices(id)),
      logError("thread notice"),
    );
  }

  private async enqueue(entry: {
    team: Team;
    key: string;
    channel: string;
    kind: OutboxKind;
    text: string;
    blocks?: Block[];
    drillId?: number;
    inThread?: boolean;
    priority?: OutboxPriority;
  }): Promise<OutboxEntry> {
    const queued = await this.outbox.enqueue({
      teamId: entry.team.id,
      enterpriseId: entry.team.enterpriseId,
      dedupeKey: entry.key,
      channel: entry.channel,
      drillId: entry.drillId ?? null,
      inThread: entry.inThread ?? false,
      kind: entry.kind,
      payload: { text: truncate(entry.text, 3000), ...(entry.blocks ? { blocks: entry.blocks } : {}) },
      now: this.clock.now(),
      ...(entry.priority !== undefined ? { priority: entry.priority } : {}),
    });
    void this.worker.kick();
    return queued;
  }

  /** Queues the trigger message and tries it at once. Pending because Slack failed (not merely
   * because the channel's pace made it wait a second) is "delayed". */
  async announce(drill: Drill): Promise<{ ok: true; delayed: boolean } | { ok: false; error: string }> {
    const entry = await this.enqueue({
      team: drill.state.team,
      key: `drill:${drill.state.id}:trigger`,
      channel: drill.state.venue,
      kind: "trigger",
      text: triggerFallbackText(drill),
      blocks: triggerBlocks(drill),
      drillId: drill.state.id,
    });
    const after = await this.worker.deliverNow(entry.id);
    if (!after || after.status === "failed") return { ok: false, error: after?.lastError ?? "unknown error" };
    return { ok: true, delayed: after.status === "pending" && after.attempts > 0 };
  }

  private async triggerPosted(entry: OutboxEntry, ts: string): Promise<void> {
    if (entry.drillId === null) return;
    await this.service.forTeam(entry.team).setVenueRef(entry.drillId, ts);
    await this.rememberLink(entry.team, entry.drillId, entry.channel, ts);
  }

  /** A link to the thread for App Home and stats; a drill works without one. */
  private async rememberLink(team: Team, drillId: number, channel: string, ts: string): Promise<void> {
    try {
      const client = await this.clients.api(team);
      const link = await client?.chat.getPermalink({ channel, message_ts: ts });
      if (link?.permalink) await this.service.forTeam(team).setVenueLink(drillId, link.permalink);
    } catch (error) {
      this.logger.warn(`no permalink for drill #${drillId}:`, error);
    }
  }

  /** After a restart: first-move notices and debriefs that were never queued, and whatever the
   * outbox still holds (in the background: a Slack that is down must not keep the app from
   * starting to listen). */
  async recover(): Promise<void> {
    const running = await this.service.listDrillsOfEveryTeam({ status: "running", surface: "slack", limit: 10_000 });
    const recent = await this.service.listDrillsOfEveryTeam({
      status: "ended",
      surface: "slack",
      since: this.clock.now() - DEBRIEF_RECOVERY_MS,
      limit: 10_000,
    });
    const served = (summary: { team: Team }) => !this.holds(summary.team);
    for (const summary of [...running, ...recent].filter(served)) {
      this.noticeVenues.set(summary.id, { channel: summary.venue, startedAt: summary.startedAt, team: summary.team });
      await this.flushNotices(summary.id);
    }
    for (const summary of recent.filter(served)) {
      if (await this.outbox.byKey(`drill:${summary.id}:summary`)) continue;
      const service = this.service.forTeam(summary.team);
      const drill = await service.load(summary.id);
      const debrief = await service.debrief(summary.id);
      if (drill && debrief) await this.queueDebrief(drill, debrief);
    }
    // A restart is a fresh chance: do not sit out a backoff from before it.
    await this.outbox.retryNow(this.clock.now());
    void this.worker.kick();
  }

  stop(): void {
    this.worker.stop();
  }

  changed(drill: Drill): void {
    this.drillTeams.set(drill.state.id, drill.state.team);
    this.triggerUpdates.request(drill.state.id);
  }

  /** The answer is already stored, with its notice owed (see enqueueFirstMoveNotices): this
   * only schedules the batched thread post. */
  noteFirstMove(drill: Drill): void {
    this.noticeVenues.set(drill.state.id, { channel: drill.state.venue, startedAt: drill.state.startedAt, team: drill.state.team });
    this.threadNotices.request(drill.state.id);
    this.changed(drill);
  }

  /** A coalesced update, unless another instance updated this message in the current 1.5 s
   * window: then it is asked for again for the next window, so the latest state still shows. */
  private async sharedTriggerUpdate(drillId: number): Promise<void> {
    const now = this.clock.now();
    const window = Math.floor(now / TRIGGER_UPDATE_INTERVAL_MS);
    if (this.once && !(await this.once.firstSeen(`trigger-update:${drillId}:${window}`, now))) {
      this.triggerUpdates.request(drillId);
      return;
    }
    await this.updateTrigger(this.drillTeams.get(drillId), drillId);
  }

  private async updateTrigger(team: Team | undefined, drillId: number, loaded?: Drill): Promise<void> {
    if (!team) return;
    const drill = loaded ?? (await this.service.forTeam(team).load(drillId));
    if (!drill?.state.venueRef) return;
    const client = await this.clients.api(team);
    if (!client) return;
    await client.chat.update({
      channel: drill.state.venue,
      ts: drill.state.venueRef,
      text: triggerFallbackText(drill),
      blocks: triggerBlocks(drill),
    });
  }

  /** Every first move not yet announced becomes one thread post, queued in the same
   * transaction that marks them announced: a crash can neither lose nor double a line. */
  private async flushNotices(drillId: number): Promise<void> {
    const venue = this.noticeVenues.get(drillId);
    if (!venue) return;
    const entry = await this.outbox.enqueueFirstMoveNotices(
      drillId,
      venue.channel,
      this.clock.now(),
      (moves) => {
        const lines = moves.map(
          (m) => `✍️ *${escapeUserText(m.userName)}* stated a first move at ${formatClock(m.answeredAt - venue.startedAt)}`,
        );
        // Many answers in one window become one message; 40 lines keep it short and within limits.
        const shown = lines.slice(0, 40);
        const more = lines.length - shown.length;
        return { text: truncate(`${shown.join("\n")}${more > 0 ? `\n…and ${more} more` : ""}`, 3000) };
      },
      venue.team,
    );
    if (entry) void this.worker.kick();
  }

  async postInject(drill: Drill, due: DueInject, how: { late: boolean; early?: Person }): Promise<void> {
    const kind = due.inject.kind ? ` · ${due.inject.kind}` : "";
    const when = how.early
      ? ` · _early: ${escapeUserText(how.early.name)} sent it now_`
      : how.late
        ? " · _late: the app was down when it was due_"
        : "";
    await this.enqueue({
      team: drill.state.team,
      key: `drill:${drill.state.id}:inject:${due.index}`,
      channel: drill.state.venue,
      kind: "inject",
      text: `⏱ *+${formatClock(due.offsetMs)}*${kind}${when}\n${escapeMrkdwn(due.inject.text.trim())}`,
      drillId: drill.state.id,
      inThread: true,
    });
  }

  async note(drill: Drill, key: string, text: string): Promise<void> {
    await this.enqueue({
      team: drill.state.team,
      key,
      channel: drill.state.venue,
      kind: "game_day",
      text,
      drillId: drill.state.id,
      inThread: true,
    });
  }

  /** The debrief's messages with trend, mastery and action items. */
  async debriefMessages(debrief: Debrief, drill: Drill, options: DebriefRenderOptions = {}): Promise<Block[][]> {
    const extra = this.insights ? insightBlocks(await this.insights(drill.state.team).forDebrief(debrief)) : [];
    return renderDebriefMessages(debrief, drill.scenario, extra, options);
  }

  /** After a facilitator's decision: the debrief in the thread and the summary in the channel are
   * redrawn in place (chat.update), so every figure on them follows the new verdict. Messages not
   * sent yet are left to the outbox, which sends what was queued. */
  async refreshDebrief(team: Team, drillId: number): Promise<number> {
    const service = this.service.forTeam(team);
    const drill = await service.load(drillId);
    const debrief = await service.debrief(drillId);
    if (!drill || !debrief) return 0;
    const client = await this.clients.api(team);
    if (!client) return 0;
    const messages = await this.debriefMessages(debrief, drill, { reviewControls: true });
    let updated = 0;
    for (const [i, blocks] of messages.entries()) {
      const sent = await this.outbox.byKey(`drill:${drillId}:debrief:${i}`);
      if (sent?.status !== "sent" || !sent.messageTs) continue;
      await client.chat.update({ channel: sent.channel, ts: sent.messageTs, text: `Debrief: ${drill.scenario.title}`, blocks });
      updated++;
    }
    const summary = await this.outbox.byKey(`drill:${drillId}:summary`);
    if (summary?.status === "sent" && summary.messageTs) {
      await client.chat.update({ channel: summary.channel, ts: summary.messageTs, text: debriefSummaryText(debrief) });
      updated++;
    }
    return updated;
  }

  private async queueDebrief(drill: Drill, debrief: Debrief): Promise<void> {
    const drillId = drill.state.id;
    const messages = await this.debriefMessages(debrief, drill, { reviewControls: true });
    for (const [i, blocks] of messages.entries()) {
      await this.enqueue({
        team: drill.state.team,
        key: `drill:${drillId}:debrief:${i}`,
        channel: drill.state.venue,
        kind: "debrief",
        text: `Debrief: ${drill.scenario.title}`,
        blocks,
        drillId,
        inThread: true,
      });
    }
    await this.enqueue({
      team: drill.state.team,
      key: `drill:${drillId}:summary`,
      channel: drill.state.venue,
      kind: "summary",
      text: debriefSummaryText(debrief),
      drillId,
    });
  }

  /** The drill ended: "who answered" lines, then the debrief and summary, then the trigger
   * message marked ended. */
  async ended(drill: Drill, debrief: Debrief): Promise<void> {
    await this.settleNotices(drill);
    await this.queueDebrief(drill, debrief);
    await this.finalTriggerUpdate(drill);
  }

  async cancelled(drill: Drill, by: Person): Promise<void> {
    await this.settleNotices(drill);
    await this.enqueue({
      team: drill.state.team,
      key: `drill:${drill.state.id}:cancel`,
      channel: drill.state.venue,
      kind: "cancel",
      text: `Drill cancelled by ${escapeUserText(by.name)}: no debrief.`,
      drillId: drill.state.id,
      inThread: true,
    });
    await this.finalTriggerUpdate(drill);
  }

  async settle(team: Team, drillId: number): Promise<void> {
    const service = this.service.forTeam(team);
    const drill = await service.load(drillId);
    if (drill?.state.status === "ended") {
      if (await this.outbox.byKey(`drill:${drillId}:summary`)) return;
      const debrief = await service.debrief(drillId);
      if (!debrief) return;
      this.logger.warn(`drill #${drillId} ended without its debrief queued (its instance stopped?): queuing it`);
      await this.ended(drill, debrief);
    } else if (drill?.state.status === "cancelled") {
      if (await this.outbox.byKey(`drill:${drillId}:cancel`)) return;
      const by = drill.state.endedBy ?? drill.state.startedBy.id;
      await this.cancelled(drill, { id: by, name: by === drill.state.startedBy.id ? drill.state.startedBy.name : by });
    }
  }

  async postInThread(team: Team, drillId: number, channel: string, key: string, text: string): Promise<void> {
    await this.enqueue({ team, key, channel, kind: "game_day", text, drillId, inThread: true });
  }

  async postInChannel(team: Team, channel: string, key: string, text: string, blocks?: Block[]): Promise<void> {
    await this.enqueue({ team, key, channel, kind: "game_day", text, ...(blocks ? { blocks } : {}) });
  }

  /** The outbox entry queued under a key, if any. */
  queued(key: string): Promise<OutboxEntry | null> {
    return this.outbox.byKey(key);
  }

  /** A re-post anyone may ask for (/drill debrief): queued behind every drill's own messages.
   * Returns the entry, which is an earlier one when the same key was queued already. */
  async repostInChannel(team: Team, channel: string, key: string, text: string, blocks: Block[]): Promise<OutboxEntry> {
    return this.enqueue({ team, key, channel, kind: "repost", text, blocks, priority: REPOST_PRIORITY });
  }

  /** Pending "who answered" lines go out before the debrief. */
  private async settleNotices(drill: Drill): Promise<void> {
    const drillId = drill.state.id;
    this.threadNotices.cancel(drillId);
    await this.threadNotices.settle(drillId);
    // Answers may have reached another instance: owed notices are in the database either way.
    this.noticeVenues.set(drillId, { channel: drill.state.venue, startedAt: drill.state.startedAt, team: drill.state.team });
    await this.flushNotices(drillId);
    this.noticeVenues.delete(drillId);
  }

  /** The last update of the trigger message wins over any coalesced one still pending. */
  private async finalTriggerUpdate(drill: Drill): Promise<void> {
    const drillId = drill.state.id;
    this.triggerUpdates.cancel(drillId);
    await this.triggerUpdates.settle(drillId);
    this.drillTeams.delete(drillId);
    try {
      await this.updateTrigger(drill.state.team, drillId, drill);
    } catch (error) {
      this.logger.warn(`could not mark drill #${drillId}'s message as ended:`, error);
    }
  }
}
