import { auditDomain } from '../../diagnosis/domain';
import { createDnsResolver, type DnsResolver } from '../../sources/dns';
import { DEMO_DKIM_KEY_2048 } from './demo-zones';
import { localPolicyFetcher } from './policy-fetcher';
import { startDnsServer } from './server';
import type { Zones } from './zones';

/**
 * The domain-audit bench: a domain whose SPF tree is 3 includes deep with 9 lookups, served with a fixed latency
 * added to every DNS answer. The audit should take about as long as its longest chain of dependent queries
 * (root TXT → level 1 → level 2 → level 3: 4 answers), not as long as all its queries one after another.
 */
export const BENCH_DOMAIN = 'bench-tenant.example';
/** root TXT → include l1a → include l2a → include l3a. */
export const BENCH_DEPENDENT_CHAIN = 4;

export const BENCH_ZONES: Zones = {
  [BENCH_DOMAIN]: {
    MX: [[10, `mx1.${BENCH_DOMAIN}`]],
    A: ['192.0.2.1'],
    TXT: [`v=spf1 include:l1a.${BENCH_DOMAIN} include:l1b.${BENCH_DOMAIN} a mx -all`],
  },
  [`l1a.${BENCH_DOMAIN}`]: { TXT: [`v=spf1 include:l2a.${BENCH_DOMAIN} include:l2b.${BENCH_DOMAIN} ~all`] },
  [`l1b.${BENCH_DOMAIN}`]: { TXT: [`v=spf1 include:l2c.${BENCH_DOMAIN} ~all`] },
  [`l2a.${BENCH_DOMAIN}`]: { TXT: [`v=spf1 include:l3a.${BENCH_DOMAIN} ~all`] },
  [`l2b.${BENCH_DOMAIN}`]: { TXT: ['v=spf1 ip4:198.51.100.0/24 ~all'] },
  [`l2c.${BENCH_DOMAIN}`]: { TXT: [`v=spf1 a:relay.${BENCH_DOMAIN} ~all`] },
  [`relay.${BENCH_DOMAIN}`]: { A: ['192.0.2.25'] },
  [`l3a.${BENCH_DOMAIN}`]: { TXT: ['v=spf1 ip4:203.0.113.0/24 ~all'] },
  [`selector1._domainkey.${BENCH_DOMAIN}`]: { TXT: [`v=DKIM1; k=rsa; p=${DEMO_DKIM_KEY_2048}`] },
  [`_dmarc.${BENCH_DOMAIN}`]: { TXT: [`v=DMARC1; p=reject; rua=mailto:dmarc@${BENCH_DOMAIN}`] },
};

/** One question at a time: the baseline the parallel audit is compared with. */
export function oneAtATime(resolver: DnsResolver): DnsResolver {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    stats: resolver.stats,
    query(name, type) {
      const answer = queue.then(() => resolver.query(name, type));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}

export interface DomainAuditBench {
  readonly latencyMs: number;
  readonly lookups: number;
  readonly dependentChain: number;
  /** 1.3 × chain × latency: the most the parallel audit may take. */
  readonly limitMs: number;
  readonly parallelMs: number;
  readonly sequentialMs: number;
  readonly queries: number;
  readonly withinLimit: boolean;
}

/** Runs the audit both ways against a fresh cache each time and reports the wall-clock times side by side. */
export async function benchDomainAudit(latencyMs = 50): Promise<DomainAuditBench> {
  const server = await startDnsServer({ zones: BENCH_ZONES, latencyMs });
  try {
    const time = async (wrap: (resolver: DnsResolver) => DnsResolver) => {
      const resolver = createDnsResolver({ servers: [server.address], timeoutMs: 2000 });
      const started = process.hrtime.bigint();
      const audit = await auditDomain(BENCH_DOMAIN, { fetchPolicy: localPolicyFetcher({}) }, wrap(resolver));
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, audit, queries: resolver.stats().sent };
    };
    // One warm-up so module loading and socket setup are not billed to the first run; then the median of three.
    await time((resolver) => resolver);
    const median = async (wrap: (resolver: DnsResolver) => DnsResolver) => {
      const runs = [await time(wrap), await time(wrap), await time(wrap)].sort((a, b) => a.ms - b.ms);
      return runs[1];
    };
    const parallel = await median((resolver) => resolver);
    const sequential = await median(oneAtATime);
    const limitMs = 1.3 * BENCH_DEPENDENT_CHAIN * latencyMs;
    return {
      latencyMs,
      lookups: parallel.audit.spf?.lookups ?? 0,
      dependentChain: BENCH_DEPENDENT_CHAIN,
      limitMs,
      parallelMs: Math.round(parallel.ms),
      sequentialMs: Math.round(sequential.ms),
      queries: parallel.queries,
      withinLimit: parallel.ms <= limitMs,
    };
  } finally {
    await server.close();
  }
}
