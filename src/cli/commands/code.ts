import type { Command } from 'commander';
import { explainCode } from '../../analyzers/ndr';
import { CliError, printJson } from '../io';

/** `mailflow-doctor code 5.7.708` or `mailflow-doctor code "550 5.7.708 Access denied"`. */
export function registerCode(program: Command): void {
  program
    .command('code')
    .description('explain an SMTP status code or server reply, e.g. 5.7.708 or "550 5.1.1 User unknown"')
    .argument('<code...>', 'the code, or the whole reply text')
    .action((words: string[]) => {
      const asked = words.join(' ');
      const explained = explainCode(asked);
      if (!explained) throw new CliError(`no status code or recognisable server reply in "${asked.slice(0, 80)}" (try 5.7.708 or "550 5.1.1 User unknown")`);
      printJson(explained);
    });
}
