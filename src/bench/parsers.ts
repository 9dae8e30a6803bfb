import { analyzeHeaders } from '../analyzers/headers';
import { parseRequest } from '../analyzers/intent';
import { figure } from './report';
import { headerBlock, longPaste, shortMessages } from './samples';
import type { BenchContext, SectionOutcome, SectionSpec } from './section';
import { distributionOf, elapsedMs, percentile } from './stats';

/** Times `call` on each input, `iterations` times round-robin; returns every call's time in ms. */
function timeCalls<T>(inputs: readonly T[], iterations: number, call: (input: T) => unknown): number[] {
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (const input of inputs) {
      const started = process.hrtime.bigint();
      call(input);
      times.push(elapsedMs(started));
    }
  }
  return times;
}

/** The clock and zone of the public intent samples (../shared/samples/intents.jsonl). */
const CONTEXT = { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'America/New_York' };

export const intentSection: SectionSpec = {
  id: 'intent',
  title: '2. Intent parsing',
  needsSeconds: 20,
  async run(context: BenchContext): Promise<SectionOutcome> {
    const short = shortMessages(200);
    // Different questions in front of each paste, so no two inputs are identical.
    const pastes = ['why did this bounce?', 'what does this NDR mean', 'can u check this pls', 'headers below, why junk?'].map(
      (question) => longPaste(28 * 1024).replace(/^[^\n]*/, question),
    );
    const parse = (text: string) => parseRequest(text, CONTEXT);
    // Warm-up: the JIT compiles the parser's hot paths, as it would after a few minutes in production.
    timeCalls(short, 50, parse);
    timeCalls(pastes, 5, parse);
    const shortRuns: number[][] = [];
    const pasteRuns: number[][] = [];
    for (let run = 0; run < context.runs; run++) {
      shortRuns.push(timeCalls(short, 250, parse));
      pasteRuns.push(timeCalls(pastes, 25, parse));
    }
    const sample = parse(short[0]);
    const pasted = parse(pastes[0]);
    return {
      status: 'ran',
      notes: [
        `${short.length} different 200-character questions × 250 parses per run; ${pastes.length} different 28 KB pastes (a question, an Exchange Online NDR and a 60-hop header block) × 25 parses per run; ${context.runs} runs after a warm-up.`,
        `Sanity: a short question parses as "${sample.intent}", a 28 KB paste as "${pasted.intent}".`,
      ],
      figures: [
        figure('intent.short.p50', '200-character message: p50', 'ms', shortRuns.map((times) => percentile(times, 50))),
        figure('intent.short.p99', '200-character message: p99', 'ms', shortRuns.map((times) => percentile(times, 99)), { comparison: '<', value: 1, text: 'p99 < 1 ms' }),
        figure('intent.paste.p50', '28 KB paste: p50', 'ms', pasteRuns.map((times) => percentile(times, 50))),
        figure('intent.paste.p99', '28 KB paste: p99', 'ms', pasteRuns.map((times) => percentile(times, 99)), { comparison: '<', value: 20, text: 'p99 < 20 ms' }),
      ],
      latencies: [
        { label: 'Intent: 200-character message', distribution: distributionOf(shortRuns.flat()) },
        { label: 'Intent: 28 KB paste', distribution: distributionOf(pasteRuns.flat()) },
      ],
    };
  },
};

export const headersSection: SectionSpec = {
  id: 'headers',
  title: '3. Header analysis',
  needsSeconds: 20,
  async run(context: BenchContext): Promise<SectionOutcome> {
    const block = headerBlock(60, 64 * 1024);
    const report = analyzeHeaders(block);
    const hops = report.kind === 'headers' ? report.hops.length : 0;
    timeCalls([block], 20, analyzeHeaders);
    const runs: number[][] = [];
    for (let run = 0; run < context.runs; run++) runs.push(timeCalls([block], 100, analyzeHeaders));
    return {
      status: 'ran',
      notes: [
        `A generated block of ${block.length} characters with 60 Received lines in four MTA formats (Postfix, Exim, Exchange, Gmail), authentication and antispam fields; 100 analyses per run, ${context.runs} runs after a warm-up.`,
        `Sanity: the analyzer found ${hops} hops${report.kind === 'headers' && report.slowestHop ? `, slowest hop #${report.slowestHop.index} (${report.slowestHop.delaySeconds} s)` : ''}.`,
      ],
      figures: [
        figure('headers.p50', '60 hops, 64 KB: p50', 'ms', runs.map((times) => percentile(times, 50))),
        figure('headers.p99', '60 hops, 64 KB: p99', 'ms', runs.map((times) => percentile(times, 99))),
        figure('headers.throughput', '60 hops, 64 KB: blocks per second', 'blocks/s', runs.map((times) => (times.length * 1000) / times.reduce((sum, ms) => sum + ms, 0))),
      ],
      latencies: [{ label: 'Headers: 60 hops, 64 KB', distribution: distributionOf(runs.flat()) }],
      details: { hops, bytes: block.length },
    };
  },
};
