import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { DnsResolver } from './types';

/**
 * Fetching an MTA-STS policy (RFC 8461 §3.3): HTTPS GET of https://mta-sts.<domain>/.well-known/mta-sts.txt, no
 * redirects, a short timeout and a size cap. The host name is resolved through our resolver (the configured DNS
 * servers), like every other lookup of the audit. Behind a function type so tests serve the policy locally.
 */
export type PolicyFetch =
  | { readonly kind: 'ok'; readonly status: number; readonly body: string }
  | { readonly kind: 'failed'; readonly reason: string };

export type PolicyFetcher = (url: string) => Promise<PolicyFetch>;

/** RFC 8461 §3.3: senders should cap policy bodies at 64 KB. */
const MAX_POLICY_BYTES = 64 * 1024;

function lookupThrough(resolver: DnsResolver): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolver.query(hostname, 'A').then((answer) => {
      if (answer.kind !== 'ok' || answer.records.length === 0) {
        const error = Object.assign(new Error(`${hostname}: ${answer.kind === 'temperror' ? answer.message : 'no address'}`), { code: answer.kind === 'temperror' ? 'EAI_AGAIN' : 'ENOTFOUND' });
        return callback(error);
      }
      if (options?.all) callback(null, answer.records.map((address) => ({ address, family: 4 })));
      else callback(null, answer.records[0], 4);
    }, (error: Error) => callback(error));
  }) as LookupFunction;
}

export function createPolicyFetcher(options: { resolver: DnsResolver; timeoutMs?: number }): PolicyFetcher {
  const timeoutMs = options.timeoutMs ?? 5000;
  return (url) =>
    new Promise((resolve) => {
      let done = false;
      const finish = (result: PolicyFetch) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve(result);
      };
      const req = request(url, { method: 'GET', lookup: lookupThrough(options.resolver), headers: { accept: 'text/plain' } }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_POLICY_BYTES) chunks.push(chunk);
        });
        response.on('end', () => finish({ kind: 'ok', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => finish({ kind: 'failed', reason: error.message }));
      });
      const timer = setTimeout(() => finish({ kind: 'failed', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'failed', reason: error.code ? `${error.code}: ${error.message}` : error.message }));
      req.end();
    });
}

export const mtaStsPolicyUrl = (domain: string): string => `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
