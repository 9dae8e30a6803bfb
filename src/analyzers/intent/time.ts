import type { TimeWindow } from '../../model/intent';

/**
 * Time phrases, read in the person's own time zone ("yesterday" in New York is not yesterday in UTC), turned into a
 * UTC window. Only Intl is used: no time-zone database ships with the app.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Message trace (Graph) answers at most 10 days per query and keeps 90 days. */
export const TRACE_MAX_QUERY_DAYS = 10;
export const TRACE_RETENTION_DAYS = 90;
/** What a trace searches when the person names no time: Graph's own default. */
export const DEFAULT_TRACE_HOURS = 48;

interface LocalDate {
  readonly year: number;
  /** 0-11 */
  readonly month: number;
  readonly day: number;
}
interface LocalNow extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday */
  readonly weekday: number;
}

// Formatters are slow to build and cheap to use: one per time zone, a bounded cache.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      // An unknown zone from a client must not break parsing: read the clock in UTC instead.
      formatter = formatterFor('UTC');
    }
    if (formatters.size > 64) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

// What the formatter above prints: "11/20/2026, 10:00:00". Reading that string is several times cheaper than
// formatToParts (no part objects), and a time phrase costs up to a dozen of these; any other shape is read from the parts.
const PRINTED_WALL_CLOCK = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{1,2}):(\d{2}):(\d{2})$/;

/** Wall-clock fields of an instant in a zone. */
function wallClock(timeZone: string, utcMs: number): WallClock {
  const formatter = formatterFor(timeZone);
  const printed = PRINTED_WALL_CLOCK.exec(formatter.format(utcMs));
  if (!printed) return wallClockFromParts(formatter, utcMs);
  const [, month, day, year, hour, minute, second] = printed.map(Number);
  return { year, month: month - 1, day, hour: hour % 24, minute, second };
}

function wallClockFromParts(formatter: Intl.DateTimeFormat, utcMs: number): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return { year: fields.year, month: fields.month - 1, day: fields.day, hour: fields.hour % 24, minute: fields.minute, second: fields.second };
}

function offsetMs(timeZone: string, utcMs: number): number {
  const wall = wallClock(timeZone, utcMs);
  const asUtc = Date.UTC(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a local wall-clock time; across a DST change the offset is re-read once at the result. */
export function localToUtc(timeZone: string, date: LocalDate, hour = 0, minute = 0): number {
  const guess = Date.UTC(date.year, date.month, date.day, hour, minute);
  const first = guess - offsetMs(timeZone, guess);
  const second = guess - offsetMs(timeZone, first);
  return second;
}

function localNow(timeZone: string, now: Date): LocalNow {
  const wall = wallClock(timeZone, now.getTime());
  return { ...wall, weekday: new Date(Date.UTC(wall.year, wall.month, wall.day)).getUTCDay() };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth(), day: moved.getUTCDate() };
}

export function isoUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const MONTHS: Record<string, number> = {
  jan: 0, january: 0, feb: 1, february: 1, mar: 2, march: 2, apr: 3, april: 3, may: 4, jun: 5, june: 5, jul: 6, july: 6, aug: 7,
  august: 7, sep: 8, sept: 8, september: 8, oct: 9, october: 9, nov: 10, november: 10, dec: 11, december: 11,
};
const WEEKDAYS: Record<string, number> = {
  sun: 0, sunday: 0, mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5, sat: 6, saturday: 6,
};
const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, few: 3, couple: 2,
};
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR, d: DAY, w: 7 * DAY, mo: 30 * DAY };

function unitOf(word: string): string | null {
  if (/^(?:minutes?|mins?|m)$/.test(word)) return 'm';
  if (/^(?:hours?|hrs?|h)$/.test(word)) return 'h';
  if (/^(?:days?|d)$/.test(word)) return 'd';
  if (/^(?:weeks?|wks?|w)$/.test(word)) return 'w';
  if (/^(?:months?)$/.test(word)) return 'mo';
  return null;
}

const MONTH_NAME = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY_NAME = '(sun(?:day)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?)';
const CLOCK = '(\\d{1,2})(?::(\\d{2}))?\\s?(am|pm|a\\.m\\.|p\\.m\\.)?';

const TIME_HINT = /\d|yesterday|today|morning|afternoon|evening|tonight|night|week|month|hour|minute|day|since|ago|last|past|between|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/;

