import { analyzeHeaders } from '../../analyzers/headers';
import { escapeCardText } from '../../cards/escape';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { cardReply, textReply, type Reply } from '../../model/reply';
import {
  approvalChannelFor, approveRelease, conversationMatches, DEFENDER_QUARANTINE_URL, isReleasableFromChat, PERSONAL_CHAT, rejectRelease,
  requestRelease, viewRequest, type ActingContext, type ApprovalChannel, type ApprovalRoute, type QuarantinedMessage, type QuarantineServices,
  type ReleaseRequest, type ReleaseWorkflow, type Viewer, type WorkflowOutcome,
} from '../../quarantine';
import type { ActionHandler, ActionInput, ActionResult } from '../actions';
import type { Handler } from '../handler';
import type { Services } from '../services';
import type { ConversationRef, Outbox, TurnInput } from '../turn';

/** A list card stays well under Teams' 28 KB with this many messages and this much header each. */
const MAX_LISTED = 8;
const HEADER_PREVIEW_CHARS = 600;

/** Card verbs (Action.Execute) of the release workflow. */
export const QUARANTINE_VERBS = {
  request: 'quarantine.request',
  approve: 'quarantine.approve',
  reject: 'quarantine.reject',
  refresh: 'quarantine.refresh',
} as const;

/** "2026-11-20 14:05 UTC": cards show UTC, so everyone in a global helpdesk reads the same time. */
export function utcTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}

const shortTime = (iso: string) => utcTime(iso).slice(11);
const who = (person: { name: string | null; userId: string }) => escapeCardText(person.name ?? person.userId, 100);
const quoted = (text: string) => `'${escapeCardText(text, 500)}'`;

function workflowOf(quarantine: QuarantineServices): ReleaseWorkflow | null {
  if (!quarantine.gateway) return null;
  return { ...quarantine, gateway: quarantine.gateway };
}

const NO_TENANT = 'Quarantine is not available: no Microsoft 365 tenant is configured for this bot (see docs/setup.md).';

// ---------------------------------------------------------------------------------------------------------------
// The list card

/** The header lines that say why EOP held a message; shown raw when the analyzer finds nothing to say. */
const TELLING_HEADERS = /^(x-forefront-antispam-report|x-microsoft-antispam|authentication-results|received-spf|x-ms-exchange-organization-scl|from|return-path):/i;

/** Why EOP held it, in the header analyzer's words: its errors and warnings, most severe first. */
export function holdFindings(header: string): string[] {
  const report = analyzeHeaders(header);
  if (report.kind !== 'headers') return [];
  return report.findings
    .filter((finding) => finding.severity !== 'info')
    .slice(0, 4)
    .map((finding) => escapeCardText(finding.message, 300));
}

export function headerPreview(header: string): string {
  const lines = header.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const telling = lines.filter((line) => TELLING_HEADERS.test(line));
  const chosen = (telling.length > 0 ? telling : lines).join('\n');
  const clipped = chosen.length > HEADER_PREVIEW_CHARS ? chosen.slice(0, HEADER_PREVIEW_CHARS - 1) + '…' : chosen;
  return escapeCardText(clipped, HEADER_PREVIEW_CHARS + 10);
}

const RELEASE_STATE_WORDS: Record<QuarantinedMessage['releaseStatus'], string> = {
  NotReleased: 'Not released',
  Requested: 'Release requested (by the recipient)',
  Approved: 'Approved',
  Denied: 'Release denied',
  PreparingToRelease: 'Being released',
  Released: 'Released',
  Error: 'Release error',
  Unknown: 'Unknown',
};

interface ListedMessage {
  readonly message: QuarantinedMessage;
  readonly header: string | null;
}

