import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeHeaders, type HeadersFound } from '../../src/analyzers/headers';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function found(text: string): HeadersFound {
  const report = analyzeHeaders(text);
  if (report.kind !== 'headers') throw new Error(`expected headers, got ${report.kind}`);
  return report;
}

const codes = (report: HeadersFound) => report.findings.map((finding) => finding.code).sort();

/** One pasted header set per situation a helpdesk meets, with what the card and the CLI must say. */
interface Expected {
  readonly file: string;
  readonly situation: string;
  readonly delays: readonly (number | null)[];
  readonly totalSeconds: number | null;
  readonly slowest: number | null;
  readonly auth: Partial<HeadersFound['auth']>;
  readonly sfv: string | null;
  readonly findings: readonly string[];
}

const SETS: readonly Expected[] = [
  {
    file: 'exo-inbound-held-in-eop.txt',
    situation: 'a payslip held 2 h 31 min in Exchange Online Protection',
    delays: [0, 4, 9063, 1, 1], totalSeconds: 9069, slowest: 3,
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', dmarcAction: 'none', spfClientIp: '198.51.100.25', mailFromDomain: 'bounces.mailer.fabrikam.com', headerFromDomain: 'fabrikam.com', dkimDomains: ['fabrikam.com'], alignment: { spf: 'aligned', dkim: 'aligned' } },
    sfv: 'NSPM', findings: ['headers.slow-hop'],
  },
  {
    file: 'exo-spoof-junked.txt',
    situation: 'a spoof of our own domain, junked by composite authentication',
    delays: [0, 3, 1, 1], totalSeconds: 5, slowest: 2,
    auth: { spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcAction: 'oreject', compauth: { result: 'fail', reason: '000', meaning: 'Failed explicit authentication (e.g. DMARC fail with quarantine/reject)' }, spfClientIp: '192.0.2.66', mailFromDomain: 'contoso.com', headerFromDomain: 'contoso.com', dkimDomains: [], alignment: { spf: 'failed', dkim: 'failed' } },
    sfv: 'SPM', findings: ['headers.compauth-fail', 'headers.dmarc-fail', 'headers.marked-spam', 'headers.spf-fail', 'headers.spoofing'],
  },
  {
    file: 'ses-bulk-newsletter.txt',
    situation: 'a wanted newsletter from Amazon SES junked as bulk',
    delays: [0, 4, 1, 2], totalSeconds: 7, slowest: 2,
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', mailFromDomain: 'us-east-1.amazonses.com', headerFromDomain: 'news.litware.com', dkimDomains: ['news.litware.com', 'amazonses.com'], alignment: { spf: 'misaligned', dkim: 'aligned' } },
    sfv: 'SPM', findings: ['headers.bulk', 'headers.bulk-reputation', 'headers.marked-spam'],
  },
  {
    file: 'gmail-from-exchange-online.txt',
    situation: 'mail from Exchange Online read in Gmail (PST stamps, ARC)',
    delays: [0, 1, 2, 1], totalSeconds: 4, slowest: 3,
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', arc: 'pass', compauth: null, spfClientIp: '40.107.244.71', mailFromDomain: 'contoso.com', headerFromDomain: 'contoso.com', dkimDomains: ['contoso.com'], alignment: { spf: 'aligned', dkim: 'aligned' } },
    sfv: null, findings: [],
  },
  {
    file: 'postfix-clock-skew.txt',
    situation: 'a list mail whose relay clock runs an hour off',
    delays: [0, 211, 0, 1], totalSeconds: 55, slowest: 2,
    auth: { spf: 'pass', dkim: 'pass', dmarc: null, spfClientIp: '198.51.100.20', mailFromDomain: 'lists.example.org', headerFromDomain: 'lists.example.org', alignment: { spf: 'aligned', dkim: 'aligned' } },
    sfv: null, findings: ['headers.clock-skew', 'headers.slow-hop'],
  },
  {
    file: 'outlook-box-unfolded.txt',
    situation: "internal mail copied from Outlook's Internet headers box with the folding lost",
    delays: [0, 1, 1], totalSeconds: 2, slowest: 2,
    auth: { spf: null, dkim: 'none', dmarc: 'none', headerFromDomain: 'contoso.com', alignment: { spf: 'unknown', dkim: 'failed' } },
    sfv: 'SKI', findings: ['headers.dmarc-none', 'headers.internal'],
  },
  {
    file: 'mailing-list-arc.txt',
    situation: 'a mailing list broke the DKIM signature; ARC rescued it',
    delays: [0, 2, 5, 1, 1, 1], totalSeconds: 10, slowest: 3,
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'fail', dmarcAction: 'none', compauth: { result: 'pass', reason: '130', meaning: 'Passed (compauth=pass)' }, arc: 'pass', mailFromDomain: 'lists.example.org', headerFromDomain: 'fabrikam.com', dkimDomains: ['fabrikam.com', 'lists.example.org'], alignment: { spf: 'misaligned', dkim: 'misaligned' } },
    sfv: 'NSPM', findings: ['headers.dmarc-fail', 'headers.not-aligned'],
  },
  {
    file: 'hybrid-onprem-queue.txt',
    situation: 'hybrid mail that sat 47 minutes in the on-premises queue',
    delays: [0, 2, 2844, 1, 1, 1], totalSeconds: 2849, slowest: 3,
    auth: { spf: 'pass', dkim: 'none', dmarc: 'bestguesspass', compauth: { result: 'pass', reason: '109', meaning: 'Passed (compauth=pass)' }, spfClientIp: '198.51.100.10', mailFromDomain: 'contoso.com', headerFromDomain: 'contoso.com', alignment: { spf: 'aligned', dkim: 'failed' } },
    sfv: 'SKN', findings: ['headers.dmarc-bestguesspass', 'headers.filtering-bypassed', 'headers.slow-hop'],
  },
  {
    file: 'legacy-qmail-sendmail.txt',
    situation: 'an old shop relaying through qmail and Sendmail (EST, an undated hop)',
    delays: [null, 0, 79], totalSeconds: 79, slowest: 3,
    auth: { spf: 'softfail', dkim: null, dmarc: null, spfClientIp: '198.51.100.8', mailFromDomain: 'shop.example.com', headerFromDomain: 'shop.example.com', alignment: { spf: 'failed', dkim: 'unknown' } },
    sfv: null, findings: ['headers.hop-without-time', 'headers.spf-softfail'],
  },
  {
    file: 'junk-not-spam.txt',
    situation: "an invoice EOP passed that the user's own junk settings moved",
    delays: [0, 2, 0, 1], totalSeconds: 3, slowest: 2,
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', alignment: { spf: 'aligned', dkim: 'aligned' } },
    sfv: 'NSPM', findings: ['headers.junk-not-spam'],
  },
  {
    file: 'teams-html-released.html',
    situation: 'headers pasted into Teams (HTML paragraphs, &nbsp; folding, &lt;addresses&gt;), released from quarantine',
    delays: [0, 378, 1, 1], totalSeconds: 380, slowest: 2,
    auth: { spf: 'softfail', dkim: 'none', dmarc: 'none', compauth: { result: 'softpass', reason: '201', meaning: 'Soft-passed implicit authentication (compauth=softpass)' }, spfClientIp: '203.0.113.77', headerFromDomain: 'tailspin.example' },
    sfv: 'SKQ', findings: ['headers.compauth-softpass', 'headers.dmarc-none', 'headers.released', 'headers.slow-hop', 'headers.spf-softfail'],
  },
];

