import type { PolicyFetcher } from '../../sources/dns';

/** An MTA-STS policy fetcher that answers from a table (404 for the rest), for tests and the offline demo. */
export function localPolicyFetcher(policies: Readonly<Record<string, string>>): PolicyFetcher {
  return async (url) => (url in policies ? { kind: 'ok', status: 200, body: policies[url] } : { kind: 'failed', reason: 'ECONNREFUSED' });
}
