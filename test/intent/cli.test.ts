import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';

const run = (...args: string[]) => runCli(args);

describe('mailflow-doctor intent', () => {
  it('prints the JSON contract for a question', async () => {
    const { code, stdout } = await run('intent', '--now', '2026-11-20T15:00:00Z', '--tz', 'America/New_York', 'find', 'messages', 'sent', 'to', 'Ivan@Contoso.com', 'yesterday');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['intent', 'symptom', 'senders', 'recipients', 'domains', 'codes', 'messageId', 'quarantineId', 'window', 'checks']));
    expect(json).toMatchObject({ intent: 'trace', recipients: ['ivan@contoso.com'], window: { start: '2026-11-19T05:00:00Z', end: '2026-11-20T05:00:00Z' } });
  });

  it('resolves a follow-up with --previous', async () => {
    const { stdout } = await run('intent', '--previous', 'jill@contoso.com can not send to orders@adatum.com', 'check their spf');
    expect(JSON.parse(stdout)).toMatchObject({ intent: 'domain', domains: ['adatum.com'], checks: ['spf'], followUp: true });
  });

  it('names a pasted NDR’s sender and recipient as the bot does (the NDR analyzer reads them), also for a follow-up', async () => {
    const ndr = `why did this bounce?\n${readFileSync(join(__dirname, '..', 'ndr', 'fixtures', 'exo-current.txt'), 'utf8')}`;
    expect(JSON.parse((await run('intent', ndr)).stdout)).toMatchObject({ intent: 'ndr', senders: ['alex@fabrikam.com'], recipients: ['bob@contoso.com'], codes: ['5.1.10'] });
    // The recipient's side is "theirs" after a bounce: the follow-up checks contoso.com, as the bot would.
    expect(JSON.parse((await run('intent', '--previous', ndr, 'check their spf')).stdout)).toMatchObject({ intent: 'domain', domains: ['contoso.com'], checks: ['spf'], followUp: true });
  });

  it('refuses a bad clock or time zone with one clear line and exit code 2', async () => {
    expect(await run('intent', '--now', 'yesterday-ish', 'hello')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--now must be an ISO 8601/) });
    expect(await run('intent', '--tz', 'Mars/Base', 'hello')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--tz must be an IANA time zone/) });
  });
});
