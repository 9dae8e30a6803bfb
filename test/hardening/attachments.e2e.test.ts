import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { httpsOnly, MAX_ATTACHMENT_BYTES, readTextAttachments, TEAMS_FILE_DOWNLOAD_INFO } from '../../src/bot/attachments';
import { projectPath } from '../../src/paths';
import { cardOf, cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { startHardeningBot, type HardeningBot } from './support';

const bounce = readFileSync(projectPath('test', 'ndr', 'fixtures', 'postfix-bounce.eml'), 'utf8');
const headers = readFileSync(projectPath('test', 'headers', 'fixtures', 'exo-spoof-junked.txt'), 'utf8');

/** Stands in for SharePoint's download URLs: files, an oversized one with and without Content-Length, failures. */
async function startFileServer() {
  const served: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    served.push(req.path);
    next();
  });
  app.get('/bounce.eml', (_req, res) => res.type('message/rfc822').send(bounce));
  app.get('/headers.txt', (_req, res) => res.type('text/plain').send(headers));
  app.get('/big.eml', (_req, res) => res.type('message/rfc822').send('x'.repeat(MAX_ATTACHMENT_BYTES + 1)));
  app.get('/endless.eml', (_req, res) => {
    // Chunked, no Content-Length: the limit must hold while streaming.
    res.type('message/rfc822');
    const chunk = 'Received: from a.example\r\n'.repeat(2000);
    let sent = 0;
    const pump = () => {
      while (sent < 4 * MAX_ATTACHMENT_BYTES) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  app.get('/binary.eml', (_req, res) => res.type('application/octet-stream').send(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2])));
  app.get('/missing.eml', (_req, res) => res.status(404).send('not found'));
  app.get('/redirect.eml', (_req, res) => res.redirect(302, '/bounce.eml'));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const teamsFile = (name: string, downloadUrl: string) => ({
  contentType: TEAMS_FILE_DOWNLOAD_INFO,
  contentUrl: downloadUrl.replace('/download', '/view'),
  name,
  content: { downloadUrl, uniqueId: 'file-1', fileType: name.split('.').pop() },
});

/** Tests may fetch from the loopback file server; production allows only https to named hosts. */
const loopbackAllowed = (url: URL) => httpsOnly(url) || (url.protocol === 'http:' && url.hostname === '127.0.0.1');

describe('a helpdesk engineer attaches files to a message', () => {
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let bot: HardeningBot;
  beforeAll(async () => {
    files = await startFileServer();
    bot = await startHardeningBot({ attachments: { allowUrl: loopbackAllowed } });
  });
  afterAll(async () => {
    await bot?.close();
    await files?.close();
  });

  const send = (text: string, attachments: unknown[]) => bot.say(text, { extra: { attachments } as never });

  it('reads an attached .eml bounce (Teams file) and explains it', async () => {
    const replies = await send('', [teamsFile('bounce.eml', `${files.url}/bounce.eml`)]);
    const card = cardOf(replies[0]);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('5.7.26');
    expect(text).toContain('kim@adatum.example');
    expect(replies).toHaveLength(1);
  });

  it('reads headers saved as .txt, sent inline as text/plain by other clients', async () => {
    const replies = await send('what do these headers say?', [{ contentType: 'text/plain', name: 'headers.txt', content: headers }]);
    const card = cardOf(replies[0]);
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toMatch(/header/i);
  });

  it('reads a data: URL (Web Chat) without any network call', async () => {
    const before = files.served.length;
    const dataUrl = `data:message/rfc822;base64,${Buffer.from(bounce).toString('base64')}`;
    const replies = await send('', [{ contentType: 'message/rfc822', name: 'bounce.eml', contentUrl: dataUrl }]);
    expect(cardText(cardOf(replies[0]))).toContain('5.7.26');
    expect(files.served.length).toBe(before);
  });

  it('ignores an image with a notice, and still answers the question', async () => {
    const replies = await send('what does 5.7.26 mean?', [{ contentType: 'image/png', name: 'screenshot.png', contentUrl: `${files.url}/screenshot.png` }]);
    expect(cardText(cardOf(replies[0]))).toContain('5.7.26');
    expect(replies.map((reply) => reply.activity.text ?? '').join('\n')).toContain('I ignored screenshot.png: I read only .eml and .txt files');
    expect(files.served).not.toContain('/screenshot.png');
  });

  it('ignores a PDF shared from OneDrive with a notice, without downloading it', async () => {
    const replies = await send('help', [teamsFile('report.pdf', `${files.url}/report.pdf`)]);
    expect(replies.map((reply) => reply.activity.text ?? '').join('\n')).toContain('I ignored report.pdf');
    expect(files.served).not.toContain('/report.pdf');
  });

  it.each([
    ['declares its size (Content-Length)', 'big.eml'],
    ['streams without a length', 'endless.eml'],
  ])('refuses a file over 1 MB that %s, with a notice', async (_how, name) => {
    const replies = await send('help', [teamsFile(name, `${files.url}/${name}`)]);
    expect(replies.map((reply) => reply.activity.text ?? '').join('\n')).toContain(`I ignored ${name}: it is larger than 1 MB`);
  });

  it('refuses an inline text attachment over 1 MB', async () => {
    const replies = await send('help', [{ contentType: 'text/plain', name: 'huge.txt', content: 'a'.repeat(MAX_ATTACHMENT_BYTES + 10) }]);
    expect(replies.map((reply) => reply.activity.text ?? '').join('\n')).toContain('I ignored huge.txt: it is larger than 1 MB');
  });

  it.each([
    ['a binary file named .eml', 'binary.eml', 'it is not a text file'],
    ['a missing file', 'missing.eml', 'the server answered 404'],
    ['a redirect (it could lead anywhere)', 'redirect.eml', 'I could not download redirect.eml'],
  ])('answers %s with a notice, never an error', async (_situation, name, notice) => {
    const replies = await send('help', [teamsFile(name, `${files.url}/${name}`)]);
    expect(cardText(cardOf(replies[0]))).toContain('Here is what I can do');
    expect(replies.map((reply) => reply.activity.text ?? '').join('\n')).toContain(notice);
  });

  it('does not treat the HTML copy of the message Teams attaches as a file', async () => {
    const replies = await send('help', [{ contentType: 'text/html', content: '<p>help</p>' }]);
    expect(replies).toHaveLength(1);
  });

  it('ignores garbage attachment entries without failing the turn', async () => {
    const replies = await send('help', [null, 42, { contentType: 42 }, { contentType: TEAMS_FILE_DOWNLOAD_INFO, name: 'x.eml', content: 'nope' }, 'str']);
    expect(cardText(cardOf(replies[0]))).toContain('Here is what I can do');
  });
});

describe('a file attached from a tenant the bot does not serve', () => {
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let bot: HardeningBot;
  beforeAll(async () => {
    files = await startFileServer();
    bot = await startHardeningBot({ env: { ALLOWED_TENANT_IDS: '11111111-1111-4111-8111-111111111111' }, attachments: { allowUrl: loopbackAllowed } });
  });
  afterAll(async () => {
    await bot?.close();
    await files?.close();
  });

  it('is not downloaded at all: the turn is refused first', async () => {
    const replies = await bot.say('', { tenantId: '99999999-9999-4999-8999-999999999999', extra: { attachments: [teamsFile('bounce.eml', `${files.url}/bounce.eml`)] } as never });
    expect(cardText(cardOf(replies[0]))).toContain('not served by this Mailflow Doctor');
    expect(files.served).toEqual([]);
  });
});

describe('what the production download policy fetches', () => {
  it.each([
    ['https://contoso.sharepoint.com/personal/alex/_layouts/15/download.aspx?UniqueId=1&tempauth=x', true],
    ['http://contoso.sharepoint.com/download.aspx', false],
    ['https://127.0.0.1/bounce.eml', false],
    ['https://169.254.169.254/metadata/instance', false],
    ['https://[::1]/bounce.eml', false],
    ['https://localhost/bounce.eml', false],
    ['https://user:pass@contoso.sharepoint.com/x.eml', false],
    ['file:///etc/passwd', false],
    ['ftp://contoso.example/x.eml', false],
  ])('%s → %s', (url, allowed) => {
    expect(httpsOnly(new URL(url))).toBe(allowed);
  });

  it('does not call the downloader for a URL the policy refuses (http, file:, internal addresses)', async () => {
    const asked: string[] = [];
    const download = async (url: URL) => {
      asked.push(url.href);
      return { kind: 'ok' as const, bytes: Buffer.from('x') };
    };
    const refused = ['http://contoso.sharepoint.com/a.eml', 'file:///etc/passwd', 'https://10.0.0.5/c.eml', 'not a url'];
    for (const url of refused) {
      const result = await readTextAttachments([teamsFile('a.eml', url)], { download });
      expect(result.attachments).toEqual([]);
      expect(result.notices).toEqual([expect.stringContaining('only over https')]);
    }
    expect(asked).toEqual([]);
  });

  it('reads at most three files of one message', async () => {
    const many = Array.from({ length: 5 }, (_, index) => ({ contentType: 'text/plain', name: `n${index}.txt`, content: `note ${index}` }));
    const result = await readTextAttachments(many);
    expect(result.attachments.map((file) => file.name)).toEqual(['n0.txt', 'n1.txt', 'n2.txt']);
    expect(result.notices).toHaveLength(2);
  });

  it('keeps markup and template syntax out of the file names it repeats in notices', async () => {
    const result = await readTextAttachments([{ contentType: 'image/png', name: '[click](https://evil.example) ${x} <at>Megan</at>.png' }]);
    expect(result.notices[0]).not.toMatch(/\]\(|\$\{|<at>/);
  });
});
