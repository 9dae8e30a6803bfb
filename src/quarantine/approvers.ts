import type { Person } from './model';
import { MAX_REFRESH_USERS } from './policy';
import type { ApproverCheck, ApproverDirectory, GroupMembership, MemberLookup, ReleaseRequestStore } from './ports';

export interface ApproverConfig {
  /** APPROVER_IDS: Entra object ids, or Teams ids (MRIs such as "29:…"). */
  readonly approverIds: readonly string[];
  /** APPROVER_GROUP_IDS: Entra groups whose (transitive) members approve. */
  readonly approverGroupIds: readonly string[];
}

/** A Teams MRI ("29:…", "8:orgid:…") rather than an Entra object id (a bare GUID). */
const isTeamsId = (id: string): boolean => /^\d+:/.test(id);

/**
 * Approvers are configured people and members of configured groups. Group membership is read through Graph on
 * every check (no cache): removing someone from the group must take effect on their next click.
 */
export class ConfiguredApprovers implements ApproverDirectory {
  constructor(
    private readonly config: ApproverConfig,
    private readonly groups: GroupMembership | null,
    private readonly store: ReleaseRequestStore,
  ) {}

  async check(tenantId: string, person: Person): Promise<ApproverCheck> {
    const ids = this.config.approverIds.map((id) => id.toLowerCase());
    if (ids.includes(person.userId.toLowerCase())) return { kind: 'approver' };
    if (person.aadObjectId && ids.includes(person.aadObjectId.toLowerCase())) return { kind: 'approver' };
    if (this.config.approverGroupIds.length === 0) return { kind: 'notApprover' };
    // Group membership needs the Entra id; Teams always sends it for users of the tenant.
    if (!person.aadObjectId) return { kind: 'notApprover' };
    if (!this.groups) return { kind: 'unknown', reason: 'approver groups are configured but Graph is not' };
    const membership = await this.groups.memberGroups(tenantId, person.aadObjectId, this.config.approverGroupIds);
    if (membership.kind === 'failed') return { kind: 'unknown', reason: `group membership could not be read: ${membership.reason}` };
    if (membership.kind === 'notFound') return { kind: 'notApprover' };
    return membership.value.length > 0 ? { kind: 'approver' } : { kind: 'notApprover' };
  }

  /**
   * The MRIs for `refresh.userIds`: approvers configured by Teams id, approvers seen before, and the approvers known by
   * Entra object id (configured, or users in an approver group) whom `lookup` finds among the card's conversation's
   * members (Teams wants MRIs, not object ids). Teams takes at most 60; configured people come before group members.
   * The list only decides who sees the buttons without asking: anyone else still gets them on "Show current status",
   * after `check`, so a group too large for the list (or a Graph failure while reading it) costs a click, no more.
   */
  async knownUserIds(tenantId: string, lookup?: MemberLookup): Promise<readonly string[]> {
    const configured = this.config.approverIds.filter(isTeamsId);
    const [remembered, found] = await Promise.all([this.store.approverUserIds(tenantId), lookup ? this.lookUpObjectIds(tenantId, lookup) : []]);
    return [...new Set([...configured, ...found, ...remembered])].slice(0, MAX_REFRESH_USERS);
  }

  private async lookUpObjectIds(tenantId: string, lookup: MemberLookup): Promise<readonly string[]> {
    const configured = this.config.approverIds.filter((id) => !isTeamsId(id));
    const groupMembers = this.groups && this.config.approverGroupIds.length > 0 ? await this.groups.memberIds(tenantId, this.config.approverGroupIds) : null;
    const objectIds = [...new Set([...configured, ...(groupMembers?.kind === 'ok' ? groupMembers.value : [])])].slice(0, MAX_REFRESH_USERS);
    return objectIds.length > 0 ? lookup(objectIds).catch(() => []) : [];
  }

  async remember(tenantId: string, person: Person): Promise<void> {
    if (!isTeamsId(person.userId)) return;
    const known = await this.store.approverUserIds(tenantId);
    if (!known.includes(person.userId)) await this.store.addApproverUserId(tenantId, person.userId);
  }
}
