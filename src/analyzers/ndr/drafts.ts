import type { Reason } from '../../model/reason';
import type { SmtpCommand } from './classify';
import { parseDeliveryStatus, typedValue, type DsnFields } from './dsn';
import { headerValue } from './mime';
import { addressOf, bounceExclusions, isAutoReply, isBounceMessage, type Bounce } from './bounce';
import {
  BARE_REPLY, cleanAddress, commandInLine, detectCommand, findRemoteHost, findReplyCode, findStatus, firstAddress, joinReplyLines,
  looksLikeBounce, pairedStatuses, scanExchangeClassic, scanServerTranscript, scanExchangeCurrent, scanRecipientBlocks, scanTranscript, type BodyRecord,
} from './scan';
import { lazy } from '../../ops/lazy';
import { oneLine } from './text';
import type { DeliveryAction } from './types';

/**
 * One draft per recipient, before classification: from the DSN fields when there are any (completed from the text
 * part), else from Exchange's or another MTA's human-readable report, else from a bare SMTP reply. Amazon SES JSON
 * notifications, ARF feedback reports, Microsoft JMRP complaints and auto-replies have their own readers.
 */

function toAction(value: string | undefined): DeliveryAction | null {
  const action = (value ?? '').trim().toLowerCase().split(/[\s(;]/)[0];
  if (action === 'failed' || action === 'delayed' || action === 'delivered' || action === 'relayed' || action === 'expanded') return action;
  if (action === 'failure') return 'failed';
  if (action === 'expired') return 'failed';
  return null;
}

export interface Draft {
  readonly recipient: string | null;
  readonly status: string | null;
  readonly replyCode: number | null;
  readonly diagnostic: string;
  readonly diagnosticType: string;
  readonly action: DeliveryAction | null;
  readonly remoteHost: string | null;
  readonly command: SmtpCommand;
  readonly preset?: Reason;
  /** Built from the whole text because nothing named a recipient's failure: a forwarded bounce may say more. */
  readonly weak?: boolean;
  /** The DSN Status field was absent or only "x.0.0". */
  readonly placeholderStatus?: boolean;
  /** The words some MTAs add to the Status field ("5.2.1 (mailbox disabled, not accepting messages)"). */
  readonly statusComment?: string;
  /** The sending MTA's own category for the bounce (X-PowerMTA-BounceCategory: bad-mailbox). */
  readonly category?: string;
}

/**
 * A draft with every field in the same order, the unnamed ones empty: one object shape for every reader, so that
 * the classifier's compiled code meets no surprises.
 */
function draft(fields: Pick<Draft, 'recipient' | 'diagnostic'> & Partial<Draft>): Draft {
  return {
    recipient: fields.recipient,
    status: fields.status ?? null,
    replyCode: fields.replyCode ?? null,
    diagnostic: fields.diagnostic,
    diagnosticType: fields.diagnosticType ?? '',
    action: fields.action ?? null,
    remoteHost: fields.remoteHost ?? null,
    command: fields.command ?? null,
    preset: fields.preset,
    weak: fields.weak,
    placeholderStatus: fields.placeholderStatus,
    statusComment: fields.statusComment,
    category: fields.category,
  };
}

/**
 * A DSN's Status is often a placeholder ("5.0.0") or the relaying MTA's own verdict ("4.4.7 expired") while the
 * Diagnostic-Code quotes the remote server's precise reply ("450 4.7.1 …"): the quoted reply wins, the last one
 * when a relay nests several ("554 4.4.7 Message expired … <421 4.4.2 Connection timed out>").
 */
function preciseStatus(fieldStatus: string | null, diagnostic: string): string | null {
  const paired = pairedStatuses(diagnostic);
  const quoted = paired.length > 0 ? paired[paired.length - 1] : null;
  if (!fieldStatus) return quoted ?? findStatus(diagnostic);
  // Nested replies (a relay quoting the remote), or a remote "550 5.x.x" under a relay's own "4.x.x": the remote's words win.
  if (quoted && quoted !== fieldStatus) return quoted;
  const fromText = findStatus(diagnostic);
  if (fromText && /^[45]\.0\.0$/.test(fieldStatus) && fromText[0] === fieldStatus[0]) return fromText;
  return fieldStatus;
}

function fromDsn(group: DsnFields, body: readonly BodyRecord[], transcriptCommand: SmtpCommand, bodyIsMicrosoft: boolean): Draft {
  const recipientField = typedValue(group['final-recipient']) ?? typedValue(group['original-recipient']) ?? typedValue(group['x-actual-recipient']);
  // Exim names a file or pipe ("rfc822;/var/mail/bob") when it delivered locally: no address, so the text decides.
  let recipient = recipientField ? firstAddress(recipientField.value) : null;
  const diagField = typedValue(group['diagnostic-code']);
  let diagnostic = joinReplyLines(diagField?.value ?? '');
  const matching = body.find((rec) => rec.recipient !== null && rec.recipient === recipient) ?? (body.length === 1 ? body[0] : undefined);
  if (!recipient && matching?.recipient) recipient = matching.recipient;
  if (diagnostic.length === 0 && matching) diagnostic = matching.diagnostic;
  const statusField = findStatus(group.status ?? '');
  // Oracle Messaging Server and PowerMTA explain the status in a comment: "(Remote SMTP server has rejected address)".
  const statusComment = /\(([^()]{3,200})\)/.exec(group.status ?? '')?.[1].trim().toLowerCase();
  // Exchange writes the remote server's exact reply in its text part; its DSN Status is often only the final verdict.
  let status = bodyIsMicrosoft && matching?.status ? matching.status : preciseStatus(statusField, diagnostic);
  // A placeholder status ("5.0.0", Sendmail's "X-Unix; 255") with the real reply only in the text part.
  if ((status === null || /^[45]\.0\.0$/.test(status)) && matching?.status && (status === null || matching.status[0] === status[0])) status = matching.status;
  const remote = typedValue(group['remote-mta']);
  return draft({
    recipient: recipient ? cleanAddress(recipient) : null,
    status,
    replyCode: findReplyCode(diagnostic) ?? matching?.replyCode ?? null,
    diagnostic,
    diagnosticType: diagField?.type ?? '',
    action: toAction(group.action),
    // "dns; mx.example.jp (192.0.2.135)" or "lsean.ezweb.ne.jp (tcp|…) (au mail)": the host is the first word.
    remoteHost: remote?.value ? remote.value.split(/[\s([]/)[0].replace(/\.$/, '').toLowerCase() || null : findRemoteHost(diagnostic) ?? matching?.remoteHost ?? null,
    // (`diagnostic` is one line already: `joinReplyLines` made it, or a text record's own diagnostic.)
    command: commandInLine(diagnostic.slice(0, 20_000)) ?? matching?.command ?? detectCommand(statusComment ?? '') ?? transcriptCommand,
    placeholderStatus: statusField === null || /^[45]\.0\.0$/.test(statusField),
    statusComment,
    category: group['x-powermta-bouncecategory'],
  });
}

/** Whether a DSN group holds any field (without listing them all). */
function hasFields(group: DsnFields): boolean {
  for (const _ in group) return true;
  return false;
}

function fromBody(rec: BodyRecord, transcriptCommand: SmtpCommand): Draft {
  return draft({ recipient: rec.recipient, status: rec.status, replyCode: rec.replyCode, diagnostic: rec.diagnostic, remoteHost: rec.remoteHost, command: rec.command ?? transcriptCommand });
}

function feedbackDraft(bounce: Bounce): Draft {
  const report = parseDeliveryStatus(bounce.feedback ?? '').perMessage;
  const recipient =
    addressOf(report['original-rcpt-to'] ?? null) ?? addressOf(report['removal-recipient'] ?? null) ?? addressOf(bounce.original ? headerValue(bounce.original, 'to') : null);
  const text = oneLine(bounce.texts.join(' ')).slice(0, 1000);
  return draft({ recipient, diagnostic: text, action: 'delivered', preset: 'feedback' });
}

/**
 * Amazon SES delivers bounce, complaint and delivery notifications as JSON (via SNS e-mail subscriptions):
 * {"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"emailAddress","status","diagnosticCode","action"}]}}.
 */
/** How an SES notification starts; it holds no line break, so it never spans two of the bounce's texts. */
const SES_START = '{"notificationType"';

function sesDrafts(text: string): Draft[] {
  const start = text.indexOf(SES_START);
  if (start < 0) return [];
  const json = balancedObject(text.slice(start, start + 200_000).replace(/\n/g, ''));
  let parsed: unknown;
  try {
    parsed = json ? JSON.parse(json) : null;
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object') return [];
  const note = parsed as { notificationType?: string; bounce?: { bouncedRecipients?: SesRecipient[]; reportingMTA?: string }; complaint?: { complainedRecipients?: SesRecipient[] }; delivery?: { recipients?: string[]; smtpResponse?: string; reportingMTA?: string } };
  const type = (note.notificationType ?? '').toLowerCase();
  if (type === 'bounce') {
    return (note.bounce?.bouncedRecipients ?? []).slice(0, 500).map((rec) => {
      const diagnostic = oneLine(String(rec.diagnosticCode ?? ''));
      return draft({
        recipient: rec.emailAddress ? cleanAddress(String(rec.emailAddress)) : null, status: rec.status ? findStatus(String(rec.status)) : findStatus(diagnostic),
        replyCode: findReplyCode(diagnostic), diagnostic, diagnosticType: 'SMTP', action: toAction(String(rec.action ?? 'failed')), command: detectCommand(diagnostic),
      });
    });
  }
  if (type === 'complaint') {
    return (note.complaint?.complainedRecipients ?? []).slice(0, 500).map((rec) =>
      draft({ recipient: rec.emailAddress ? cleanAddress(String(rec.emailAddress)) : null, diagnostic: '', action: 'delivered', preset: 'feedback' }),
    );
  }
  if (type === 'delivery') {
    const response = oneLine(String(note.delivery?.smtpResponse ?? ''));
    return (note.delivery?.recipients ?? []).slice(0, 500).map((recipient) =>
      draft({
        recipient: cleanAddress(String(recipient)), status: findStatus(response), replyCode: findReplyCode(response), diagnostic: response, diagnosticType: 'SMTP', action: 'delivered',
        remoteHost: note.delivery?.reportingMTA ?? null,
      }),
    );
  }
  return [];
}

/** The first balanced {…} of a text (strings respected): mail bodies append signatures after the JSON. */
function balancedObject(text: string): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return text.slice(0, i + 1);
  }
  return null;
}

interface SesRecipient {
  readonly emailAddress?: unknown;
  readonly status?: unknown;
  readonly diagnosticCode?: unknown;
  readonly action?: unknown;
}

/** Microsoft's Junk Mail Reporting Program forwards the reported message with X-HmXmrOriginalRecipient. */
function jmrpDraft(bounce: Bounce): Draft | null {
  const recipient = bounce.original ? addressOf(headerValue(bounce.original, 'x-hmxmroriginalrecipient')) : null;
  if (!recipient) return null;
  return draft({ recipient, diagnostic: '', action: 'delivered', preset: 'feedback' });
}

/**
 * fml, the mailing-list manager, refuses a posting with a notice of its own (X-MLServer: fml …): "You are not a member
 * of this mailing list <list@…>", "Duplicated Message-ID in <list@…>". The list named in its first sentence is the
 * address that refused.
 */
function mailingListDraft(bounce: Bounce): Draft | null {
  if (!bounce.top || !/^fml\b/i.test(headerValue(bounce.top, 'x-mlserver') ?? '')) return null;
  const first = bounce.area.trim().split(/\n\s*\n/, 1)[0] ?? '';
  const list = /<([^<>\s]{1,320}@[^<>\s]{1,255})>/.exec(first);
  if (!list) return null;
  return draft({ recipient: cleanAddress(list[1]), diagnostic: oneLine(first).slice(0, 1000), action: 'failed' });
}

/** Apple Mail's one-tap unsubscribe sends the list a message marked X-Apple-Unsubscribe: true — an opt-out, i.e. feedback. */
function unsubscribeDraft(bounce: Bounce): Draft | null {
  if (!bounce.top || !/^\s*true\b/i.test(headerValue(bounce.top, 'x-apple-unsubscribe') ?? '')) return null;
  return draft({ recipient: addressOf(headerValue(bounce.top, 'from')), diagnostic: '', action: 'delivered', preset: 'feedback' });
}

/** `wholeText`: the bounce's texts and subject, built only when its own headers don't already say it is a bounce. */
export function draftsOf(bounce: Bounce, wholeText: () => string): Draft[] {
  if (bounce.feedback !== null) return [feedbackDraft(bounce)];
  const optOut = unsubscribeDraft(bounce);
  if (optOut) return [optOut];
  const listNotice = mailingListDraft(bounce);
  if (listNotice) return [listNotice];
  const jmrp = jmrpDraft(bounce);
  if (jmrp) return [jmrp];
  const ses = bounce.texts.some((text) => text.includes(SES_START)) ? sesDrafts(bounce.texts.join('\n').slice(0, 400_000)) : [];
  if (ses.length > 0) return ses;
  const area = bounce.area;
  const exclude = bounceExclusions(bounce);
  const transcript = scanTranscript(area);
  const transcriptCommand = transcript?.command ?? null;
  const exchange = scanExchangeCurrent(area);
  const classic = exchange.length > 0 ? [] : scanExchangeClassic(area);
  const microsoft = exchange.length > 0 ? exchange : classic;
  const bounceLike = lazy(() => isBounceMessage(bounce.top) || looksLikeBounce(wholeText()));
  let generic = microsoft.length > 0 || !bounceLike() ? [] : scanRecipientBlocks(area, exclude);
  if (generic.length === 0 && microsoft.length === 0 && bounceLike() && bounce.dsn.length === 0 && exclude.size > 0) {
    // Mail sent to oneself bounces to the same address it failed for: an excluded address that carries a server's
    // reply is the failed recipient after all (the bounce's own From never is).
    const own = addressOf(bounce.top ? headerValue(bounce.top, 'from') : null);
    generic = scanRecipientBlocks(area, new Set(own ? [own] : [])).filter((rec) => rec.replyCode !== null && exclude.has(rec.recipient ?? ''));
  }
  // Postfix's report about its own SMTP server (" In: RCPT TO:<…>" / " Out: 451 …") names the recipients in the dialogue.
  const serverTranscript = microsoft.length > 0 ? [] : scanServerTranscript(area);
  const body = microsoft.length > 0 ? microsoft : serverTranscript.length > 0 ? serverTranscript : generic;

  const dsnGroups: DsnFields[] = [];
  for (const status of bounce.dsn) for (const group of status.recipients) if (hasFields(group)) dsnGroups.push(group);
  if (dsnGroups.length > 0) {
    const drafts = dsnGroups.map((group) => fromDsn(group, body, transcriptCommand, microsoft.length > 0));
    // Sendmail puts the remote server's words in the transcript; a DSN without a Diagnostic-Code borrows them.
    const transcriptStatus = transcript ? pairedStatuses(transcript.replies).pop() ?? null : null;
    return drafts.map((draft) => {
      let filled = draft.diagnostic.length === 0 && transcript ? { ...draft, diagnostic: oneLine(transcript.replies).slice(0, 2000) } : draft;
      // A placeholder Status (5.0.0) over a local mailer's exit code: the transcript holds the real "554 5.3.0".
      if (transcriptStatus && dsnGroups.length === 1 && (filled.status === null || (/^[45]\.0\.0$/.test(filled.status) && filled.status[0] === transcriptStatus[0]))) {
        filled = { ...filled, status: transcriptStatus };
      }
      return filled;
    });
  }
  if (body.length > 0) return body.map((rec) => fromBody(rec, transcriptCommand));

  if (bounceLike()) {
    // (A bounce's own X-Original-To is where the bounce was delivered, the sender's side: never the failed recipient.)
    const failed = addressOf(bounce.top ? headerValue(bounce.top, 'x-failed-recipients') : null);
    const originalTo = addressOf(bounce.original ? headerValue(bounce.original, 'to') : null);
    const recipient = failed ?? originalTo;
    if (recipient || bounce.top) {
      const diagnostic = oneLine(area).slice(0, 2000);
      return [
        draft({
          recipient, status: findStatus(diagnostic), replyCode: findReplyCode(diagnostic), diagnostic, remoteHost: findRemoteHost(area),
          command: detectCommand(area) ?? transcriptCommand, weak: true,
        }),
      ];
    }
  }

  const bare = BARE_REPLY.exec(area.slice(0, 100_000));
  if (bare) {
    const diagnostic = oneLine(bare[0]).replace(/^["'`(]/, '');
    return [
      draft({
        recipient: firstAddress(area), status: findStatus(diagnostic), replyCode: findReplyCode(diagnostic), diagnostic, diagnosticType: 'SMTP',
        remoteHost: findRemoteHost(area), command: detectCommand(area),
      }),
    ];
  }
  if (isAutoReply(bounce.top)) {
    const from = addressOf(headerValue(bounce.top!, 'from'));
    return [draft({ recipient: from, diagnostic: oneLine(area).slice(0, 1000), action: 'delivered', preset: 'vacation' })];
  }
  return [];
}
