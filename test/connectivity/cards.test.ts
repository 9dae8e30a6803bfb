import { parseRequest } from '../../src/analyzers/intent';
import {
  connectorCardData, ipCardData, renderFitting, smtpCardData, testMessageCard,
} from '../../src/assistant/handlers/connectivity';
import { renderCard } from '../../src/cards/render';
import { checkSendingIp, testInboundSmtp, type ConnectivityDeps, type TestMessage } from '../../src/diagnosis/connectivity';
import type { DnsAnswer, DnsResolver, RecordData, RecordType } from '../../src/sources/dns';
import type { SmtpProbe, SmtpProber } from '../../src/sources/smtp';
import { cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

/** A zone in memory: enough DNS for card tests that need no network at all. */
function memoryDns(records: Record<string, Partial<{ [T in RecordType]: RecordData[T][] }>>): DnsResolver {
  return {
    stats: () => ({ sent: 0, cached: 0 }),
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      const entry = records[name.toLowerCase()];
      if (!entry) return { kind: 'nxdomain' };
      const found = entry[type] as RecordData[T][] | undefined;
      return found ? { kind: 'ok', records: found, ttl: 300, via: [] } : { kind: 'nodata', via: [] };
    },
  };
}

/** A server that talks far too much: a hostile banner, markdown and template syntax in every reply. */
const chattyProber: SmtpProber = {
  async probe(target) {
    const noise = `220 ${'[click](https://evil.example) <at>everyone</at> ${user.secret} '.repeat(20)}`;
    const transcript = Array.from({ length: 400 }, (_, index) => ({ from: index % 2 ? ('client' as const) : ('server' as const), text: `${noise} ${index}` }));
    const probe: SmtpProbe = {
      kind: 'session', host: target.host, address: target.address, port: target.port, transcript, elapsedMs: 10,
      banner: noise, extensions: Array.from({ length: 50 }, (_, index) => `X-EXTENSION-${index} ${'A'.repeat(40)}`),
      starttls: { offered: true, negotiated: false, error: noise }, tls: null,
      recipient: target.recipient ? { address: target.recipient, verdict: 'rejected', reply: noise } : null, error: null,
    };
    return probe;
  },
};

const hostNames = Array.from({ length: 8 }, (_, index) => `mx${index}.contoso.com`);
const deps: ConnectivityDeps = {
  dns: memoryDns({
    'contoso.com': { MX: hostNames.map((exchange, priority) => ({ exchange, priority })) },
    ...Object.fromEntries(hostNames.map((name, index) => [name, { A: [`192.0.2.${index + 1}`] }])),
  }),
  smtp: chattyProber,
  port: 25,
  blocklists: Array.from({ length: 20 }, (_, index) => `bl${index}.example`),
  now: () => new Date('2026-11-22T05:00:00Z'),
};

describe('connectivity cards stay valid and small whatever the servers say', () => {
  it('keeps an inbound card with eight chatty MX hosts under 28 KB, with remote text defused', async () => {
    const report = await testInboundSmtp('contoso.com', 'postmaster@contoso.com', deps);
    expect(report.hosts).toHaveLength(6);
    const card = renderFitting('connectivity-smtp', (detail) => smtpCardData(report, detail));
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain('](https://evil.example)');
    expect(json).not.toContain('<at>');
    expect(json).not.toContain('${user.secret}');
    // Every host is still there, with its findings; the detail gave way.
    expect(cardText(card)).toContain('mx5.contoso.com (MX 5)');
    expect(report.findings.filter((finding) => finding.code === 'smtp.recipient-rejected')).toHaveLength(6);
  });

  it('shows the SMTP transcript when the card has room', async () => {
    const one: ConnectivityDeps = { ...deps, dns: memoryDns({ 'contoso.com': { MX: [{ exchange: 'mx0.contoso.com', priority: 0 }] }, 'mx0.contoso.com': { A: ['192.0.2.1'] } }) };
    const report = await testInboundSmtp('contoso.com', 'postmaster@contoso.com', one);
    const card = renderFitting('connectivity-smtp', (detail) => smtpCardData(report, detail));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toMatch(/… 3\d\d more lines/);
  });

  it('keeps the IP card valid with many blocklists', async () => {
    const report = await checkSendingIp('192.0.2.1', null, deps);
    expect(report.blocklists).toHaveLength(20);
    expect(cardProblems(renderCard('connectivity-ip', ipCardData(report)))).toEqual([]);
  });

  it('renders an empty connector report', () => {
    const card = renderCard('connectivity-connectors', connectorCardData({ outbound: [], inbound: [], findings: [], verdict: 'pass', checkedAt: '2026-11-22T05:00:00Z' }));
    expect(cardProblems(card)).toEqual([]);
  });

  it('carries the test message state in the card so that "Check again" can continue it', () => {
    const message: TestMessage = {
      tag: 'MFD-0123456789', mailbox: 'mailflow-test@contoso.com', recipient: 'partner@northwind.net', subject: 'Mailflow Doctor test message MFD-0123456789',
      sentAt: '2026-11-22T05:00:00.000Z', status: 'sent', traceStatus: null, traceId: null, messageId: null, checkedAt: '2026-11-22T05:00:00.000Z', detail: null,
    };
    const card = testMessageCard(message, { refreshUserIds: ['29:alex'] });
    expect(cardProblems(card)).toEqual([]);
    expect(card.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'connectivity.test-message.status', data: message }, userIds: ['29:alex'] });
  });

  it('gives follow-up buttons questions that reach the right capability', async () => {
    const now = { now: new Date(), timeZone: 'UTC' };
    const smtp = smtpCardData(await testInboundSmtp('contoso.com', 'bob@contoso.com', deps));
    expect(parseRequest(smtp.testAgain, now)).toMatchObject({ intent: 'smtp_test', recipients: ['bob@contoso.com'] });
    expect(parseRequest(smtp.checkDomain, now)).toMatchObject({ intent: 'domain', domains: ['contoso.com'] });
    const ip = ipCardData(await checkSendingIp('192.0.2.1', 'contoso.com', deps));
    expect(parseRequest(ip.checkAgain, now)).toMatchObject({ intent: 'ip_check', ips: ['192.0.2.1'], domains: ['contoso.com'] });
    expect(parseRequest('check the connector certificates', now).intent).toBe('connector_check');
  });
});
