import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeHeaders, type HeadersFound } from '../../src/analyzers/headers';
import { headersReply } from '../../src/assistant/handlers/headers';
import { cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { longHeaderBlock } from './support/long-path';

const fixtures = join(__dirname, 'fixtures');
const reportOf = (text: string) => analyzeHeaders(text) as HeadersFound;
const cardOfReport = (report: HeadersFound) => {
  const reply = headersReply(report);
  if (reply.kind !== 'card') throw new Error('expected a card');
  return reply;
};

function submitValues(card: object): string[] {
  return ((card as { actions?: { data?: { msteams?: { value?: string } } }[] }).actions ?? []).map((action) => action.data?.msteams?.value ?? '');
}

describe('the headers card', () => {
  it.each(readdirSync(fixtures))('renders %s as a card Teams accepts', (file) => {
    const reply = cardOfReport(reportOf(readFileSync(join(fixtures, file), 'utf8')));
    expect(cardProblems(reply.card)).toEqual([]);
  });

  it('shows the slow hop in plain words, the verdicts with meanings, and next steps that exist', () => {
    const reply = cardOfReport(reportOf(readFileSync(join(fixtures, 'exo-inbound-held-in-eop.txt'), 'utf8')));
    const text = cardText(reply.card);
    expect(text).toContain('Slowest: hop 3, 2 h 31 min inside Exchange Online Protection: it was held for filtering');
    expect(text).toContain('SFV:NSPM — content filter found it clean');
    expect(text).toMatch(/pass — a DKIM signature verified/);
    expect(text).toContain('Composite auth');
    expect(submitValues(reply.card)).toEqual([
      'check spf dkim dmarc for fabrikam.com',
      'trace message id <20240305101455.4Tq1Xw2Kz3z9sKp@mailer.fabrikam.com>',
    ]);
    expect(reply.text).toContain('Delivered in 2 h 31 min over 5 hops.');
  });

  it("shows each DKIM signature's own verdict when a mailing list broke the author's", () => {
    const report = reportOf(readFileSync(join(fixtures, 'mailing-list-arc.txt'), 'utf8'));
    const text = cardText(cardOfReport(report).card);
    expect(text).toContain('(fabrikam.com fail, lists.example.org pass; NOT aligned with the From domain)');
    expect(report.findings.find((finding) => finding.code === 'headers.not-aligned')?.message).toContain('DKIM passed for lists.example.org,');
  });

  it('does not dramatise a few seconds of transit', () => {
    const text = cardText(cardOfReport(reportOf(readFileSync(join(fixtures, 'mailing-list-arc.txt'), 'utf8'))).card);
    expect(text).toContain('Slowest: hop 3, 5 s. No hop held the message up.');
  });

  it('marks a hop whose clock runs behind instead of hiding it', () => {
    const reply = cardOfReport(reportOf(readFileSync(join(fixtures, 'postfix-clock-skew.txt'), 'utf8')));
    const text = cardText(reply.card);
    expect(text).toContain('0 s (clock off)');
    expect(text).toMatch(/Hop 3 \(mx\.example\.net\) is stamped 2 min 37 s before hop 2/);
  });

  it('reads the block the bench times (60 hops, 64 KB)', () => {
    const block = readFileSync(join(__dirname, 'bench', 'sixty-hops-64k.txt'), 'utf8');
    expect(block).toBe(longHeaderBlock());
    expect(reportOf(block).hops).toHaveLength(60);
  });

  it('says "content filter marked it spam" for a junked spoof', () => {
    const reply = cardOfReport(reportOf(readFileSync(join(fixtures, 'exo-spoof-junked.txt'), 'utf8')));
    const text = cardText(reply.card);
    expect(text).toContain('SFV:SPM — content filter marked it spam');
    expect(text).toContain('Composite authentication fail reason 000');
  });

  it('keeps a 60-hop, 64 KB block under the Teams limit and says rows were left out', () => {
    const block = longHeaderBlock();
    expect(block.length).toBeGreaterThanOrEqual(60 * 1024);
    const report = reportOf(block);
    expect(report.hops).toHaveLength(60);
    expect(report.slowestHop).toMatchObject({ index: 37, delaySeconds: 41 * 60 + 7 });
    const reply = cardOfReport(report);
    expect(cardProblems(reply.card)).toEqual([]);
    const text = cardText(reply.card);
    expect(text).toContain('Showing 20 of 60 hops');
    expect(text).toMatch(/⋯ \d+ hops with short delays not shown/);
    expect(text).toContain('Slowest: hop 37, 41 min 7 s at relay36.gateway.fabrikam.net');
  });

  it('steps down to a smaller layout when host names are huge and everything fails', () => {
    const host = (i: number) => `${'very-long-label-'.repeat(14)}${i}.example.com`;
    const block = [
      ...Array.from({ length: 60 }, (_, k) => {
        const i = 60 - k;
        return `Received: from ${host(i - 1)} by ${host(i)} with ${'ESMTPS'.repeat(10)} id ${i}; Tue, 5 Mar 2024 ${String(8 + (i % 12)).padStart(2, '0')}:00:00 +0000`;
      }),
      'Authentication-Results: spf=permerror (sender IP is 192.0.2.1) smtp.mailfrom=x.example; dkim=fail (bad) header.d=y.example;dmarc=fail action=oreject header.from=z.example;compauth=fail reason=000',
      'X-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:NG;SCL:9;SFV:SPM;CAT:HPHSH;IPV:CAL;SRV:BULK;',
      'X-Microsoft-Antispam: BCL:9;',
      'X-Microsoft-Antispam-Mailbox-Delivery: dest:I;',
      `Subject: ${'subject '.repeat(300)}`,
      'From: z@z.example',
    ].join('\n');
    const report = reportOf(block);
    expect(report.findings.length).toBeGreaterThan(8);
    const reply = cardOfReport(report);
    expect(cardProblems(reply.card)).toEqual([]);
    expect(cardText(reply.card)).toMatch(/Showing \d+ of 60 hops/);
  });

  it('keeps pasted text inert: no markdown links, mentions or template expressions', () => {
    const hostile = [
      'Received: from [evil](https://evil.example) by mx.contoso.com with SMTP; Tue, 5 Mar 2024 10:00:00 +0000',
      'Received: from a.example by b.example with SMTP; Tue, 5 Mar 2024 10:00:01 +0000',
      'Subject: ${user.token} <at>Everyone</at> **urgent**',
      'From: x@example.com',
      'Message-ID: <${bad}@example.com>',
    ].join('\n');
    const reply = cardOfReport(reportOf(hostile));
    expect(cardProblems(reply.card)).toEqual([]);
    const json = JSON.stringify(reply.card);
    expect(json).not.toContain('[evil](https://evil.example)');
    expect(json).not.toContain('<at>');
    expect(json).not.toMatch(/\$\{(user|bad)/);
  });
});
