import { DOMParser } from '@xmldom/xmldom';
import { analyzeHeaders } from '../../src/analyzers/headers';
import { analyzeNdr } from '../../src/analyzers/ndr';
import { parseRequest } from '../../src/analyzers/intent';
import type { SpfNode } from '../../src/analyzers/spf';
import { auditChain, criticalPath, graphCallBudget, spfChain } from '../../src/bench/critical-path';
import type { DomainAudit } from '../../src/diagnosis/domain';
import { soakBaselineIndex } from '../../src/bench/bot-load';
import { agreement } from '../../src/bench/ndr';
import { benchOptions, benchUsage } from '../../src/bench/options';
import { figure, meets, renderLatencySvg, renderMarkdown, summarize, withinNoise, type BenchReport, type Section } from '../../src/bench/report';
import { DIAGNOSIS_QUESTIONS, headerBlock, longPaste, pastedNdr, shortMessages, soakConversation } from '../../src/bench/samples';
import { distributionOf, median, medianInterval, percentile, round, spreadOf } from '../../src/bench/stats';

/** The bench's pure parts: its arithmetic, its report, its critical-path derivation and its inputs. No timing here. */

describe('percentiles, medians and spreads', () => {
  it('takes the nearest-rank percentile, which is always one of the samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 1)).toBe(1);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('p99 of 1000 samples is the 990th smallest', () => {
    const samples = Array.from({ length: 1000 }, (_, index) => 1000 - index);
    expect(percentile(samples, 99)).toBe(990);
  });

  it('the median of an even count is the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('a spread reports the median of the runs, min, max and the relative width', () => {
    const spread = spreadOf([100, 90, 110]);
    expect(spread).toMatchObject({ median: 100, min: 90, max: 110, runs: [100, 90, 110] });
    expect(spread.relative).toBeCloseTo(0.2);
  });

  it('brackets the median between two runs, as tightly as the wanted confidence allows', () => {
    // Nine runs: the 2nd and 8th smallest hold the true median with 1 − 2·(1 + 9)/512 = 96.1%; the 3rd and 7th only 82%.
    expect(medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ low: 2, high: 8, confidence: 1 - 20 / 512 });
    expect(medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5], 0.8)).toEqual({ low: 3, high: 7, confidence: 1 - 92 / 512 });
    // Five runs reach 90% only as min–max (93.75%); four never do.
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual({ low: 1, high: 5, confidence: 0.9375 });
    expect(medianInterval([4, 1, 3, 2])).toBeNull();
    expect(medianInterval([1, Number.NaN, 2, 3, 4])).toBeNull();
    expect(spreadOf([100, 90, 110]).interval).toBeNull();
  });

  it('with many runs the interval narrows to about ±1.645·√n/2 ranks around the middle (no underflow)', () => {
    const runs = Array.from({ length: 5000 }, (_, index) => index);
    const interval = medianInterval(runs)!;
    expect(interval.confidence).toBeGreaterThanOrEqual(0.9);
    expect(interval.confidence).toBeLessThan(0.91);
    expect(Math.abs(interval.low - (2500 - 58))).toBeLessThanOrEqual(2);
    expect(Math.abs(interval.high - (2500 + 58))).toBeLessThanOrEqual(2);
  });

  it('a distribution carries the percentiles the chart draws', () => {
    const distribution = distributionOf(Array.from({ length: 100 }, (_, index) => index + 1));
    expect(distribution).toEqual({ count: 100, p1: 1, p25: 25, p50: 50, p75: 75, p99: 99, max: 100 });
  });

  it('rounds to three significant digits for the report', () => {
    expect(round(0.012345)).toBe(0.0123);
    expect(round(1234.5)).toBe(1230);
    expect(round(0)).toBe(0);
  });
});

