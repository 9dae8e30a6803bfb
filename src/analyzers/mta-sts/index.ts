import type { CheckFinding } from '../../model/check-finding';

/** MTA-STS (RFC 8461): the _mta-sts TXT record and the HTTPS policy at mta-sts.<domain>/.well-known/mta-sts.txt. */
export interface MtaStsPolicy {
  readonly version: string | null;
  readonly mode: 'enforce' | 'testing' | 'none' | null;
  readonly mx: readonly string[];
  readonly maxAge: number | null;
  readonly errors: readonly string[];
}

export const isMtaStsRecord = (text: string): boolean => /^v=STSv1\s*(;|$)/.test(text.trim());

/** The id= of the TXT record (1–32 alphanumerics, RFC 8461 §3.1); errors when the record is malformed. */
export function parseMtaStsRecord(text: string): { id: string | null; errors: string[] } {
  const errors: string[] = [];
  const tags = new Map(text.split(';').map((part) => part.trim()).filter(Boolean).map((part) => [part.split('=')[0].trim(), part.slice(part.indexOf('=') + 1).trim()] as const));
  const id = tags.get('id') ?? null;
  if (tags.get('v') !== 'STSv1') errors.push('the TXT record must start with "v=STSv1"');
  if (id === null) errors.push('the TXT record has no id=');
  else if (!/^[A-Za-z0-9]{1,32}$/.test(id)) errors.push(`id=${id} must be 1 to 32 letters and digits`);
  return { id, errors };
}

export function parseMtaStsPolicy(body: string): MtaStsPolicy {
  const errors: string[] = [];
  const fields = new Map<string, string[]>();
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      errors.push(`"${line.trim()}" is not a "key: value" line`);
      continue;
    }
    const key = line.slice(0, colon).trim();
    fields.set(key, [...(fields.get(key) ?? []), line.slice(colon + 1).trim()]);
  }
  const version = fields.get('version')?.[0] ?? null;
  if (version !== 'STSv1') errors.push(version === null ? 'the policy has no "version: STSv1" line' : `version ${version} is not STSv1`);
  const modeText = fields.get('mode')?.[0] ?? null;
  const mode = modeText === 'enforce' || modeText === 'testing' || modeText === 'none' ? modeText : null;
  if (mode === null) errors.push(modeText === null ? 'the policy has no "mode:" line' : `mode ${modeText} is not enforce, testing or none`);
  const mx = fields.get('mx') ?? [];
  if (mx.length === 0 && mode !== 'none') errors.push('the policy lists no "mx:" patterns');
  const maxAgeText = fields.get('max_age')?.[0] ?? null;
  const maxAge = maxAgeText !== null && /^\d{1,10}$/.test(maxAgeText) && Number(maxAgeText) <= 31557600 ? Number(maxAgeText) : null;
  if (maxAge === null) errors.push(maxAgeText === null ? 'the policy has no "max_age:" line' : `max_age ${maxAgeText} must be 0 to 31557600 seconds`);
  return { version, mode, mx, maxAge, errors };
}

/** RFC 8461 §4.1: "*.example.com" matches exactly one extra label. */
export function mxMatchesPattern(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) {
    const rest = p.slice(2);
    return h.endsWith(`.${rest}`) && !h.slice(0, -(rest.length + 1)).includes('.');
  }
  return h === p;
}

export interface MtaStsAuditInput {
  readonly domain: string;
  readonly records: readonly string[];
  readonly temporaryFailure: string | null;
  /** The policy fetch: null when not attempted (no TXT record). */
  readonly policy: { readonly url: string; readonly status: number | null; readonly body: string | null; readonly failure: string | null } | null;
  readonly mxHosts: readonly string[];
}

const finding = (severity: CheckFinding['severity'], code: string, message: string, fix: string | null): CheckFinding => ({ severity, code, message, fix });

export function auditMtaSts(input: MtaStsAuditInput): { id: string | null; policy: MtaStsPolicy | null; findings: CheckFinding[] } {
  const { domain } = input;
  const invalid = (message: string, fix: string) => finding('warning', 'mta-sts.invalid', message, fix);
  if (input.temporaryFailure) return { id: null, policy: null, findings: [finding('info', 'mta-sts.lookup-failed', `The MTA-STS record of ${domain} could not be read: ${input.temporaryFailure}.`, null)] };
  if (input.records.length === 0) {
    return {
      id: null,
      policy: null,
      findings: [finding('info', 'mta-sts.missing', `${domain} has no MTA-STS record (_mta-sts.${domain}), so senders may deliver to it without TLS if an attacker strips STARTTLS.`, `Publish a policy at https://mta-sts.${domain}/.well-known/mta-sts.txt (version: STSv1, mode: testing, mx: *.mail.protection.outlook.com, max_age: 604800) and a TXT record at _mta-sts.${domain}: "v=STSv1; id=${new Date().toISOString().slice(0, 10).replace(/-/g, '')}01".`)],
    };
  }
  const findings: CheckFinding[] = [];
  if (input.records.length > 1) findings.push(invalid(`_mta-sts.${domain} has ${input.records.length} STSv1 records; senders then ignore MTA-STS (RFC 8461 §3.1).`, 'Keep exactly one record.'));
  const record = parseMtaStsRecord(input.records[0]);
  for (const error of record.errors) findings.push(invalid(`MTA-STS TXT record: ${error}.`, `Publish "v=STSv1; id=<a new id>" at _mta-sts.${domain}.`));
  const fetched = input.policy;
  if (!fetched || fetched.failure !== null || fetched.status !== 200 || fetched.body === null) {
    const why = fetched?.failure ?? (fetched?.status ? `HTTP ${fetched.status}` : 'not fetched');
    findings.push(invalid(`The MTA-STS policy could not be fetched from ${fetched?.url ?? `https://mta-sts.${domain}/.well-known/mta-sts.txt`} (${why}); senders act as if there were no policy.`, `Serve the policy over HTTPS with a valid certificate for mta-sts.${domain}, with status 200 and Content-Type text/plain.`));
    return { id: record.id, policy: null, findings };
  }
  const policy = parseMtaStsPolicy(fetched.body);
  for (const error of policy.errors) findings.push(invalid(`MTA-STS policy: ${error}.`, 'Correct the policy file; each line is "key: value".'));
  const uncovered = input.mxHosts.filter((host) => host !== '' && !policy.mx.some((pattern) => mxMatchesPattern(host, pattern)));
  if (policy.mode !== 'none' && uncovered.length > 0) {
    findings.push(
      finding(policy.mode === 'enforce' ? 'error' : 'warning', 'mta-sts.invalid', `The MTA-STS policy (${policy.mode}) does not cover MX host${uncovered.length > 1 ? 's' : ''} ${uncovered.join(', ')}${policy.mode === 'enforce' ? ': senders that honour MTA-STS will refuse to deliver there' : ''}.`, `Add "mx: ${uncovered[0]}" (or a matching "*." pattern) to the policy and change the id= in the TXT record.`),
    );
  }
  return { id: record.id, policy, findings };
}
