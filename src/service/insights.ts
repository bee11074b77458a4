import type { Debrief } from "../domain/debrief.js";
import { median } from "../domain/debrief.js";
import { chooseGameDayScenario, type GameDayChoice, type ScenarioPractice } from "../domain/gameDayChoice.js";
import { type Mastery, masteryOf } from "../domain/mastery.js";
import type { Scenario } from "../domain/scenario.js";
import { type TrendPoint, trendLine } from "../domain/trends.js";
import {
  type ActionItem,
  type ActionItemStore,
  flaggedByPeople,
  type HistoryStore,
  type ResponderResult,
  type ScenarioCoverage,
} from "../store/history.js";

// What history says about a drill, a person, a channel or a scenario: trends for debriefs,
// mastery, coverage for stats and App Home, and the weighting behind `random` game days.

export const TREND_DRILLS = 10;

export interface DebriefInsights {
  /** Earlier drills of the scenario and this one, as a line; null with fewer than two. */
  trend: string | null;
  reachedMastery: string[];
  slipping: string[];
  actionItems: ActionItem[];
}

export interface PersonStats {
  userId: string;
  name: string | null;
  drills: number;
  correctInWindow: number;
  medianFirstMoveMs: number | null;
  /** Latest drills, oldest first: 1 correct inside the window, 0 not. */
  recent: number[];
  mastery: { scenarioId: string; mastery: Mastery }[];
}

export interface CatalogCoverage extends ScenarioCoverage {
  title: string;
}

export class Insights {
  constructor(
    private readonly history: HistoryStore,
    private readonly actions: ActionItemStore,
  ) {}

  async trendPoints(scenarioId: string, limit = TREND_DRILLS): Promise<TrendPoint[]> {
    const results = await this.history.scenarioResults(scenarioId, limit);
    return results.map((r) => ({
      share: r.responders === 0 ? null : r.correctInWindow / r.responders,
      medianFirstMoveMs: r.medianFirstMoveMs,
    }));
  }

  async forDebrief(debrief: Debrief): Promise<DebriefInsights> {
    const trend = trendLine(await this.trendPoints(debrief.scenarioId));
    const ids = debrief.responders.map((r) => r.user.id);
    const byUser = groupByUser(await this.history.resultsFor(debrief.scenarioId, ids));
    const reachedMastery: string[] = [];
    const slipping: string[] = [];
    for (const r of debrief.responders) {
      // Where roles exist, mastery is kept per role: a Scribe's streak is not an IC's.
      const role = r.role?.id ?? null;
      const results = (byUser.get(r.user.id) ?? []).filter((x) => x.role === role);
      // Mastery as of this drill: results up to and including it.
      const upTo = results.slice(0, results.findIndex((x) => x.drillId === debrief.drillId) + 1 || results.length);
      const mastery = masteryOf(upTo.map((x) => x.correctInWindow));
      if (mastery.reachedNow) reachedMastery.push(r.user.name);
      if (mastery.status === "slipping" && upTo.at(-1)?.drillId === debrief.drillId && !upTo.at(-1)?.correctInWindow)
        slipping.push(r.user.name);
    }
    // Runbook findings have their own part of the debrief; this lists what people flagged.
    const actionItems = flaggedByPeople(await this.actions.listActionItems({ drillId: debrief.drillId }));
    return { trend, reachedMastery, slipping, actionItems };
  }

  async personStats(userId: string, limit = 20): Promise<PersonStats> {
    const results = await this.history.personResults(userId);
    // Per scenario, and per role where the person held one.
    const byScenario = new Map<string, ResponderResult[]>();
    for (const r of results) {
      const key = r.role ? `${r.scenarioId} (${r.role})` : r.scenarioId;
      byScenario.set(key, [...(byScenario.get(key) ?? []), r]);
    }
    return {
      userId,
      name: results.at(-1)?.userName ?? null,
      drills: results.length,
      correctInWindow: results.filter((r) => r.correctInWindow).length,
      medianFirstMoveMs: median(results.flatMap((r) => (r.timeToFirstMoveMs === null ? [] : [r.timeToFirstMoveMs]))),
      recent: results.slice(-limit).map((r) => (r.correctInWindow ? 1 : 0)),
      mastery: [...byScenario.entries()]
        .map(([scenarioId, rs]) => ({ scenarioId, mastery: masteryOf(rs.map((r) => r.correctInWindow)) }))
        .sort((a, b) => a.scenarioId.localeCompare(b.scenarioId)),
    };
  }

  /** Every catalog scenario with its coverage, never-practised ones included, stalest first. */
  async coverage(scenarios: Iterable<Scenario>, venue?: string): Promise<CatalogCoverage[]> {
    const known = new Map((await this.history.coverage(venue)).map((c) => [c.scenarioId, c]));
    return [...scenarios]
      .map((s) => ({
        ...(known.get(s.id) ?? { scenarioId: s.id, drills: 0, lastPractisedAt: null, lastShare: null, clarity: null }),
        title: s.title,
      }))
      .sort((a, b) => (a.lastPractisedAt ?? 0) - (b.lastPractisedAt ?? 0) || a.scenarioId.localeCompare(b.scenarioId));
  }

  /** Who in the channel has mastered what: the input to `random` game days. */
  async practice(scenarios: Scenario[], venue: string): Promise<ScenarioPractice[]> {
    const coverage = new Map((await this.history.coverage(venue)).map((c) => [c.scenarioId, c]));
    const regulars = await this.history.regulars(venue);
    const practice: ScenarioPractice[] = [];
    for (const s of scenarios) {
      const byUser = groupByUser(await this.history.resultsFor(s.id, regulars));
      const mastered = regulars.filter((u) => masteryOf((byUser.get(u) ?? []).map((r) => r.correctInWindow)).status === "mastered").length;
      const c = coverage.get(s.id);
      practice.push({
        scenarioId: s.id,
        lastPractisedAt: c?.lastPractisedAt ?? null,
        lastShare: c?.lastShare ?? null,
        notMastered: regulars.length - mastered,
        regulars: regulars.length,
      });
    }
    return practice;
  }

  async chooseForGameDay(scenarios: Scenario[], venue: string, now: number, random: () => number): Promise<GameDayChoice | null> {
    const previous = await this.history.lastScenarioIn(venue);
    return chooseGameDayScenario(await this.practice(scenarios, venue), previous, now, random);
  }
}

function groupByUser(results: ResponderResult[]): Map<string, ResponderResult[]> {
  const byUser = new Map<string, ResponderResult[]>();
  for (const r of results) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  return byUser;
}