describe('targets: met or not met, judged on the median', () => {
  it('judges each comparison', () => {
    expect(meets(0.9, { comparison: '<', value: 1, text: '' })).toBe(true);
    expect(meets(1, { comparison: '<', value: 1, text: '' })).toBe(false);
    expect(meets(1.25, { comparison: '<=', value: 1.25, text: '' })).toBe(true);
    expect(meets(4.9, { comparison: '>=', value: 5, text: '' })).toBe(false);
    expect(meets(Number.NaN, { comparison: '>=', value: 0, text: '' })).toBe(false);
  });

  it('a figure with a slow outlier run is still met when its median is', () => {
    const item = figure('x', 'p99', 'ms', [0.5, 0.6, 3.0], { comparison: '<', value: 1, text: 'p99 < 1 ms' });
    expect(item.value.median).toBe(0.6);
    expect(item.met).toBe(true);
    expect(figure('y', 'info', 'ms', [1]).met).toBeNull();
  });

  it('a verdict is within noise when the median\'s interval crosses the target, whichever way the median fell', () => {
    const target = { comparison: '>=', value: 70, text: '≥ 70%' } as const;
    const narrowlyMet = figure('r', 'ratio', '%', [62, 66, 69, 70, 71, 72, 73, 75, 80], target);
    expect(narrowlyMet.met).toBe(true);
    expect(withinNoise(narrowlyMet)).toBe(true);
    const clearlyMet = figure('r', 'ratio', '%', [71, 72, 73, 74, 75, 76, 77, 78, 79], target);
    expect(withinNoise(clearlyMet)).toBe(false);
    const narrowlyMissed = figure('r', 'ratio', '%', [60, 65, 66, 67, 69, 70, 71, 72, 75], target);
    expect(narrowlyMissed.met).toBe(false);
    expect(withinNoise(narrowlyMissed)).toBe(true);
    expect(withinNoise(figure('r', 'ratio', '%', [69, 71, 72], target))).toBe(false);
  });
});

function section(overrides: Partial<Section> = {}): Section {
  return {
    id: 'intent',
    title: '2. Intent parsing',
    status: 'ran',
    notes: ['a note with | a pipe'],
    figures: [
      figure('intent.short.p99', '200-character message: p99', 'ms', [0.4, 0.5, 0.45], { comparison: '<', value: 1, text: 'p99 < 1 ms' }),
      figure('intent.paste.p99', '28 KB paste: p99', 'ms', [25, 30, 22], { comparison: '<', value: 20, text: 'p99 < 20 ms' }),
      figure('intent.short.p50', '200-character message: p50', 'ms', [0.1, 0.1, 0.1]),
    ],
    latencies: [
      { label: 'Intent: 200-character message', distribution: distributionOf([0.05, 0.06, 0.1, 0.4]) },
      { label: 'Diagnosis <10 concurrent>', distribution: distributionOf([700, 800, 1200]) },
    ],
    load: { start: 1.5, end: 2.5 },
    seconds: 3,
    ...overrides,
  };
}

function report(sections: Section[]): BenchReport {
  return {
    generatedAt: '2026-11-22T06:00:00.000Z',
    durationSeconds: 300,
    machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20.0.0', platform: 'linux x64', loadAverage: { start: [1, 1, 1], end: [2, 2, 2] } },
    sections,
    summary: summarize(sections),
  };
}

