import antispamTable from '../../knowledge/antispam-fields.json';
import type { CheckFinding } from '../../model/check-finding';
import type { HeaderModel } from './model';

export interface AntispamField {
  readonly value: string;
  readonly meaning: string;
}

/** Field name → value and meaning, in the order a helpdesk reads them (verdicts first, then where it came from). */
export type AntispamReport = Record<string, AntispamField>;

interface TableField {
  readonly field: string;
  readonly meaning: string;
  readonly values?: Readonly<Record<string, string>>;
}

const FIELDS: ReadonlyMap<string, TableField> = new Map(
  (antispamTable.fields as readonly TableField[]).map((field) => [field.field.toUpperCase(), field]),
);

const ORDER = ['SFV', 'CAT', 'SCL', 'BCL', 'PCL', 'SRV', 'SFTY', 'IPV', 'DIR', 'CIP', 'CTRY', 'LANG', 'PTR', 'H', 'X-CUSTOMSPAM', 'SFS', 'DEST'];

/** BCL bands from Microsoft's "Bulk complaint level" page: the table gives only the field's meaning. */
const BCL_BANDS: readonly { max: number; meaning: string }[] = [
  { max: 0, meaning: 'Not from a bulk sender' },
  { max: 3, meaning: 'From a bulk sender that generates few complaints' },
  { max: 7, meaning: 'From a bulk sender that generates a mixed number of complaints' },
  { max: 9, meaning: 'From a bulk sender that generates a high number of complaints' },
];

/** SFV in the words a helpdesk would use ("SFV:SPM — content filter marked it spam"). */
const VERDICT_WORDS: Readonly<Record<string, string>> = {
  SPM: 'content filter marked it spam',
  NSPM: 'content filter found it clean',
  SKS: 'a mail flow rule marked it spam before filtering',
  SKB: "the sender is on the anti-spam policy's blocked list",
  BLK: "the recipient's Blocked Senders list stopped it",
  SFE: "the recipient's Safe Senders list let it through",
  SKA: "the anti-spam policy's allowed senders let it through",
  SKN: 'a mail flow rule bypassed spam filtering',
  SKI: 'internal mail: not filtered',
  SKQ: 'released from quarantine',
  DMS: 'spam verdict ignored because of tenant settings',
};

/** Values the table leaves to a developer's note. */
const VALUE_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DIR: { INB: 'Inbound: from outside the organization', OUT: 'Outbound: sent by the organization', INT: 'Internal: between mailboxes of the organization' },
};

/** The table carries notes about MHA's own behaviour for developers; a helpdesk reads only the meaning. */
function forHelpdesk(text: string): string {
  return text
    .replace(/\s*\((?:MHA|seen in)[^()]*\)/g, '')
    .replace(/;\s*MHA\b.*$/, '')
    .replace(/\.\s*MHA\b.*$/, '.')
    .trim();
}

function meaningOf(field: string, value: string): string {
  return forHelpdesk(rawMeaningOf(field, value));
}

function rawMeaningOf(field: string, value: string): string {
  const entry = FIELDS.get(field);
  const words = VALUE_WORDS[field]?.[value.toUpperCase()];
  if (words) return words;
  if (field === 'BCL' && /^\d$/.test(value)) return BCL_BANDS.find((band) => Number(value) <= band.max)?.meaning ?? entry?.meaning ?? '';
  if (field === 'SCL' && /^[234]$/.test(value)) return 'Not used by Exchange Online Protection (SCL 2-4)';
  const specific = entry?.values ? Object.entries(entry.values).find(([key]) => key.toUpperCase() === value.toUpperCase())?.[1] : undefined;
  return specific ?? entry?.meaning ?? '';
}

/** "KEY:VALUE;KEY:VALUE;" — the value runs to the next ";" and may itself hold colons (an IPv6 CIP). */
function pairs(value: string | null): [string, string][] {
  if (!value) return [];
  return value
    .split(';')
    .map((part) => {
      const colon = part.indexOf(':');
      return colon > 0 ? ([part.slice(0, colon).trim().toUpperCase(), part.slice(colon + 1).trim()] as [string, string]) : null;
    })
    .filter((pair): pair is [string, string] => pair !== null && pair[1].length > 0);
}

