import type { Command } from 'commander';
import { respond } from '../../assistant/respond';
import type { Services } from '../../assistant/services';
import type { TurnInput } from '../../assistant/turn';
import { createServices } from '../../compose';
import { loadConfig } from '../../config';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { rerunTrustingEmulator } from '../../demo/trust';
import { CliError, printJson } from '../io';

type Format = 'json' | 'card' | 'text';

interface AskOptions {
  tenant?: string;
  format: string;
  tz?: string;
}

/**
 * `ask` runs one question through the same front door as the bot. `--tenant demo` needs nothing running: it starts
 * the demo tenant's Microsoft 365 emulator and DNS server in-process on loopback, and stops them when done.
 */
export function registerAsk(program: Command): void {
  program
    .command('ask')
    .description('ask what you would ask the bot; prints the finding (json), the Adaptive Card (card) or plain text')
    .option('--tenant <id>', '"demo" for the built-in demo tenant, or a configured tenant id (default TENANT_ID)')
    .option('--format <format>', 'json | card | text', 'json')
    .option('--tz <iana>', 'your time zone for "yesterday" and "this morning"', 'UTC')
    .argument('<text...>', 'the question, e.g. why did mail to bob@contoso.com bounce?')
    .action(async (words: string[], options: AskOptions) => {
      const format = options.format as Format;
      if (!['json', 'card', 'text'].includes(format)) throw new CliError(`--format must be json, card or text, not "${options.format}"`);
      if (options.tenant === 'demo') {
        const rerun = await rerunTrustingEmulator();
        if (rerun !== null) {
          process.exitCode = rerun;
          return;
        }
      }
      let stack: DemoStack | null = null;
      try {
        if (options.tenant === 'demo') stack = await startDemoStack({ storage: false });
        const env = stack ? { ...process.env, ...stack.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' } : process.env;
        const config = loadConfig(env);
        const services: Services = { ...createServices(config), ...(stack ? { fetchMtaStsPolicy: stack.mtaStsPolicies } : {}) };
        const tenantId = stack ? config.TENANT_ID ?? null : options.tenant ?? config.TENANT_ID ?? null;
        const turn: TurnInput = {
          text: words.join(' '),
          attachments: [],
          notices: [],
          actor: { userId: 'cli', aadObjectId: null, name: 'command line' },
          conversation: { id: 'cli', kind: 'personal', tenantId },
          timeZone: options.tz ?? 'UTC',
          now: services.now(),
        };
        const answer = await respond(turn, {}, services);
        const reply = answer.replies[0];
        if (format === 'text') process.stdout.write(answer.replies.map((item) => item.text).join('\n\n') + '\n');
        else if (format === 'card') printJson(reply.kind === 'card' ? reply.card : { text: reply.text });
        else printJson({ intent: answer.request.intent, result: reply.kind === 'card' ? reply.data ?? null : null, text: reply.text });
      } finally {
        await stack?.close();
      }
    });
}
