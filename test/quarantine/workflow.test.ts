import {
  approveRelease, createQuarantineServices, rejectRelease, requestRelease, viewRequest,
  type ActingContext, type ReleaseWorkflow, type WorkflowOutcome,
} from '../../src/quarantine';
import { MemoryAuditLog, MemoryReleaseRequestStore } from '../../src/sources/storage';
import { BOB, DANA, ERIN, FakeGroups, FakeQuarantine, MALLORY, OTHER_TENANT, quarantined, TENANT } from './support/fixtures';

const NOW = new Date('2026-11-20T14:00:00Z');
const IDENTITY = quarantined().identity;
const NO_OPTIONS = { allowSender: false, reportFalsePositive: false };

function setup(options: { groups?: FakeGroups; messages?: ReturnType<typeof quarantined>[] } = {}) {
  const gateway = new FakeQuarantine(options.messages);
  const audit = new MemoryAuditLog();
  const requests = new MemoryReleaseRequestStore();
  const services = createQuarantineServices(
    { ALLOWED_TENANT_IDS: [TENANT], APPROVER_IDS: [DANA.aadObjectId, '29:erin'], APPROVER_GROUP_IDS: options.groups ? ['grp-approvers'] : [], APPROVAL_TTL_HOURS: 24 },
    { requests, audit, gateway, groups: options.groups ?? null },
  );
  let ids = 0;
  const flow: ReleaseWorkflow = { ...services, gateway, newId: () => `req-${++ids}` };
  return { flow, gateway, audit, requests };
}

const as = (actor: typeof BOB, overrides: Partial<ActingContext> = {}): ActingContext => ({
  actor, tenantId: TENANT, conversationId: '19:helpdesk@thread.tacv2', conversationKind: 'channel', now: NOW, ...overrides,
});

function requested(outcome: WorkflowOutcome) {
  if (outcome.kind !== 'requested') throw new Error(`expected a request, got ${JSON.stringify(outcome)}`);
  return outcome.request;
}

async function events(audit: MemoryAuditLog) {
  return (await audit.list()).map((entry) => `${entry.event}:${entry.actor.name}`);
}

