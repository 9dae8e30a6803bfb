/** Quarantine review and four-eyes release: the front door for the assistant, the CLI and the composition root. */
export * from './model';
export type {
  ApproverCheck, ApproverDirectory, AuditLog, AuditQuery, ConditionalWrite, DurableWrite, GroupMembership, MemberLookup, QuarantineGateway,
  QuarantineServices, ReleaseRequestStore, StoredRequest, WriteFailureReporter, WriteJournal,
} from './ports';
export { resumeJournaledWrites } from './eventually';
export { ExchangeQuarantineGateway, GraphGroupMembership, quarantinedOf } from './exchange-gateway';
export { createQuarantineServices, releasePolicyOf, type QuarantineSettings } from './setup';
export { ConfiguredApprovers, type ApproverConfig } from './approvers';
export {
  approvalChannelFor, conversationMatches, DEFENDER_QUARANTINE_URL, isReleasableFromChat, isTenantAllowed, MAX_REFRESH_USERS,
  requestExpiry, type ApprovalChannel, type ReleasePolicy,
} from './policy';
export {
  approveRelease, decisionSummary, PERSONAL_CHAT, rejectRelease, requestRelease, viewRequest,
  type ActingContext, type ApprovalRoute, type PostOutcome, type Refusal, type RefusalCode, type ReleaseWorkflow, type Viewer, type WorkflowOutcome,
} from './workflow';