export function quarantineListCard(
  title: string,
  summary: string,
  listed: readonly ListedMessage[],
  tenantId: string,
  more: string,
  where: 'personal' | 'shared' = 'shared',
): AdaptiveCardJson {
  const messages = listed.map(({ message, header }, index) => {
    const findings = header ? holdFindings(header) : [];
    const canRelease = isReleasableFromChat(message.type) && message.releaseStatus !== 'Released';
    const releasable = canRelease && where === 'shared';
    const blockedNote = !isReleasableFromChat(message.type)
      ? `Quarantined as ${escapeCardText(message.typeLabel)}: malware cannot be released from chat. Review it in the Microsoft Defender portal.`
      : '';
    return {
      subject: escapeCardText(message.subject || '(no subject)', 200),
      facts: [
        { title: 'From', value: escapeCardText(message.sender, 200) },
        { title: 'To', value: escapeCardText(message.recipients.join(', '), 300) },
        { title: 'Received', value: utcTime(message.receivedAt) },
        { title: 'Type / policy', value: escapeCardText([message.typeLabel, message.policyName].filter(Boolean).join(' / '), 200) },
        { title: 'Expires', value: utcTime(message.expiresAt) },
        { title: 'Release state', value: RELEASE_STATE_WORDS[message.releaseStatus] },
      ],
      findings,
      headerPreview: header && findings.length === 0 ? headerPreview(header) : '',
      blockedNote,
      requestNote: canRelease && where === 'personal' ? PERSONAL_CHAT : '',
      portalUrl: blockedNote ? DEFENDER_QUARANTINE_URL : '',
      releasable,
      identity: message.identity,
      tenantId,
      reasonId: `reason${index}`,
    };
  });
  return renderCard('quarantine-list', { title: escapeCardText(title, 200), summary: escapeCardText(summary, 500), messages, more });
}

function listText(title: string, listed: readonly ListedMessage[]): string {
  return [
    title,
    ...listed.map(({ message }) =>
      `- ${message.subject || '(no subject)'} from ${message.sender} to ${message.recipients.join(', ')}, ${message.typeLabel}, received ${utcTime(message.receivedAt)}, expires ${utcTime(message.expiresAt)}, ${RELEASE_STATE_WORDS[message.releaseStatus]}`),
  ].join('\n');
}

async function withHeaders(services: Services, tenantId: string, messages: readonly QuarantinedMessage[]): Promise<ListedMessage[]> {
  const gateway = services.quarantine.gateway;
  return Promise.all(
    messages.map(async (message) => {
      const header = gateway ? await gateway.header(tenantId, message.identity).catch(() => null) : null;
      return { message, header: header?.kind === 'ok' ? header.value : null };
    }),
  );
}

function tenantOf(turn: { conversation: { tenantId: string | null } }, services: Services): string | null {
  const tenantId = turn.conversation.tenantId;
  const allowed = services.quarantine.policy.allowedTenantIds;
  return tenantId && allowed.some((id) => id.toLowerCase() === tenantId.toLowerCase()) ? tenantId : null;
}

/** "show quarantine for X", "anything quarantined from Y?" */
export const answerQuarantineList: Handler = async (request, turn, services) => {
  const gateway = services.quarantine.gateway;
  if (!gateway) return textReply(NO_TENANT);
  const tenantId = tenantOf(turn, services);
  if (!tenantId) return textReply('Quarantine is not enabled for your organisation (tenant) in this bot.');
  const listed = await gateway.list(tenantId, {
    senders: request.senders,
    recipients: request.recipients,
    subject: null,
    receivedFrom: request.window?.start ?? null,
    receivedTo: request.window?.end ?? null,
    limit: MAX_LISTED + 1,
  });
  if (listed.kind === 'failed') return textReply(`I could not read quarantine: ${listed.reason}. Try again in a moment.`);
  const messages = listed.kind === 'ok' ? listed.value : [];
  const scope = [
    request.senders.length ? `from ${request.senders.join(', ')}` : null,
    request.recipients.length ? `to ${request.recipients.join(', ')}` : null,
    request.window ? `received ${utcTime(request.window.start)} – ${utcTime(request.window.end)}` : null,
  ].filter(Boolean).join(' ') || 'newest first';
  if (messages.length === 0) {
    return textReply(`Nothing in quarantine ${scope === 'newest first' ? 'right now' : scope}. If mail is missing, ask me to trace it.`);
  }
  const shown = messages.slice(0, MAX_LISTED);
  const more = messages.length > MAX_LISTED ? `More messages match; narrow by sender, recipient or time to see them.` : '';
  const title = `Quarantined mail ${scope}`;
  const withHeader = await withHeaders(services, tenantId, shown);
  const summary = `${shown.length} message${shown.length === 1 ? '' : 's'}. "Request release" asks an approver; the release happens only after they approve.`;
  return cardReply(quarantineListCard(title, summary, withHeader, tenantId, more, whereOf(services, turn.conversation)), listText(title, withHeader), { messages: shown });
};

