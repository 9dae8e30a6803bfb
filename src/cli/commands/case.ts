import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { readCase } from '../../evidence/case-record';
import { isCaseId } from '../../model/case';
import { createCaseLog, createQuarantineStores } from '../../sources/storage';
import { CliError, printJson } from '../io';

/** `mailflow-doctor case CASE-20261122-7F3A9K`: the case's questions, findings, actions and approvals, as JSON. */
export function registerCase(program: Command): void {
  program
    .command('case')
    .description('print a case record from storage: its questions, findings, actions and quarantine approvals (JSON)')
    .argument('<case-id>', 'the case id shown under "Copy for ticket", e.g. CASE-20261122-7F3A9K')
    .action(async (typed: string) => {
      const caseId = typed.trim().toUpperCase();
      if (!isCaseId(caseId)) throw new CliError(`"${typed}" is not a case id; they look like CASE-20261122-7F3A9K`);
      const config = loadConfig(process.env);
      const cases = createCaseLog(config);
      if (cases.kind === 'memory') {
        throw new CliError('the case log lives in Azure Table storage: set STORAGE_CONNECTION_STRING (Azurite) or STORAGE_ACCOUNT_URL');
      }
      const audit = createQuarantineStores(config).audit;
      let record;
      try {
        record = await readCase(caseId, cases.log, audit);
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        throw new CliError(`cannot read the case log: ${status ? `storage answered ${status}` : (error as Error).message.split('\n')[0]}`);
      }
      if (!record) throw new CliError(`no case ${caseId} in the case log`);
      printJson(record);
    });
}
