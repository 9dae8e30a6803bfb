import { startDemoStack, type DemoStack } from '../demo/stack';
import { auditDomain } from '../diagnosis/domain';
import { DEMO_TENANT } from '../emulator/m365';
import { createDnsResolver } from '../sources/dns';
import { startBotProcess, type BotProcess } from './bot-process';
import { cardOf, messageActivity, postJson, startFakeConnector, type FakeConnector } from './connector';
import { auditChain, criticalPath, graphCallBudget, type CriticalPath, type DiagnosisCalls } from './critical-path';
import { figure, type Figure, type LatencySeries } from './report';
import { DIAGNOSIS_QUESTIONS } from './samples';
import type { BenchContext, SectionOutcome, SectionSpec } from './section';
import { distributionOf, median, percentile, round } from './stats';

const GRAPH_LATENCY_MS = 300;
const DNS_LATENCY_MS = 30;
const CONCURRENCY = [1, 10, 50] as const;
/** Diagnoses per run: every scenario once at 1 conversation; three (10) or two (50) waves at the higher levels. */
const WAVES: Record<number, number> = { 1: 1, 10: 3, 50: 2 };

/**
 * Microsoft allows 100 message-trace requests per 5 minutes per tenant, and both the emulator and our client keep
 * to it. Hundreds of diagnoses in a minute would measure that quota, not our latency, so the bench raises it on both
 * sides (and says so in the report).
 */
const UNLIMITED_TRACE_BUDGET = 1_000_000;

interface Asked {
  readonly scenario: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly problem?: string;
}

/** One question to the bot and its answer: the time from posting the Activity to the final card at the connector. */
async function ask(bot: BotProcess, connector: FakeConnector, scenario: number, text: string, conversation: string): Promise<Asked> {
  const started = performance.now();
  let status = 0;
  try {
    status = await postJson(`${bot.botUrl}/api/messages`, messageActivity(text, connector.url, conversation));
  } catch (error) {
    return { scenario, ms: performance.now() - started, ok: false, problem: (error as Error).message };
  }
  const calls = connector.calls.get(conversation) ?? [];
  connector.calls.delete(conversation);
  // The answer is the last card (a "Looking into it" card is posted after 3 s and then updated in place).
  const answer = [...calls].reverse().find((call) => cardOf(call) && call.activity.type !== 'typing');
  const ms = (answer?.at ?? performance.now()) - started;
  if (status !== 200) return { scenario, ms, ok: false, problem: `HTTP ${status}` };
  const card = cardOf(answer);
  const facts = (card?.body as { type: string; facts?: { title: string; value: string }[] }[] | undefined)?.find((block) => block.type === 'FactSet')?.facts;
  const layer = facts?.find((fact) => fact.title === 'Layer')?.value;
  const expected = DIAGNOSIS_QUESTIONS[scenario].layer;
  return layer === expected ? { scenario, ms, ok: true } : { scenario, ms, ok: false, problem: `expected layer ${expected}, got ${layer ?? (card ? 'a card without a layer' : 'no card')}` };
}

/** Each question names its own window ("in the last 57 hours"), so no two share a cached or single-flighted trace list. */
class Questions {
  private readonly next = DIAGNOSIS_QUESTIONS.map(() => 0);
  private conversation = 0;
  text(scenario: number): string {
    // 49..240 hours: wider than the scenarios' 48 h of mail, and within Graph's 10 days per query (no split).
    const hours = 49 + (this.next[scenario]++ % 192);
    return `${DIAGNOSIS_QUESTIONS[scenario].ask} in the last ${hours} hours?`;
  }
  conversationId(): string {
    this.conversation += 1;
    return `a:bench-diagnosis-${process.pid}-${this.conversation}`;
  }
}

