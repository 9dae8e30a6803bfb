import { auditDomain } from '../../src/diagnosis/domain';
import { BENCH_DOMAIN, BENCH_ZONES, benchDomainAudit, localPolicyFetcher, startDnsServer } from '../../src/emulator/dns';
import { createDnsResolver } from '../../src/sources/dns';

describe('the domain-audit bench', () => {
  it('serves an SPF tree 3 includes deep with 9 lookups', async () => {
    const server = await startDnsServer({ zones: BENCH_ZONES });
    try {
      const audit = await auditDomain(BENCH_DOMAIN, { fetchPolicy: localPolicyFetcher({}) }, createDnsResolver({ servers: [server.address] }));
      expect(audit.spf?.lookups).toBe(9);
      const depth = (node: { children: readonly unknown[] }): number => 1 + Math.max(0, ...node.children.map((child) => depth(child as { children: readonly unknown[] })));
      expect(depth(audit.spf!.tree!)).toBe(4);
      expect(audit.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('reports the parallel and the one-at-a-time audit side by side', async () => {
    const report = await benchDomainAudit(5);
    process.stdout.write(`domain audit bench (5 ms per answer): ${JSON.stringify(report)}\n`);
    expect(report).toMatchObject({ latencyMs: 5, lookups: 9, dependentChain: 4, limitMs: 26 });
    expect(report.queries).toBeGreaterThan(10);
  });
});
