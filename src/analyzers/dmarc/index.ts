import type { CheckFinding } from '../../model/check-finding';

/** DMARC (RFC 7489): the policy record at _dmarc.<domain>, parsed and judged. Pure: lookups happen in diagnosis. */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcRecord {
  readonly text: string;
  readonly policy: DmarcPolicy | null;
  readonly subdomainPolicy: DmarcPolicy | null;
  readonly pct: number;
  readonly aspf: 'r' | 's';
  readonly adkim: 'r' | 's';
  readonly rua: readonly string[];
  readonly ruf: readonly string[];
  readonly errors: readonly string[];
}

export const isDmarcRecord = (text: string): boolean => /^v\s*=\s*DMARC1\s*(;|$)/i.test(text.trim());

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

/** Parses a DMARC record; unknown tags are ignored (RFC 7489 §6.3), bad values are listed in `errors`. */
export function parseDmarcRecord(text: string): DmarcRecord {
  const errors: string[] = [];
  const tags = new Map<string, string>();
  const parts = text.split(';').map((part) => part.trim()).filter((part) => part.length > 0);
  parts.forEach((part, index) => {
    const eq = part.indexOf('=');
    if (eq < 0) {
      errors.push(`"${part}" is not a tag=value pair`);
      return;
    }
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (index === 0 && (name !== 'v' || value !== 'DMARC1')) errors.push('the record must start with "v=DMARC1"');
    if (tags.has(name)) errors.push(`the tag "${name}" appears twice`);
    tags.set(name, value);
  });
  const policyTag = (name: string): DmarcPolicy | null => {
    const value = tags.get(name);
    if (value === undefined) return null;
    if (!POLICIES.includes(value.toLowerCase())) {
      errors.push(`${name}=${value} is not none, quarantine or reject`);
      return null;
    }
    return value.toLowerCase() as DmarcPolicy;
  };
  const alignment = (name: string): 'r' | 's' => {
    const value = tags.get(name)?.toLowerCase();
    if (value !== undefined && value !== 'r' && value !== 's') errors.push(`${name}=${value} must be r (relaxed) or s (strict)`);
    return value === 's' ? 's' : 'r';
  };
  const uris = (name: string): string[] => {
    const value = tags.get(name);
    if (value === undefined || value === '') return [];
    return value.split(',').map((uri) => uri.trim()).filter((uri) => {
      if (/^mailto:[^@\s]+@[^@\s!]+(![0-9]+[kmgt]?)?$/i.test(uri)) return true;
      errors.push(`${name} address "${uri}" is not a mailto: URI`);
      return false;
    });
  };
  let policy = policyTag('p');
  const rua = uris('rua');
  if (!tags.has('p')) {
    // RFC 7489 §6.6.3: a record without p= but with a valid rua= is treated as p=none; otherwise it is no record.
    if (rua.length > 0) policy = 'none';
    errors.push('the required tag "p=" is missing');
  }
  const pctText = tags.get('pct');
  let pct = 100;
  if (pctText !== undefined) {
    if (/^\d{1,3}$/.test(pctText) && Number(pctText) <= 100) pct = Number(pctText);
    else errors.push(`pct=${pctText} must be a whole number from 0 to 100`);
  }
  return {
    text,
    policy,
    subdomainPolicy: policyTag('sp'),
    pct,
    aspf: alignment('aspf'),
    adkim: alignment('adkim'),
    rua,
    ruf: uris('ruf'),
    errors,
  };
}

/** The domain of a mailto: report URI. */
export const reportDomain = (uri: string): string => uri.replace(/^mailto:/i, '').replace(/!.*$/, '').split('@').pop()!.toLowerCase();

export interface DmarcAuditInput {
  readonly domain: string;
  /** The records found where the policy was looked up (the domain, or the organizational domain it inherits). */
  readonly records: readonly string[];
  /** Set when the domain has no record and the organizational domain's applies (RFC 7489 §6.6.3). */
  readonly inheritedFrom: string | null;
  /** External report domains and whether each authorised us (`<domain>._report._dmarc.<report domain>`). */
  readonly reportAuthorization: readonly { readonly uri: string; readonly authorized: boolean | null }[];
  readonly temporaryFailure: string | null;
}

