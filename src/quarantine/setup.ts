import { ConfiguredApprovers } from './approvers';
import { ConfigError } from '../config';
import type { ApprovalChannel, ReleasePolicy } from './policy';
import type {
  AuditLog, GroupMembership, QuarantineGateway, QuarantineServices, ReleaseRequestStore, WriteFailureReporter, WriteJournal,
} from './ports';

export interface QuarantineSettings {
  readonly ALLOWED_TENANT_IDS: readonly string[];
  readonly TENANT_ID?: string;
  readonly APPROVER_IDS: readonly string[];
  readonly APPROVER_GROUP_IDS: readonly string[];
  readonly APPROVAL_TTL_HOURS: number;
  readonly APPROVAL_CONVERSATION_ID?: string;
}

/**
 * The tenants whose users may act: ALLOWED_TENANT_IDS plus every tenant the bot holds credentials for (the same
 * set the bot's tenant gate serves). Unlike the gate, an empty set admits nobody: a release needs a tenant.
 */
export function releasePolicyOf(settings: QuarantineSettings, credentialedTenantIds: readonly string[] = []): ReleasePolicy {
  const tenants = [...settings.ALLOWED_TENANT_IDS, ...credentialedTenantIds, ...(settings.TENANT_ID ? [settings.TENANT_ID] : [])];
  const allowedTenantIds = [...new Set(tenants.map((id) => id.toLowerCase()))];
  return { allowedTenantIds, ttlHours: settings.APPROVAL_TTL_HOURS, approvalChannel: approvalChannelOf(settings, allowedTenantIds) };
}

/** The approvers' channel lives in TENANT_ID's Teams, or in the only tenant served; with several, TENANT_ID must say. */
function approvalChannelOf(settings: QuarantineSettings, allowedTenantIds: readonly string[]): ApprovalChannel | null {
  const conversationId = settings.APPROVAL_CONVERSATION_ID;
  if (!conversationId) return null;
  const tenantId = settings.TENANT_ID?.toLowerCase() ?? (allowedTenantIds.length === 1 ? allowedTenantIds[0] : null);
  if (!tenantId) {
    throw new ConfigError('configuration: APPROVAL_CONVERSATION_ID needs TENANT_ID (the tenant whose Teams holds that channel) when several tenants are served');
  }
  return { tenantId, conversationId };
}

export function createQuarantineServices(
  settings: QuarantineSettings,
  parts: {
    readonly requests: ReleaseRequestStore;
    readonly audit: AuditLog;
    readonly gateway: QuarantineGateway | null;
    readonly groups: GroupMembership | null;
    /** Tenants with credentials; they may act when ALLOWED_TENANT_IDS is empty. */
    readonly credentialedTenantIds?: readonly string[];
    readonly journal?: WriteJournal;
    readonly reportWriteFailure?: WriteFailureReporter;
  },
): QuarantineServices {
  return {
    journal: parts.journal,
    reportWriteFailure: parts.reportWriteFailure,
    gateway: parts.gateway,
    requests: parts.requests,
    audit: parts.audit,
    approvers: new ConfiguredApprovers(
      { approverIds: settings.APPROVER_IDS, approverGroupIds: settings.APPROVER_GROUP_IDS },
      parts.groups,
      parts.requests,
    ),
    policy: releasePolicyOf(settings, parts.credentialedTenantIds),
  };
}