// ---------------------------------------------------------------------------------------------------------------
// The approval card

function statusOf(request: ReleaseRequest): { text: string; color: string } {
  const requested = `requested by ${who(request.requestedBy)}: ${quoted(request.reason)}`;
  const state = request.state;
  switch (state.status) {
    case 'pending':
      return { text: `Waiting for an approver; ${requested}. Expires ${utcTime(request.expiresAt)}.`, color: 'Accent' };
    case 'releasing':
      return { text: `Approved by ${who(state.approval.by)} at ${shortTime(state.approval.at)}; releasing now. ${capitalise(requested)}.`, color: 'Accent' };
    case 'released': {
      const options = [state.approval.options.allowSender ? 'sender allowed' : null, state.approval.options.reportFalsePositive ? 'reported as false positive' : null]
        .filter(Boolean).join(', ');
      return { text: `Released by ${who(state.approval.by)} at ${shortTime(state.releasedAt)}, ${requested}${options ? ` (${options})` : ''}`, color: 'Good' };
    }
    case 'failed':
      return { text: `Release failed at ${shortTime(state.failedAt)} (approved by ${who(state.approval.by)}): ${escapeCardText(state.error, 300)}. An approver can try again.`, color: 'Attention' };
    case 'rejected':
      return { text: `Rejected by ${who(state.rejection.by)} at ${shortTime(state.rejection.at)}: ${quoted(state.reason)}; ${requested}`, color: 'Attention' };
    case 'expired':
      return { text: `Expired at ${utcTime(state.expiredAt)} without a decision; ${requested}`, color: 'Warning' };
    case 'withdrawn':
      return { text: `Withdrawn at ${utcTime(state.withdrawnAt)}: the card could not be posted to the approvers (${escapeCardText(state.reason, 300)}); ${requested}`, color: 'Warning' };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type ApprovalView =
  /** What everyone sees and what the message holds: status, no buttons, `refresh` for the approvers. */
  | { readonly kind: 'shared' }
  /**
   * One person's view, returned to the invoke only (no `refresh`, so teams-ai does not replace it for all).
   * `decidesHere: false` when the card is seen outside the request's approval conversation: no buttons there.
   */
  | { readonly kind: 'personal'; readonly viewer: Viewer; readonly notice?: string; readonly decidesHere?: boolean };

/**
 * The approval card. The shared card carries `refresh.userIds` = the approvers, so Teams asks us for each
 * approver's own view (Approve / Reject) while everyone else sees the status. Because teams-ai broadcasts
 * any returned card that has `refresh` (REPLACE_FOR_ALL), personal views are returned without it.
 */
export function approvalCard(request: ReleaseRequest, view: ApprovalView): AdaptiveCardJson {
  const status = statusOf(request);
  const decidable = request.state.status === 'pending' || request.state.status === 'failed';
  const canDecide = view.kind === 'personal' && view.viewer === 'approver' && view.decidesHere !== false && decidable;
  const { message } = request;
  const card = renderCard('quarantine-approval', {
    status: status.text,
    statusColor: status.color,
    notice: view.kind === 'personal' && view.notice ? escapeCardText(view.notice, 500) : '',
    facts: [
      { title: 'From', value: escapeCardText(message.sender, 200) },
      { title: 'To', value: escapeCardText(message.recipients.join(', '), 300) },
      { title: 'Subject', value: escapeCardText(message.subject || '(no subject)', 200) },
      { title: 'Received', value: utcTime(message.receivedAt) },
      { title: 'Type / policy', value: escapeCardText([message.typeLabel, message.policyName].filter(Boolean).join(' / '), 200) },
      { title: 'Requested by', value: `${who(request.requestedBy)} at ${utcTime(request.requestedAt)}` },
      { title: 'Reason', value: escapeCardText(request.reason, 500) },
    ],
    canDecide,
    approveTitle: request.state.status === 'failed' ? 'Try the release again' : 'Approve and release',
    // Anyone may ask for their own view: an approver Teams did not list (60 at most) gets the buttons this way.
    showRefresh: !canDecide && (request.state.status === 'pending' || request.state.status === 'failed' || request.state.status === 'releasing'),
    requestId: request.id,
    tenantId: request.tenantId,
  });
  if (view.kind === 'shared') {
    return {
      ...card,
      refresh: {
        action: { type: 'Action.Execute', verb: QUARANTINE_VERBS.refresh, data: { requestId: request.id, tenantId: request.tenantId } },
        userIds: [...request.approverUserIds],
      },
    };
  }
  return card;
}

function approvalText(request: ReleaseRequest): string {
  const status = statusOf(request).text.replace(/\\(.)/g, '$1');
  return `Quarantine release request: ${request.message.subject} from ${request.message.sender}. ${status}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Turning workflow outcomes into what the clicking person sees

function actingOf(input: { actor: ActionInput['actor']; conversation: ActionInput['conversation']; now: Date }): ActingContext {
  return {
    actor: input.actor,
    tenantId: input.conversation.tenantId,
    conversationId: input.conversation.id,
    conversationKind: input.conversation.kind,
    now: input.now,
  };
}

/** Decisions change the card for everyone (shared card, broadcast); views and refusals answer only the clicker. */
export function resultOf(outcome: WorkflowOutcome): ActionResult {
  switch (outcome.kind) {
    case 'requested':
    case 'released':
    case 'rejected':
    case 'releaseFailed':
      return { kind: 'card', card: approvalCard(outcome.request, { kind: 'shared' }) };
    case 'viewed': {
      const elsewhere = !outcome.decidesHere && outcome.viewer === 'approver' ? DECIDED_ELSEWHERE : undefined;
      return { kind: 'card', card: approvalCard(outcome.request, { kind: 'personal', viewer: outcome.viewer, decidesHere: outcome.decidesHere, notice: elsewhere }) };
    }
    case 'refused':
      // Someone who may see the request gets the card with the refusal on it; anyone else a plain message.
      if (outcome.request && outcome.code !== 'wrong-conversation') {
        return { kind: 'card', card: approvalCard(outcome.request, { kind: 'personal', viewer: 'other', notice: outcome.message }) };
      }
      return { kind: 'message', text: outcome.message };
  }
}

const flag = (value: unknown): boolean => value === true || value === 'true';

function approvalChannelOf(services: Services, conversation: ConversationRef): ApprovalChannel | null {
  return conversation.tenantId ? approvalChannelFor(services.quarantine.policy, conversation.tenantId) : null;
}

/** A personal chat can ask for a release only when the card has an approvers' channel to go to. */
function whereOf(services: Services, conversation: ConversationRef): 'personal' | 'shared' {
  return conversation.kind === 'personal' && !approvalChannelOf(services, conversation) ? 'personal' : 'shared';
}

const SENT_TO_APPROVERS = "Sent to the approvers' channel: an approver decides there, and I will tell you here when they do.";
const DECIDED_ELSEWHERE = "Approvers decide this request on its card in the approvers' channel.";

/**
 * Where a new request's card goes. With an approvers' channel configured for the tenant, it is posted there (which
 * also makes requests from personal chats possible); otherwise it replaces the card in the asking conversation.
 */
function routeFor(services: Services, conversation: ConversationRef, outbox: Outbox | undefined): ApprovalRoute {
  const channel = approvalChannelOf(services, conversation);
  const membersOf = (conversationId: string) => (outbox ? (objectIds: readonly string[]) => outbox.memberIds(conversationId, objectIds) : undefined);
  // Asked in the approvers' channel itself: the card goes where it was asked for.
  if (!channel || conversationMatches(channel.conversationId, conversation.id)) return { kind: 'here', members: membersOf(conversation.id) };
  return {
    kind: 'approvers',
    conversationId: channel.conversationId,
    members: membersOf(channel.conversationId),
    post: async (request) => {
      if (!outbox) return { kind: 'failed', reason: 'approval cards can only be posted from Teams' };
      const posted = await outbox.post(channel.conversationId, { card: approvalCard(request, { kind: 'shared' }), text: approvalText(request) });
      if (posted.kind === 'failed') services.log.warn({ requestId: request.id, reason: posted.reason }, "could not post an approval card to the approvers' channel");
      return posted.kind === 'posted' ? { kind: 'posted' } : posted;
    },
  };
}

/** The requester's own copy when the approval card went to the approvers' channel: the status, no buttons. */
function requesterCopy(request: ReleaseRequest, existing: boolean): AdaptiveCardJson {
  const notice = existing ? `${DECIDED_ELSEWHERE} This request was already open.` : SENT_TO_APPROVERS;
  return approvalCard(request, { kind: 'personal', viewer: 'requester', decidesHere: false, notice });
}

/**
 * A decision made in the approvers' channel is reported where it was asked for (the requester's chat). The decision
 * stands whether or not that message arrives; a failure is logged.
 */
async function tellRequester(input: ActionInput, services: Services, outcome: WorkflowOutcome): Promise<void> {
  if (outcome.kind !== 'released' && outcome.kind !== 'rejected' && outcome.kind !== 'releaseFailed') return;
  const { requestedIn } = outcome.request;
  if (!requestedIn || !input.outbox || requestedIn === input.conversation.id) return;
  const card = approvalCard(outcome.request, { kind: 'personal', viewer: 'other', decidesHere: false });
  const posted = await input.outbox.post(requestedIn, { card, text: approvalText(outcome.request) });
  if (posted.kind === 'failed') services.log.warn({ requestId: outcome.request.id, reason: posted.reason }, 'could not tell the requester about the decision');
}

/** Every verb: no tenant configured → say so; otherwise run the workflow and show its outcome. */
const withWorkflow =
  (run: (flow: ReleaseWorkflow, input: ActionInput, services: Services) => Promise<WorkflowOutcome>): ActionHandler =>
  async (input, services) => {
    const flow = workflowOf(services.quarantine);
    if (!flow) return { kind: 'message', text: NO_TENANT };
    const outcome = await run(flow, input, services);
    await tellRequester(input, services, outcome);
    if (outcome.kind === 'requested' && outcome.request.conversationId !== input.conversation.id) {
      return { kind: 'card', card: requesterCopy(outcome.request, outcome.existing) };
    }
    return resultOf(outcome);
  };

const requestAction = withWorkflow((flow, input, services) => {
  // The reason comes from the card's input named in `reasonField` (one input per listed message), or `reason`.
  const field = typeof input.data.reasonField === 'string' && /^reason\d{0,3}$/.test(input.data.reasonField) ? input.data.reasonField : 'reason';
  const route = routeFor(services, input.conversation, input.outbox);
  return requestRelease(flow, actingOf(input), { identity: input.data.identity, reason: input.data[field], claimedTenantId: input.data.tenantId }, route);
});

const approveAction = withWorkflow((flow, input) =>
  approveRelease(flow, actingOf(input), {
    requestId: input.data.requestId,
    claimedTenantId: input.data.tenantId,
    options: { allowSender: flag(input.data.allowSender), reportFalsePositive: flag(input.data.reportFalsePositive) },
  }),
);

const rejectAction = withWorkflow((flow, input) =>
  rejectRelease(flow, actingOf(input), { requestId: input.data.requestId, claimedTenantId: input.data.tenantId, reason: input.data.rejectReason }),
);

const refreshAction = withWorkflow((flow, input) =>
  viewRequest(flow, actingOf(input), { requestId: input.data.requestId, claimedTenantId: input.data.tenantId }),
);

export const QUARANTINE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  [QUARANTINE_VERBS.request]: requestAction,
  [QUARANTINE_VERBS.approve]: approveAction,
  [QUARANTINE_VERBS.reject]: rejectAction,
  [QUARANTINE_VERBS.refresh]: refreshAction,
};

// ---------------------------------------------------------------------------------------------------------------
// "release <identity> because …" typed in chat

/** The reason a person typed: after "because", "reason:" or "since". */
export function reasonIn(text: string): string | null {
  const match = /(?:\bbecause\b|\breason\s*:|\bsince\b)\s*(.+)$/is.exec(text);
  return match ? match[1].trim().replace(/^["'“‘]|["'”’]$/g, '') || null : null;
}

async function releaseAsked(turn: TurnInput, services: Services, identity: string, reason: string | null): Promise<Reply> {
  const flow = workflowOf(services.quarantine);
  if (!flow) return textReply(NO_TENANT);
  if (!reason) {
    // Ask for the reason on the message's own card: its "Request release" button has the reason box.
    const tenantId = tenantOf(turn, services);
    if (!tenantId) return textReply('Quarantine is not enabled for your organisation (tenant) in this bot.');
    const found = await flow.gateway.get(tenantId, identity);
    if (found.kind === 'notFound') return textReply('That message is no longer in quarantine (released, deleted or expired).');
    if (found.kind === 'failed') return textReply(`I could not read quarantine: ${found.reason}.`);
    const listed = await withHeaders(services, tenantId, [found.value]);
    const title = 'Request a release';
    return cardReply(
      quarantineListCard(title, 'Say why it should be released; an approver decides.', listed, tenantId, '', whereOf(services, turn.conversation)),
      listText(title, listed),
    );
  }
  const outcome = await requestRelease(flow, actingOf(turn), { identity, reason }, routeFor(services, turn.conversation, turn.outbox));
  if (outcome.kind === 'requested') {
    const card = outcome.request.conversationId === turn.conversation.id
      ? approvalCard(outcome.request, { kind: 'shared' })
      : requesterCopy(outcome.request, outcome.existing);
    return cardReply(card, approvalText(outcome.request), { requestId: outcome.request.id });
  }
  return textReply(outcome.kind === 'refused' ? outcome.message : 'Done.');
}

/** "release <identity> because invoice from our supplier", or "release the quarantined mail from billing@litware.com". */
export const answerQuarantineRelease: Handler = async (request, turn, services) => {
  const gateway = services.quarantine.gateway;
  if (!gateway) return textReply(NO_TENANT);
  const reason = reasonIn(turn.text);
  if (request.quarantineId) return releaseAsked(turn, services, request.quarantineId, reason);
  // No identity: find the message from what was named; exactly one match can be requested right away.
  const tenantId = tenantOf(turn, services);
  if (!tenantId) return textReply('Quarantine is not enabled for your organisation (tenant) in this bot.');
  if (request.senders.length === 0 && request.recipients.length === 0) {
    return textReply('Which message? Name the sender or recipient ("release the mail from billing@litware.com because …"), or ask "show quarantine" and use its Request release button.');
  }
  const listed = await gateway.list(tenantId, {
    senders: request.senders, recipients: request.recipients, subject: null,
    receivedFrom: request.window?.start ?? null, receivedTo: request.window?.end ?? null, limit: 2,
  });
  if (listed.kind === 'failed') return textReply(`I could not read quarantine: ${listed.reason}.`);
  const found = listed.kind === 'ok' ? listed.value : [];
  if (found.length === 1) return releaseAsked(turn, services, found[0].identity, reason);
  if (found.length === 0) return textReply('I found no quarantined message matching that.');
  return answerQuarantineList(request, turn, services);
};
