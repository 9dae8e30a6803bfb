import type { Command } from 'commander';
import { analyzeNdr } from '../../analyzers/ndr';
import { printJson, readInput } from '../io';

/** `mailflow-doctor ndr [FILE|-]`: explain a pasted NDR, a DSN or a whole bounce .eml. */
export function registerNdr(program: Command): void {
  program
    .command('ndr')
    .description('explain a non-delivery report: pasted NDR text, a raw DSN or a bounce .eml (FILE, or stdin with - or no FILE)')
    .argument('[file]', 'the NDR file, or - for stdin')
    .action((file: string | undefined) => {
      // "not an NDR" is an answer, not an error: it is printed as JSON like any other result.
      printJson(analyzeNdr(readInput(file)));
    });
}
