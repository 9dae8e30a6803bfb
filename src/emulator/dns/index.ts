export { startDnsServer, type DnsServerOptions, type RunningDnsServer } from './server';
export { mergeZones, type MxData, type ZoneEntry, type Zones } from './zones';
export { DEMO_ZONES, DEMO_MTA_STS_POLICIES, DEMO_MARKETING_IP, DEMO_LISTED_IP, DEMO_EXO_OUTBOUND_IP } from './demo-zones';
export { localPolicyFetcher } from './policy-fetcher';
export { benchDomainAudit, BENCH_DOMAIN, BENCH_ZONES, oneAtATime, type DomainAuditBench } from './bench';
