import type { Command } from 'commander';
import { loadConfig } from '../../config';
import type { AuditEntry } from '../../quarantine';
import { createQuarantineStores } from '../../sources/storage';
import { CliError, printJson } from '../io';

/** One line per entry, for people: time, event, who, message, why. */
export function auditLine(entry: AuditEntry): string {
  const who = entry.actor.name ? `${entry.actor.name} (${entry.actor.aadObjectId ?? entry.actor.userId})` : entry.actor.userId;
  const message = entry.sender || entry.subject ? ` "${entry.subject ?? ''}" from ${entry.sender ?? '?'}` : '';
  const request = entry.requestId ? ` request ${entry.requestId}` : '';
  const detail = entry.detail ? `: ${entry.detail}` : '';
  return `${entry.at}  ${entry.event.padEnd(14)} ${who} tenant ${entry.tenantId}${request}${message}${detail}`;
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('print the quarantine release audit log (requested, approved, rejected, released, release-failed, expired, refused)')
    .option('--since <iso>', 'only entries at or after this time (ISO 8601, e.g. 2026-11-20T00:00:00Z)')
    .option('--tenant <id>', 'only this tenant')
    .option('--format <format>', 'json or text', 'json')
    .action(async (options: { since?: string; tenant?: string; format: string }) => {
      if (options.format !== 'json' && options.format !== 'text') throw new CliError(`--format must be json or text, not "${options.format}"`);
      let since: Date | undefined;
      if (options.since !== undefined) {
        since = new Date(options.since);
        if (!/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(since.getTime())) {
          throw new CliError(`--since must be an ISO 8601 time such as 2026-11-20T00:00:00Z, not "${options.since}"`);
        }
      }
      const config = loadConfig(process.env);
      const stores = createQuarantineStores(config);
      if (stores.kind === 'memory') {
        throw new CliError('the audit log lives in Azure Table storage: set STORAGE_CONNECTION_STRING (Azurite) or STORAGE_ACCOUNT_URL');
      }
      let entries: readonly AuditEntry[];
      try {
        entries = await stores.audit.list({ since, tenantId: options.tenant });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        throw new CliError(`cannot read the audit log: ${status ? `storage answered ${status}` : (error as Error).message.split('\n')[0]}`);
      }
      if (options.format === 'json') printJson(entries);
      else process.stdout.write(entries.length === 0 ? 'no audit entries\n' : entries.map(auditLine).join('\n') + '\n');
    });
}