describe('asking for a release', () => {
  it('opens a pending request that expires after 24 hours, and audits it', async () => {
    const { flow, audit } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: '  invoice from   our supplier ' }));
    expect(request.state).toEqual({ status: 'pending' });
    expect(request.reason).toBe('invoice from our supplier');
    expect(request.expiresAt).toBe('2026-11-21T14:00:00.000Z');
    expect(request.message.sender).toBe('billing@litware.com');
    expect(request.approverUserIds).toEqual(['29:erin']);
    expect(await events(audit)).toEqual(['requested:Bob Helpdesk']);
  });

  it('never lets a request outlive the quarantine expiry', async () => {
    const { flow } = setup({ messages: [quarantined({ expiresAt: '2026-11-20T20:00:00Z' })] });
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'needed today' }));
    expect(request.expiresAt).toBe('2026-11-20T20:00:00.000Z');
  });

  it('finds the open request instead of opening a second one (double click)', async () => {
    const { flow } = setup();
    const first = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    const second = await requestRelease(flow, as(MALLORY), { identity: IDENTITY, reason: 'me too' });
    expect(second).toMatchObject({ kind: 'requested', existing: true, request: { id: first.id } });
  });

  it('refuses a request made in a personal chat, where no approver could see it', async () => {
    const { flow, requests } = setup();
    const outcome = await requestRelease(flow, as(BOB, { conversationKind: 'personal' }), { identity: IDENTITY, reason: 'invoice' });
    expect(outcome).toMatchObject({ kind: 'refused', code: 'personal-chat' });
    expect(await requests.latestFor(TENANT, IDENTITY)).toBeNull();
  });

  it('points to the open request when someone asks again from another conversation', async () => {
    const { flow } = setup();
    requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    const elsewhere = await requestRelease(flow, as(MALLORY, { conversationId: '19:other@thread.tacv2' }), { identity: IDENTITY, reason: 'me too' });
    expect(elsewhere).toMatchObject({ kind: 'refused', code: 'in-progress' });
    expect(elsewhere.kind === 'refused' && elsewhere.message).toContain('Bob Helpdesk already asked for this release');
  });

  it('asks for a reason', async () => {
    const { flow } = setup();
    expect(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: '   ' })).toMatchObject({ kind: 'refused', code: 'reason-required' });
  });

  it('refuses malware and points to the Defender portal', async () => {
    const { flow, audit } = setup({ messages: [quarantined({ type: 'Malware', typeLabel: 'Malware' })] });
    const outcome = await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'I know the sender' });
    expect(outcome).toMatchObject({ kind: 'refused', code: 'malware' });
    expect(outcome.kind === 'refused' && outcome.message).toContain('security.microsoft.com');
    expect(await events(audit)).toEqual(['refused:Bob Helpdesk']);
  });

  it('refuses users of a tenant that is not allowed', async () => {
    const { flow, audit, gateway } = setup();
    const outcome = await requestRelease(flow, as(BOB, { tenantId: OTHER_TENANT }), { identity: IDENTITY, reason: 'x' });
    expect(outcome).toMatchObject({ kind: 'refused', code: 'tenant-not-allowed' });
    expect(gateway.releases).toHaveLength(0);
    expect((await audit.list())[0]).toMatchObject({ event: 'refused', tenantId: OTHER_TENANT });
  });

  it('says so when the message has left quarantine', async () => {
    const { flow } = setup();
    expect(await requestRelease(flow, as(BOB), { identity: 'gone\\gone', reason: 'x' })).toMatchObject({ kind: 'refused', code: 'message-not-found' });
  });
});