/** Runs `total` questions with `concurrency` conversations at a time (each conversation asks, waits, asks again). */
async function wave(total: number, concurrency: number, askOne: (index: number) => Promise<Asked>): Promise<Asked[]> {
  const results: Asked[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      results.push(await askOne(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

function callsOf(stack: DemoStack, from: number, to: number, dnsAsked: readonly { name: string; type: string }[], chains: Map<string, number>): DiagnosisCalls {
  const graph: Record<string, number> = {};
  const cmdlets: Record<string, number> = {};
  for (const record of stack.emulator.requests.slice(from, to)) {
    if (record.route.startsWith('graph.')) graph[record.route] = (graph[record.route] ?? 0) + 1;
    else if (record.route.startsWith('exo.') && record.route !== 'exo.InvokeCommand') cmdlets[record.route.slice(4)] = (cmdlets[record.route.slice(4)] ?? 0) + 1;
  }
  // auditDomain asks the domain's MX first.
  const audited = dnsAsked.find((question) => question.type === 'MX')?.name ?? null;
  return { graph, cmdlets, dnsAudit: audited ? { domain: audited, chain: chains.get(audited) ?? 0 } : null };
}

export const diagnosisSection: SectionSpec = {
  id: 'diagnosis',
  title: '5. Diagnosis end to end (Activity in → card out)',
  needsSeconds: 150,
  async run(context: BenchContext): Promise<SectionOutcome> {
    const stack = await startDemoStack({ storage: false, dnsLatencyMs: DNS_LATENCY_MS });
    const connector = await startFakeConnector();
    const bots: BotProcess[] = [];
    try {
      const limits = stack.emulator.tenant(DEMO_TENANT.id).scenario.limits as { messageTraceRequestsPer5Minutes: number };
      limits.messageTraceRequestsPer5Minutes = UNLIMITED_TRACE_BUDGET;
      // The bots run in their own processes (not pinned): the emulator, DNS and the load stay in this one.
      const coldBot = await startBotProcess({ env: stack.env, pin: false, caches: 'cold' });
      bots.push(coldBot);
      const warmBot = await startBotProcess({ env: stack.env, pin: false, caches: 'production' });
      bots.push(warmBot);
      const questions = new Questions();
      const problems: string[] = [];

      // Warm-up without added latency: tokens for Graph and Exchange (real Entra tokens are cached for an hour, so
      // the token endpoint gets no latency), service health (read once a minute by design), and the JIT.
      for (const [scenario, { ask: text }] of DIAGNOSIS_QUESTIONS.entries()) {
        for (const bot of [coldBot, warmBot]) {
          const answer = await ask(bot, connector, scenario, `${text}?`, questions.conversationId());
          if (!answer.ok) problems.push(`warm-up, scenario ${scenario + 1}: ${answer.problem}`);
        }
      }
      stack.emulator.faults.globalLatencyMs = GRAPH_LATENCY_MS;

      // The dependent DNS chain of each audited domain, from the audit's own result (SPF tree depth, DMARC lookups).
      const chains = new Map<string, number>();
      const chainResolver = createDnsResolver({ servers: [stack.dns.address] });
      const chainOf = async (domain: string) => {
        if (!chains.has(domain)) chains.set(domain, auditChain(await auditDomain(domain, { checks: ['spf', 'dkim', 'dmarc'] }, chainResolver)));
      };

      // One conversation: each scenario alone, so every emulator request and DNS question belongs to it.
      const paths = new Map<number, CriticalPath>();
      const perScenario: { scenario: number; ask: string; calls: DiagnosisCalls; criticalPath: CriticalPath; graph: ReturnType<typeof graphCallBudget>; ms: number[] }[] = [];
      const results = new Map<number, Asked[][]>();
      const graphPerRun = new Map<number, { calls: number; examined: number; diagnoses: number }[]>();
      for (const concurrency of CONCURRENCY) {
        results.set(concurrency, []);
        graphPerRun.set(concurrency, []);
      }
      for (let run = 0; run < context.runs; run++) {
        const asked: Asked[] = [];
        const runFrom = stack.emulator.requests.length;
        for (let scenario = 0; scenario < DIAGNOSIS_QUESTIONS.length; scenario++) {
          const from = stack.emulator.requests.length;
          const dnsFrom = stack.dns.queries.length;
          const answer = await ask(coldBot, connector, scenario, questions.text(scenario), questions.conversationId());
          asked.push(answer);
          // The cold bot caches one DNS answer, so every question it asks reaches the server.
          const dnsAsked = stack.dns.queries.slice(dnsFrom).map((query) => ({ name: query.name.toLowerCase().replace(/\.$/, ''), type: query.type }));
          const audited = dnsAsked.find((question) => question.type === 'MX')?.name;
          if (audited) await chainOf(audited);
          const calls = callsOf(stack, from, stack.emulator.requests.length, dnsAsked, chains);
          const path = criticalPath(calls, GRAPH_LATENCY_MS, DNS_LATENCY_MS);
          if (run === 0) {
            paths.set(scenario, path);
            perScenario.push({ scenario: scenario + 1, ask: DIAGNOSIS_QUESTIONS[scenario].ask, calls, criticalPath: path, graph: graphCallBudget(calls), ms: [] });
          }
          perScenario[scenario].ms.push(Math.round(answer.ms));
        }
        results.get(1)!.push(asked);
        graphPerRun.get(1)!.push(graphUse(stack, runFrom, asked.length));
      }
      for (const concurrency of CONCURRENCY.filter((level) => level > 1)) {
        for (let run = 0; run < context.runs; run++) {
          const total = concurrency * WAVES[concurrency];
          const runFrom = stack.emulator.requests.length;
          const asked = await wave(total, concurrency, (index) => {
            const scenario = index % DIAGNOSIS_QUESTIONS.length;
            return ask(coldBot, connector, scenario, questions.text(scenario), questions.conversationId());
          });
          results.get(concurrency)!.push(asked);
          graphPerRun.get(concurrency)!.push(graphUse(stack, runFrom, asked.length));
        }
      }
      // Warm, for comparison: the same ten questions again and again at 10 conversations, production caches on.
      const warmRuns: Asked[][] = [];
      for (let run = 0; run < context.runs; run++) {
        warmRuns.push(await wave(30, 10, (index) => {
          const scenario = index % DIAGNOSIS_QUESTIONS.length;
          return ask(warmBot, connector, scenario, `${DIAGNOSIS_QUESTIONS[scenario].ask}?`, questions.conversationId());
        }));
      }
      stack.emulator.faults.globalLatencyMs = 0;

      const ratioOf = (answer: Asked) => answer.ms / (paths.get(answer.scenario)?.ms ?? Number.NaN);
      const figures: Figure[] = [];
      const latencies: LatencySeries[] = [];
      for (const concurrency of CONCURRENCY) {
        const runs = results.get(concurrency)!;
        const label = `${concurrency} concurrent`;
        figures.push(
          figure(`diagnosis.c${concurrency}.p50`, `${label}: p50 latency`, 'ms', runs.map((asked) => percentile(asked.map((item) => item.ms), 50))),
          figure(`diagnosis.c${concurrency}.p99`, `${label}: p99 latency`, 'ms', runs.map((asked) => percentile(asked.map((item) => item.ms), 99))),
          figure(
            `diagnosis.c${concurrency}.ratio`,
            `${label}: p50 of latency ÷ the question's critical path`,
            '×',
            runs.map((asked) => percentile(asked.map(ratioOf), 50)),
            concurrency === 10 ? { comparison: '<=', value: 1.25, text: '≤ 1.25× critical path at 10 concurrent' } : null,
          ),
          figure(`diagnosis.c${concurrency}.errors`, `${label}: wrong or missing answers`, 'answers', runs.map((asked) => asked.filter((item) => !item.ok).length), { comparison: '<=', value: 0, text: 'none' }),
        );
        latencies.push({ label: `Diagnosis, ${label} (cold)`, distribution: distributionOf(runs.flat().map((item) => item.ms)) });
        for (const asked of runs) for (const item of asked.filter((candidate) => !candidate.ok).slice(0, 3)) problems.push(`${label}, scenario ${item.scenario + 1}: ${item.problem}`);
      }
      figures.push(
        figure('diagnosis.warm.c10.p50', '10 concurrent, warm caches (same questions repeated): p50 latency', 'ms', warmRuns.map((asked) => percentile(asked.map((item) => item.ms), 50))),
      );
      latencies.push({ label: 'Diagnosis, 10 concurrent (warm caches)', distribution: distributionOf(warmRuns.flat().map((item) => item.ms)) });

      const allGraph = [...graphPerRun.values()].flat();
      figures.push(
        figure('diagnosis.graph-calls', 'Graph calls per diagnosis (mean over each run, health reads included)', 'calls', allGraph.map((run) => run.calls / run.diagnoses)),
        figure('diagnosis.graph-budget', 'Graph calls ÷ (1 + messages examined), over each run', '×', allGraph.map((run) => run.calls / (run.diagnoses + run.examined)), { comparison: '<=', value: 1, text: '≤ 1 (Graph calls ≤ 1 + messages examined)' }),
      );
      const worst = perScenario.filter((row) => !row.graph.within);
      const traceRequestsPerDiagnosis =
        perScenario.reduce((sum, row) => sum + (row.calls.graph['graph.messageTraces'] ?? 0) + (row.calls.graph['graph.traceDetails'] ?? 0), 0) / Math.max(1, perScenario.length);
      const pathsMs = [...paths.values()].map((path) => path.ms);
      return {
        status: 'ran',
        notes: [
          `The demo stack (emulated Microsoft 365 over HTTPS, dns2 DNS) with ${GRAPH_LATENCY_MS} ms added to every Graph and Exchange call and ${DNS_LATENCY_MS} ms to every DNS answer, and a fake Bot Connector, in the bench process; the real bot server (startServer + createServices) in a process of its own, so it does not share an event loop with the emulator or the load; latency = Activity posted → the final card received by the connector.`,
          'Cold: every question names its own window ("in the last N hours"), trace answers are not reused between questions (trace cache TTL 1 ms; identical concurrent requests are still shared, as in production), the DNS cache holds one answer. Tokens are warm (an Entra token is cached for an hour) and service health is read once a minute by design. Warm: production caches, the same ten questions repeated.',
          `The message-trace quota (100 requests per 5 minutes per tenant) is raised in the emulator and the client for this section; with it, at ${round(traceRequestsPerDiagnosis)} trace requests per cold diagnosis, one tenant could take only about ${Math.floor(100 / traceRequestsPerDiagnosis)} cold diagnoses per 5 minutes.`,
          `Critical path per question (derived from the runbook's stages and the calls the question made at one conversation): ${perScenario.map((row) => `#${row.scenario} ${row.criticalPath.ms} ms (${row.criticalPath.m365Stages}×${GRAPH_LATENCY_MS}${row.criticalPath.dnsChain ? ` + ${row.criticalPath.dnsChain}×${DNS_LATENCY_MS}` : ''})`).join(', ')}; median ${median(pathsMs)} ms.`,
          `Graph calls per diagnosis at one conversation: ${perScenario.map((row) => `#${row.scenario} ${row.graph.calls}/${row.graph.budget}`).join(', ')} (calls/budget)${worst.length > 0 ? `; over budget: ${worst.map((row) => `#${row.scenario} ${JSON.stringify(row.calls.graph)}`).join('; ')}` : ''}.`,
          `Diagnoses per run: ${CONCURRENCY.map((level) => `${level} concurrent: ${level === 1 ? DIAGNOSIS_QUESTIONS.length : level * WAVES[level]}`).join(', ')}; ${context.runs} runs each.`,
          ...(problems.length > 0 ? [`Problems: ${problems.slice(0, 8).join('; ')}`] : ['Every answer named the expected layer.']),
        ],
        figures,
        latencies,
        details: { perScenario, criticalPathMedianMs: median(pathsMs), graphPerRun: Object.fromEntries(graphPerRun), mean: { ratioAt10: round(median(results.get(10)!.map((asked) => percentile(asked.map(ratioOf), 50)))) } },
      };
    } finally {
      stack.emulator.faults.globalLatencyMs = 0;
      for (const bot of bots) await bot.close();
      await connector.close();
      await stack.close();
    }
  },
};

/** Graph requests, and trace-detail requests (one per examined message), since `from`. */
function graphUse(stack: DemoStack, from: number, diagnoses: number): { calls: number; examined: number; diagnoses: number } {
  const records = stack.emulator.requests.slice(from);
  return {
    calls: records.filter((record) => record.route.startsWith('graph.')).length,
    examined: records.filter((record) => record.route === 'graph.traceDetails').length,
    diagnoses,
  };
}
