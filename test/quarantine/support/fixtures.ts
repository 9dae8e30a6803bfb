import type { Result } from '../../../src/model/result';
import type {
  GroupMembership, QuarantinedMessage, QuarantineGateway, QuarantineQuery, ReleaseOptions, ReleaseRequest,
} from '../../../src/quarantine';

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

export const BOB = { userId: '29:bob', aadObjectId: 'b0b00000-0000-0000-0000-000000000001', name: 'Bob Helpdesk' };
export const DANA = { userId: '29:dana', aadObjectId: 'da4a0000-0000-0000-0000-000000000002', name: 'Dana Approver' };
export const ERIN = { userId: '29:erin', aadObjectId: 'e4140000-0000-0000-0000-000000000003', name: 'Erin Approver' };
export const MALLORY = { userId: '29:mallory', aadObjectId: 'ma110000-0000-0000-0000-000000000004', name: 'Mallory Intern' };

export function quarantined(overrides: Partial<QuarantinedMessage> = {}): QuarantinedMessage {
  return {
    identity: '86bab6ca-b175-4b84-d76c-08dee7cf55a8\\3423484b-11a9-58cc-cf4e-784af1dcf73c',
    messageId: '<inv-2211@litware.com>',
    receivedAt: '2026-11-20T13:58:01.0000000+00:00',
    sender: 'billing@litware.com',
    recipients: ['jane@contoso.com'],
    subject: 'Invoice 2211 for October',
    type: 'Spam',
    typeLabel: 'Spam',
    policyType: 'HostedContentFilterPolicy',
    policyName: 'Default',
    expiresAt: '2026-12-20T13:58:01.0000000+00:00',
    releaseStatus: 'NotReleased',
    direction: 'Inbound',
    ...overrides,
  };
}

/** A quarantine that behaves like Exchange for the workflow: it counts releases and can be told to fail. */
export class FakeQuarantine implements QuarantineGateway {
  readonly releases: { tenantId: string; identity: string; options: ReleaseOptions }[] = [];
  failNextRelease: string | null = null;
  /** Resolves releases only when the test says so, to hold two approvals in flight at once. */
  releaseGate: Promise<void> | null = null;

  constructor(public messages: QuarantinedMessage[] = [quarantined()]) {}

  async list(_tenantId: string, query: QuarantineQuery): Promise<Result<readonly QuarantinedMessage[]>> {
    const rows = this.messages.filter(
      (message) =>
        (query.senders.length === 0 || query.senders.includes(message.sender)) &&
        (query.recipients.length === 0 || message.recipients.some((recipient) => query.recipients.includes(recipient))),
    );
    return { kind: 'ok', value: rows.slice(0, query.limit) };
  }

  async get(_tenantId: string, identity: string): Promise<Result<QuarantinedMessage>> {
    const found = this.messages.find((message) => message.identity === identity);
    return found ? { kind: 'ok', value: found } : { kind: 'notFound' };
  }

  async header(): Promise<Result<string>> {
    return {
      kind: 'ok',
      value: 'Received: from mail.litware.com (203.0.113.7)\r\nAuthentication-Results: spf=fail smtp.mailfrom=litware.com; dmarc=fail\r\nX-Forefront-Antispam-Report: SFV:SPM;SCL:6;CAT:SPM\r\n',
    };
  }

  async release(tenantId: string, identity: string, options: ReleaseOptions): Promise<Result<void>> {
    if (this.releaseGate) await this.releaseGate;
    this.releases.push({ tenantId, identity, options });
    if (this.failNextRelease) {
      const reason = this.failNextRelease;
      this.failNextRelease = null;
      return { kind: 'failed', reason };
    }
    this.messages = this.messages.map((message) => (message.identity === identity ? { ...message, releaseStatus: 'Released' } : message));
    return { kind: 'ok', value: undefined };
  }
}

export class FakeGroups implements GroupMembership {
  calls = 0;
  constructor(private readonly members: Record<string, string[]>, private readonly fail = false) {}
  async memberGroups(_tenantId: string, userObjectId: string, groupIds: readonly string[]): Promise<Result<readonly string[]>> {
    this.calls += 1;
    if (this.fail) return { kind: 'failed', reason: 'Graph answered 503' };
    return { kind: 'ok', value: (this.members[userObjectId] ?? []).filter((group) => groupIds.includes(group)) };
  }
  /** Group listings for `refresh.userIds`, counted apart from the membership checks above. */
  listings = 0;
  async memberIds(_tenantId: string, groupIds: readonly string[]): Promise<Result<readonly string[]>> {
    this.listings += 1;
    if (this.fail) return { kind: 'failed', reason: 'Graph answered 503' };
    return { kind: 'ok', value: Object.keys(this.members).filter((user) => this.members[user].some((group) => groupIds.includes(group))) };
  }
}

export function pendingRequest(overrides: Partial<ReleaseRequest> = {}): ReleaseRequest {
  const message = quarantined();
  return {
    id: 'req-1',
    tenantId: TENANT,
    message: {
      identity: message.identity, sender: message.sender, recipients: message.recipients, subject: message.subject,
      receivedAt: message.receivedAt, type: message.type, typeLabel: message.typeLabel, policyName: message.policyName,
      quarantineExpiresAt: message.expiresAt,
    },
    requestedBy: BOB,
    reason: 'invoice from our supplier',
    requestedAt: '2026-11-20T14:00:00.000Z',
    expiresAt: '2026-11-21T14:00:00.000Z',
    conversationId: 'a:conv',
    approverUserIds: ['29:dana'],
    state: { status: 'pending' },
    ...overrides,
  };
}
