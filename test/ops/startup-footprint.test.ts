import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Idle memory (issue 11: under 150 MB) depends on what start-up loads. The capability libraries an idle bot never
 * uses are loaded on first use; this keeps an innocent-looking import from bringing one back at start-up.
 */
describe('what the bot loads before its first message', () => {
  let loaded: string[];
  let sources: string[];
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'load-startup.js')], { timeout: 60_000 });
    ({ packages: loaded, sources } = JSON.parse(stdout) as { packages: string[]; sources: string[] });
  }, 90_000);

  it('loads the Bot Framework it answers with', () => {
    expect(loaded).toEqual(expect.arrayContaining(['@microsoft/teams-ai', 'botbuilder', 'express']));
  });

  it('leaves the Azure storage SDKs and the SMTP client for their first use, even with storage configured', () => {
    expect(loaded).not.toContain('@azure/storage-blob');
    expect(loaded).not.toContain('@azure/data-tables');
    expect(loaded).not.toContain('botbuilder-azure-blobs');
    expect(loaded).not.toContain('nodemailer');
  });

  it('loads teams-ai through its modules, without the AI planners, the OpenAI client and the tokenizer', () => {
    expect(loaded).not.toContain('@microsoft/teams-ai (index)');
    expect(loaded).not.toContain('openai');
    expect(loaded).not.toContain('gpt-tokenizer');
  });

  it('never loads the emulator', () => {
    expect(sources).toContain('bot/app.ts');
    expect(sources.filter((file) => file.startsWith('emulator/'))).toEqual([]);
  });
});
