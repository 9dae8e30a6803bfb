import { hasDsnFields } from './dsn';
import { headerValue, parseHeaderBlock, parseMime, splitHeaderBody, type MimeHeaders, type MimePart } from './mime';
import { explanationArea, firstAddress } from './scan';
import { htmlToText, looksLikeHtml, normalizeWhitespace } from './text';

/**
 * Turns what the user gave us into the parts of a bounce: the bounce's own headers, its human-readable texts, its
 * RFC 3464 delivery-status fields, an ARF feedback report, and the returned message's headers. A whole .eml goes
 * through the MIME walker; a paste (plain, Teams HTML, or quoted) becomes one text.
 */

export interface Bounce {
  /** A bounce forwarded as an attachment (message/rfc822), read when the outer message says nothing itself. */
  readonly embedded?: string;
  readonly top: MimeHeaders | null;
  readonly texts: string[];
  readonly dsn: string[];
  readonly feedback: string | null;
  readonly original: MimeHeaders | null;
}

const MESSAGE_START = /^(?:From [^\n]{0,300}\n)?(?:[!-9;-~]{1,76}:[^\n]{0,4000}\n(?:[ \t][^\n]{0,4000}\n){0,200}){2,}/;
const MESSAGE_FIELDS = /^(?:received|return-path|from|to|subject|date|message-id|mime-version|content-type|x-[\w-]{1,60}|delivered-to|auto-submitted|reply-to|sender):/im;

function looksLikeMessage(text: string): boolean {
  const head = text.slice(0, 64_000);
  if (!MESSAGE_START.test(head)) return false;
  const { head: block } = splitHeaderBody(head.replace(/^From [^\n]{0,300}\n/, ''));
  const fields = block.split('\n').filter((line) => /^[!-9;-~]{1,76}:/.test(line));
  // A pasted DSN starts with "Reporting-MTA:" fields: header-shaped, but not a message.
  if (/^(?:reporting-mta|final-recipient|original-recipient|arrival-date|action|status)\s*:/im.test(block) && !/^(?:received|from|content-type)\s*:/im.test(block)) return false;
  return fields.length >= 2 && MESSAGE_FIELDS.test(block);
}

function collect(part: MimePart, bounce: Bounce, insideOriginal: boolean): void {
  const type = part.contentType;
  if (type.startsWith('multipart/') && part.children.length === 0) {
    // The boundary never appears (a broken or hand-edited bounce): the whole body is the text.
    if (!insideOriginal) bounce.texts.push(normalizeWhitespace(part.body));
    return;
  }
  if (type.startsWith('multipart/')) {
    const plain = part.children.some((child) => child.contentType === 'text/plain');
    for (const child of part.children) {
      if (child.contentType === 'text/html' && plain && type === 'multipart/alternative') continue;
      collect(child, bounce, insideOriginal);
    }
    return;
  }
  if (type === 'message/rfc822' || type === 'message/global' || type === 'text/rfc822-headers' || type === 'message/rfc822-headers') {
    if (type !== 'text/rfc822-headers' && bounce.embedded === undefined) (bounce as { embedded?: string }).embedded = part.body;
    if (!bounce.original) {
      const inner = part.children[0];
      (bounce as { original: MimeHeaders | null }).original = inner ? inner.headers : parseHeaderBlock(splitHeaderBody(part.body).head);
    }
    return;
  }
  if (insideOriginal) return;
  if (type === 'message/delivery-status' || type === 'message/global-delivery-status') bounce.dsn.push(part.body);
  else if (type === 'message/feedback-report') (bounce as { feedback: string | null }).feedback = part.body;
  else if (type === 'text/plain' || type === 'text/enriched' || type === 'message/disposition-notification') bounce.texts.push(unquote(normalizeWhitespace(part.body)));
  else if (type === 'text/html') bounce.texts.push(htmlToText(part.body));
}

/** A bounce forwarded inline arrives quoted ("> The original message was received…"): read it unquoted. */
function unquote(text: string): string {
  const lines = text.split('\n', 5000);
  const content = lines.filter((line) => line.trim().length > 0);
  const quoted = content.filter((line) => line.startsWith('>'));
  if (content.length < 4 || quoted.length * 2 < content.length) return text;
  return lines.map((line) => line.replace(/^>[ ]?/, '')).join('\n');
}

