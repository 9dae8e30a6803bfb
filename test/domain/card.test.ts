import { domainCardData, domainText } from '../../src/assistant/handlers/domain';
import { renderCard, cardBytes } from '../../src/cards/render';
import { auditDomain } from '../../src/diagnosis/domain';
import { DEMO_MTA_STS_POLICIES, localPolicyFetcher, startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import { createDnsResolver } from '../../src/sources/dns';
import { cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { AUDIT_ZONES } from './zones';

const DOMAINS = [...new Set(Object.keys(AUDIT_ZONES).filter((name) => /^[a-z]+\.(com|net)$/.test(name)))];

describe('the domain card for every demo and test domain', () => {
  let server: RunningDnsServer;
  beforeAll(async () => {
    server = await startDnsServer({ zones: AUDIT_ZONES });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(DOMAINS)('%s renders a card Teams accepts, with a status line per check', async (domain) => {
    const resolver = createDnsResolver({ servers: [server.address], timeoutMs: 2000 });
    const audit = await auditDomain(domain, { fetchPolicy: localPolicyFetcher(DEMO_MTA_STS_POLICIES) }, resolver);
    const card = renderCard('domain', domainCardData(audit));
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(20 * 1024);
    const text = cardText(card);
    for (const name of ['SPF', 'DKIM', 'DMARC', 'MX', 'MTA-STS']) expect(text).toMatch(new RegExp(`\\*\\*${name}\\*\\*`));
    for (const record of audit.correctedRecords) expect(text).toContain(record.value);
    expect(domainText(audit)).toContain(`Domain check: ${domain}`);
  });

  it('keeps a hostile TXT record inert: no template expressions, no markdown links, no mentions', async () => {
    const hostile = await startDnsServer({ zones: { 'evil.example': { TXT: ['v=spf1 include:${evil} [click](https://phish.example) <at>Admin</at> -all'], MX: [[0, 'evil-example.mail.protection.outlook.com']] } } });
    try {
      const audit = await auditDomain('evil.example', { checks: ['spf'] }, createDnsResolver({ servers: [hostile.address] }));
      const card = renderCard('domain', domainCardData(audit));
      expect(cardProblems(card)).toEqual([]);
      const json = JSON.stringify(card);
      expect(json).not.toContain('](https://phish.example)');
      expect(json).not.toContain('<at>');
    } finally {
      await hostile.close();
    }
  });
});
