import type { Command } from 'commander';
import { understandMessage } from '../../assistant/understand';
import { CliError, printJson } from '../io';

interface IntentOptions {
  readonly now?: string;
  readonly tz?: string;
  readonly previous?: string;
}

/**
 * `mailflow-doctor intent [--now ISO] [--tz IANA] [--previous TEXT] TEXT…`: what the bot understands from a message,
 * as JSON (the ParsedRequest contract), a pasted NDR's people and codes included. `--previous` resolves a follow-up against an
 * earlier question.
 */
export function registerIntent(program: Command): void {
  program
    .command('intent')
    .description('show how a helpdesk message is understood: intent, people, domains, codes and time window (JSON)')
    .argument('<text...>', 'the message, as typed in Teams')
    .option('--now <iso>', 'the clock to read "yesterday" against (default: now)')
    .option('--tz <iana>', 'the time zone of the person asking, e.g. America/New_York (default: UTC)', 'UTC')
    .option('--previous <text>', 'the question asked just before, to resolve a follow-up ("and yesterday?")')
    .action((words: string[], options: IntentOptions) => {
      const now = options.now === undefined ? new Date() : new Date(options.now);
      if (Number.isNaN(now.getTime())) throw new CliError(`--now must be an ISO 8601 date-time, got "${options.now}"`);
      const timeZone = options.tz ?? 'UTC';
      if (!isTimeZone(timeZone)) throw new CliError(`--tz must be an IANA time zone such as Europe/Berlin, got "${timeZone}"`);
      const context = { now, timeZone };
      const previous = options.previous === undefined ? undefined : understandMessage(options.previous, context);
      printJson(understandMessage(words.join(' '), { ...context, previous }));
    });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
