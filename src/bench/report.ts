import { round, spreadOf, type Distribution, type Spread } from './stats';

/**
 * The shape of bench/report.json and its two renderings: a Markdown table (bench/report.md) and a hand-written SVG
 * of the latency distributions (bench/latency.svg). Pure functions, so the shape is tested without running the bench.
 */

export type Comparison = '<' | '<=' | '>=' | '>';

export interface Target {
  readonly comparison: Comparison;
  readonly value: number;
  /** The target in the issue's words ("≥ 5× Sisimai"). */
  readonly text: string;
}

export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  /** The median over runs, with the spread. */
  readonly value: Spread;
  readonly target: Target | null;
  /** Whether the median meets the target; null when the figure has no target. */
  readonly met: boolean | null;
  readonly note?: string;
}

/** One latency distribution for the chart (samples pooled over the section's runs). */
export interface LatencySeries {
  readonly label: string;
  readonly distribution: Distribution;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly status: 'ran' | 'skipped' | 'failed';
  /** How it was measured, what was skipped and why. */
  readonly notes: readonly string[];
  readonly figures: readonly Figure[];
  readonly latencies: readonly LatencySeries[];
  /** Section-specific detail (per-scenario rows, …) kept in the JSON only. */
  readonly details?: unknown;
  /** Load average (1 min) when the section started and ended: the machine is shared. */
  readonly load: { readonly start: number; readonly end: number };
  readonly seconds: number;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly platform: string;
    readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  };
  readonly sections: readonly Section[];
  readonly summary: {
    readonly targets: number;
    readonly met: number;
    readonly notMet: number;
    readonly notMeasured: number;
    /** Targets, met or not, whose median's interval crosses the target: more runs could turn their verdict. */
    readonly withinNoise: number;
  };
}

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  switch (target.comparison) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>=':
      return value >= target.value;
    case '>':
      return value > target.value;
  }
}

/** A figure from its per-run values; met is judged on the median. */
export function figure(id: string, label: string, unit: string, runs: readonly number[], target: Target | null = null, note?: string): Figure {
  const value = spreadOf(runs);
  return { id, label, unit, value, target, met: target ? meets(value.median, target) : null, ...(note ? { note } : {}) };
}

export function summarize(sections: readonly Section[]): BenchReport['summary'] {
  const withTargets = sections.flatMap((section) => section.figures.filter((item) => item.target !== null));
  const met = withTargets.filter((item) => item.met === true).length;
  return {
    targets: withTargets.length,
    met,
    notMet: withTargets.length - met,
    notMeasured: sections.filter((section) => section.status !== 'ran').length,
    withinNoise: withTargets.filter(withinNoise).length,
  };
}

/** The verdict could go either way: one end of the median's interval meets the target and the other does not. */
export function withinNoise(item: Figure): boolean {
  const interval = item.value.interval;
  return item.target !== null && interval !== null && meets(interval.low, item.target) !== meets(interval.high, item.target);
}

function show(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return String(round(value));
}

function verdict(item: Figure): string {
  if (item.met === null) return '';
  return `${item.met ? '**met**' : '**not met**'}${withinNoise(item) ? ' (within noise)' : ''}`;
}