describe('the report', () => {
  it('counts targets met and not met, and sections not measured', () => {
    const summary = summarize([section(), section({ id: 'ndr', status: 'skipped', figures: [] })]);
    expect(summary).toEqual({ targets: 2, met: 1, notMet: 1, notMeasured: 1, withinNoise: 0 });
  });

  it('the Markdown has a target table with each verdict, one table per section, and the load average', () => {
    const markdown = renderMarkdown(report([section()]));
    expect(markdown).toMatch(/\*\*Targets: 1 of 2 met\*\*/);
    expect(markdown).toMatch(/\| 2\. Intent parsing: 200-character message: p99 \(target p99 < 1 ms\) \| 0\.45 ms \| 0\.4–0\.5 \| – \| \*\*met\*\* \|/);
    expect(markdown).toMatch(/28 KB paste: p99 \(target p99 < 20 ms\) \| 25 ms \| 22–30 \| – \| \*\*not met\*\*/);
    expect(markdown).toContain('## 2. Intent parsing');
    expect(markdown).toContain('load average 1.50 → 2.50');
    expect(markdown).toContain('a note with | a pipe');
    expect(markdown).toContain('![latency distributions](latency.svg)');
  });

  it('the Markdown shows each median\'s interval and marks a verdict that more runs could turn', () => {
    const ratio = figure('throughput.ratio', 'NDR path ÷ echo', '%', [62, 66, 69, 70, 71, 72, 73, 75, 80], { comparison: '>=', value: 70, text: '≥ 70%' });
    const markdown = renderMarkdown(report([section({ id: 'throughput', title: '6. Bot throughput', figures: [ratio] })]));
    expect(markdown).toMatch(/\*\*Targets: 1 of 1 met\*\*; 1 of the 1 within noise\./);
    expect(markdown).toMatch(/\| 6\. Bot throughput: NDR path ÷ echo \(target ≥ 70%\) \| 71 % \| 62–80 \| 66–75 \(96%\) \| \*\*met\*\* \(within noise\) \|/);
    expect(markdown).toMatch(/\| NDR path ÷ echo \| 71 % \| 62–80 \| 66–75 \(96%\) \| 9 \| ≥ 70% \| \*\*met\*\* \(within noise\) \|/);
  });

  it('the JSON keeps every run of every figure', () => {
    const json = JSON.parse(JSON.stringify(report([section()]))) as BenchReport;
    expect(json.sections[0].figures[1].value.runs).toEqual([25, 30, 22]);
    expect(json.sections[0].figures[1].met).toBe(false);
  });

  it('the SVG is well-formed XML with one box per latency series, labels escaped', () => {
    const svg = renderLatencySvg(section().latencies);
    // xmldom comes with adaptivecards-templating (through adaptive-expressions); jsdom does not load under jest here.
    const problems: string[] = [];
    const document = new DOMParser({ errorHandler: (level: string, message: string) => problems.push(`${level}: ${message}`) }).parseFromString(svg, 'image/svg+xml');
    expect(problems).toEqual([]);
    expect(document.documentElement?.tagName).toBe('svg');
    const nodes = document.getElementsByTagName('text');
    const texts = Array.from({ length: nodes.length }, (_, index) => nodes.item(index)?.textContent);
    expect(texts).toContain('Diagnosis <10 concurrent>');
    expect(texts.filter((text) => text?.startsWith('p50 '))).toHaveLength(2);
  });

  it('the SVG says so when nothing was measured', () => {
    expect(renderLatencySvg([])).toContain('no latency series were measured');
  });
});

