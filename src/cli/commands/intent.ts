import type { Command } from 'commander';
import { parseRequest, type ParseContext } from '../../analyzers/intent';
import { peopleInNdr } from '../../assistant/handlers/ndr';
import type { ParsedRequest } from '../../model/intent';
import { withPeople } from '../../model/reply';
import { CliError, printJson } from '../io';

interface IntentOptions {
  readonly now?: string;
  readonly tz?: string;
  readonly previous?: string;
}

/**
 * `mailflow-doctor intent [--now ISO] [--tz IANA] [--previous TEXT] TEXT…`: what the bot understands from a message,
 * as JSON (the ParsedRequest contract), a pasted NDR's people included. `--previous` resolves a follow-up against an
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
      const previous = options.previous === undefined ? undefined : understood(options.previous, context);
      printJson(understood(words.join(' '), { ...context, previous }));
    });
}

/** As the bot understands a message: a pasted NDR's people are the ones its analyzer reads (the parser leaves them). */
function understood(text: string, context: ParseContext): ParsedRequest {
  const request = parseRequest(text, context);
  const found = request.intent === 'ndr' && request.pasted ? peopleInNdr(request.pasted) : null;
  return found ? withPeople(request, found) : request;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
