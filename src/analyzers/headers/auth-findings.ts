import type { CheckFinding } from '../../model/check-finding';
import type { AuthSummary, DkimVerdict } from './auth';

/** What each verdict means, in the helpdesk's words (RFC 7208 §2.6, RFC 6376 §3.9 / RFC 8601 §2.7, RFC 7489). */
export const AUTH_MEANINGS: Readonly<Record<'spf' | 'dkim' | 'dmarc' | 'arc', Readonly<Record<string, string>>>> = {
  spf: {
    pass: "the sending server is allowed by the envelope sender domain's SPF record",
    fail: "the sending server is not allowed by the domain's SPF record (-all)",
    softfail: "the sending server is probably not allowed (~all): not in the domain's SPF record",
    neutral: 'the SPF record says nothing about this server (?all)',
    none: 'the envelope sender domain has no SPF record',
    temperror: 'a DNS error stopped the SPF check (temporary)',
    permerror: 'the SPF record is broken (syntax error or more than 10 DNS lookups)',
  },
  dkim: {
    pass: 'a DKIM signature verified: the message was not changed since it was signed',
    fail: 'the DKIM signature did not verify (the message changed in transit or the key does not match)',
    none: 'the message was not DKIM-signed',
    neutral: 'the signature could not be evaluated',
    policy: 'the signature was not accepted by local policy',
    temperror: 'a DNS error stopped the DKIM check (temporary)',
    permerror: 'the DKIM signature or key is broken',
  },
  dmarc: {
    pass: 'SPF or DKIM passed for the From domain: the sender is who it claims to be',
    fail: 'neither SPF nor DKIM passed for the From domain',
    bestguesspass: 'no DMARC record, but it would have passed if there were one',
    none: 'the From domain has no DMARC record',
    temperror: 'a DNS error stopped the DMARC check (temporary)',
    permerror: 'the DMARC record is broken',
  },
  arc: {
    pass: 'the ARC chain from earlier hops (forwarders, mailing lists) verified',
    fail: 'the ARC chain from earlier hops is broken',
    none: 'no earlier ARC chain: this is the first sealing hop',
  },
};

export function authMeaning(method: keyof typeof AUTH_MEANINGS, result: string | null): string | null {
  if (!result) return null;
  return AUTH_MEANINGS[method][result.toLowerCase()] ?? null;
}

export function authFindings(auth: AuthSummary, dkimSignatures: readonly DkimVerdict[]): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const mailFrom = auth.mailFromDomain ?? 'the envelope sender domain';
  const from = auth.headerFromDomain ?? 'the From domain';
  const dkimPassed = dkimSignatures.filter((signature) => signature.result === 'pass' && signature.domain).map((signature) => signature.domain).join(', ') || 'another domain';
  const add = (severity: CheckFinding['severity'], code: string, message: string, fix: string | null) =>
    findings.push({ severity, code, message, fix });

  if (auth.spf === 'fail' || auth.spf === 'permerror') {
    add('error', `headers.spf-${auth.spf}`, `SPF ${auth.spf}: ${authMeaning('spf', auth.spf)}${auth.spfClientIp ? ` (sending IP ${auth.spfClientIp})` : ''}.`, `Add the sending service to ${mailFrom}'s SPF record, or fix the record; check it with "check spf for ${mailFrom}".`);
  } else if (auth.spf === 'softfail' || auth.spf === 'temperror') {
    add('warning', `headers.spf-${auth.spf}`, `SPF ${auth.spf}: ${authMeaning('spf', auth.spf)}${auth.spfClientIp ? ` (sending IP ${auth.spfClientIp})` : ''}.`, `If the sending server is legitimate, add it to ${mailFrom}'s SPF record.`);
  }
  if (auth.dkim === 'fail' || auth.dkim === 'permerror') {
    add('error', `headers.dkim-${auth.dkim}`, `DKIM ${auth.dkim}: ${authMeaning('dkim', auth.dkim)}.`, 'Check the selector\'s public key in DNS; a gateway or forwarder that rewrites the message also breaks signatures.');
  }
  if (auth.dmarc === 'fail') {
    const action = auth.dmarcAction && auth.dmarcAction !== 'none' ? ` (action=${auth.dmarcAction})` : '';
    add('error', 'headers.dmarc-fail', `DMARC fail${action}: ${authMeaning('dmarc', 'fail')} (${from}).`, `Make SPF or DKIM pass for a domain aligned with ${from}: sign with DKIM as ${from} or send from an envelope domain under it.`);
  } else if (auth.dmarc === 'none' || auth.dmarc === 'bestguesspass') {
    add('info', `headers.dmarc-${auth.dmarc}`, `DMARC ${auth.dmarc}: ${authMeaning('dmarc', auth.dmarc)} (${from}).`, `Publish a DMARC record for ${from} (start with p=none and reports).`);
  } else if (auth.dmarc === 'temperror' || auth.dmarc === 'permerror') {
    add('warning', `headers.dmarc-${auth.dmarc}`, `DMARC ${auth.dmarc}: ${authMeaning('dmarc', auth.dmarc)}.`, `Check ${from}'s DMARC record.`);
  }
  if (auth.compauth && (auth.compauth.result === 'fail' || auth.compauth.result === 'softpass')) {
    const reason = auth.compauth.reason ? ` reason ${auth.compauth.reason}` : '';
    add(
      auth.compauth.result === 'fail' ? 'error' : 'info',
      `headers.compauth-${auth.compauth.result}`,
      `Composite authentication ${auth.compauth.result}${reason}${auth.compauth.meaning ? `: ${auth.compauth.meaning}` : ''}.`,
      auth.compauth.result === 'fail' ? `Microsoft treats the message as spoofed. Fix ${from}'s SPF, DKIM and DMARC, or allow the spoofed sender pair in the Tenant Allow/Block List if it is legitimate.` : null,
    );
  }
  // What MHA does not tell: passing SPF/DKIM that does not count for DMARC because it is for another domain.
  if (auth.alignment.spf === 'misaligned' && auth.alignment.dkim !== 'aligned') {
    add('warning', 'headers.not-aligned', `SPF passed for ${mailFrom} and DKIM ${auth.alignment.dkim === 'misaligned' ? `passed for ${dkimPassed}` : 'did not pass'}, but neither is aligned with the From domain ${from}, so DMARC cannot pass on them.`, `Have the sending service sign with DKIM as ${from} (a custom DKIM domain), or use a custom envelope sender (bounce) domain under ${from}.`);
  } else if (auth.alignment.dkim === 'misaligned' && auth.alignment.spf !== 'aligned') {
    add('warning', 'headers.not-aligned', `DKIM passed for ${dkimPassed}, which is not aligned with the From domain ${from}; SPF is ${auth.alignment.spf}.`, `Have the sending service sign with DKIM as ${from}.`);
  }
  return findings;
}
