import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths';
import { DEMO_TENANT } from '../../src/emulator/m365';
import { startFixture, value, type Fixture } from '../sources/tenant-fixture';

/**
 * The emulator must answer in the shapes the research notes record from Microsoft's docs and live captures: every
 * field of each sample exists in the emulator's answer with the same JSON type (a sample's null matches anything,
 * arrays compare their first items, `@odata.nextLink` is checked where the emulator pages).
 */
const notes = readFileSync(projectPath('..', 'shared', 'reference', 'graph-exchange-apis.md'), 'utf8');
const samples: unknown[] = [...notes.matchAll(/```json\n([\s\S]*?)```/g)].flatMap((match) => {
  try {
    return [JSON.parse(match[1])];
  } catch {
    return match[1].trim().split('\n').flatMap((line) => { try { return [JSON.parse(line)]; } catch { return []; } });
  }
});
const sample = (predicate: (json: string) => boolean): Record<string, unknown> => {
  const found = samples.find((item) => predicate(JSON.stringify(item)));
  if (!found) throw new Error('sample not found in the reference notes');
  return found as Record<string, unknown>;
};

const kind = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Where `actual` lacks a field of `expected` or has it with another JSON type. */
function shapeDifferences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected === null || expected === undefined) return [];
  if (kind(expected) !== kind(actual)) return [`${path}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    return expected.length > 0 && (actual as unknown[]).length > 0 ? shapeDifferences(expected[0], (actual as unknown[])[0], `${path}[0]`) : [];
  }
  if (typeof expected === 'object') {
    return Object.entries(expected as Record<string, unknown>).flatMap(([key, child]) =>
      key in (actual as Record<string, unknown>) ? shapeDifferences(child, (actual as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return [];
}

describe('emulator answers match the sample JSON in the reference notes', () => {
  let fx: Fixture;
  let graphToken: string;
  let exchangeToken: string;
  const graph = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${fx.emulator.url}${path}`, { headers: { authorization: `Bearer ${graphToken}`, ...headers } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const invoke = async (cmdlet: string, parameters: Record<string, unknown> = {}) => {
    const response = await fetch(`${fx.emulator.url}/adminapi/beta/${DEMO_TENANT.id}/InvokeCommand`, {
      method: 'POST', headers: { authorization: `Bearer ${exchangeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    fx = await startFixture();
    graphToken = value(await fx.tenant.tokens.get('graph'));
    exchangeToken = value(await fx.tenant.tokens.get('exchange'));
  });
  afterAll(async () => {
    await fx.emulator.close();
  });

  it('message trace list (with a nextLink page)', async () => {
    const { body } = await graph('/v1.0/admin/exchange/tracing/messageTraces?$top=2');
    expect(shapeDifferences(sample((json) => json.includes('tracing/messageTraces') && json.includes('"value"')), body)).toEqual([]);
    expect(String(body['@odata.nextLink'])).toContain('$skiptoken=');
  });

  it('message trace details by recipient', async () => {
    const row = fx.scenario.traces.find((trace) => trace.recipient === 'bob.smtih@contoso.com')!;
    const { body } = await graph(`/v1.0/admin/exchange/tracing/messageTraces/${row.traceId}/getDetailsByRecipient(recipientAddress='${row.recipient}')`);
    expect(shapeDifferences(sample((json) => json.includes('exchangeMessageTraceDetail')), body)).toEqual([]);
  });

  it('service health issues (paged) and the health overview', async () => {
    const { body } = await graph(`/v1.0/admin/serviceAnnouncement/issues?$filter=${encodeURIComponent("service eq 'Exchange Online'")}`, { prefer: 'odata.maxpagesize=1' });
    expect(shapeDifferences(sample((json) => json.includes('serviceAnnouncement/issues')), body)).toEqual([]);
    const overviewSample = JSON.parse(/Health overview sample: `([^`]*)`/.exec(notes)![1]);
    expect(shapeDifferences(overviewSample, (await graph('/v1.0/admin/serviceAnnouncement/healthOverviews')).body)).toEqual([]);
  });

  it('domain service configuration records (MX, TXT, CNAME)', async () => {
    const expected = sample((json) => json.includes('domainDnsMxRecord')).value as Record<string, unknown>[];
    const { body } = await graph('/v1.0/domains/contoso.com/serviceConfigurationRecords');
    const actual = body.value as Record<string, unknown>[];
    for (const record of expected) {
      const same = actual.find((item) => item['@odata.type'] === record['@odata.type']);
      expect(shapeDifferences(record, same, String(record['@odata.type']))).toEqual([]);
    }
  });

  it('the InvokeCommand envelope, a quarantine row and a DKIM row', async () => {
    const quarantine = await invoke('Get-QuarantineMessage', { PageSize: 1, Page: 1 });
    const envelope = sample((json) => json.includes('adminapi.warnings') && json.includes('cmdlet output object'));
    const { value: _rows, ...envelopeKeys } = envelope;
    expect(shapeDifferences(envelopeKeys, quarantine.body)).toEqual([]);
    expect(shapeDifferences(sample((json) => json.includes('"PermissionToRelease"')), quarantine.body.value[0])).toEqual([]);
    const dkim = await invoke('Get-DkimSigningConfig', { Identity: 'contoso.com' });
    expect(shapeDifferences(sample((json) => json.includes('"Selector1CNAME"')), dkim.body.value[0])).toEqual([]);
  });

  it('the cmdlet error body (ErrId|Type|text in error.details)', async () => {
    const missing = await invoke('Get-QuarantineMessage', { Identity: '00000000-0000-0000-0000-000000000000\\00000000-0000-0000-0000-000000000000' });
    expect(missing.status).toBe(404);
    expect(shapeDifferences(sample((json) => json.includes('Error executing cmdlet')), missing.body)).toEqual([]);
    expect(missing.body.error.details[0].message.split('|')).toHaveLength(3);
  });

  it('the throttled body and the generic Graph error body', async () => {
    fx.emulator.faults.set('graph.domains', { kind: 'status', status: 429, retryAfter: 5, times: 1 });
    const throttled = await graph('/v1.0/domains');
    expect(throttled.status).toBe(429);
    expect(shapeDifferences(sample((json) => json.includes('activityLimitReached')), throttled.body)).toEqual([]);
    const unknownUser = await graph('/v1.0/users/nobody@contoso.com');
    expect(shapeDifferences(sample((json) => json.includes('Authorization_RequestDenied')), unknownUser.body)).toEqual([]);
  });

  it('the release request our client sends has the documented body', async () => {
    fx.emulator.resetCounters();
    value(await fx.tenant.exchange.releaseQuarantineMessage(fx.scenario.quarantine[0].identity));
    const sent = fx.emulator.requests.find((request) => request.route === 'exo.Release-QuarantineMessage')!.body;
    const documented = sample((json) => json.includes('Release-QuarantineMessage') && json.includes('ReleaseToAll'));
    expect(shapeDifferences(documented, sent)).toEqual([]);
  });
});