function intervalCell(item: Figure): string {
  const interval = item.value.interval;
  return interval ? `${show(interval.low)}–${show(interval.high)} (${Math.floor(interval.confidence * 100)}%)` : '–';
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  const { machine } = report;
  lines.push('# Mailflow Doctor benchmark report', '');
  lines.push(
    `Generated ${report.generatedAt} by \`npm run bench\` in ${Math.round(report.durationSeconds)} s on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}. ` +
      `Load average (1/5/15 min) at start ${machine.loadAverage.start.map((value) => value.toFixed(2)).join(' / ')}, at end ${machine.loadAverage.end.map((value) => value.toFixed(2)).join(' / ')}: ` +
      'the machine is shared, so absolute figures are noisy; each figure is the median of several runs, with the spread (min–max) beside it. ' +
      'The interval is two of the runs between which the median of many more runs would fall, with the confidence shown (assuming only that runs are independent, each as likely to fall below the true median as above it). ' +
      'A verdict marked "within noise" has an interval that crosses its target: more runs could turn it.',
    '',
  );
  const { summary } = report;
  lines.push(
    `**Targets: ${summary.met} of ${summary.targets} met**${summary.withinNoise > 0 ? `; ${summary.withinNoise} of the ${summary.targets} within noise` : ''}${summary.notMeasured > 0 ? `, ${summary.notMeasured} section(s) not measured` : ''}.`,
    '',
  );
  lines.push('| Target | Median | Spread | Interval | Verdict |', '|---|---|---|---|---|');
  for (const section of report.sections) {
    for (const item of section.figures.filter((candidate) => candidate.target !== null)) {
      lines.push(`| ${escapeCell(`${section.title}: ${item.label} (target ${item.target!.text})`)} | ${show(item.value.median)} ${item.unit} | ${show(item.value.min)}–${show(item.value.max)} | ${intervalCell(item)} | ${verdict(item)} |`);
    }
  }
  lines.push('', '![latency distributions](latency.svg)', '');
  for (const section of report.sections) {
    lines.push(`## ${section.title}`, '');
    lines.push(`_${section.status}; ${section.seconds.toFixed(1)} s; load average ${section.load.start.toFixed(2)} → ${section.load.end.toFixed(2)}_`, '');
    if (section.figures.length > 0) {
      lines.push('| Figure | Median | Spread (min–max) | Interval | Runs | Target | Verdict |', '|---|---|---|---|---|---|---|');
      for (const item of section.figures) {
        lines.push(
          `| ${escapeCell(item.label)}${item.note ? ` (${escapeCell(item.note)})` : ''} | ${show(item.value.median)} ${item.unit} | ${show(item.value.min)}–${show(item.value.max)} | ${intervalCell(item)} | ${item.value.runs.length} | ${item.target ? escapeCell(item.target.text) : ''} | ${verdict(item)} |`,
        );
      }
      lines.push('');
    }
    for (const note of section.notes) lines.push(`- ${note}`);
    if (section.notes.length > 0) lines.push('');
  }
  return lines.join('\n');
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Box plots on a log scale: whiskers p1–p99, box p25–p75, a tick at the median. Log scale because the series run
 * from microseconds (intent parsing) to seconds (a diagnosis with 300 ms per Graph call).
 */
export function renderLatencySvg(series: readonly LatencySeries[]): string {
  const rows = series.filter((item) => item.distribution.count > 0 && Number.isFinite(item.distribution.p50));
  const width = 1060;
  const labelWidth = 300;
  const valueWidth = 230;
  const plotLeft = labelWidth + 10;
  const plotRight = width - valueWidth - 10;
  const rowHeight = 26;
  const top = 44;
  const height = top + Math.max(1, rows.length) * rowHeight + 46;
  const positive = rows.flatMap((item) => [item.distribution.p1, item.distribution.p99]).filter((value) => value > 0);
  const low = positive.length > 0 ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : 0.001;
  const high = positive.length > 0 ? 10 ** Math.ceil(Math.log10(Math.max(...positive))) : 1000;
  const span = Math.max(1e-9, Math.log10(high) - Math.log10(low));
  const x = (value: number) => plotLeft + ((Math.log10(Math.max(low, Math.min(high, value))) - Math.log10(low)) / span) * (plotRight - plotLeft);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">Latency distributions (ms, log scale): whiskers p1–p99, box p25–p75, line = median</text>`);
  for (let decade = Math.log10(low); decade <= Math.log10(high) + 1e-9; decade++) {
    const value = 10 ** decade;
    const at = x(value).toFixed(1);
    parts.push(`<line x1="${at}" y1="${top - 6}" x2="${at}" y2="${top + rows.length * rowHeight}" stroke="#dddddd"/>`);
    parts.push(`<text x="${at}" y="${top + rows.length * rowHeight + 16}" text-anchor="middle" fill="#555555">${xmlEscape(value >= 1 ? String(Math.round(value)) : String(Number(value.toPrecision(1))))}</text>`);
  }
  parts.push(`<text x="${(plotLeft + plotRight) / 2}" y="${top + rows.length * rowHeight + 34}" text-anchor="middle" fill="#555555">milliseconds</text>`);
  rows.forEach((item, index) => {
    const d = item.distribution;
    const y = top + index * rowHeight + rowHeight / 2;
    const fill = index % 2 === 0 ? '#4f81bd' : '#c0504d';
    if (index % 2 === 0) parts.push(`<rect x="0" y="${y - rowHeight / 2}" width="${width}" height="${rowHeight}" fill="#f7f7f7"/>`);
    parts.push(`<text x="${labelWidth}" y="${y + 4}" text-anchor="end">${xmlEscape(item.label)}</text>`);
    parts.push(`<line x1="${x(d.p1).toFixed(1)}" y1="${y}" x2="${x(d.p99).toFixed(1)}" y2="${y}" stroke="#333333"/>`);
    for (const end of [d.p1, d.p99]) parts.push(`<line x1="${x(end).toFixed(1)}" y1="${y - 5}" x2="${x(end).toFixed(1)}" y2="${y + 5}" stroke="#333333"/>`);
    const boxLeft = x(d.p25);
    parts.push(`<rect x="${boxLeft.toFixed(1)}" y="${y - 8}" width="${Math.max(1.5, x(d.p75) - boxLeft).toFixed(1)}" height="16" fill="${fill}" fill-opacity="0.75" stroke="#333333" stroke-width="0.6"/>`);
    parts.push(`<line x1="${x(d.p50).toFixed(1)}" y1="${y - 9}" x2="${x(d.p50).toFixed(1)}" y2="${y + 9}" stroke="#000000" stroke-width="2"/>`);
    parts.push(`<text x="${plotRight + 10}" y="${y + 4}" fill="#333333">p50 ${xmlEscape(show(d.p50))} · p99 ${xmlEscape(show(d.p99))} (n=${d.count})</text>`);
  });
  if (rows.length === 0) parts.push(`<text x="${width / 2}" y="${top + 14}" text-anchor="middle">no latency series were measured</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
