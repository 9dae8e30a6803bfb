import fc from 'fast-check';
// The unguarded parser: parseRequest's catch-all must not be what keeps these properties true.
import { interpretRequest as parseRequest } from '../../src/analyzers/intent';
import { emptyRequest, INTENT_KINDS, type ParsedRequest } from '../../src/model/intent';

const NOW = new Date('2026-11-20T15:00:00Z');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const TEN_DAYS = 10 * 24 * 3_600_000;

/** Everything a handler relies on, whatever the input. */
function expectWellFormed(request: ParsedRequest): void {
  expect(INTENT_KINDS).toContain(request.intent);
  // Every field, in emptyRequest's order: requests are made by spreading it, and a key a spread copy lacked is slow.
  expect(Object.keys(request)).toEqual(Object.keys(emptyRequest(request.intent)));
  for (const address of [...request.senders, ...request.recipients]) {
    expect(address).toBe(address.toLowerCase());
    expect(address).toContain('@');
  }
  for (const domain of request.domains) expect(domain).toMatch(/^[a-z0-9.-]+$/);
  for (const code of request.codes) expect(code).toMatch(/^[245]\.\d{1,3}\.\d{1,3}$/);
  expect(request.symptom === null || ['bounce', 'missing', 'delay', 'junk'].includes(request.symptom)).toBe(true);
  if (request.symptom !== null) expect(request.intent).toBe('trace');
  if (request.pasted !== null) expect(['ndr', 'headers']).toContain(request.intent);
  expect(typeof request.followUp).toBe('boolean');
  if (request.window) {
    expect(request.window.start).toMatch(ISO);
    expect(request.window.end).toMatch(ISO);
    expect(Date.parse(request.window.start)).toBeLessThanOrEqual(Date.parse(request.window.end));
    expect(Date.parse(request.window.end)).toBeLessThanOrEqual(NOW.getTime());
    for (const query of request.queryWindows ?? []) expect(Date.parse(query.end) - Date.parse(query.start)).toBeLessThanOrEqual(TEN_DAYS);
  }
  expect(() => JSON.stringify(request)).not.toThrow();
}

// Fragments of what people really type, so random input also reaches the deep paths (roles, windows, follow-ups).
const fragment = fc.oneof(
  fc.constantFrom('bob@contoso.com', 'Ken <ken@adatum.com>', 'müller@bücher.de', '<at>Mailflow Doctor</at>', '&amp;', '&nbsp;', '<br>',
    '<p>', '</p>', '<a href="mailto:x@y.com">x</a>', 'mail to', 'from', 'bounced', 'NDR', 'yesterday', 'between 9 and 11am', 'last 400 days',
    'since Monday', 'on Nov 18', '5.7.1', '550', '40.107.1.1', '2603:10b6::1', 'check spf', 'dmarc', 'release it', 'quarantine', 'thanks',
    'Received: from a by b; Thu, 19 Nov 2026 10:00:00 +0000\n', 'Delivery has failed to these recipients', 'Remote Server returned',
    'what about', 'and', '?', '\n', ' ', 'contoso.com', 'xn--bcher-kva.de', '3f6a1b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', '<', '>', '@', '.'),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const message = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(' '));
const zone = fc.constantFrom('America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC', 'Not/AZone', '');

describe('the parser on any input', () => {
  it('never throws and always returns a valid request for any Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), zone, (text, timeZone) => {
        expectWellFormed(parseRequest(text, { now: NOW, timeZone }));
      }),
      { numRuns: 300 },
    );
  });

  it('stays valid on helpdesk-like fragments in any order, with any previous request', () => {
    fc.assert(
      fc.property(message, message, zone, (previousText, text, timeZone) => {
        const previous = parseRequest(previousText, { now: NOW, timeZone });
        expectWellFormed(previous);
        expectWellFormed(parseRequest(text, { now: NOW, timeZone, previous }));
      }),
      { numRuns: 500 },
    );
  });

  it('handles input up to 100 KB', () => {
    fc.assert(
      fc.property(fc.oneof(message, fc.string({ unit: 'binary', maxLength: 200 })), fc.integer({ min: 1, max: 100 * 1024 }), (seed, size) => {
        const unit = seed.length > 0 ? seed : 'x';
        const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
        expectWellFormed(parseRequest(text, { now: NOW, timeZone: 'America/New_York' }));
      }),
      { numRuns: 40 },
    );
  });

  it('treats a previous request from storage that lacks newer fields as a previous request', () => {
    const stored = JSON.parse(JSON.stringify(parseRequest('why did mail to sam@contoso.com bounce', { now: NOW, timeZone: 'UTC' })));
    delete stored.direction;
    delete stored.queryWindows;
    const followUp = parseRequest('and yesterday?', { now: NOW, timeZone: 'UTC', previous: stored });
    expect(followUp).toMatchObject({ intent: 'trace', recipients: ['sam@contoso.com'], followUp: true });
  });
});