describe('the critical path of a diagnosis, from the runbook\'s stages', () => {
  it('a bounce to a typo: trace list, details, then Get-Recipient — three Graph/Exchange round trips', () => {
    const path = criticalPath(
      { graph: { 'graph.messageTraces': 1, 'graph.traceDetails': 1 }, cmdlets: { 'Get-AcceptedDomain': 1, 'Get-Recipient': 1 }, dnsAudit: null },
      300,
      30,
    );
    expect(path).toEqual({ m365Stages: 3, dnsChain: 0, ms: 900 });
  });

  it('an outbound DMARC rejection: trace list, details, then a DNS audit of our domain', () => {
    const path = criticalPath({ graph: { 'graph.messageTraces': 1, 'graph.traceDetails': 4 }, cmdlets: { 'Get-AcceptedDomain': 1 }, dnsAudit: { domain: 'contoso.com', chain: 2 } }, 300, 30);
    expect(path).toEqual({ m365Stages: 2, dnsChain: 2, ms: 660 });
  });

  it('nothing in trace: the list, then the directory — no details stage', () => {
    expect(criticalPath({ graph: { 'graph.messageTraces': 1 }, cmdlets: { 'Get-AcceptedDomain': 1, 'Get-Recipient': 1 }, dnsAudit: null }, 300, 30).m365Stages).toBe(2);
  });

  it('Graph calls per diagnosis are held to 1 + messages examined', () => {
    expect(graphCallBudget({ graph: { 'graph.messageTraces': 1, 'graph.traceDetails': 4 }, cmdlets: {}, dnsAudit: null })).toEqual({ calls: 5, messagesExamined: 4, budget: 5, within: true });
    expect(graphCallBudget({ graph: { 'graph.messageTraces': 2, 'graph.traceDetails': 1, 'graph.healthOverviews': 1 }, cmdlets: {}, dnsAudit: null }).within).toBe(false);
  });

  const node = (domain: string, record: string | null, children: SpfNode[] = []): SpfNode => ({
    domain, via: 'include', record, ownLookups: 0, totalLookups: 0, voidLookups: 0, voidTerms: [], error: null, children,
  });

  it('the SPF chain counts the root, each include level, and a/mx checks after a record', () => {
    expect(spfChain(null)).toBe(1);
    expect(spfChain(node('contoso.com', 'v=spf1 include:spf.protection.outlook.com -all', [node('spf.protection.outlook.com', 'v=spf1 ip4:40.92.0.0/15 -all')]))).toBe(2);
    expect(spfChain(node('northwind.net', 'v=spf1 mx ip4:192.0.2.80 -all'))).toBe(2);
    const deep = node('a.example', 'v=spf1 include:b.example -all', [node('b.example', 'v=spf1 include:c.example -all', [node('c.example', 'v=spf1 a:relay.c.example -all')])]);
    expect(spfChain(deep)).toBe(4);
    // "all" and "ip4" look nothing up.
    expect(spfChain(node('x.example', 'v=spf1 ip4:192.0.2.0/24 ~all'))).toBe(1);
  });

  it('the audit chain is the longest of SPF, DMARC (inherited, external reports) and one answer for MX and DKIM', () => {
    const audit = (fields: Partial<DomainAudit>): DomainAudit =>
      ({ domain: 'sales.contoso.com', checks: [], status: {}, spf: null, dkim: { selectors: [] }, dmarc: null, mx: null, mtaSts: null, findings: [], correctedRecords: [], ...fields }) as DomainAudit;
    const dmarc = (inheritedFrom: string | null, rua: string[]) => ({ record: 'v=DMARC1', policy: null, subdomainPolicy: null, pct: null, aspf: null, adkim: null, rua, ruf: [], inheritedFrom });
    expect(auditChain(audit({ dmarc: dmarc(null, ['mailto:dmarc@sales.contoso.com']) }))).toBe(1);
    expect(auditChain(audit({ dmarc: dmarc('contoso.com', ['mailto:dmarc@contoso.com']) }))).toBe(2);
    expect(auditChain(audit({ dmarc: dmarc('contoso.com', ['mailto:reports@dmarc-vendor.example']) }))).toBe(3);
    expect(auditChain(audit({ spf: { records: [], record: null, lookups: 0, voidLookups: 0, tree: node('sales.contoso.com', 'v=spf1 mx -all'), errors: [], warnings: [] } }))).toBe(2);
  });
});

describe('NDR agreement is scored as the corpus test scores it', () => {
  it('counts only rows whose expectation is verified', () => {
    const rows = [
      { file: 'a.eml', reason: 'userunknown', expected_source: 'sisimai fact' },
      { file: 'b.eml', reason: 'mailboxfull', expected_source: 'sisimai fact' },
      { file: 'c.eml', reason: 'blocked', expected_source: 'UNVERIFIED: guessed' },
      { file: 'd.eml', reason: null, expected_source: 'sisimai fact' },
    ];
    const reasons = new Map([['a.eml', 'userunknown'], ['b.eml', 'filtered'], ['c.eml', 'blocked']]);
    expect(agreement(rows, reasons)).toEqual({ agree: 1, total: 2, rate: 0.5 });
  });
});