describe('whole header sets a helpdesk pastes', () => {
  it('has at least 10 of them', () => expect(SETS.length).toBeGreaterThanOrEqual(10));

  describe.each(SETS.map((set) => [set.situation, set] as const))('%s', (_situation, set) => {
    const report = found(fixture(set.file));

    it('lists the hops oldest first with their delays', () => {
      expect(report.hops.map((hop) => hop.index)).toEqual(set.delays.map((_, i) => i + 1));
      expect(report.hops.map((hop) => hop.delaySeconds)).toEqual(set.delays);
      expect(report.totalSeconds).toBe(set.totalSeconds);
      expect(report.slowestHop?.index ?? null).toBe(set.slowest);
    });

    it('reads the authentication verdicts', () => {
      expect(report.auth).toMatchObject(set.auth);
    });

    it('reads the antispam verdict and says what stands out', () => {
      expect(report.antispam.SFV?.value ?? null).toBe(set.sfv);
      expect(codes(report)).toEqual([...set.findings].sort());
    });
  });
});

describe('the EOP hold, as a person reads it', () => {
  const report = found(fixture('exo-inbound-held-in-eop.txt'));

  it('says where and why in plain words', () => {
    const slow = report.findings.find((finding) => finding.code === 'headers.slow-hop');
    expect(slow?.message).toContain('2 h 31 min inside Exchange Online Protection: it was held for filtering');
    expect(report.slowestHop).toEqual({ index: 3, from: 'BN8NAM12FT045.eop-nam12.prod.protection.outlook.com', by: 'BN9PR03CA0123.outlook.office365.com', delaySeconds: 9063 });
  });

  it('decodes the subject and keeps the Message-ID with its brackets', () => {
    expect(report.subject).toBe('Your March payslip – action needed');
    expect(report.messageId).toBe('<20240305101455.4Tq1Xw2Kz3z9sKp@mailer.fabrikam.com>');
    expect(report.date).toBe('2024-03-05T10:14:55Z');
    expect(report.hops[0].time).toBe('2024-03-05T10:14:58Z');
  });

  it('gives every antispam field a meaning', () => {
    expect(report.antispam.SFV).toEqual({ value: 'NSPM', meaning: 'Marked non-spam; delivered to intended recipients' });
    expect(report.antispam.dest).toEqual({ value: 'I', meaning: 'Inbox' });
    for (const [field, entry] of Object.entries(report.antispam)) expect([field, entry.meaning.length > 0]).toEqual([field, true]);
  });
});

