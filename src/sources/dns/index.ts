/** DNS: the one way the app looks names up. Answers are a union (ok | nxdomain | nodata | temperror), never exceptions. */
export type { DnsAnswer, DnsResolver, MxRecord, RecordData, RecordType, TempErrorReason, VoidAnswer } from './types';
export { isVoid, joinTxt } from './types';
export { createDnsResolver, withBudget, systemServers, type DnsResolverOptions } from './resolver';
export { parseServerAddress, type DnsServerAddress } from './wire';
export { createPolicyFetcher, mtaStsPolicyUrl, type PolicyFetch, type PolicyFetcher } from './mta-sts-policy';
