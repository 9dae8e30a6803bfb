import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoStack, type DemoStack } from '../../src/demo/stack';
import { TRACE_CSV_COLUMNS } from '../../src/evidence';
import { mintToken } from '../../src/evidence/links';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import {
  CHANNEL, csvFields, EXPORT_KEY, exportButton, fileConsentAccept, lastCard, MENTION, OTHER_TENANT_ID, pressButton, startUploadTarget, ticketText,
} from './support';

const ndrFixture = (name: string) => readFileSync(join(__dirname, '..', 'ndr', 'fixtures', name), 'utf8');
const headersFixture = (name: string) => readFileSync(join(__dirname, '..', 'headers', 'fixtures', name), 'utf8');

const DEMO = '11111111-1111-4111-8111-111111111111';
const CASE_ID = /CASE-\d{8}-[0-9A-HJKMNP-TV-Z]{6}/;
const MINUTE = 60_000;

describe('evidence for the ticket, through /api/messages with the demo tenant', () => {
  let stack: DemoStack;
  let bot: BotHarness;
  /** The bot's clock: real time unless a test moves it (link expiry). */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    stack = await startDemoStack({ storage: false });
    bot = await startBotHarness({
      env: { ...stack.env, ALLOWED_TENANT_IDS: `${DEMO},${OTHER_TENANT_ID}`, EXPORT_SIGNING_KEY: EXPORT_KEY, EXPORT_LINK_TTL_MINUTES: '15' },
      services: (_config, base) => ({ ...base, fetchMtaStsPolicy: stack.mtaStsPolicies, now: () => new Date(Date.now() + clockOffsetMs) }),
    });
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
    await stack?.close();
  });
  afterEach(() => {
    clockOffsetMs = 0;
  });

  describe('"Copy for ticket" on every result card', () => {
    it('a pasted NDR: the root cause, the code and the fix, with the case id', async () => {
      const [reply] = await bot.say(ndrFixture('exo-current.txt'), { conversationId: 'a:ticket-ndr' });
      const card = cardOf(reply)!;
      expect(cardProblems(card)).toEqual([]);
      const ticket = ticketText(card)!;
      expect(ticket).toMatch(CASE_ID);
      expect(ticket).toContain("Root cause: bob@contoso.com doesn't exist at contoso.com");
      expect(ticket).toContain('5.1.10');
      // In the card's words, not the analyzer's enum ("Who acts: sender").
      expect(ticket).toContain('Who acts: The sender (fix the address or the message and resend)');
      expect(ticket).toMatch(/## Next steps\n1\. /);
      expect(ticket).toMatch(/Asked: ".*" by Alex Wilber at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    });

    it('quotes the question as the person wrote it, not as the HTML Teams delivers', async () => {
      const lines = ['can you explain this bounce?&nbsp;', '', ...ndrFixture('exo-current.txt').split('\n')];
      const html = lines.map((line) => `<p>${line.replace(/&(?!nbsp;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`).join('');
      const [reply] = await bot.say(html, { conversationId: 'a:ticket-html' });
      const ticket = ticketText(cardOf(reply)!)!;
      expect(ticket).toContain('Root cause: bob@contoso.com');
      expect(ticket).toContain('Asked: "can you explain this bounce?" by Alex Wilber');
      expect(ticket).not.toMatch(/<p>|&nbsp;/);
    });

    it('quotes a first line that runs on for hundreds of characters of HTML, up to the ticket\'s 200', async () => {
      const people = Array.from({ length: 12 }, (_, i) => `<a href="mailto:user${i}@contoso.com">user${i}@contoso.com</a>`).join(', ');
      const html = `<p>why did mail from ${people} bounce with this?</p>${ndrFixture('exo-current.txt').split('\n').map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`).join('')}`;
      const [reply] = await bot.say(html, { conversationId: 'a:ticket-long-line' });
      const asked = /Asked: "([^"]*)"/.exec(ticketText(cardOf(reply)!)!)?.[1];
      expect(asked).toMatch(/^why did mail from +user0@contoso\.com/);
      expect(asked).not.toMatch(/<a|href/);
      expect(asked).toHaveLength(200);
    });

    it('pasted headers: the verdict, authentication and the hops with UTC times', async () => {
      const [reply] = await bot.say(headersFixture('exo-spoof-junked.txt'), { conversationId: 'a:ticket-headers' });
      const card = cardOf(reply)!;
      expect(cardProblems(card)).toEqual([]);
      const ticket = ticketText(card)!;
      expect(ticket).toMatch(/^# Mailflow Doctor CASE-\S+: headers/);
      expect(ticket).toMatch(/Authentication: SPF \w+, DKIM \w+, DMARC \w+/);
      expect(ticket).toMatch(/## Hops[\s\S]*1\. \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC /);
    });

    it('a domain check: the DNS records as resolved, with the time of resolution', async () => {
      const [reply] = await bot.say('check spf and dmarc for fabrikam.com', { conversationId: 'a:ticket-domain' });
      const card = cardOf(reply)!;
      expect(cardProblems(card)).toEqual([]);
      const ticket = ticketText(card)!;
      expect(ticket).toMatch(/## DNS records as resolved \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \(DNS\)/);
      expect(ticket).toMatch(/fabrikam\.com TXT "v=spf1/);
      expect(ticket).toMatch(/_dmarc\.fabrikam\.com TXT/);
      expect(ticket).toMatch(/Root cause: .*SPF/i);
    });

    it('a diagnosis: root cause, evidence with times and sources, DNS as resolved, the trace rows and the next steps', async () => {
      const replies = await bot.say('why are emails from news@contoso.com to adatum.com bouncing?', { conversationId: 'a:ticket-diagnosis' });
      const card = lastCard(replies)!;
      expect(cardProblems(card)).toEqual([]);
      const ticket = ticketText(card)!;
      expect(ticket).toMatch(/Root cause \(dmarc, \w+ confidence\): .*DMARC check failed \(5\.7\.509\)/);
      expect(ticket).toMatch(/- \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \[Message trace \(Graph\)\] Trace /);
      expect(ticket).toMatch(/## DNS records as resolved\n- resolved \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC: .*v=spf1/);
      expect(ticket).toMatch(/## Message trace rows \(\d+/);
      expect(ticket).toMatch(/news@contoso\.com \| \S+@adatum\.com \| failed/i);
      expect(ticket).toMatch(/## Next steps\n1\. /);
    });

    it('the quarantine list: each held message with its times, policy and identity', async () => {
      const [reply] = await bot.say('<at>Mailflow Doctor</at> anything quarantined from billing@litware.com?', {
        conversationId: `${CHANNEL};messageid=quarantine`, conversationType: 'channel', extra: { entities: [MENTION] } as never,
      });
      const card = cardOf(reply)!;
      expect(cardProblems(card)).toEqual([]);
      const ticket = ticketText(card)!;
      expect(ticket).toMatch(/held in quarantine/);
      expect(ticket).toMatch(/received \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC: ".*" from billing@litware\.com/);
      expect(ticket).toMatch(/identity \S+\\\S+/);
    });

    it('a connectivity check: the answer as the card says it, with the case id', async () => {
      const [reply] = await bot.say('is 198.51.100.45 blocklisted?', { conversationId: 'a:ticket-ip' });
      const card = cardOf(reply)!;
      expect(cardProblems(card)).toEqual([]);
      const ticket = ticketText(card)!;
      expect(ticket).toMatch(/^# Mailflow Doctor CASE-\S+: ip_check/);
      expect(ticket).toContain('198.51.100.45');
      expect(ticket).toMatch(/## Answer \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)/);
    });

    it('keeps one case per conversation: the second question names the same case', async () => {
      const first = ticketText(cardOf((await bot.say('check dmarc for contoso.com', { conversationId: 'a:ticket-same-case' }))[0]))!;
      const second = ticketText(cardOf((await bot.say('check spf for contoso.com', { conversationId: 'a:ticket-same-case' }))[0]))!;
      expect(CASE_ID.exec(second)?.[0]).toBe(CASE_ID.exec(first)?.[0]);
    });

    it('help is not a result: no "Copy for ticket"', async () => {
      const [reply] = await bot.say('help', { conversationId: 'a:ticket-help' });
      expect(cardOf(reply)).toBeDefined();
      expect(ticketText(cardOf(reply))).toBeUndefined();
    });

    it('a refused tenant gets its refusal card without "Copy for ticket"', async () => {
      const [reply] = await bot.say('check spf for contoso.com', { tenantId: '00000000-dead-4000-8000-000000000000', conversationId: 'a:stranger' });
      expect(cardText(cardOf(reply))).toMatch(/not served/);
      expect(ticketText(cardOf(reply))).toBeUndefined();
    });
  });

  describe('"Export trace (CSV)" in a channel: a signed, short-lived, tenant-bound, single-use link', () => {
    const conversationId = `${CHANNEL};messageid=export`;

    async function diagnoseInChannel() {
      const replies = await bot.say('<at>Mailflow Doctor</at> why did mail to lidia.holloway@contoso.com bounce?', {
        conversationId, conversationType: 'channel', extra: { entities: [MENTION] } as never,
      });
      const card = lastCard(replies)!;
      const button = exportButton(card);
      if (!button) throw new Error('the diagnosis card has no "Export trace (CSV)" button');
      return { card, button };
    }

    async function linkFor(button: { exportId: string; tenantId: string }) {
      const response = await bot.post(pressButton(bot.connector.url, 'evidence.exportTrace', button, { conversationId, kind: 'channel' }));
      const body = response.body as { type: string; value: Record<string, any> };
      expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(cardProblems(body.value)).toEqual([]);
      const url = JSON.stringify(body.value).match(/"url":"([^"]*\/exports\/[^"]+)"/)?.[1];
      if (!url) throw new Error(`no download link on ${JSON.stringify(body.value).slice(0, 300)}`);
      return { card: body.value, path: new URL(url).pathname };
    }

    const download = (path: string) => fetch(`${bot.server.url}${path}`);

    it('the diagnosis card offers the export; the clicker gets the same card with a download link', async () => {
      const { card, button } = await diagnoseInChannel();
      expect(button.tenantId).toBe(DEMO);
      const { card: withLink } = await linkFor(button);
      expect(cardText(withLink)).toContain(cardText(card).split('\n')[0]);
      expect(cardText(withLink)).toMatch(/works once and expires in 15 minutes/);
    });

    it('the CSV has the admin center export columns and the rows the diagnosis read', async () => {
      const { button } = await diagnoseInChannel();
      const { path } = await linkFor(button);
      const response = await download(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="message-trace-CASE-\d{8}-\w{6}-\d{12}\.csv"/);
      const lines = (await response.text()).trim().split('\r\n');
      expect(csvFields(lines[0])).toEqual([...TRACE_CSV_COLUMNS]);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines.slice(1)) {
        const row = Object.fromEntries(csvFields(line).map((value, index) => [TRACE_CSV_COLUMNS[index], value]));
        expect(Object.keys(row)).toHaveLength(TRACE_CSV_COLUMNS.length);
        // Only the rows the question was about: the person's own tenant, this recipient.
        expect(row.recipient_address).toBe('lidia.holloway@contoso.com');
        expect(row.date_time_utc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(row.message_id).toMatch(/^<.+>$/);
        expect(Number(row.size)).toBeGreaterThan(0);
      }
      expect(lines.slice(1).some((line) => /,Failed,/.test(line))).toBe(true);
    });

    it('works once: the second fetch of the same link is 410 Gone', async () => {
      const { button } = await diagnoseInChannel();
      const { path } = await linkFor(button);
      expect((await download(path)).status).toBe(200);
      const again = await download(path);
      expect(again.status).toBe(410);
      expect(await again.text()).toMatch(/used already/);
    });

    it('expires: a link fetched after EXPORT_LINK_TTL_MINUTES is refused (and not spent)', async () => {
      const { button } = await diagnoseInChannel();
      const { path } = await linkFor(button);
      clockOffsetMs = 16 * MINUTE;
      const late = await download(path);
      expect(late.status).toBe(403);
      expect(await late.text()).toMatch(/expired/);
      clockOffsetMs = 14 * MINUTE;
      expect((await download(path)).status).toBe(200);
    });

    it('a bad signature is refused', async () => {
      const { button } = await diagnoseInChannel();
      const { path } = await linkFor(button);
      const token = path.split('/').pop()!;
      const [payload, signature] = token.split('.');
      const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
      expect((await download(`/exports/${payload}.${flipped}`)).status).toBe(403);
      // A payload edited to name another tenant, with the original signature: refused as well.
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...claims, t: OTHER_TENANT_ID })).toString('base64url');
      expect((await download(`/exports/${forged}.${signature}`)).status).toBe(403);
      expect((await download('/exports/not-a-token')).status).toBe(403);
    });

    it('another tenant: a link minted for tenant B cannot fetch tenant A\'s export', async () => {
      const { button } = await diagnoseInChannel();
      const expiresAt = Math.floor(Date.now() / 1000) + 600;
      const { token } = mintToken(EXPORT_KEY, { tenantId: OTHER_TENANT_ID, exportId: button.exportId, expiresAt });
      const response = await download(`/exports/${token}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/lidia/);
    });

    it('another tenant: pressing the button with tenant A\'s export id from tenant B\'s conversation gives nothing', async () => {
      const { button } = await diagnoseInChannel();
      const response = await bot.post(pressButton(bot.connector.url, 'evidence.exportTrace', { exportId: button.exportId }, {
        conversationId: '19:other-helpdesk@thread.tacv2', kind: 'channel', tenantId: OTHER_TENANT_ID,
      }));
      const body = response.body as { type: string; value: unknown };
      expect(body.type).toBe('application/vnd.microsoft.activity.message');
      expect(String(body.value)).toMatch(/no longer available/);
      expect(JSON.stringify(body)).not.toMatch(/\/exports\//);
    });
  });

  describe('"Export trace (CSV)" in personal chat: the Teams file consent flow', () => {
    it('offers a FileConsentCard; on accept the CSV is PUT to the upload URL and a FileInfoCard is posted', async () => {
      const upload = await startUploadTarget();
      try {
        const replies = await bot.say('why did mail to lidia.holloway@contoso.com bounce?');
        const button = exportButton(lastCard(replies))!;
        expect(button).toBeDefined();

        const pressed = await bot.post(pressButton(bot.connector.url, 'evidence.exportTrace', button));
        expect(String((pressed.body as { value: unknown }).value)).toMatch(/Allow the file below/);
        const consent = pressed.replies.flatMap((call) => call.activity.attachments ?? []).find((item) => item.contentType === 'application/vnd.microsoft.teams.card.file.consent');
        expect(consent).toBeDefined();
        expect(consent!.name).toMatch(/^message-trace-CASE-.*\.csv$/);
        const content = consent!.content as { sizeInBytes: number; acceptContext: { exportId: string }; description: string };
        expect(content.acceptContext).toEqual({ exportId: button.exportId });
        expect(content.description).toMatch(/Message trace export: \d+ rows? for CASE-/);

        const accepted = await bot.post(fileConsentAccept(bot.connector.url, content.acceptContext, `${upload.url}/upload/session-1`));
        expect(accepted.status).toBe(200);
        expect(upload.uploads).toHaveLength(1);
        const [put] = upload.uploads;
        expect(put.method).toBe('PUT');
        expect(put.path).toBe('/upload/session-1');
        expect(Buffer.byteLength(put.body)).toBe(content.sizeInBytes);
        expect(put.headers['content-range']).toBe(`bytes 0-${content.sizeInBytes - 1}/${content.sizeInBytes}`);
        expect(csvFields(put.body.split('\r\n')[0])).toEqual([...TRACE_CSV_COLUMNS]);
        expect(put.body).toContain('lidia.holloway@contoso.com');

        const info = accepted.replies.flatMap((call) => call.activity.attachments ?? []).find((item) => item.contentType === 'application/vnd.microsoft.teams.card.file.info');
        expect(info).toMatchObject({ name: 'message-trace.csv', content: { uniqueId: 'a1b2c3d4-0000-4000-8000-00000000f11e', fileType: 'csv' } });
        expect(info!.contentUrl).toMatch(/^https:\/\/contoso-my\.sharepoint\.com\//);
      } finally {
        await upload.close();
      }
    });

    it('an accept naming an export of another tenant uploads nothing', async () => {
      const upload = await startUploadTarget();
      try {
        const replies = await bot.say('why did mail to lidia.holloway@contoso.com bounce?');
        const button = exportButton(lastCard(replies))!;
        const stranger = { id: '29:other-admin', name: 'Other Admin', aadObjectId: '0000aaaa-0000-4000-8000-000000000099' };
        const accepted = await bot.post(fileConsentAccept(bot.connector.url, { exportId: button.exportId }, `${upload.url}/upload/x`, { from: stranger, tenantId: OTHER_TENANT_ID }));
        expect(accepted.status).toBe(200);
        expect(upload.uploads).toHaveLength(0);
        expect(accepted.replies.map((call) => call.activity.text).join(' ')).toMatch(/no longer available/);
      } finally {
        await upload.close();
      }
    });
  });
});
