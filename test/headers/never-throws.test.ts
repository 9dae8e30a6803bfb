import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeHeaders } from '../../src/analyzers/headers';
import { headersReply } from '../../src/assistant/handlers/headers';

const fixtures = readdirSync(join(__dirname, 'fixtures')).map((file) => readFileSync(join(__dirname, 'fixtures', file), 'utf8'));
const ONE_MB = 1024 * 1024;

/** Pieces of real header syntax, so that random text reaches the Received, date, auth and antispam parsers. */
const PIECES = [
  'Received: ', 'from ', 'by ', 'with ', 'id ', 'for ', 'via ', '; ', ';', '(', ')', '((', '[', ']', '<', '>', '\n', '\n ', '\r\n',
  '\t', ' ', 'Tue, ', '5 Mar 2024 ', '10:15:22 ', '10:15 ', '+0000', '-0800 ', '(PST)', '(UTC)', 'EST', '2024-03-05T10:15:22Z',
  'Authentication-Results: ', 'ARC-Authentication-Results: i=1; ', 'spf=pass ', 'dkim=fail ', 'dmarc=bestguesspass ', 'action=oreject ',
  'compauth=fail reason=000', 'header.from=', 'smtp.mailfrom=', 'header.d=', '@', 'contoso.com', 'Received-SPF: Pass ', 'client-ip=',
  'X-Forefront-Antispam-Report: ', 'SFV:SPM;', 'CAT:', 'SCL:', 'BCL:', ':', 'X-Microsoft-Antispam: ', 'dest:J;', 'DKIM-Signature: d=',
  'ARC-Seal: i=2; cv=pass;', 'Subject: ', '=?utf-8?B?', '=?utf-8?Q?', '?=', 'From: ', 'Message-ID: ', '<p>', '</p>', '<br>', '&nbsp;',
  '&lt;', '&amp;', '&#', '\u00a0', '(qmail 1 invoked from network)', '(Postfix, from userid 0)', '(from root@localhost)', '${x}', '=',
];

const pasted = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 })), { maxLength: 300 }).map((parts) => parts.join(''));

/** A fixture with random damage: what a half-copied paste looks like. */
const damaged = fc
  .tuple(fc.constantFrom(...fixtures), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 20 }))), { maxLength: 20 }))
  .map(([text, edits]) =>
    edits.reduce((current, [at, cut, insert]) => {
      const position = at % (current.length + 1);
      return current.slice(0, position) + insert + current.slice(position + cut);
    }, text),
  );

/** Up to 1 MB: a short pattern repeated, which is where a backtracking regular expression would stall. */
const huge = fc
  .tuple(fc.oneof(pasted, fc.constantFrom(...PIECES), fc.string({ minLength: 1, maxLength: 40 })), fc.integer({ min: 1, max: ONE_MB }))
  .map(([unit, size]) => (unit.length === 0 ? 'x' : unit).repeat(Math.ceil(size / Math.max(1, unit.length))).slice(0, ONE_MB));

function analyzesCleanly(text: string): void {
  const report = analyzeHeaders(text);
  expect(['headers', 'no-headers']).toContain(report.kind);
  if (report.kind === 'headers') {
    // One assertion for all hops: a 1 MB paste can hold 50,000 of them.
    expect(report.hops.filter((hop) => hop.delaySeconds !== null && hop.delaySeconds < 0)).toEqual([]);
    expect(report.totalSeconds === null || report.totalSeconds >= 0).toBe(true);
    JSON.stringify(report);
  }
}

describe('analyzeHeaders never throws and always finishes', () => {
  it('on any short text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), analyzesCleanly), { numRuns: 500 });
  });

  it('on text made of header syntax', () => {
    fc.assert(fc.property(pasted, analyzesCleanly), { numRuns: 500 });
  });

  it('on damaged real header sets', () => {
    fc.assert(fc.property(damaged, analyzesCleanly), { numRuns: 300 });
  });

  it('on repeated patterns up to 1 MB', () => {
    fc.assert(fc.property(huge, analyzesCleanly), { numRuns: 40 });
  });

  it.each([
    ['open parentheses', '('],
    ['spaces', ' '],
    ['newlines', '\n'],
    ['folded continuation lines', '\n x'],
    ['Received lines without dates', 'Received: from a by b with c id d for e\n'],
    ['dates', 'Tue, 5 Mar 2024 10:15:22 +0000 '],
    ['digits', '1'],
    ['digits and spaces', '1 '],
    ['semicolons and equals', ';a=b '],
    ['HTML paragraphs', '<p>Received: x</p>'],
    ['unclosed tags', '<p '],
    ['tag ends and newlines', '>\n'],
    ['encoded words', '=?utf-8?B?'],
    ['run-together fields', ' X-A: b'],
    ['antispam pairs', 'X-Forefront-Antispam-Report: SFV:SPM;'],
    ['colons', ':'],
  ])('on 1 MB of %s', (_name, unit) => {
    const prefix = 'Received: from a by b; Tue, 5 Mar 2024 10:15:22 +0000\n';
    analyzesCleanly(prefix + unit.repeat(Math.ceil(ONE_MB / unit.length)).slice(0, ONE_MB - prefix.length));
  });

  it('and the card never fails on what it accepts', () => {
    fc.assert(
      fc.property(fc.oneof(pasted, damaged), (text) => {
        const report = analyzeHeaders(text);
        if (report.kind === 'headers') expect(headersReply(report).kind).toBe('card');
      }),
      { numRuns: 150 },
    );
  });
});
