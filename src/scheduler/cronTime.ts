import cron from "node-cron";

// When a schedule's cron expression falls, in its time zone. node-cron's own matcher decides
// (so arming and catch-up agree, daylight-saving changes included); this file only walks the
// minutes. Five-field expressions: minute precision.

const MINUTE = 60_000;
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Problems with a five-field cron expression, or [] when node-cron accepts it. */
export function cronProblems(expression: string): string[] {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return [`use five fields (minute hour day-of-month month day-of-week), got ${fields.length}`];
  const detail = cron.validateDetailed(expression);
  return detail.valid ? [] : detail.errors.map((e) => `${e.field}: ${e.message}`);
}

export interface CronMatcher {
  matches(at: number): boolean;
  /** UTC minutes-past-the-hour at which a match is possible (from the minute field and the zone). */
  utcMinutes: number[];
}

/** Minutes the zone is ahead of UTC at an instant (e.g. 60 for Berlin in winter, 330 for India). */
function zoneOffsetMinutes(timezone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Math.round((Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute")) - floorMinute(at)) / MINUTE);
}

export function cronMatcher(expression: string, timezone: string, at = Date.now()): CronMatcher {
  const task = cron.createTask(expression, () => {}, { timezone });
  // node-cron registers every task it creates; this one only answers match(), so unregister it.
  void task.destroy();
  const localMinutes = cron.validateDetailed(expression).fields?.minute ?? Array.from({ length: 60 }, (_, i) => i);
  // Zones are whole-hour offsets except a few (:30, :45); that remainder maps local to UTC minutes.
  const remainder = ((zoneOffsetMinutes(timezone, at) % 60) + 60) % 60;
  const utcMinutes = [...new Set(localMinutes.map((m) => (m - remainder + 60) % 60))].sort((a, b) => a - b);
  return { matches: (when) => task.match(new Date(when)), utcMinutes };
}

const HOUR = 60 * MINUTE;

/** The first occurrence strictly after `after`, looking at most `horizonMs` ahead. */
export function nextOccurrence(matcher: CronMatcher, after: number, horizonMs = 35 * 24 * HOUR): number | null {
  for (let hour = Math.floor(after / HOUR) * HOUR; hour <= after + horizonMs; hour += HOUR) {
    for (const minute of matcher.utcMinutes) {
      const at = hour + minute * MINUTE;
      if (at > after && matcher.matches(at)) return at;
    }
  }
  return null;
}

/** The latest occurrence at or before `atOrBefore`, looking back at most `horizonMs`. */
export function previousOccurrence(matcher: CronMatcher, atOrBefore: number, horizonMs = 8 * 24 * HOUR): number | null {
  const descending = [...matcher.utcMinutes].reverse();
  for (let hour = Math.floor(atOrBefore / HOUR) * HOUR; hour >= atOrBefore - horizonMs - HOUR; hour -= HOUR) {
    for (const minute of descending) {
      const at = hour + minute * MINUTE;
      if (at <= atOrBefore && at >= atOrBefore - horizonMs && matcher.matches(at)) return at;
    }
  }
  return null;
}

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** "weekly mon 10:00" → "0 10 * * 1", or a reason it cannot be read. */
export function weeklyCron(day: string, time: string): { cron: string } | { problem: string } {
  const dayIndex = WEEKDAYS.indexOf(day.slice(0, 3).toLowerCase() as (typeof WEEKDAYS)[number]);
  if (dayIndex < 0) return { problem: `"${day}" is not a day: use mon, tue, wed, thu, fri, sat or sun` };
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) return { problem: `"${time}" is not a time: use 24-hour HH:MM, e.g. 10:00` };
  return { cron: `${Number(match[2])} ${Number(match[1])} * * ${dayIndex}` };
}
