import { failed, ok, type Result } from '../model/result';
import {
  explainFailure, type QuarantinedMessage as ExchangeQuarantined, type TenantDirectory, type TenantFailure,
} from '../sources/tenant';
import { QUARANTINE_TYPES, type QuarantinedMessage, type QuarantineReleaseStatus, type QuarantineType } from './model';
import type { GroupMembership, QuarantineGateway } from './ports';

/** Exchange answers ReleaseStatus in upper case (NOTRELEASED); filters use PascalCase (NotReleased). */
const RELEASE_STATUSES: Readonly<Record<string, QuarantineReleaseStatus>> = {
  NOTRELEASED: 'NotReleased', REQUESTED: 'Requested', APPROVED: 'Approved', DENIED: 'Denied',
  PREPARINGTORELEASE: 'PreparingToRelease', RELEASED: 'Released', ERROR: 'Error',
};

function typeOf(row: ExchangeQuarantined): QuarantineType {
  // `QuarantineTypes` holds the filter name (HighConfPhish); `Type` the label ("High Confidence Phish").
  for (const candidate of [row.quarantineTypes, row.type]) {
    const found = QUARANTINE_TYPES.find((type) => type.toLowerCase() === candidate.replace(/\s+/g, '').toLowerCase());
    if (found) return found;
  }
  return /high\s*confidence\s*phish/i.test(row.type) ? 'HighConfPhish' : 'Other';
}

export function quarantinedOf(row: ExchangeQuarantined): QuarantinedMessage {
  return {
    identity: row.identity,
    messageId: row.messageId || null,
    receivedAt: row.receivedTime,
    sender: row.senderAddress,
    recipients: row.recipientAddress,
    subject: row.subject,
    type: typeOf(row),
    typeLabel: row.type || row.quarantineTypes || 'Unknown',
    policyType: row.policyType || null,
    policyName: row.policyName || null,
    expiresAt: row.expires,
    releaseStatus: RELEASE_STATUSES[row.releaseStatus.toUpperCase()] ?? 'Unknown',
    direction: row.direction === 'Inbound' || row.direction === 'Outbound' ? row.direction : null,
  };
}

const because = (failure: TenantFailure): string => explainFailure(failure).summary.replace(/\.$/, '');

/** The release workflow's view of Exchange Online quarantine, through the tenant's Exchange admin client. */
export class ExchangeQuarantineGateway implements QuarantineGateway {
  constructor(private readonly tenants: TenantDirectory) {}

  private exchange(tenantId: string) {
    const clients = this.tenants.forTenant(tenantId);
    return clients.kind === 'ok' ? clients.value.exchange : null;
  }

  async list(tenantId: string, query: Parameters<QuarantineGateway['list']>[1]): Promise<Result<readonly QuarantinedMessage[]>> {
    const exchange = this.exchange(tenantId);
    if (!exchange) return failed('this tenant is not configured for Mailflow Doctor');
    const rows = await exchange.listQuarantine({
      senderAddress: query.senders.length ? query.senders : undefined,
      recipientAddress: query.recipients.length ? query.recipients : undefined,
      subject: query.subject ?? undefined,
      startReceivedDate: query.receivedFrom ?? undefined,
      endReceivedDate: query.receivedTo ?? undefined,
      pageSize: Math.min(1000, Math.max(1, query.limit)),
      maxPages: 1,
    });
    if (rows.kind === 'notFound') return ok([]);
    if (rows.kind === 'failed') return failed(because(rows.reason));
    return ok(rows.value.slice(0, query.limit).map(quarantinedOf));
  }

  async get(tenantId: string, identity: string): Promise<Result<QuarantinedMessage>> {
    const exchange = this.exchange(tenantId);
    if (!exchange) return failed('this tenant is not configured for Mailflow Doctor');
    const row = await exchange.getQuarantineMessage(identity);
    if (row.kind === 'failed') return failed(because(row.reason));
    return row.kind === 'ok' ? ok(quarantinedOf(row.value)) : row;
  }

  async header(tenantId: string, identity: string): Promise<Result<string>> {
    const exchange = this.exchange(tenantId);
    if (!exchange) return failed('this tenant is not configured for Mailflow Doctor');
    const header = await exchange.quarantineHeader(identity);
    return header.kind === 'failed' ? failed(because(header.reason)) : header;
  }

  async release(tenantId: string, identity: string, options: { allowSender: boolean; reportFalsePositive: boolean }): Promise<Result<void>> {
    const exchange = this.exchange(tenantId);
    if (!exchange) return failed('this tenant is not configured for Mailflow Doctor');
    // No `users`: Release-QuarantineMessage -ReleaseToAll, every original recipient gets it.
    const released = await exchange.releaseQuarantineMessage(identity, {
      allowSender: options.allowSender,
      reportFalsePositive: options.reportFalsePositive,
    });
    if (released.kind === 'failed') return failed(because(released.reason));
    if (released.kind === 'notFound') return failed('the message is no longer in quarantine');
    return ok(undefined);
  }
}

/** Approver group membership through Graph `checkMemberGroups` (transitive). */
export class GraphGroupMembership implements GroupMembership {
  constructor(private readonly tenants: TenantDirectory) {}

  async memberGroups(tenantId: string, userObjectId: string, groupIds: readonly string[]): Promise<Result<readonly string[]>> {
    const clients = this.tenants.forTenant(tenantId);
    if (clients.kind !== 'ok') return failed('this tenant is not configured for Mailflow Doctor');
    const groups = await clients.value.graph.checkMemberGroups(userObjectId, groupIds);
    if (groups.kind === 'failed') return failed(because(groups.reason));
    return groups.kind === 'ok' ? groups : ok([]);
  }

  /**
   * The union over the groups; a group that is gone counts as empty, a group Graph failed to list fails the whole.
   * The first 999 members of each group only: one Graph call per group, however large it is.
   */
  async memberIds(tenantId: string, groupIds: readonly string[]): Promise<Result<readonly string[]>> {
    const clients = this.tenants.forTenant(tenantId);
    if (clients.kind !== 'ok') return failed('this tenant is not configured for Mailflow Doctor');
    const listed = await Promise.all(groupIds.map((groupId) => clients.value.graph.groupMemberIds(groupId, 1)));
    const failure = listed.find((result) => result.kind === 'failed');
    if (failure?.kind === 'failed') return failed(because(failure.reason));
    return ok([...new Set(listed.flatMap((result) => (result.kind === 'ok' ? result.value : [])))]);
  }
}
