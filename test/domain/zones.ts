import { DEMO_ZONES, mergeZones, type Zones } from '../../src/emulator/dns';

/**
 * The demo tenant's partners (src/emulator/dns/demo-zones.ts) plus a few more broken setups seen in real tickets,
 * so every finding code has a domain that produces it.
 */
export const AUDIT_ZONES: Zones = mergeZones(DEMO_ZONES, {
  // "?all" left over from testing.
  'lucernepublishing.com': { MX: [[0, 'lucernepublishing-com.mail.protection.outlook.com']], TXT: ['v=spf1 include:spf.protection.outlook.com ?all'] },
  // Moved to Microsoft 365, never published SPF.
  'margiestravel.com': { MX: [[0, 'margiestravel-com.mail.protection.outlook.com']] },
  // Moved to Microsoft 365, SPF still lists only the old provider; MTA-STS record published but no policy served.
  'alpineskihouse.com': { MX: [[0, 'alpineskihouse-com.mail.protection.outlook.com']], TXT: ['v=spf1 include:sendgrid.net -all'] },
  '_mta-sts.alpineskihouse.com': { TXT: ['v=STSv1; id=20260901'] },
  // Reports to an outside analytics firm that did authorise them.
  'cohowinery.com': { MX: [[0, 'cohowinery-com.mail.protection.outlook.com']], TXT: ['v=spf1 include:spf.protection.outlook.com -all'] },
  '_dmarc.cohowinery.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:reports@dmarc-insights.example'] },
  'cohowinery.com._report._dmarc.dmarc-insights.example': { TXT: ['v=DMARC1'] },
  // A DNS host having a bad day: SERVFAIL on _dmarc, an include that SERVFAILs.
  'blueyonderairlines.com': { MX: [[0, 'blueyonderairlines-com.mail.protection.outlook.com']], TXT: ['v=spf1 include:spf.protection.outlook.com include:spf.flaky-dns.example -all'] },
  '_dmarc.blueyonderairlines.com': { fault: 'servfail' },
  'spf.flaky-dns.example': { fault: 'servfail' },
  // SPF through a redirect, and an include loop.
  'graphicdesigninstitute.com': { MX: [[0, 'graphicdesigninstitute-com.mail.protection.outlook.com']], TXT: ['v=spf1 redirect=_spf.graphicdesigninstitute.com'] },
  '_spf.graphicdesigninstitute.com': { TXT: ['v=spf1 include:spf.protection.outlook.com include:loop.graphicdesigninstitute.com -all'] },
  'loop.graphicdesigninstitute.com': { TXT: ['v=spf1 include:_spf.graphicdesigninstitute.com -all'] },
});
