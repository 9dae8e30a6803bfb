/**
 * Dates as mail servers write them (RFC 5322 §3.3 and what servers do in practice): numeric offsets, obsolete
 * zone names, a zone only in a comment ("(PST)", "(UTC)"), missing seconds, two-digit years, asctime and ISO forms.
 */
export interface HeaderDate {
  readonly epochMs: number;
  /** True when no zone was written and UTC was assumed. */
  readonly zoneAssumed: boolean;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

/** RFC 5322 §4.3 obsolete zones plus the few that servers still write; anything else is not trusted as a zone. */
const ZONES: Readonly<Record<string, number>> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360,
  pst: -480, pdt: -420, akst: -540, akdt: -480, hst: -600, cet: 60, cest: 120, met: 60, mest: 120, bst: 60,
  eet: 120, eest: 180, west: 60, msk: 180, jst: 540, kst: 540, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\\.?';
const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:[.,]\\d{1,9})?';
const ZONE = '(?:[ ]?([+-]\\d{2}:?\\d{2}|[a-z]{1,5})\\b)?(?:[ ]?\\(([^()]{0,40})\\))?';

/** "Tue, 5 Mar 2024 10:15:22 +0000 (UTC)" and "5 Mar 24 10:15 PST". */
const RFC = new RegExp(`(\\d{1,2})[ -]${MONTH}[ -](\\d{2,4}),?[ ]${TIME}${ZONE}`, 'gi');
/** asctime: "Tue Mar  5 10:15:22 2024" (qmail, some local agents). */
const ASCTIME = new RegExp(`${MONTH}[ ]{1,2}(\\d{1,2})[ ]${TIME}[ ](\\d{4})${ZONE}`, 'gi');
/** ISO 8601: "2024-03-05T10:15:22Z", "2024-03-05 10:15:22 +01:00". */
const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d{1,9})?(?:[ ]?(Z|[+-]\d{2}:?\d{2})\b)?/gi;

interface Parts {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  zone: string | undefined; comment: string | undefined;
}

/** The last date found in the text (a Received line ends with its date) and where it starts, or null. */
export function locateLastDate(text: string): { date: HeaderDate; index: number } | null {
  // Whitespace is collapsed by the header model; the patterns assume single spaces.
  const candidates: { index: number; parts: Parts }[] = [];
  for (const match of text.matchAll(RFC)) {
    candidates.push({ index: match.index, parts: {
      day: +match[1], month: MONTHS[match[2].toLowerCase()], year: fullYear(match[3]),
      hour: +match[4], minute: +match[5], second: match[6] ? +match[6] : 0, zone: match[7], comment: match[8],
    } });
  }
  for (const match of text.matchAll(ASCTIME)) {
    candidates.push({ index: match.index, parts: {
      month: MONTHS[match[1].toLowerCase()], day: +match[2], hour: +match[3], minute: +match[4],
      second: match[5] ? +match[5] : 0, year: +match[6], zone: match[7], comment: match[8],
    } });
  }
  for (const match of text.matchAll(ISO)) {
    candidates.push({ index: match.index, parts: {
      year: +match[1], month: +match[2] - 1, day: +match[3], hour: +match[4], minute: +match[5],
      second: match[6] ? +match[6] : 0, zone: match[7], comment: undefined,
    } });
  }
  candidates.sort((a, b) => b.index - a.index);
  for (const candidate of candidates) {
    const date = toDate(candidate.parts);
    if (date) return { date, index: candidate.index };
  }
  return null;
}

export function parseHeaderDate(text: string): HeaderDate | null {
  return locateLastDate(text)?.date ?? null;
}

function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year; // RFC 5322 §4.3
  if (text.length === 3) return 1900 + year;
  return year;
}

function offsetMinutes(zone: string | undefined, comment: string | undefined): number | null {
  if (zone) {
    const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (numeric) {
      const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
      return minutes > 14 * 60 ? null : (numeric[1] === '-' ? -minutes : minutes);
    }
    const named = ZONES[zone.toLowerCase()];
    if (named !== undefined) return named;
  }
  const commented = comment?.trim().toLowerCase();
  if (commented && ZONES[commented] !== undefined) return ZONES[commented];
  return null;
}

function toDate(parts: Parts): HeaderDate | null {
  const { year, month, day, hour, minute } = parts;
  const second = Math.min(parts.second, 59); // a leap second is stamped as :60
  if (month === undefined || year < 1970 || year > 2200 || day < 1 || day > 31 || hour > 23 || minute > 59 || parts.second > 60) return null;
  const offset = offsetMinutes(parts.zone, parts.comment);
  const epochMs = Date.UTC(year, month, day, hour, minute, second) - (offset ?? 0) * 60_000;
  if (!Number.isFinite(epochMs)) return null;
  return { epochMs, zoneAssumed: offset === null };
}

/** ISO 8601 in UTC without milliseconds: what the JSON contract prints. */
export function isoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
