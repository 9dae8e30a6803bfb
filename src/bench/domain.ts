import { benchDomainAudit, type DomainAuditBench } from '../emulator/dns/bench';
import { figure } from './report';
import type { BenchContext, SectionOutcome, SectionSpec } from './section';

/** DNS latency added to every answer in this section (issue 5). */
const LATENCY_MS = 50;

export const domainSection: SectionSpec = {
  id: 'domain',
  title: '4. Domain audit with 50 ms per DNS answer',
  needsSeconds: 30,
  async run(context: BenchContext): Promise<SectionOutcome> {
    // benchDomainAudit itself takes the median of three audits each way after a warm-up; we repeat it per run.
    const runs: DomainAuditBench[] = [];
    for (let run = 0; run < context.runs; run++) runs.push(await benchDomainAudit(LATENCY_MS));
    const first = runs[0];
    const criticalPath = first.dependentChain * LATENCY_MS;
    return {
      status: 'ran',
      notes: [
        `A domain whose SPF tree is 3 includes deep with ${first.lookups} lookups (src/emulator/dns/bench.ts), served by the local dns2 server with ${LATENCY_MS} ms added to every answer; SPF, DKIM, DMARC, MX and MTA-STS audited, fresh cache each time.`,
        `Critical path: the longest chain of dependent queries is ${first.dependentChain} answers (root TXT → include → include → include) × ${LATENCY_MS} ms = ${criticalPath} ms; limit 1.3 × that = ${first.limitMs} ms.`,
        `The parallel audit sends ${first.queries} queries; "one at a time" runs the same audit with a resolver that answers one question after another.`,
      ],
      figures: [
        figure('domain.parallel', 'Audit, independent queries in parallel', 'ms', runs.map((run) => run.parallelMs), { comparison: '<=', value: first.limitMs, text: `≤ 1.3 × critical path (${first.limitMs} ms)` }),
        figure('domain.critical-path-ratio', 'Parallel audit ÷ critical path', '×', runs.map((run) => run.parallelMs / criticalPath), { comparison: '<=', value: 1.3, text: '≤ 1.3×' }),
        figure('domain.sequential', 'Same audit, one query at a time', 'ms', runs.map((run) => run.sequentialMs)),
        figure('domain.speedup', 'One at a time ÷ parallel', '×', runs.map((run) => run.sequentialMs / run.parallelMs)),
      ],
      details: { runs },
    };
  },
};
