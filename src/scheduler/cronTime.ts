// Five-field cron expressions (minute hour day-of-month month day-of-week) in a time zone: a
// bounded parser of our own, and next/previous occurrences found by walking days, not minutes.
//
// Why not hand the text straight to node-cron: it expands every range into an array before it
// checks any bound, so "1-9999999 * * * *" from a slash command allocated until the heap died.
// Here each field is checked against its bounds before anything is expanded, the text is
// capped, and only expressions that pass reach node-cron (which arms them in production).
// The meaning is node-cron's: day-of-month and day-of-week must both match, 0 and 7 are Sunday.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Longer than any expression a person would type; longer text is refused before parsing. */
export const MAX_CRON_LENGTH = 100;

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Names map to min + their index (months start at 1, weekdays at 0). */
  example: string;
}

const FIELDS: readonly FieldRule[] = [
  { name: "minute", min: 0, max: 59, example: "0, 30 or */15" },
  { name: "hour", min: 0, max: 23, example: "9, 9-17 or */2" },
  { name: "day of month", min: 1, max: 31, example: "1, 1-15 or *" },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, example: "1-12 or jan-dec" },
  { name: "day of week", min: 0, max: 7, names: WEEKDAYS, example: "1-5 or mon-fri (0 and 7 are Sunday)" },
];

/** The allowed values of each field, as sorted lists and as lookup sets. */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday … 6 = Saturday. */
  weekdays: Set<number>;
}

export type CronParse = { ok: true; spec: CronSpec; expression: string } | { ok: false; problems: string[] };

function parseValue(text: string, rule: FieldRule): number | string {
  if (/^\d{1,12}$/.test(text)) {
    const n = Number(text);
    return n < rule.min || n > rule.max ? `${rule.name}: ${text} is out of range (${rule.min}–${rule.max})` : n;
  }
  const index = rule.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return rule.min === 1 ? index + 1 : index;
  return `${rule.name}: "${text.slice(0, 12)}" is not a number${rule.names ? " or a name" : ""} (use ${rule.example})`;
}