describe('an approver decides', () => {
  it('approves: releases once to all recipients with the chosen options, and audits who and when', async () => {
    const { flow, gateway, audit } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice from our supplier' }));
    const later = new Date('2026-11-20T14:05:00Z');
    const outcome = await approveRelease(flow, as(DANA, { now: later }), { requestId: request.id, options: { allowSender: true, reportFalsePositive: false } });
    expect(outcome).toMatchObject({ kind: 'released', request: { state: { status: 'released', releasedAt: later.toISOString(), approval: { by: { name: 'Dana Approver' } } } } });
    expect(gateway.releases).toEqual([{ tenantId: TENANT, identity: IDENTITY, options: { allowSender: true, reportFalsePositive: false } }]);
    expect(await events(audit)).toEqual(['requested:Bob Helpdesk', 'approved:Dana Approver', 'released:Dana Approver']);
  });

  it('refuses the requester approving their own request (four eyes)', async () => {
    const { flow, gateway, audit } = setup();
    // Dana is an approver, but she asked for this one.
    const request = requested(await requestRelease(flow, as(DANA), { identity: IDENTITY, reason: 'mine' }));
    const outcome = await approveRelease(flow, as(DANA), { requestId: request.id, options: NO_OPTIONS });
    expect(outcome).toMatchObject({ kind: 'refused', code: 'self-approval' });
    expect(gateway.releases).toHaveLength(0);
    expect((await audit.list()).at(-1)).toMatchObject({ event: 'refused', detail: 'approve: self-approval' });
  });

  it('refuses someone who is not an approver, and audits the attempt', async () => {
    const { flow, gateway, audit } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect(await approveRelease(flow, as(MALLORY), { requestId: request.id, options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'not-approver' });
    expect(gateway.releases).toHaveLength(0);
    expect((await audit.list()).at(-1)).toMatchObject({ event: 'refused', actor: { userId: '29:mallory' }, requestId: request.id });
  });

  it('accepts members of an approver group, read through Graph', async () => {
    const groups = new FakeGroups({ [MALLORY.aadObjectId]: ['grp-approvers'] });
    const { flow, gateway } = setup({ groups });
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect((await approveRelease(flow, as(MALLORY), { requestId: request.id, options: NO_OPTIONS })).kind).toBe('released');
    expect(groups.calls).toBeGreaterThan(0);
    expect(gateway.releases).toHaveLength(1);
  });

  it('treats nobody as an approver when Graph cannot be asked', async () => {
    const { flow, gateway } = setup({ groups: new FakeGroups({}, true) });
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect(await approveRelease(flow, as(MALLORY), { requestId: request.id, options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'approver-unknown' });
    expect(gateway.releases).toHaveLength(0);
  });

  it('releases once on a double click; the second click hears who approved', async () => {
    const { flow, gateway } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    await approveRelease(flow, as(DANA), { requestId: request.id, options: NO_OPTIONS });
    const again = await approveRelease(flow, as(DANA), { requestId: request.id, options: NO_OPTIONS });
    expect(again).toMatchObject({ kind: 'refused', code: 'already-decided' });
    expect(again.kind === 'refused' && again.message).toContain('already approved by Dana Approver');
    expect(gateway.releases).toHaveLength(1);
  });

  it('releases exactly once when two approvers click at the same moment', async () => {
    const { flow, gateway } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    let open!: () => void;
    gateway.releaseGate = new Promise((resolve) => (open = resolve));
    const both = Promise.all([
      approveRelease(flow, as(DANA), { requestId: request.id, options: NO_OPTIONS }),
      approveRelease(flow, as(ERIN), { requestId: request.id, options: NO_OPTIONS }),
    ]);
    setImmediate(() => open());
    const outcomes = await both;
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['refused', 'released']);
    const loser = outcomes.find((outcome) => outcome.kind === 'refused');
    expect(loser && loser.kind === 'refused' && loser.message).toMatch(/already approved by (Dana|Erin) Approver/);
    expect(gateway.releases).toHaveLength(1);
  });

  it('refuses an expired request and records the expiry once', async () => {
    const { flow, gateway, audit } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    const dayLater = new Date('2026-11-21T14:00:01Z');
    expect(await approveRelease(flow, as(DANA, { now: dayLater }), { requestId: request.id, options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'expired' });
    expect(await approveRelease(flow, as(ERIN, { now: dayLater }), { requestId: request.id, options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'expired' });
    expect(gateway.releases).toHaveLength(0);
    expect((await audit.list()).filter((entry) => entry.event === 'expired')).toHaveLength(1);
  });

  it('keeps a failed release retryable and says why it failed', async () => {
    const { flow, gateway, audit } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    gateway.failNextRelease = 'Exchange answered 500: the operation timed out';
    const failed = await approveRelease(flow, as(DANA), { requestId: request.id, options: NO_OPTIONS });
    expect(failed).toMatchObject({ kind: 'releaseFailed', error: 'Exchange answered 500: the operation timed out', request: { state: { status: 'failed' } } });
    expect((await approveRelease(flow, as(ERIN), { requestId: request.id, options: NO_OPTIONS })).kind).toBe('released');
    expect(gateway.releases).toHaveLength(2);
    expect((await audit.list()).map((entry) => entry.event)).toEqual(['requested', 'approved', 'release-failed', 'approved', 'released']);
  });

  it('rejects with a reason, after which approving does nothing', async () => {
    const { flow, gateway, audit } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect(await rejectRelease(flow, as(DANA), { requestId: request.id, reason: '' })).toMatchObject({ kind: 'refused', code: 'reason-required' });
    expect(await rejectRelease(flow, as(DANA), { requestId: request.id, reason: 'phishing lookalike domain' })).toMatchObject({
      kind: 'rejected', request: { state: { status: 'rejected', reason: 'phishing lookalike domain' } },
    });
    const after = await approveRelease(flow, as(ERIN), { requestId: request.id, options: NO_OPTIONS });
    expect(after.kind === 'refused' && after.message).toContain('already rejected by Dana Approver');
    expect(gateway.releases).toHaveLength(0);
    expect((await audit.list()).at(-1)).toMatchObject({ event: 'rejected', detail: 'phishing lookalike domain' });
  });
});

describe('card data is never trusted', () => {
  it('refuses an id that does not exist, or that belongs to another tenant, as "not found"', async () => {
    const { flow, requests } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect(await approveRelease(flow, as(DANA), { requestId: 'made-up', options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'not-found' });
    expect(await approveRelease(flow, as(DANA), { requestId: '../../etc/passwd', options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'not-found' });
    // A request of another tenant, reached with a forged id by an approver of ours.
    await requests.create({ ...request, id: 'theirs', tenantId: OTHER_TENANT });
    expect(await approveRelease(flow, as(DANA), { requestId: 'theirs', options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'not-found', request: null });
  });

  it('refuses a card that names another tenant, and an invoke from another conversation', async () => {
    const { flow, gateway } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect(await approveRelease(flow, as(DANA), { requestId: request.id, claimedTenantId: OTHER_TENANT, options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'wrong-tenant' });
    expect(await approveRelease(flow, as(DANA, { conversationId: 'a:elsewhere' }), { requestId: request.id, options: NO_OPTIONS })).toMatchObject({ kind: 'refused', code: 'wrong-conversation' });
    expect(gateway.releases).toHaveLength(0);
  });
});

describe('who sees what', () => {
  it('tells approvers, the requester and everyone else apart', async () => {
    const { flow } = setup();
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    expect(await viewRequest(flow, as(DANA), { requestId: request.id })).toMatchObject({ kind: 'viewed', viewer: 'approver' });
    expect(await viewRequest(flow, as(BOB), { requestId: request.id })).toMatchObject({ kind: 'viewed', viewer: 'requester' });
    expect(await viewRequest(flow, as(MALLORY), { requestId: request.id })).toMatchObject({ kind: 'viewed', viewer: 'other' });
  });

  it('remembers the Teams id of an approver who acted, for later cards', async () => {
    const { flow } = setup();
    const first = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }));
    await approveRelease(flow, as(DANA), { requestId: first.id, options: NO_OPTIONS });
    const other = quarantined({ identity: 'aaaa\\bbbb' });
    (flow.gateway as FakeQuarantine).messages.push(other);
    const second = requested(await requestRelease(flow, as(BOB), { identity: other.identity, reason: 'also needed' }));
    expect([...second.approverUserIds].sort()).toEqual(['29:dana', '29:erin']);
  });

  it("lists the approver group's members who are in the conversation for refresh; a Graph failure only shortens the list", async () => {
    const inConversation = new Map([[DANA.aadObjectId, DANA.userId], [MALLORY.aadObjectId, MALLORY.userId]]);
    const members = async (objectIds: readonly string[]) => objectIds.flatMap((id) => (inConversation.has(id) ? [inConversation.get(id)!] : []));
    const groups = new FakeGroups({ [MALLORY.aadObjectId]: ['grp-approvers'], [ERIN.aadObjectId]: ['grp-approvers'] });
    const { flow } = setup({ groups });
    const request = requested(await requestRelease(flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }, { kind: 'here', members }));
    // Erin is configured by Teams id; Dana by object id; Mallory is in the group and in the conversation.
    expect([...request.approverUserIds].sort()).toEqual(['29:dana', '29:erin', '29:mallory']);
    expect(groups.listings).toBe(1);

    const failing = setup({ groups: new FakeGroups({}, true) });
    const stillRequested = requested(await requestRelease(failing.flow, as(BOB), { identity: IDENTITY, reason: 'invoice' }, { kind: 'here', members }));
    expect([...stillRequested.approverUserIds].sort()).toEqual(['29:dana', '29:erin']);
  });
});
