import { parseRequest } from '../../src/analyzers/intent';

const NOW = new Date('2026-11-20T15:00:00Z'); // Friday 10:00 in New York (EST, UTC-5)
const ask = (text: string, timeZone = 'America/New_York', now = NOW) => parseRequest(text, { now, timeZone });
const windowOf = (text: string, timeZone?: string, now?: Date) => ask(text, timeZone, now).window;

describe('time phrases, read in the asker’s time zone', () => {
  it.each([
    ['find mail to bob@contoso.com today', '2026-11-20T05:00:00Z', '2026-11-20T15:00:00Z'],
    ['find mail to bob@contoso.com yesterday', '2026-11-19T05:00:00Z', '2026-11-20T05:00:00Z'],
    ['mail to bob@contoso.com bounced this morning', '2026-11-20T05:00:00Z', '2026-11-20T15:00:00Z'],
    ['trace bob@contoso.com last 6 hours', '2026-11-20T09:00:00Z', '2026-11-20T15:00:00Z'],
    ['trace bob@contoso.com in the past 3 days', '2026-11-17T15:00:00Z', '2026-11-20T15:00:00Z'],
    ['trace bob@contoso.com last 24h', '2026-11-19T15:00:00Z', '2026-11-20T15:00:00Z'],
    ['mail from bob@contoso.com since Monday', '2026-11-16T05:00:00Z', '2026-11-20T15:00:00Z'],
    ['mail from bob@contoso.com on Nov 18', '2026-11-18T05:00:00Z', '2026-11-19T05:00:00Z'],
    ['mail from bob@contoso.com on 18 November', '2026-11-18T05:00:00Z', '2026-11-19T05:00:00Z'],
    ['mail from bob@contoso.com on 11/18', '2026-11-18T05:00:00Z', '2026-11-19T05:00:00Z'],
    ['mail from bob@contoso.com on 2026-11-18', '2026-11-18T05:00:00Z', '2026-11-19T05:00:00Z'],
    ['mail from bob@contoso.com yesterday between 9 and 11am', '2026-11-19T14:00:00Z', '2026-11-19T16:00:00Z'],
    ['mail from bob@contoso.com between 2 and 4pm yesterday', '2026-11-19T19:00:00Z', '2026-11-19T21:00:00Z'],
    ['mail from bob@contoso.com 2 days ago', '2026-11-18T05:00:00Z', '2026-11-19T05:00:00Z'],
    ['mail from bob@contoso.com since 8am', '2026-11-20T13:00:00Z', '2026-11-20T15:00:00Z'],
    ['mail from bob@contoso.com on Dec 28', '2025-12-28T05:00:00Z', '2025-12-29T05:00:00Z'],
  ])('%s', (text, start, end) => {
    expect(windowOf(text)).toEqual({ start, end });
  });

  it('clamps a window that reaches past now to now (message trace refuses a future end)', () => {
    // 9–11am asked at 10am: the search ends now.
    expect(windowOf('mail from bob@contoso.com between 9 and 11am')).toEqual({ start: '2026-11-20T14:00:00Z', end: '2026-11-20T15:00:00Z' });
  });

  it('reads an afternoon range not yet reached today as yesterday’s', () => {
    expect(windowOf('mail from bob@contoso.com between 3 and 5pm')).toEqual({ start: '2026-11-19T20:00:00Z', end: '2026-11-19T22:00:00Z' });
  });

  it('gives "yesterday" 25 hours on the day daylight saving time ends (Berlin, 25 Oct 2026)', () => {
    const monday = new Date('2026-10-26T10:00:00Z');
    expect(windowOf('mail to bob@contoso.com yesterday', 'Europe/Berlin', monday)).toEqual({ start: '2026-10-24T22:00:00Z', end: '2026-10-25T23:00:00Z' });
  });

  it('handles half-hour zones', () => {
    expect(windowOf('mail to bob@contoso.com today', 'Asia/Kolkata')).toEqual({ start: '2026-11-19T18:30:00Z', end: '2026-11-20T15:00:00Z' });
  });

  it('reads the clock in UTC when the client sends an unknown zone', () => {
    expect(windowOf('mail to bob@contoso.com today', 'Mars/Olympus_Mons')).toEqual({ start: '2026-11-20T00:00:00Z', end: '2026-11-20T15:00:00Z' });
  });

  it('searches the last 48 hours when a trace names no time, as message trace itself does', () => {
    expect(windowOf('why did mail to bob@contoso.com bounce')).toEqual({ start: '2026-11-18T15:00:00Z', end: '2026-11-20T15:00:00Z' });
  });

  it('does not read "delayed by 2 hours" as a window', () => {
    expect(windowOf('mail from bob@contoso.com is delayed by 2 hours')).toEqual({ start: '2026-11-18T15:00:00Z', end: '2026-11-20T15:00:00Z' });
  });

  it('gives no window to a domain check or a status code', () => {
    expect(windowOf('check spf for contoso.com')).toBeNull();
    expect(windowOf('what does 5.7.1 mean')).toBeNull();
  });
});

describe('message trace limits: 10 days per query, 90 days back', () => {
  it('runs a window of up to 10 days as one query, with no note', () => {
    const request = ask('trace bob@contoso.com last 10 days');
    expect(request.queryWindows).toEqual([request.window]);
    expect(request.windowNote).toBeNull();
  });

  it('splits 30 days into three 10-day queries and says so', () => {
    const request = ask('trace bob@contoso.com last 30 days');
    expect(request.window).toEqual({ start: '2026-10-21T15:00:00Z', end: '2026-11-20T15:00:00Z' });
    expect(request.queryWindows).toEqual([
      { start: '2026-11-10T15:00:00Z', end: '2026-11-20T15:00:00Z' },
      { start: '2026-10-31T15:00:00Z', end: '2026-11-10T15:00:00Z' },
      { start: '2026-10-21T15:00:00Z', end: '2026-10-31T15:00:00Z' },
    ]);
    expect(request.windowNote).toMatch(/10 days per query.*3 queries/);
  });

  it('keeps the asked window but says that the part older than 90 days cannot be searched', () => {
    const request = ask('trace bob@contoso.com last 120 days');
    expect(request.window?.start).toBe('2026-07-23T15:00:00Z');
    expect(request.queryWindows?.at(-1)?.start).toBe('2026-08-22T15:00:00Z');
    expect(request.queryWindows).toHaveLength(9);
    expect(request.windowNote).toMatch(/90 days.*before 2026-08-22T15:00:00Z cannot be searched/);
  });

  it('has no query at all for a window entirely older than 90 days, and says why', () => {
    const request = ask('mail to bob@contoso.com on 2026-03-02');
    expect(request.queryWindows).toEqual([]);
    expect(request.windowNote).toMatch(/older than that and cannot be searched/);
  });
});
