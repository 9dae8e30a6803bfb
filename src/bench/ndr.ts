import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyzeNdr } from '../analyzers/ndr';
import { projectPath } from '../paths';
import { figure } from './report';
import { skipped, type BenchContext, type SectionOutcome, type SectionSpec } from './section';
import { distributionOf, elapsedMs, percentile, round } from './stats';

const run = promisify(execFile);

interface ManifestRow {
  readonly file: string;
  readonly reason: string | null;
  readonly expected_source: string;
}

/**
 * Sisimai (Debian's libsisimai-perl 4.25) over the same files in one Perl process: one untimed pass so its lazily
 * loaded MTA modules are in memory (our side gets the same warm-up), then timed passes. Each email is read from
 * disk by Sisimai itself, as ours is by readFileSync inside our timing. Delivered and vacation reports are kept,
 * because the expected reasons include them.
 */
const SISIMAI_SCRIPT = `use strict; use warnings;
use Sisimai; use Time::HiRes qw(time);
my $passes = shift @ARGV;
for my $pass (0 .. $passes) {
  my $started = time;
  for my $file (@ARGV) {
    my $t0 = time;
    my $found = Sisimai->make($file, 'delivered' => 1, 'vacation' => 1);
    my $ms = (time - $t0) * 1000;
    my $reason = ($found && @$found) ? $found->[0]->reason : 'none';
    printf "email\\t%d\\t%s\\t%s\\t%.4f\\n", $pass, $file, $reason, $ms if $pass > 0;
  }
  printf "pass\\t%d\\t%.3f\\n", $pass, (time - $started) * 1000 if $pass > 0;
}
`;

function sisimaiInstalled(): boolean {
  return spawnSync('perl', ['-MSisimai', '-e', '1'], { stdio: 'ignore' }).status === 0;
}

/** Installs libsisimai-perl from the apt cache when it is missing (the bench runs as root on Debian). */
function ensureSisimai(log: (line: string) => void): { ok: true; note: string } | { ok: false; note: string } {
  if (sisimaiInstalled()) return { ok: true, note: 'libsisimai-perl was already installed' };
  log('installing libsisimai-perl with apt-get …');
  const installed = spawnSync('apt-get', ['install', '-y', 'libsisimai-perl'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 180_000 });
  if (installed.status === 0 && sisimaiInstalled()) return { ok: true, note: 'installed libsisimai-perl with apt-get for this run' };
  return { ok: false, note: `libsisimai-perl is not installed and apt-get failed (${(installed.stderr || installed.error?.message || 'unknown').toString().trim().split('\n').pop()})` };
}

function sisimaiVersion(): string {
  const version = spawnSync('perl', ['-MSisimai', '-e', 'print $Sisimai::VERSION'], { encoding: 'utf8' });
  return version.stdout.trim() || 'unknown';
}

interface SideResult {
  /** Emails per second, per timed pass. */
  readonly throughput: number[];
  /** p99 ms per email, per timed pass. */
  readonly p99: number[];
  readonly samples: number[];
  /** The first result's reason per file (from the first timed pass). */
  readonly reasons: Map<string, string>;
}

function ours(files: readonly string[], corpus: string, passes: number): SideResult {
  const result: SideResult = { throughput: [], p99: [], samples: [], reasons: new Map() };
  for (let pass = 0; pass <= passes; pass++) {
    const times: number[] = [];
    const started = process.hrtime.bigint();
    for (const file of files) {
      const t0 = process.hrtime.bigint();
      const report = analyzeNdr(readFileSync(join(corpus, file), 'utf8'));
      times.push(elapsedMs(t0));
      if (pass === 1) result.reasons.set(file, report.kind === 'ndr' ? report.results[0]?.reason ?? 'none' : report.kind);
    }
    const wall = elapsedMs(started);
    if (pass === 0) continue; // warm-up: module loading and the JIT, as Sisimai's warm-up pass loads its modules
    result.throughput.push(files.length / (wall / 1000));
    result.p99.push(percentile(times, 99));
    result.samples.push(...times);
  }
  return result;
}

