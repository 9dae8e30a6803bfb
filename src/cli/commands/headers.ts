import type { Command } from 'commander';
import { analyzeHeaders } from '../../analyzers/headers';
import { CliError, printJson, readInput } from '../io';

export function registerHeaders(program: Command): void {
  program
    .command('headers')
    .description('analyze pasted message headers: hops and delays, SPF/DKIM/DMARC/compauth, antispam verdict (JSON)')
    .argument('[file]', 'a file with the headers, or - for stdin', '-')
    .action((file: string) => {
      const report = analyzeHeaders(readInput(file));
      if (report.kind === 'no-headers') throw new CliError(report.expected);
      // The discriminator and the per-signature detail serve the library and the card; the printed JSON is the contract.
      const { kind: _kind, dkimSignatures: _signatures, ...contract } = report;
      printJson(contract);
    });
}