export function readBounce(input: string): Bounce {
  if (looksLikeMessage(input)) {
    const root = parseMime(input.replace(/^From [^\n]{0,300}\n/, ''));
    const bounce: Bounce = { top: root.headers, texts: [], dsn: [], feedback: null, original: null };
    if (root.contentType.startsWith('multipart/')) collect(root, bounce, false);
    else if (root.contentType === 'text/html') bounce.texts.push(htmlToText(root.body));
    else if (root.contentType.startsWith('message/')) collect(root, bounce, false);
    else bounce.texts.push(unquote(normalizeWhitespace(root.body)));
    // Some MTAs put the DSN fields into the text part instead of a message/delivery-status part.
    if (bounce.dsn.length === 0) for (const text of bounce.texts) if (hasDsnFields(text)) bounce.dsn.push(text);
    return { ...bounce, original: bounce.original ?? inlineOriginal(bounce.texts.join('\n\n')) };
  }
  const text = looksLikeHtml(input) ? htmlToText(input) : normalizeWhitespace(input);
  return { top: null, texts: [text], dsn: hasDsnFields(text) ? [text] : [], feedback: null, original: inlineOriginal(text) };
}

/** Many MTAs quote the returned message's headers in the text part, after a "message follows" line. */
function inlineOriginal(text: string): MimeHeaders | null {
  const area = explanationArea(text);
  if (area.length === text.length) return null;
  const rest = text.slice(area.length).replace(/^[^\n]*\n\s*/, '');
  const headers = parseHeaderBlock(rest.slice(0, 64_000));
  return headers.fields.size > 0 ? headers : null;
}

export function addressOf(value: string | null): string | null {
  return value ? firstAddress(value) : null;
}

/** Addresses that are certainly not failed recipients: the bounce's own sender and addressee, the original sender. */
export function bounceExclusions(bounce: Bounce): Set<string> {
  const exclude = new Set<string>();
  const add = (headers: MimeHeaders | null, names: readonly string[]) => {
    if (!headers) return;
    for (const name of names) {
      const address = addressOf(headerValue(headers, name));
      if (address) exclude.add(address);
    }
  };
  add(bounce.top, ['from', 'to', 'return-path', 'reply-to', 'sender', 'delivered-to']);
  add(bounce.original, ['from', 'return-path', 'sender']);
  return exclude;
}

const AUTO_REPLY_SUBJECT = /^(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|out of (?:the )?office|autoreply|abwesenheit|r[ée]ponse automatique|vacation|away)\b|^auto:/i;

export function isAutoReply(top: MimeHeaders | null): boolean {
  if (!top) return false;
  const submitted = headerValue(top, 'auto-submitted') ?? '';
  const subject = headerValue(top, 'subject') ?? '';
  return (
    /auto-replied/i.test(submitted) ||
    headerValue(top, 'x-autoreply') !== null ||
    headerValue(top, 'x-autorespond') !== null ||
    /auto[_-]?reply/i.test(headerValue(top, 'precedence') ?? '') ||
    AUTO_REPLY_SUBJECT.test(subject)
  );
}

export const BOUNCE_SENDER = /mailer-daemon|postmaster|mail delivery (?:system|subsystem)|mdaemon|mailer@|bounce/i;
const BOUNCE_SUBJECT = /undeliver|returned mail|delivery (?:status|failure|failed|notification|delayed)|failure notice|non-?delivery|mail delivery failed|could not be delivered|rejected|warning: message|unzustellbar|non remis|no entregado|error/i;

export function isBounceMessage(top: MimeHeaders | null): boolean {
  if (!top) return false;
  if (/report-type=["']?delivery-status/i.test(headerValue(top, 'content-type') ?? '')) return true;
  return BOUNCE_SENDER.test(headerValue(top, 'from') ?? '') || BOUNCE_SUBJECT.test(headerValue(top, 'subject') ?? '');
}
