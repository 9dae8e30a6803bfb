import { hasDsnFields, parseDeliveryStatus, type DeliveryStatus } from './dsn';
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
  /** The human-readable texts up to the copy of the returned message (`explanationArea`), worked out once. */
  readonly area: string;
  /** The RFC 3464 delivery-status parts, parsed once. */
  readonly dsn: DeliveryStatus[];
  readonly feedback: string | null;
  readonly original: MimeHeaders | null;
}

/** Two header fields (with their folded lines) at the very start, after an optional mbox "From " line. */
const MESSAGE_START = /^(?:From [^\n]{0,300}\n)?(?:[!-9;-~]{1,76}:[^\n]{0,4000}\n(?:[ \t][^\n]{0,4000}\n){0,200}){2}/;
/** The mbox "From " line that Unix mail spools (and Sisimai's corpus) keep before the headers. */
const MBOX_FROM = /^From [^\n]{0,300}\n/;
const DSN_FIELD_LINE = /^(?:reporting-mta|final-recipient|original-recipient|arrival-date|action|status)\s*:/im;
const MESSAGE_CORE_LINE = /^(?:received|from|content-type)\s*:/im;
const FIELD_START = /^[!-9;-~]{1,76}:/;
const MESSAGE_FIELDS = /^(?:received|return-path|from|to|subject|date|message-id|mime-version|content-type|x-[\w-]{1,60}|delivered-to|auto-submitted|reply-to|sender):/im;

function looksLikeMessage(text: string): boolean {
  const head = text.slice(0, 64_000);
  if (!MESSAGE_START.test(head)) return false;
  const { head: block } = splitHeaderBody(withoutMboxLine(head));
  if (!MESSAGE_FIELDS.test(block)) return false;
  // A pasted DSN starts with "Reporting-MTA:" fields: header-shaped, but not a message.
  if (!MESSAGE_CORE_LINE.test(block) && DSN_FIELD_LINE.test(block)) return false;
  return fieldLines(block, 2) >= 2;
}

/** How many lines of a header block start a field, counted up to `enough`. */
function fieldLines(block: string, enough: number): number {
  let count = 0;
  for (let start = 0; start <= block.length && count < enough; ) {
    const end = block.indexOf('\n', start);
    if (FIELD_START.test(end < 0 ? block.slice(start) : block.slice(start, end))) count++;
    if (end < 0) break;
    start = end + 1;
  }
  return count;
}

function withoutMboxLine(text: string): string {
  const line = MBOX_FROM.exec(text);
  return line ? text.slice(line[0].length) : text;
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
    if (!bounce.original) (bounce as { original: MimeHeaders | null }).original = parseHeaderBlock(splitHeaderBody(part.body).head);
    return;
  }
  if (insideOriginal) return;
  if (type === 'message/delivery-status' || type === 'message/global-delivery-status') bounce.dsn.push(parseDeliveryStatus(part.body));
  else if (type === 'message/feedback-report') (bounce as { feedback: string | null }).feedback = part.body;
  else if (type === 'text/plain' || type === 'text/enriched' || type === 'message/disposition-notification') bounce.texts.push(unquote(normalizeWhitespace(part.body)));
  else if (type === 'text/html') bounce.texts.push(htmlToText(part.body));
}

/** A bounce forwarded inline arrives quoted ("> The original message was received…"): read it unquoted. */
function unquote(text: string): string {
  // Most texts quote nothing: no line starts with ">".
  if (!text.startsWith('>') && !text.includes('\n>')) return text;
  const lines = text.split('\n', 5000);
  const content = lines.filter((line) => line.trim().length > 0);
  const quoted = content.filter((line) => line.startsWith('>'));
  if (content.length < 4 || quoted.length * 2 < content.length) return text;
  return lines.map((line) => line.replace(/^>[ ]?/, '')).join('\n');
}

export function readBounce(input: string): Bounce {
  if (looksLikeMessage(input)) {
    const root = parseMime(withoutMboxLine(input));
    const bounce: Bounce = { top: root.headers, texts: [], area: '', dsn: [], feedback: null, original: null };
    if (root.contentType.startsWith('multipart/')) collect(root, bounce, false);
    else if (root.contentType === 'text/html') bounce.texts.push(htmlToText(root.body));
    else if (root.contentType.startsWith('message/')) collect(root, bounce, false);
    else bounce.texts.push(unquote(normalizeWhitespace(root.body)));
    // Some MTAs put the DSN fields into the text part instead of a message/delivery-status part.
    if (bounce.dsn.length === 0) for (const text of bounce.texts) if (hasDsnFields(text)) bounce.dsn.push(parseDeliveryStatus(text));
    const all = bounce.texts.join('\n\n');
    const area = explanationArea(all);
    return { ...bounce, area, original: bounce.original ?? inlineOriginal(all, area) };
  }
  const text = looksLikeHtml(input) ? htmlToText(input) : normalizeWhitespace(input);
  const area = explanationArea(text);
  return { top: null, texts: [text], area, dsn: hasDsnFields(text) ? [parseDeliveryStatus(text)] : [], feedback: null, original: inlineOriginal(text, area) };
}

/** Many MTAs quote the returned message's headers in the text part, after a "message follows" line. */
function inlineOriginal(text: string, area: string): MimeHeaders | null {
  if (area.length === text.length) return null;
  const rest = text.slice(area.length).replace(/^[^\n]*\n\s*/, '');
  const headers = parseHeaderBlock(rest.slice(0, 64_000));
  return headers.size > 0 ? headers : null;
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