describe('the same headers, pasted badly', () => {
  const folded = found(fixture('exo-inbound-held-in-eop.txt'));
  const essentials = (report: HeadersFound) => ({ hops: report.hops, auth: report.auth, antispam: report.antispam, messageId: report.messageId, subject: report.subject });

  it('run together on one line (line breaks lost)', () => {
    const oneLine = fixture('exo-inbound-held-in-eop.txt').split('\n').map((line) => line.trim()).join(' ');
    expect(essentials(found(oneLine))).toEqual(essentials(folded));
  });

  it('unfolded (indentation lost)', () => {
    const unfolded = fixture('exo-inbound-held-in-eop.txt').split('\n').map((line) => line.trimStart()).join('\n');
    expect(essentials(found(unfolded))).toEqual(essentials(folded));
  });

  it('double-spaced, as Teams paragraphs become once the HTML is gone', () => {
    const doubled = fixture('exo-inbound-held-in-eop.txt').split('\n').join('\n\n');
    expect(essentials(found(doubled))).toEqual(essentials(folded));
  });

  it('double-spaced and unfolded at once', () => {
    const both = fixture('exo-inbound-held-in-eop.txt').split('\n').map((line) => line.trimStart()).join('\n\n');
    expect(essentials(found(both))).toEqual(essentials(folded));
  });

  it('as Teams HTML with Windows line ends and a question above it', () => {
    const html = 'why was this late?<br>' + fixture('exo-inbound-held-in-eop.txt')
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .split('\n').map((line) => `<p>${line.replace(/^ /, '&nbsp;')}</p>`).join('\r\n');
    expect(essentials(found(html))).toEqual(essentials(folded));
  });
});

describe('what is not a header block', () => {
  it.each([
    ['an empty paste', ''],
    ['a question', 'why did mail to bob@contoso.com bounce?'],
    ['a lone subject line', 'Subject: hello'],
    ['binary noise', '\u0000\u0001\u0002\uffff'.repeat(100)],
    ['an NDR body without headers', 'Delivery has failed to these recipients or groups:\nbob@contoso.com\nThe email address you entered couldn\'t be found.'],
  ])('%s gives a clear "no headers found"', (_name, text) => {
    const report = analyzeHeaders(text);
    expect(report.kind).toBe('no-headers');
    if (report.kind === 'no-headers') expect(report.expected).toMatch(/No message headers found.*Internet headers/);
  });

  it('a header block without Received lines still reads the verdicts and says the path is missing', () => {
    const report = found('From: a@fabrikam.com\nTo: b@contoso.com\nAuthentication-Results: spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=fabrikam.com; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=fabrikam.com;compauth=fail reason=000\n');
    expect(report.hops).toEqual([]);
    expect(report.totalSeconds).toBeNull();
    expect(codes(report)).toEqual(['headers.compauth-fail', 'headers.dmarc-fail', 'headers.no-received']);
  });
});