const PATTERNS = {
  relative: /\b(?:last|past|previous|within(?: the)?(?: last| past)?|in the last|in the past|over the last|over the past|for the last|for the past|during the last)\s+(?:(\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|couple(?: of)?)\s*)?(minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?)\b/,
  relativeCompact: /\b(?:last|past|previous)\s+(\d{1,4})(h|d|w|m)\b/,
  ago: /\b(\d{1,3}|an?|one|two|three|four|five|six|seven|few|couple(?: of)?)\s+(minutes?|hours?|hrs?|days?|weeks?)\s+ago\b/,
  hourRange: new RegExp(`\\b(?:between|from)\\s+${CLOCK}\\s*(?:and|to|-|until|till|–)\\s*${CLOCK}`),
  hourDash: new RegExp(`\\b(\\d{1,2})(?::(\\d{2}))?\\s?(am|pm)?\\s?[-–]\\s?(\\d{1,2})(?::(\\d{2}))?\\s?(am|pm)\\b`),
  since: /\bsince\s+/,
  around: new RegExp(`\\b(?:at|around|about|approx|approximately|~)\\s+${CLOCK}`),
  isoDate: /\b(20\d\d)-(\d{1,2})-(\d{1,2})\b/,
  monthDay: new RegExp(`\\b${MONTH_NAME}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(20\\d\\d))?`),
  dayMonth: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAME}\\b(?:,?\\s+(20\\d\\d))?`),
  numericDate: /\b(\d{1,2})[/.](\d{1,2})(?:[/.](20\d\d|\d\d))?\b/,
  weekday: new RegExp(`\\b(?:(last|this|on|since)\\s+)?${WEEKDAY_NAME}\\b`),
};

export interface WindowParse {
  readonly window: TimeWindow;
  /** True when the person named the time; false for the trace default. */
  readonly explicit: true;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Finds a time phrase in `text` (already lower-cased, with addresses removed) and returns its UTC window, or null.
 * Ends are clamped to `now` (message trace refuses a future end; no mail exists there yet).
 */
export function parseWindow(text: string, now: Date, timeZone: string): TimeWindow | null {
  const scoped = text.length > 4000 ? text.slice(0, 4000) : text;
  // Most questions name no time: skip the patterns (and the time-zone lookup) unless a time word or digit is there.
  if (!TIME_HINT.test(scoped)) return null;
  const span = findSpan(scoped, now, timeZone);
  if (!span) return null;
  const nowMs = now.getTime();
  const end = Math.min(span.end, nowMs);
  const start = Math.min(span.start, end);
  return { start: isoUtc(start), end: isoUtc(end) };
}

function findSpan(text: string, now: Date, timeZone: string): Span | null {
  const nowMs = now.getTime();
  const dayStart = (date: LocalDate) => localToUtc(timeZone, date);
  const daySpan = (date: LocalDate): Span => ({ start: dayStart(date), end: dayStart(addDays(date, 1)) });

  let m = PATTERNS.relative.exec(text);
  if (m) {
    const unit = unitOf(m[2])!;
    const count = m[1] === undefined ? 1 : (NUMBER_WORDS[m[1].replace(/ of$/, '')] ?? Number(m[1]));
    return { start: nowMs - Math.max(1, count) * UNIT_MS[unit], end: nowMs };
  }
  m = PATTERNS.relativeCompact.exec(text);
  if (m) {
    const unit = m[2] === 'm' ? 'm' : m[2];
    return { start: nowMs - Math.max(1, Number(m[1])) * UNIT_MS[unit], end: nowMs };
  }

  // The zone's calendar is read only now: relative windows ("last 6 hours") do not need it.
  const today = localNow(timeZone, now);
  // A day named in the sentence, then an hour range within it ("yesterday between 9 and 11am").
  const day = findDay(text, today, nowMs, timeZone);
  const hours = findHours(text);
  if (hours) {
    let date: LocalDate = day?.kind === 'day' ? day.date : today;
    let span: Span = { start: localToUtc(timeZone, date, hours.from.h, hours.from.m), end: localToUtc(timeZone, date, hours.to.h, hours.to.m) };
    if (span.end <= span.start) span = { start: span.start, end: span.start + HOUR };
    // "between 3 and 5pm" asked at 10am means yesterday's afternoon when no day was named.
    if (!day && span.start > nowMs) {
      date = addDays(date, -1);
      span = { start: span.start - DAY, end: span.end - DAY };
    }
    return span;
  }
  if (day) {
    if (day.kind === 'span') return day.span;
    return day.since ? { start: dayStart(day.date), end: nowMs } : daySpan(day.date);
  }
  m = PATTERNS.ago.exec(text);
  if (m) {
    const unit = unitOf(m[2])!;
    const count = NUMBER_WORDS[m[1].replace(/ of$/, '')] ?? Number(m[1]);
    if (unit === 'd' || unit === 'w') {
      const date = addDays(today, -count * (unit === 'w' ? 7 : 1));
      return unit === 'd' ? daySpan(date) : { start: dayStart(date), end: dayStart(addDays(date, 7)) };
    }
    const at = nowMs - count * UNIT_MS[unit];
    return { start: at - HOUR, end: at + HOUR };
  }
  m = PATTERNS.since.exec(text);
  if (m) {
    const clock = new RegExp(`^${CLOCK}`).exec(text.slice(m.index + m[0].length));
    if (clock && (clock[3] || clock[2])) {
      const at = toClock(clock[1], clock[2], clock[3], null);
      if (at) {
        let start = localToUtc(timeZone, today, at.h, at.m);
        if (start > nowMs) start -= DAY;
        return { start, end: nowMs };
      }
    }
  }
  m = PATTERNS.around.exec(text);
  if (m && (m[3] || m[2])) {
    const at = toClock(m[1], m[2], m[3], null);
    if (at) {
      let center = localToUtc(timeZone, today, at.h, at.m);
      if (center > nowMs) center -= DAY;
      return { start: center - HOUR, end: center + HOUR };
    }
  }
  return null;
}

type DayHit = { kind: 'day'; date: LocalDate; since: boolean } | { kind: 'span'; span: Span };

function findDay(text: string, today: LocalNow, nowMs: number, timeZone: string): DayHit | null {
  const since = (index: number) => /\bsince\s+(?:the\s+|last\s+|on\s+)?$/.test(text.slice(Math.max(0, index - 12), index));
  const has = (phrase: RegExp) => phrase.exec(text);
  let m: RegExpExecArray | null;
  if ((m = has(/\b(?:the\s+)?day before yesterday\b/))) return { kind: 'day', date: addDays(today, -2), since: since(m.index) };
  if ((m = has(/\byesterday\b/))) {
    if (/\byesterday\s+(?:morning)\b/.test(text)) return { kind: 'span', span: part(addDays(today, -1), 0, 12) };
    if (/\byesterday\s+(?:afternoon)\b/.test(text)) return { kind: 'span', span: part(addDays(today, -1), 12, 18) };
    if (/\byesterday\s+(?:evening|night)\b/.test(text)) return { kind: 'span', span: part(addDays(today, -1), 18, 24) };
    return { kind: 'day', date: addDays(today, -1), since: since(m.index) };
  }
  if (has(/\blast night\b/)) return { kind: 'span', span: { start: localToUtc(timeZone, addDays(today, -1), 18), end: localToUtc(timeZone, today, 6) } };
  if (has(/\bthis morning\b|\bearlier this morning\b/)) return { kind: 'span', span: part(today, 0, 12) };
  if (has(/\bthis afternoon\b/)) return { kind: 'span', span: part(today, 12, 18) };
  if (has(/\bthis evening\b|\btonight\b/)) return { kind: 'span', span: part(today, 18, 24) };
  if ((m = has(/\b(?:today|this day)\b/))) return { kind: 'day', date: today, since: since(m.index) };
  if (has(/\bthis week\b/)) return { kind: 'day', date: addDays(today, -((today.weekday + 6) % 7)), since: true };
  if (has(/\blast week\b|\bpast week\b|\bprevious week\b/)) return { kind: 'span', span: { start: nowMs - 7 * DAY, end: nowMs } };
  if (has(/\blast month\b|\bpast month\b/)) return { kind: 'span', span: { start: nowMs - 30 * DAY, end: nowMs } };

  const range = /\b(?:between|from)\s+(.{3,30}?)\s+(?:and|to|until|till|-)\s+(.{3,30}?)(?=$|[\s,.?!])/.exec(text);
  if (range) {
    const from = dateIn(range[1], today);
    const to = dateIn(range[2], today);
    if (from && to) return { kind: 'span', span: { start: localToUtc(timeZone, from), end: localToUtc(timeZone, addDays(to, 1)) } };
  }
  const date = dateAt(text, today);
  if (date) return { kind: 'day', date: date.date, since: since(date.index) };
  if ((m = PATTERNS.weekday.exec(text))) {
    const target = WEEKDAYS[m[2]];
    let back = (today.weekday - target + 7) % 7;
    if (m[1] === 'last' && back === 0) back = 7;
    return { kind: 'day', date: addDays(today, -back), since: m[1] === 'since' };
  }
  return null;

  function part(date: LocalDate, fromHour: number, toHour: number): Span {
    return { start: localToUtc(timeZone, date, fromHour), end: toHour === 24 ? localToUtc(timeZone, addDays(date, 1)) : localToUtc(timeZone, date, toHour) };
  }
}

function dateIn(text: string, today: LocalNow): LocalDate | null {
  return dateAt(text, today)?.date ?? null;
}

/** A calendar date in the text; a date later than today means last year's ("on Dec 28" asked in January). */
function dateAt(text: string, today: LocalNow): { date: LocalDate; index: number } | null {
  const pick = (month: number, day: number, year: number | undefined, index: number) => {
    if (month < 0 || month > 11 || day < 1 || day > 31) return null;
    let y = year ?? today.year;
    if (year === undefined && (month > today.month || (month === today.month && day > today.day))) y -= 1;
    return { date: { year: y, month, day }, index };
  };
  let m = PATTERNS.isoDate.exec(text);
  if (m) return pick(Number(m[2]) - 1, Number(m[3]), Number(m[1]), m.index);
  m = PATTERNS.monthDay.exec(text);
  if (m) return pick(MONTHS[m[1]] ?? MONTHS[m[1].slice(0, 3)], Number(m[2]), m[3] ? Number(m[3]) : undefined, m.index);
  m = PATTERNS.dayMonth.exec(text);
  if (m) return pick(MONTHS[m[2]] ?? MONTHS[m[2].slice(0, 3)], Number(m[1]), m[3] ? Number(m[3]) : undefined, m.index);
  m = PATTERNS.numericDate.exec(text);
  if (m && (m[3] !== undefined || text[m.index + m[0].length] !== '.')) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    // 11/18 is November 18 (US); 18/11 can only be day/month. Ambiguous ones follow US order, as Teams users type it.
    const [month, day] = a > 12 ? [b, a] : [a, b];
    const year = m[3] === undefined ? undefined : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return pick(month - 1, day, year, m.index);
  }
  return null;
}

function findHours(text: string): { from: { h: number; m: number }; to: { h: number; m: number } } | null {
  const m = PATTERNS.hourRange.exec(text) ?? PATTERNS.hourDash.exec(text);
  if (!m) return null;
  const toMeridiem = m[6] ?? null;
  const to = toClock(m[4], m[5], m[6], null);
  // "between 9 and 11am": the first hour shares the second's half of the day unless that would put it after the second.
  let from = toClock(m[1], m[2], m[3], toMeridiem);
  if (!from || !to) return null;
  if (!m[3] && toMeridiem && from.h > to.h && from.h >= 12) from = { h: from.h - 12, m: from.m };
  if (from.h === to.h && from.m === to.m) return null;
  return { from, to };
}

/** Hours without am/pm are business hours: "between 2 and 4" is the afternoon. */
function toClock(hour: string, minute: string | undefined, meridiem: string | undefined, fallback: string | null): { h: number; m: number } | null {
  let h = Number(hour);
  const m = minute ? Number(minute) : 0;
  if (h > 24 || m > 59) return null;
  const half = (meridiem ?? fallback ?? '').replace(/\./g, '');
  if (half === 'pm' && h < 12) h += 12;
  else if (half === 'am' && h === 12) h = 0;
  else if (!half && h >= 1 && h <= 7) h += 12;
  return { h: h === 24 ? 23 : h, m: h === 24 ? 59 : m };
}

export function defaultTraceWindow(now: Date): TimeWindow {
  const end = now.getTime();
  return { start: isoUtc(end - DEFAULT_TRACE_HOURS * HOUR), end: isoUtc(end) };
}

export interface TraceLimits {
  /** The window split into queries message trace accepts (≤ 10 days each, none older than 90 days), newest first. */
  readonly queryWindows: readonly TimeWindow[];
  /** A sentence for the person when the asked window does not fit Graph's limits; null when it does. */
  readonly windowNote: string | null;
}

/**
 * Graph's message trace accepts a window of at most 10 days starting no more than 90 days ago. A longer ask is split
 * into several queries and said so; the part older than 90 days cannot be searched and is said so too, never cut silently.
 */
export function traceLimits(window: TimeWindow, now: Date): TraceLimits {
  const asked = { start: Date.parse(window.start), end: Date.parse(window.end) };
  const oldest = now.getTime() - TRACE_RETENTION_DAYS * DAY;
  const notes: string[] = [];
  const start = Math.max(asked.start, oldest);
  const end = Math.max(start, Math.min(asked.end, now.getTime()));
  if (asked.start < oldest) {
    notes.push(
      asked.end <= oldest
        ? `Message trace keeps 90 days of data; ${window.start} to ${window.end} is older than that and cannot be searched.`
        : `Message trace keeps 90 days of data; the part before ${isoUtc(oldest)} cannot be searched.`,
    );
  }
  const queryWindows: TimeWindow[] = [];
  if (asked.end > oldest) {
    for (let to = end; to > start && queryWindows.length < 10; to -= TRACE_MAX_QUERY_DAYS * DAY) {
      queryWindows.push({ start: isoUtc(Math.max(start, to - TRACE_MAX_QUERY_DAYS * DAY)), end: isoUtc(to) });
    }
  }
  if (queryWindows.length > 1) {
    const days = Math.round((end - start) / DAY);
    notes.push(`Message trace searches at most 10 days per query, so these ${days} days are searched as ${queryWindows.length} queries.`);
  }
  return { queryWindows, windowNote: notes.length > 0 ? notes.join(' ') : null };
}