/** One field's values, or a problem naming the field. Work is bounded by the field's own range. */
function parseField(text: string, rule: FieldRule): Set<number> | string {
  if (/[LW#?]/i.test(text))
    return `${rule.name}: "${text.slice(0, 12)}" uses L, W, # or ?, which drillbot does not support (use ${rule.example})`;
  const parts = text.split(",");
  if (parts.length > rule.max - rule.min + 1) return `${rule.name}: too many values`;
  const values = new Set<number>();
  for (const part of parts) {
    const match = /^([^/-]+)(?:-([^/]+))?(?:\/(\d{1,2}))?$/.exec(part);
    if (!match?.[1])
      return `${rule.name}: "${part.slice(0, 12)}" is not a value, a range (a-b) or a step (*/n, a-b/n); use ${rule.example}`;
    const [, startText, endText, stepText] = match;
    let start: number;
    let end: number;
    if (startText === "*") {
      if (endText !== undefined) return `${rule.name}: "${part}" cannot be a range starting at *`;
      start = rule.min;
      end = rule.max;
    } else {
      const first = parseValue(startText, rule);
      if (typeof first === "string") return first;
      start = first;
      if (endText === undefined) {
        if (stepText !== undefined) return `${rule.name}: "${part}" needs a range for its step, e.g. ${start}-${rule.max}/${stepText}`;
        end = start;
      } else {
        const last = parseValue(endText, rule);
        if (typeof last === "string") return last;
        end = last;
      }
    }
    if (end < start) return `${rule.name}: the range ${start}-${end} runs backwards`;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1 || step > rule.max - rule.min + 1)
      return `${rule.name}: the step /${stepText} is out of range (1–${rule.max - rule.min + 1})`;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return values;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses and bounds-checks a five-field expression; every problem names its field. */
export function parseCron(expression: string): CronParse {
  if (expression.length > MAX_CRON_LENGTH) return { ok: false, problems: [`keep the expression under ${MAX_CRON_LENGTH} characters`] };
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5)
    return { ok: false, problems: [`use five fields (minute hour day-of-month month day-of-week), got ${fields.length}`] };
  const problems: string[] = [];
  const sets: Set<number>[] = [];
  fields.forEach((text, i) => {
    const rule = FIELDS[i] as FieldRule;
    const parsed = parseField(text, rule);
    if (typeof parsed === "string") problems.push(parsed);
    else sets.push(parsed);
  });
  if (problems.length > 0) return { ok: false, problems };
  const [minutes, hours, daysOfMonth, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) {
    weekdays.delete(7);
    weekdays.add(0);
  }
  const longest = Math.max(...[...months].map((m) => DAYS_IN_MONTH[m - 1] ?? 31));
  if (Math.min(...daysOfMonth) > longest) {
    return { ok: false, problems: [`day of month: ${Math.min(...daysOfMonth)} never falls in the chosen month(s)`] };
  }
  return {
    ok: true,
    expression: fields.join(" "),
    spec: { minutes: [...minutes].sort((a, b) => a - b), hours: [...hours].sort((a, b) => a - b), daysOfMonth, months, weekdays },
  };
}

/** Problems with a five-field cron expression, or [] when it is fine. */
export function cronProblems(expression: string): string[] {
  const parsed = parseCron(expression);
  return parsed.ok ? [] : parsed.problems;
}

export function isValidTimeZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function localTime(timezone: string, at: number): LocalTime {
  const parts = formatterFor(timezone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

/** The instant a local wall-clock time happens in a zone, or null when it does not exist
 * (skipped by a daylight-saving change). */
function instantOf(timezone: string, t: LocalTime): number | null {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const seen = localTime(timezone, guess);
    const offset = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - Math.floor(guess / MINUTE) * MINUTE;
    const next = wall - offset;
    if (next === guess) return guess;
    guess = next;
  }
  const seen = localTime(timezone, guess);
  return seen.hour === t.hour && seen.minute === t.minute && seen.day === t.day ? guess : null;
}

export interface CronMatcher {
  spec: CronSpec;
  timezone: string;
  matches(at: number): boolean;
}

export function cronMatcher(expression: string, timezone: string): CronMatcher {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(`invalid cron expression "${expression}": ${parsed.problems.join("; ")}`);
  const spec = parsed.spec;
  return {
    spec,
    timezone,
    matches(at) {
      const t = localTime(timezone, at);
      return dayMatches(spec, t.year, t.month, t.day) && spec.hours.includes(t.hour) && spec.minutes.includes(t.minute);
    },
  };
}

function dayMatches(spec: CronSpec, year: number, month: number, day: number): boolean {
  if (!spec.months.has(month) || !spec.daysOfMonth.has(day)) return false;
  return spec.weekdays.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
}

/** Calendar arithmetic on a local date (no zone involved). */
function shiftDay(t: { year: number; month: number; day: number }, by: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day + by));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** How far ahead next-run looks: 28 years covers every calendar pattern ("29 2 * * mon"). */
const NEXT_HORIZON_DAYS = 366 * 28;

/** The first occurrence strictly after `after`, looking at most `horizonMs` ahead. Work grows
 * with the number of days walked (cheap date arithmetic), never with minutes. */
export function nextOccurrence(matcher: CronMatcher, after: number, horizonMs = NEXT_HORIZON_DAYS * DAY): number | null {
  const { spec, timezone } = matcher;
  const start = localTime(timezone, after);
  const days = Math.ceil(horizonMs / DAY) + 1;
  let date = { year: start.year, month: start.month, day: start.day };
  for (let i = 0; i <= days; i++) {
    if (dayMatches(spec, date.year, date.month, date.day)) {
      for (const hour of spec.hours) {
        if (i === 0 && hour < start.hour) continue;
        for (const minute of spec.minutes) {
          if (i === 0 && hour === start.hour && minute < start.minute) continue;
          const at = instantOf(timezone, { ...date, hour, minute });
          if (at !== null && at > after) return at - after > horizonMs ? null : at;
        }
      }
    }
    date = shiftDay(date, 1);
  }
  return null;
}

/** The latest occurrence at or before `atOrBefore`, looking back at most `horizonMs`. */
export function previousOccurrence(matcher: CronMatcher, atOrBefore: number, horizonMs = 8 * DAY): number | null {
  const { spec, timezone } = matcher;
  const end = localTime(timezone, atOrBefore);
  const hours = [...spec.hours].reverse();
  const minutes = [...spec.minutes].reverse();
  let date = { year: end.year, month: end.month, day: end.day };
  for (let i = 0; i <= Math.ceil(horizonMs / DAY) + 1; i++) {
    if (dayMatches(spec, date.year, date.month, date.day)) {
      for (const hour of hours) {
        if (i === 0 && hour > end.hour) continue;
        for (const minute of minutes) {
          if (i === 0 && hour === end.hour && minute > end.minute) continue;
          const at = instantOf(timezone, { ...date, hour, minute });
          if (at !== null && at <= atOrBefore) return atOrBefore - at > horizonMs ? null : at;
        }
      }
    }
    date = shiftDay(date, -1);
  }
  return null;
}

/** "weekly mon 10:00" → "0 10 * * 1", or a reason it cannot be read. */
export function weeklyCron(day: string, time: string): { cron: string } | { problem: string } {
  const dayIndex = WEEKDAYS.indexOf(day.slice(0, 3).toLowerCase() as (typeof WEEKDAYS)[number]);
  if (dayIndex < 0) return { problem: `"${day.slice(0, 20)}" is not a day: use mon, tue, wed, thu, fri, sat or sun` };
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) return { problem: `"${time.slice(0, 20)}" is not a time: use 24-hour HH:MM, e.g. 10:00` };
  return { cron: `${Number(match[2])} ${Number(match[1])} * * ${dayIndex}` };
}