async function sisimai(files: readonly string[], corpus: string, passes: number): Promise<SideResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mailflow-bench-sisimai-'));
  try {
    const script = join(dir, 'sisimai-bench.pl');
    writeFileSync(script, SISIMAI_SCRIPT);
    const { stdout } = await run('perl', [script, String(passes), ...files], { cwd: corpus, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
    const result: SideResult = { throughput: [], p99: [], samples: [], reasons: new Map() };
    const perPass = new Map<number, number[]>();
    for (const line of stdout.split('\n')) {
      const cells = line.split('\t');
      if (cells[0] === 'email') {
        const pass = Number(cells[1]);
        const ms = Number(cells[4]);
        if (!perPass.has(pass)) perPass.set(pass, []);
        perPass.get(pass)!.push(ms);
        result.samples.push(ms);
        if (pass === 1) result.reasons.set(cells[2], cells[3]);
      } else if (cells[0] === 'pass') {
        result.throughput.push(files.length / (Number(cells[2]) / 1000));
        result.p99.push(percentile(perPass.get(Number(cells[1])) ?? [], 99));
      }
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Agreement with the manifest's `reason` on the rows whose expectation is not UNVERIFIED (as test/ndr scores it). */
export function agreement(rows: readonly ManifestRow[], reasons: ReadonlyMap<string, string>): { agree: number; total: number; rate: number } {
  const scored = rows.filter((row) => !row.expected_source.startsWith('UNVERIFIED') && row.reason);
  const agree = scored.filter((row) => reasons.get(row.file) === row.reason).length;
  return { agree, total: scored.length, rate: scored.length === 0 ? 0 : agree / scored.length };
}

export const ndrSection: SectionSpec = {
  id: 'ndr',
  title: '1. NDR analysis over the Sisimai corpus',
  needsSeconds: 120,
  async run(context: BenchContext): Promise<SectionOutcome> {
    const corpus = projectPath('..', 'shared', 'corpus', 'sisimai');
    if (!existsSync(join(corpus, 'manifest.jsonl'))) return skipped(`skipped: ${corpus} is missing (the corpus lives in ../shared beside the project)`);
    const rows: ManifestRow[] = readFileSync(join(corpus, 'manifest.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as ManifestRow);
    const files = rows.map((row) => row.file);
    const passes = context.runs;
    const notes: string[] = [
      `${files.length} emails; ${passes} timed passes after one untimed warm-up pass on each side; each email is read from disk inside the timing on both sides.`,
      'Throughput = emails ÷ wall time of a pass; p99 over the per-email times of a pass; agreement = first result\'s reason equal to the manifest\'s `reason` on non-UNVERIFIED rows.',
    ];
    const mine = ours(files, corpus, passes);
    const mineAgreement = agreement(rows, mine.reasons);
    const figures = [
      figure('ndr.throughput', 'Mailflow Doctor: emails per second', 'emails/s', mine.throughput),
      figure('ndr.p99', 'Mailflow Doctor: p99 per email', 'ms', mine.p99),
      figure('ndr.agreement', 'Mailflow Doctor: reason agreement', '%', [mineAgreement.rate * 100], null, `${mineAgreement.agree}/${mineAgreement.total}`),
    ];
    const latencies = [{ label: 'NDR per email: Mailflow Doctor', distribution: distributionOf(mine.samples) }];

    const installed = ensureSisimai(context.log);
    notes.push(installed.note);
    if (!installed.ok) {
      notes.push('Sisimai side not measured: no ratio.');
      return { status: 'ran', notes, figures, latencies };
    }
    const theirs = await sisimai(files, corpus, passes);
    const theirAgreement = agreement(rows, theirs.reasons);
    notes.push(`Sisimai ${sisimaiVersion()} (Perl ${process.platform === 'linux' ? spawnSync('perl', ['-e', 'print $^V'], { encoding: 'utf8' }).stdout : ''}), run in the same bench, one pass after the other (not concurrently).`);
    const ratios = mine.throughput.map((value, index) => value / (theirs.throughput[index] ?? Number.NaN));
    const difference = (mineAgreement.rate - theirAgreement.rate) * 100;
    figures.push(
      figure('ndr.sisimai.throughput', 'Sisimai: emails per second', 'emails/s', theirs.throughput),
      figure('ndr.sisimai.p99', 'Sisimai: p99 per email', 'ms', theirs.p99),
      figure('ndr.sisimai.agreement', 'Sisimai: reason agreement', '%', [theirAgreement.rate * 100], null, `${theirAgreement.agree}/${theirAgreement.total}`),
      figure('ndr.ratio', 'Throughput ratio, ours ÷ Sisimai (pass by pass)', '×', ratios, { comparison: '>=', value: 5, text: '≥ 5× Sisimai' }),
      figure('ndr.agreement-difference', 'Agreement, ours − Sisimai', 'points', [difference], { comparison: '>=', value: 0, text: '≥ 0 (equal or better agreement)' }),
    );
    latencies.push({ label: 'NDR per email: Sisimai 4.25 (Perl)', distribution: distributionOf(theirs.samples) });
    notes.push(`Agreement: ours ${round(mineAgreement.rate * 100)}%, Sisimai ${round(theirAgreement.rate * 100)}% (the manifest's expectations come from go-sisimai 5, so Perl Sisimai 4.25 is not expected to agree 100%).`);
    return { status: 'ran', notes, figures, latencies };
  },
};