describe('the bench\'s inputs look like what a helpdesk pastes', () => {
  it('short messages are 200 characters of questions the parser understands', () => {
    const messages = shortMessages(200);
    expect(messages.length).toBeGreaterThanOrEqual(5);
    for (const message of messages) expect(message).toHaveLength(200);
    const context = { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'America/New_York' };
    expect(messages.map((message) => parseRequest(message, context).intent)).not.toContain('unknown');
  });

  it('the long paste is 28 KB and reads as an NDR', () => {
    const paste = longPaste(28 * 1024);
    expect(paste).toHaveLength(28 * 1024);
    expect(parseRequest(paste, { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'UTC' }).intent).toBe('ndr');
  });

  it('the pasted NDRs are all different texts, each the same kind of bounce about its own recipient, of about the same size', () => {
    const variants = [0, 1, 2, 9, 255, 256].map((variant) => pastedNdr(variant));
    expect(new Set(variants).size).toBe(variants.length);
    expect(pastedNdr(0)).toBe(pastedNdr());
    for (const [index, paste] of variants.entries()) {
      expect(Math.abs(paste.length - variants[0].length)).toBeLessThan(40);
      const report = analyzeNdr(parseRequest(paste, { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'UTC' }).pasted ?? '');
      expect(report.kind).toBe('ndr');
      if (report.kind !== 'ndr') continue;
      expect(report.results).toHaveLength(1);
      expect(report.results[0]).toMatchObject({ status: '5.1.10', reason: 'userunknown' });
      if (index > 0) expect(report.results[0].recipient).not.toBe('bob.smtih@contoso.com');
    }
  });

  it('the header block has 60 hops in 64 KB, and the one that waited 41 minutes is the slowest', () => {
    const block = headerBlock(60, 64 * 1024);
    expect(block.length).toBeGreaterThan(63 * 1024);
    expect(block.length).toBeLessThanOrEqual(64 * 1024 + 1);
    const report = analyzeHeaders(block);
    expect(report.kind).toBe('headers');
    if (report.kind !== 'headers') return;
    expect(report.hops).toHaveLength(60);
    expect(report.slowestHop?.delaySeconds).toBeGreaterThanOrEqual(41 * 60);
  });

  it('the diagnosis questions are trace questions, with a window when one is added', () => {
    const context = { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'America/New_York' };
    for (const { ask } of DIAGNOSIS_QUESTIONS) {
      const parsed = parseRequest(`${ask} in the last 57 hours?`, context);
      expect(parsed.intent).toBe('trace');
      expect(parsed.window).not.toBeNull();
      expect(Date.parse(parsed.window!.end) - Date.parse(parsed.window!.start)).toBe(57 * 3600_000);
    }
  });

  it("the soak's leak baseline is the middle round, whatever number of rounds the time allowed", () => {
    expect(soakBaselineIndex(10)).toBe(4);
    expect(soakBaselineIndex(9)).toBe(4);
    expect(soakBaselineIndex(3)).toBe(1);
    expect(soakBaselineIndex(1)).toBe(0);
  });

  it('a soak conversation says five different things', () => {
    const messages = soakConversation(3);
    expect(messages).toHaveLength(5);
    expect(new Set(messages).size).toBe(5);
  });
});

describe('the command line of npm run bench', () => {
  const sections = [{ id: 'ndr' }, { id: 'throughput' }];

  it('runs every section three times into bench/ unless told otherwise', () => {
    expect(benchOptions([], sections, '/repo/bench')).toEqual({ only: null, runs: 3, out: '/repo/bench' });
    expect(benchOptions(['--only', 'ndr, throughput', '--runs', '5', '--out', '/tmp/x'], sections, '/repo/bench')).toEqual({ only: ['ndr', 'throughput'], runs: 5, out: '/tmp/x' });
  });

  it('answers --help with the usage, which names the sections', () => {
    expect(benchOptions(['--help'], sections, '/repo/bench')).toBeNull();
    expect(benchUsage(sections)).toContain('--only ndr,throughput');
  });

  it('refuses an unknown option, an unknown section or a run count out of range before anything runs', () => {
    expect(() => benchOptions(['--frobnicate'], sections, '/repo/bench')).toThrow(/frobnicate/);
    expect(() => benchOptions(['--only', 'ndr,memroy'], sections, '/repo/bench')).toThrow('no section memroy; the sections are ndr, throughput');
    expect(() => benchOptions(['--runs', '0'], sections, '/repo/bench')).toThrow(/1 to 9/);
    expect(() => benchOptions(['--runs', 'many'], sections, '/repo/bench')).toThrow(/1 to 9/);
  });
});
