import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { ZoneEntry, Zones } from '../../src/emulator/dns';
import { projectPath } from '../../src/paths';

/** One scenario of the OpenSPF/pyspf RFC 7208 suite: its DNS data and its tests. */
export interface SuiteScenario {
  readonly description: string;
  readonly zones: Zones;
  readonly tests: readonly SuiteTest[];
}

export interface SuiteTest {
  readonly name: string;
  readonly host: string;
  readonly mailfrom: string;
  readonly helo: string;
  readonly expected: readonly string[];
  readonly spec: string;
  /** The explanation a fail must carry, when the suite gives one. */
  readonly explanation: string | null;
}

type SuiteRecord = 'TIMEOUT' | Record<string, unknown>;

/**
 * The suite's `zonedata` as our zone format. Its drivers copy type SPF records into TXT when a name has no TXT
 * of its own (the suite says so in its header); `TXT: NONE` stops that copy.
 */
export function zonesOf(zonedata: Record<string, SuiteRecord[]>): Zones {
  const zones: Record<string, ZoneEntry> = {};
  for (const [name, records] of Object.entries(zonedata ?? {})) {
    const entry: { -readonly [K in keyof ZoneEntry]: any } = {};
    const spf: (string | string[])[] = [];
    let txt: (string | string[])[] | null = null;
    for (const record of records ?? []) {
      if (record === 'TIMEOUT') {
        // The suite's drivers time out every question the name has no data for.
        entry.fault = 'timeout';
        entry.faultWhen = 'no-data';
        continue;
      }
      const [type, value] = Object.entries(record)[0];
      const text = (item: unknown): string | string[] => (Array.isArray(item) ? item.map(String) : String(item));
      switch (type) {
        case 'SPF':
          spf.push(text(value));
          break;
        case 'TXT':
          if (value === 'NONE') txt = txt ?? [];
          else (txt = txt ?? []).push(text(value));
          break;
        case 'MX': {
          const [priority, exchange] = value as [number, string];
          (entry.MX ??= []).push([priority, exchange]);
          break;
        }
        case 'CNAME':
          entry.CNAME = String(value);
          break;
        default:
          (entry[type as 'A'] ??= []).push(String(value));
      }
    }
    const txtRecords = txt ?? spf;
    if (txtRecords.length > 0) entry.TXT = txtRecords;
    zones[name] = entry as ZoneEntry;
  }
  return zones;
}

export function loadSuite(): SuiteScenario[] {
  const text = readFileSync(projectPath('..', 'shared', 'corpus', 'spf', 'rfc7208-tests.yml'), 'utf8');
  return parseAllDocuments(text).map((document) => {
    const scenario = document.toJS() as { description: string; zonedata: Record<string, SuiteRecord[]>; tests: Record<string, Record<string, unknown>> };
    return {
      description: scenario.description,
      zones: zonesOf(scenario.zonedata),
      tests: Object.entries(scenario.tests).map(([name, test]) => ({
        name,
        host: String(test.host),
        mailfrom: String(test.mailfrom ?? ''),
        helo: String(test.helo ?? ''),
        expected: ([] as unknown[]).concat(test.result).map(String),
        spec: String(test.spec ?? ''),
        explanation: typeof test.explanation === 'string' ? test.explanation : null,
      })),
    };
  });
}
