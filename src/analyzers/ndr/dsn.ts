/**
 * RFC 3464 delivery-status fields: one per-message group (Reporting-MTA, Arrival-Date …) then one group per
 * recipient (Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code …). Real DSNs omit the blank lines
 * between groups, repeat fields, or paste them into text/plain, so groups are split on recipient fields too.
 */

export type DsnFields = Readonly<Record<string, string>>;

export interface DeliveryStatus {
  readonly perMessage: DsnFields;
  readonly recipients: readonly DsnFields[];
}

const FIELD = /^([A-Za-z][A-Za-z0-9-]{1,40})\s*:\s?(.*)$/;
const RECIPIENT_FIELDS = new Set(['final-recipient', 'original-recipient', 'x-actual-recipient']);
const PER_RECIPIENT = new Set(['action', 'status', 'diagnostic-code', 'remote-mta', 'last-attempt-date', 'will-retry-until', 'x-display-name', 'final-log-id']);
/** RFC 3464 sets no limit; a bounce to a large distribution list can name hundreds of recipients. */
const MAX_GROUPS = 1000;

export function parseDeliveryStatus(text: string): DeliveryStatus {
  const perMessage: Record<string, string> = {};
  const recipients: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  /** The field a folded line continues, and its group (null after a blank line or a line that is no field). */
  let lastGroup: Record<string, string> | null = null;
  let lastName = '';
  let gap = false;
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) {
      gap = true;
      lastGroup = null;
      continue;
    }
    const first = line.charCodeAt(0);
    if (lastGroup && (first === 0x20 || first === 0x09)) {
      lastGroup[lastName] += ' ' + line.trim();
      continue;
    }
    const match = FIELD.exec(line);
    if (!match) {
      lastGroup = null;
      continue;
    }
    const name = match[1].toLowerCase();
    const value = match[2].trim();
    const isRecipientField = RECIPIENT_FIELDS.has(name);
    const startsGroup =
      (isRecipientField && (current === null || name in current || (gap && Object.keys(current).some((key) => RECIPIENT_FIELDS.has(key))))) ||
      (PER_RECIPIENT.has(name) && current === null);
    if (startsGroup) {
      if (recipients.length >= MAX_GROUPS) break;
      current = {};
      recipients.push(current);
    } else if (current && gap && name in current && PER_RECIPIENT.has(name)) {
      // A repeated Action/Status after a blank line without a recipient field: a new, anonymous group.
      current = {};
      recipients.push(current);
    }
    gap = false;
    const group = current ?? perMessage;
    if (!(name in group)) group[name] = value;
    // A repeated field keeps its first value; the repeat's folded lines are dropped with it.
    lastGroup = group[name] === value ? group : null;
    lastName = name;
  }
  return { perMessage, recipients };
}

/** "rfc822; bob@contoso.com" → "bob@contoso.com"; "dns; mx.contoso.com" → "mx.contoso.com". */
export function typedValue(value: string | undefined): { type: string; value: string } | null {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  if (semi < 0) return { type: '', value: value.trim() };
  return { type: value.slice(0, semi).trim().toUpperCase(), value: value.slice(semi + 1).trim() };
}

/**
 * Whether a text carries RFC 3464 fields at all (pasted into a text part, or a bare DSN). The unanchored search comes
 * first: the engine skips ahead to each "-", while a multiline "^" is tried at every character of a text without one.
 */
export function hasDsnFields(text: string): boolean {
  return /-recipient\s*:/i.test(text) && /^(?:Final-Recipient|Original-Recipient)\s*:/im.test(text) && /^(?:Action|Status|Diagnostic-Code)\s*:/im.test(text);
}
