import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { rerunTrustingEmulator } from '../demo/trust';
import { projectPath } from '../paths';
import { closeBotLab, memorySection, throughputSection } from './bot-load';
import { diagnosisSection } from './diagnosis';
import { domainSection } from './domain';
import { ndrSection } from './ndr';
import { headersSection, intentSection } from './parsers';
import { renderLatencySvg, renderMarkdown, summarize, type BenchReport, type Section } from './report';
import { benchOptions, benchUsage, type BenchOptions } from './options';
import { runSection, type BenchContext, type SectionSpec } from './section';

/** Every section, in the order of issue 11. */
export const SECTIONS: readonly SectionSpec[] = [ndrSection, intentSection, headersSection, domainSection, diagnosisSection, throughputSection, memorySection];

/** The bound: under 10 minutes on 2 cores. Sections that no longer fit are skipped with a note. */
const BUDGET_SECONDS = 9 * 60;

/**
 * `npm run bench`: the figures issue 11 asks for, from one command, on loopback only, bounded in time. Writes
 * bench/report.json, bench/report.md and bench/latency.svg. Options: `--only ndr,intent` (section ids),
 * `--runs N` (default 3), `--out DIR`, `--help` (src/bench/options.ts).
 */
async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | null;
  try {
    options = benchOptions(argv, SECTIONS, projectPath('bench'));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${benchUsage(SECTIONS)}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${benchUsage(SECTIONS)}\n`);
    return 0;
  }
  // The emulated Microsoft 365 speaks TLS with a test CA that Node trusts only through NODE_EXTRA_CA_CERTS.
  const rerun = await rerunTrustingEmulator();
  if (rerun !== null) return rerun;
  const started = Date.now();
  const deadline = started + BUDGET_SECONDS * 1000;
  const loadStart = loadavg();
  const context: BenchContext = {
    runs: options.runs,
    deadline,
    log: (line) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`),
    secondsLeft: () => (deadline - Date.now()) / 1000,
  };
  // A last resort for the bound: whatever hangs, the process ends.
  setTimeout(() => {
    process.stderr.write('bench: over 10 minutes, stopping\n');
    process.exit(3);
  }, 10 * 60_000).unref();

  const specs = SECTIONS.filter((spec) => options.only === null || options.only.includes(spec.id));
  const sections: Section[] = [];
  try {
    for (const spec of specs) sections.push(await runSection(spec, context));
  } finally {
    await closeBotLab();
  }
  const cpuList = cpus();
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAverage: { start: loadStart.map((value) => Number(value.toFixed(2))), end: loadavg().map((value) => Number(value.toFixed(2))) },
    },
    sections,
    summary: summarize(sections),
  };
  mkdirSync(options.out, { recursive: true });
  writeFileSync(`${options.out}/report.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${options.out}/report.md`, renderMarkdown(report));
  writeFileSync(`${options.out}/latency.svg`, renderLatencySvg(sections.flatMap((section) => section.latencies)));
  context.log(`targets met: ${report.summary.met}/${report.summary.targets} (${report.summary.withinNoise} within noise); wrote ${options.out}/report.json, report.md, latency.svg`);
  return 0;
}

void main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(2);
  },
);