export interface DmarcAuditResult {
  readonly record: DmarcRecord | null;
  readonly findings: readonly CheckFinding[];
  readonly correctedRecord: string | null;
}

const finding = (severity: CheckFinding['severity'], code: string, message: string, fix: string | null): CheckFinding => ({ severity, code, message, fix });

/** Judges a DMARC setup: presence, syntax, how strong the policy is, and whether report addresses may receive reports. */
export function auditDmarc(input: DmarcAuditInput): DmarcAuditResult {
  const { domain } = input;
  const where = input.inheritedFrom ? `_dmarc.${input.inheritedFrom}` : `_dmarc.${domain}`;
  if (input.temporaryFailure) {
    return { record: null, correctedRecord: null, findings: [finding('warning', 'dmarc.lookup-failed', `The DMARC record of ${domain} could not be read: ${input.temporaryFailure}.`, 'Check the domain\'s DNS servers answer, then run the check again.')] };
  }
  const starter = `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}`;
  if (input.records.length === 0) {
    return {
      record: null,
      correctedRecord: starter,
      findings: [
        finding(
          'error',
          'dmarc.missing',
          `${domain} has no DMARC record (checked _dmarc.${domain}${input.inheritedFrom === null ? '' : ''}). Receivers like Gmail and Outlook.com require DMARC from bulk senders, and spoofed mail in its name is not stopped.`,
          `Publish a TXT record at _dmarc.${domain}: "${starter}", watch the reports, then move to p=quarantine and p=reject.`,
        ),
      ],
    };
  }
  if (input.records.length > 1) {
    return {
      record: null,
      correctedRecord: null,
      findings: [finding('error', 'dmarc.multiple-records', `${where} has ${input.records.length} DMARC records; receivers then apply no DMARC policy at all (RFC 7489 §6.6.3).`, `Keep exactly one TXT record at ${where} that starts with v=DMARC1.`)],
    };
  }
  const record = parseDmarcRecord(input.records[0]);
  const findings: CheckFinding[] = record.errors.map((error) =>
    finding('error', 'dmarc.syntax', `DMARC syntax error at ${where}: ${error}.`, 'Correct the record, e.g. "v=DMARC1; p=quarantine; rua=mailto:dmarc@' + domain + '".'),
  );
  let corrected: string | null = null;
  if (record.policy === 'none') {
    corrected = input.records[0].replace(/\bp\s*=\s*none\b/i, 'p=quarantine');
    findings.push(
      finding('warning', 'dmarc.policy-none', `The DMARC policy${input.inheritedFrom ? ` inherited from ${input.inheritedFrom}` : ''} is p=none: it only monitors; spoofed mail claiming to be from ${domain} is still delivered.`, `Once the reports show your own mail passing, publish at ${where}: "${corrected}", then p=reject.`),
    );
  }
  if (record.pct < 100 && record.policy !== 'none' && record.policy !== null) {
    findings.push(
      finding('warning', 'dmarc.pct-partial', `pct=${record.pct}: the ${record.policy} policy applies to only ${record.pct}% of failing mail; the rest is treated as p=none.`, 'Remove pct= (or set pct=100) once the reports are clean.'),
    );
  }
  for (const item of input.reportAuthorization) {
    if (item.authorized === false) {
      const reportHost = reportDomain(item.uri);
      const policyDomain = input.inheritedFrom ?? domain;
      findings.push(
        finding(
          'warning',
          'dmarc.rua-unauthorized',
          `Reports go to ${item.uri.replace(/^mailto:/i, '')}, outside ${policyDomain}, but ${reportHost} has not authorised it: receivers drop those reports (RFC 7489 §7.1).`,
          `Ask the owner of ${reportHost} to publish a TXT record "v=DMARC1" at ${policyDomain}._report._dmarc.${reportHost}, or send reports to an address in ${policyDomain}.`,
        ),
      );
    }
  }
  if (input.inheritedFrom) {
    findings.push(finding('info', 'dmarc.inherited', `${domain} has no DMARC record of its own; the record of its organizational domain ${input.inheritedFrom} applies${record.subdomainPolicy ? ` with sp=${record.subdomainPolicy}` : ''}.`, null));
  }
  return { record, findings, correctedRecord: corrected };
}