export function readAntispam(model: HeaderModel): AntispamReport {
  const found = new Map<string, string>();
  const add = (field: string, value: string) => {
    if (FIELDS.has(field) && !found.has(field)) found.set(field, value);
  };
  for (const [field, value] of pairs(model.first('X-Forefront-Antispam-Report'))) add(field, value);
  for (const [field, value] of pairs(model.first('X-Microsoft-Antispam'))) add(field, value);
  const scl = model.first('X-MS-Exchange-Organization-SCL')?.trim();
  if (scl && /^-?\d$/.test(scl)) add('SCL', scl);
  for (const [field, value] of pairs(model.first('X-Microsoft-Antispam-Mailbox-Delivery'))) if (field === 'DEST') add(field, value);

  const report: AntispamReport = {};
  const keys = [...found.keys()].sort((a, b) => rank(a) - rank(b));
  for (const key of keys) {
    const name = key === 'DEST' ? 'dest' : key === 'X-CUSTOMSPAM' ? 'X-CustomSpam' : key;
    const value = found.get(key)!;
    report[name] = { value, meaning: meaningOf(key, value) };
  }
  return report;
}

function rank(field: string): number {
  const position = ORDER.indexOf(field);
  return position === -1 ? ORDER.length : position;
}

/** The verdict in one line, or null when Exchange Online Protection left no verdict. */
export function antispamVerdict(report: AntispamReport): string | null {
  const sfv = report.SFV?.value.toUpperCase();
  const parts: string[] = [];
  if (sfv) parts.push(`SFV:${sfv} — ${VERDICT_WORDS[sfv] ?? report.SFV.meaning}`);
  const cat = report.CAT?.value.toUpperCase();
  if (cat && cat !== 'NONE' && !(cat === 'SPM' && sfv === 'SPM')) parts.push(`CAT:${cat} — ${report.CAT.meaning}`);
  if (report.SCL) parts.push(`SCL ${report.SCL.value}`);
  if (report.dest) parts.push(`delivered to ${report.dest.meaning}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * What the antispam stamps mean for the helpdesk. Single-field rules follow MHA's rules.json; the pairs catch a
 * folder that contradicts the verdict (the user's own rules or junk settings moved it).
 */
interface AntispamRule {
  readonly field: string;
  readonly values: readonly string[];
  readonly severity: CheckFinding['severity'];
  readonly code: string;
  readonly message: string;
  readonly fix: string | null;
  readonly unless?: { readonly field: string; readonly values: readonly string[] };
}

const RULES: readonly AntispamRule[] = [
  { field: 'SFV', values: ['SPM'], severity: 'error', code: 'headers.marked-spam', message: 'Exchange Online Protection marked the message as spam (SFV:SPM).', fix: 'If it is legitimate, submit it to Microsoft as "not junk" and check the sender\'s SPF, DKIM and DMARC; a tenant allow entry is the last resort.' },
  { field: 'SFV', values: ['SKS'], severity: 'error', code: 'headers.rule-marked-spam', message: 'A mail flow rule set the spam level before filtering ran (SFV:SKS).', fix: 'Review the transport rules that set SCL for this sender or content.' },
  { field: 'SFV', values: ['SKB'], severity: 'error', code: 'headers.policy-blocked-sender', message: "The sender matched the anti-spam policy's blocked senders or domains (SFV:SKB).", fix: 'Remove the sender or domain from the blocked list of the anti-spam policy if it should get through.' },
  { field: 'SFV', values: ['BLK'], severity: 'warning', code: 'headers.user-blocked-sender', message: "The sender is on the recipient's Blocked Senders list (SFV:BLK).", fix: "Ask the recipient to remove the sender from Outlook's Blocked Senders list." },
  { field: 'SFV', values: ['DMS'], severity: 'error', code: 'headers.spam-verdict-ignored', message: 'The spam verdict was ignored because of tenant settings (SFV:DMS).', fix: 'Check the tenant settings that override spam verdicts.' },
  { field: 'SFV', values: ['SFE'], severity: 'info', code: 'headers.safe-sender', message: "The sender is on the recipient's Safe Senders list, so filtering was skipped (SFV:SFE).", fix: null },
  { field: 'SFV', values: ['SKA', 'SKN'], severity: 'info', code: 'headers.filtering-bypassed', message: 'Spam filtering was bypassed by an allow list or a mail flow rule.', fix: 'If this sender should be filtered, remove the allow entry or the SCL -1 rule.' },
  { field: 'SFV', values: ['SKI'], severity: 'info', code: 'headers.internal', message: 'Internal message: not spam-filtered because it stays inside the tenant (SFV:SKI).', fix: null },
  { field: 'SFV', values: ['SKQ'], severity: 'info', code: 'headers.released', message: 'The message was released from quarantine (SFV:SKQ).', fix: null },
  { field: 'IPV', values: ['CAL'], severity: 'info', code: 'headers.ip-allowed', message: "The sending IP is on the connection filter's IP Allow List (IPV:CAL).", fix: null },
  { field: 'CAT', values: ['PHSH', 'HPHSH', 'HPHISH'], severity: 'error', code: 'headers.phishing', message: 'The message was classified as phishing.', fix: 'Treat it as phishing unless the sender is verified; do not release it without checking.' },
  { field: 'CAT', values: ['SPOOF'], severity: 'error', code: 'headers.spoofing', message: 'Spoof intelligence caught the sender as spoofed (CAT:SPOOF).', fix: 'If the sender is legitimate, allow the spoofed sender pair in the Tenant Allow/Block List and ask them to fix DMARC.' },
  { field: 'CAT', values: ['DIMP', 'UIMP', 'GIMP'], severity: 'error', code: 'headers.impersonation', message: 'Anti-phishing impersonation protection caught the message.', fix: 'Check the anti-phishing policy\'s trusted senders if the sender is genuine.' },
  { field: 'CAT', values: ['MALW', 'AMP', 'SAP', 'FTBP'], severity: 'error', code: 'headers.malware', message: 'Malware protection acted on the message.', fix: 'Do not release it; check the quarantine details.' },
  { field: 'CAT', values: ['BULK'], severity: 'warning', code: 'headers.bulk', message: 'The message was handled as bulk mail (CAT:BULK).', fix: "Raise the anti-spam policy's bulk threshold, or allow this sender, if the newsletter is wanted." },
  { field: 'BCL', values: ['6', '7', '8', '9'], severity: 'warning', code: 'headers.bulk-reputation', message: 'The bulk sender has a poor complaint reputation (BCL 6 or higher).', fix: 'If the mail is wanted, allow the sender; otherwise the junking is working as intended.' },
  { field: 'CTRY', values: ['NG'], severity: 'warning', code: 'headers.country', message: 'The connecting IP is in Nigeria (CTRY:NG), a country often seen in fraud.', fix: null },
  { field: 'SFV', values: ['SPM'], severity: 'error', code: 'headers.spam-in-inbox', message: 'Filtered as spam but delivered to the Inbox.', fix: "A mail flow rule or the recipient's settings overrode the junk action; check Safe Senders and transport rules.", unless: { field: 'dest', values: ['J', 'C', ''] } },
  { field: 'SFV', values: ['NSPM'], severity: 'error', code: 'headers.junk-not-spam', message: 'Not marked as spam, but delivered to the Junk Email folder.', fix: "The recipient's Outlook junk settings or Blocked Senders list moved it, not Exchange Online Protection: check the user's junk options and inbox rules.", unless: { field: 'dest', values: ['I', 'C', ''] } },
];

export function antispamFindings(report: AntispamReport): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const rule of RULES) {
    const value = report[rule.field]?.value.toUpperCase();
    if (value === undefined || !rule.values.includes(value)) continue;
    if (rule.unless) {
      // Pair rules fire only when the second field is present and contradicts the first.
      const other = report[rule.unless.field]?.value.toUpperCase() ?? '';
      if (rule.unless.values.includes(other)) continue;
    }
    findings.push({ severity: rule.severity, code: rule.code, message: rule.message, fix: rule.fix });
  }
  return findings;
}
