import { evaluateSpf } from '../../src/diagnosis/domain';
import { startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import { createDnsResolver } from '../../src/sources/dns';

describe('the explanation a failing domain publishes (exp=)', () => {
  let server: RunningDnsServer;
  beforeAll(async () => {
    server = await startDnsServer({
      zones: {
        'contoso.com': { TXT: ['v=spf1 include:spf.protection.outlook.com -all exp=explain._spf.contoso.com'] },
        'spf.protection.outlook.com': { TXT: ['v=spf1 ip4:40.107.0.0/16 -all'] },
        'explain._spf.contoso.com': { TXT: ['%{i} is not one of %{d}\'s mail servers; see https://contoso.com/spf'] },
        'fabrikam.com': { TXT: ['v=spf1 -all exp=nothing.fabrikam.com'] },
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is shown, with its macros expanded, when the check fails', async () => {
    const resolver = createDnsResolver({ servers: [server.address] });
    expect(await evaluateSpf({ ip: '198.51.100.25', sender: 'news@contoso.com' }, resolver)).toMatchObject({
      result: 'fail',
      explanation: "198.51.100.25 is not one of contoso.com's mail servers; see https://contoso.com/spf",
      lookups: 1,
    });
    expect((await evaluateSpf({ ip: '40.107.1.2', sender: 'news@contoso.com' }, resolver)).explanation).toContain('designates 40.107.1.2');
  });

  it('falls back to the default when the explanation record is missing', async () => {
    const resolver = createDnsResolver({ servers: [server.address] });
    expect((await evaluateSpf({ ip: '198.51.100.25', sender: 'a@fabrikam.com' }, resolver)).explanation).toBe('domain of a@fabrikam.com does not designate 198.51.100.25 as permitted sender');
  });
});
