import { localPolicyFetcher, DEMO_MTA_STS_POLICIES, startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { AUDIT_ZONES } from './zones';

describe('a helpdesk engineer asks the bot to check a domain', () => {
  let dns: RunningDnsServer;
  let bot: BotHarness;
  beforeAll(async () => {
    dns = await startDnsServer({ zones: AUDIT_ZONES });
    // The bot's own resolver, built from DNS_SERVERS, points at the local DNS server.
    bot = await startBotHarness({
      env: { DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '1000', TENANT_DOMAIN: 'contoso.onmicrosoft.com' },
      services: (_config, base) => ({ ...base, fetchMtaStsPolicy: localPolicyFetcher(DEMO_MTA_STS_POLICIES) }),
    });
  });
  afterAll(async () => {
    await bot?.close();
    await dns?.close();
  });

  it('"check spf for fabrikam.com": the SPF error and the one merged record to publish', async () => {
    const [reply] = await bot.say('check spf for fabrikam.com');
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Domain check: fabrikam.com');
    expect(text).toContain('**SPF**');
    expect(text).not.toContain('**DMARC**');
    expect(text).toMatch(/publishes 2 SPF records/);
    expect(text).toContain('v=spf1 include:spf.protection.outlook.com include:sendgrid.net -all');
    expect(text).toContain('spf.multiple-records');
    const monospace = JSON.stringify(card).includes('"fontType":"Monospace"');
    expect(monospace).toBe(true);
  });

  it('"does adatum.com have too many SPF lookups?": the include tree with its counts', async () => {
    const [reply] = await bot.say('does adatum.com have too many SPF lookups?');
    const card = cardOf(reply)!;
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('SPF include tree: 13 of 10 DNS lookups');
    expect(text).toContain('└─ include:_spf.google.com  own 3, total 3');
    expect(text).toContain('└─ include:_netblocks.google.com  own 0, total 0');
  });

  it('a full check of the tenant\'s partner with a monitoring-only DMARC policy', async () => {
    const [reply] = await bot.say('check tailspintoys.com', { conversationId: 'a:personal-fresh-conversation' });
    const card = cardOf(reply)!;
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    for (const name of ['SPF', 'DKIM', 'DMARC', 'MX', 'MTA-STS']) expect(text).toContain(`**${name}**`);
    expect(text).toContain('p=none');
    expect(text).toMatch(/tailspintoys\.com\.\\?_report\.\\?_dmarc\.dmarc-insights\.example/);
    expect(text).toContain('Publish this TXT record at');
  });

  it('asks which domain when none is named', async () => {
    const [reply] = await bot.say('check spf please');
    expect(reply.activity.text ?? cardText(cardOf(reply))).toMatch(/domain/i);
  });
});
