import { explainFailure } from '../../src/sources/tenant';
import { startFixture, value, type Fixture } from './tenant-fixture';

const PHISH_FALSE_POSITIVE = '9f3c2a10-5b7d-4e2f-a1c3-08de1f2a3b4c\\7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

describe('Exchange admin API (InvokeCommand) against the emulated contoso.com', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.emulator.close();
  });
  beforeEach(() => fx.emulator.resetCounters());

  it('sends CmdletInput to beta/InvokeCommand with the app-only anchor mailbox', async () => {
    value(await fx.tenant.exchange.acceptedDomains());
    const [request] = fx.emulator.requests.filter((r) => r.route === 'exo.Get-AcceptedDomain');
    expect(request.path).toBe(`/adminapi/beta/${fx.scenario.tenant.id}/InvokeCommand`);
    expect(request.method).toBe('POST');
    expect(request.headers['x-anchormailbox']).toBe(`APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${fx.scenario.tenant.id}`);
    expect(request.body).toEqual({ CmdletInput: { CmdletName: 'Get-AcceptedDomain', Parameters: {} } });
  });

  it('reads accepted domains, connectors, mail flow rules, DKIM and remote domains', async () => {
    const accepted = value(await fx.tenant.exchange.acceptedDomains());
    expect(accepted.find((domain) => domain.domainName === 'onprem.contoso.com')?.domainType).toBe('InternalRelay');
    const inbound = value(await fx.tenant.exchange.inboundConnectors());
    expect(inbound.find((connector) => connector.connectorType === 'Partner')?.senderIPAddresses).toContain('198.51.100.45');
    const outbound = value(await fx.tenant.exchange.outboundConnectors());
    expect(outbound[0]).toMatchObject({ name: 'Outbound to on-premises (Hybrid)', tlsSettings: 'DomainValidation', smartHosts: ['mail.onprem.contoso.com'] });
    const rules = value(await fx.tenant.exchange.transportRules());
    expect(rules.map((rule) => rule.priority)).toEqual([0, 1]);
    expect(rules[0]).toMatchObject({ name: 'Block wire transfer requests from outside', rejectMessageEnhancedStatusCode: '5.7.1' });
    expect(rules[0].description).toContain("Is received from 'NotInOrganization'");
    const dkim = value(await fx.tenant.exchange.dkimSigningConfigs());
    expect(dkim.find((config) => config.domain === 'contoso.com')).toMatchObject({ enabled: true, status: 'Valid', keySize: 2048 });
    const remote = value(await fx.tenant.exchange.remoteDomains());
    expect(remote[0]).toMatchObject({ domainName: '*', autoForwardEnabled: false });
  });

  it('looks up recipients: a hybrid mail user exists, the typo does not', async () => {
    expect(value(await fx.tenant.exchange.getRecipient('pat.kim@onprem.contoso.com')).recipientTypeDetails).toBe('MailUser');
    expect(await fx.tenant.exchange.getRecipient('bob.smtih@contoso.com')).toEqual({ kind: 'notFound' });
    expect(value(await fx.tenant.exchange.listRecipients()).flatMap((recipient) => recipient.addresses)).toContain('bob@contoso.com');
  });

  it('lists quarantine for a sender and reads the message header', async () => {
    const fromLitware = value(await fx.tenant.exchange.listQuarantine({ senderAddress: ['billing@litware.com'] }));
    expect(fromLitware).toHaveLength(1);
    expect(fromLitware[0]).toMatchObject({ identity: PHISH_FALSE_POSITIVE, type: 'Phish', releaseStatus: 'NOTRELEASED', recipientAddress: ['jane.doe@contoso.com'] });
    const header = value(await fx.tenant.exchange.quarantineHeader(PHISH_FALSE_POSITIVE));
    expect(header).toContain('Authentication-Results: spf=pass');
    expect(await fx.tenant.exchange.getQuarantineMessage('00000000-0000-0000-0000-000000000000\\00000000-0000-0000-0000-000000000000')).toEqual({ kind: 'notFound' });
  });

  it('releases the phish false positive once, and Exchange reports it released', async () => {
    const outcome = value(await fx.tenant.exchange.releaseQuarantineMessage(PHISH_FALSE_POSITIVE, { reportFalsePositive: true }));
    expect(outcome).toMatchObject({ releaseStatus: 'RELEASED', releasedUsers: ['jane.doe@contoso.com'], warnings: [] });
    expect(fx.emulator.count('exo.Release-QuarantineMessage')).toBe(1);
    expect(fx.emulator.tenant('contoso.com').quarantine.find((item) => item.record.identity === PHISH_FALSE_POSITIVE)?.releaseCalls).toBe(1);
    const again = value(await fx.tenant.exchange.releaseQuarantineMessage(PHISH_FALSE_POSITIVE));
    expect(again.warnings.join(' ')).toContain('already been released');
  });

  it('explains a cmdlet error from error.details ("ErrId|Type|text")', async () => {
    const bad = await fx.tenant.exchange.invokeCommand('Get-QuarantineMessage', { PageSize: 5000 });
    expect(bad).toMatchObject({ kind: 'failed', reason: { kind: 'cmdlet', cmdlet: 'Get-QuarantineMessage', exception: expect.stringContaining('ParameterBindingException') } });
  });
});

describe('quarantine paging with Page/PageSize', () => {
  it('reads every page until a short one', async () => {
    const fx = await startFixture((scenario) => {
      const base = scenario.quarantine[2];
      for (let i = 0; i < 7; i++) scenario.quarantine.push({ ...base, identity: `c4d5e6f7-0a1b-4c2d-9e3f-08de1f2b0d${String(i).padStart(2, '0')}\\5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c`, received: -700 - i });
    });
    try {
      const all = value(await fx.tenant.exchange.listQuarantine({ pageSize: 4 }));
      expect(all).toHaveLength(10);
      expect(new Set(all.map((message) => message.identity)).size).toBe(10);
      expect(fx.emulator.count('exo.Get-QuarantineMessage')).toBe(3);
      const pages = fx.emulator.requests.filter((r) => r.route === 'exo.Get-QuarantineMessage').map((r) => (r.body as { CmdletInput: { Parameters: { Page: number } } }).CmdletInput.Parameters.Page);
      expect(pages).toEqual([1, 2, 3]);
    } finally {
      await fx.emulator.close();
    }
  });

  it('follows @odata.nextLink by re-POSTing the same body', async () => {
    const fx = await startFixture((scenario) => {
      for (let i = 0; i < 1205; i++) {
        scenario.users.push({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `User ${i}`, userPrincipalName: `user${i}@contoso.com`, mail: `user${i}@contoso.com`, proxyAddresses: [`SMTP:user${i}@contoso.com`], recipientType: 'UserMailbox' });
      }
    });
    try {
      const everyone = value(await fx.tenant.exchange.listRecipients());
      expect(everyone.length).toBe(fx.scenario.users.length + fx.scenario.groups.length);
      const calls = fx.emulator.requests.filter((r) => r.route === 'exo.Get-Recipient');
      expect(calls).toHaveLength(2);
      expect(calls[1].method).toBe('POST');
      expect(calls[1].path).toContain('$skiptoken=');
      expect(calls[1].body).toEqual(calls[0].body);
    } finally {
      await fx.emulator.close();
    }
  });
});

describe('Exchange roles mapped to advice', () => {
  it('Security Reader can list quarantine but releasing is refused with the role to add', async () => {
    const fx = await startFixture((scenario) => {
      scenario.apps[0].directoryRoles = ['Security Reader'];
    });
    try {
      expect(value(await fx.tenant.exchange.listQuarantine())).toHaveLength(3);
      const release = await fx.tenant.exchange.releaseQuarantineMessage(PHISH_FALSE_POSITIVE);
      expect(release).toMatchObject({ kind: 'failed', reason: { kind: 'forbidden', api: 'exchange' } });
      const explained = release.kind === 'failed' ? explainFailure(release.reason) : undefined;
      expect(explained?.summary).toContain('Security Administrator or Exchange Administrator');
      expect(fx.emulator.tenant('contoso.com').quarantine[0].releaseStatus).toBe('NOTRELEASED');
    } finally {
      await fx.emulator.close();
    }
  });

  it('an app without Exchange.ManageAsApp is told to add that permission', async () => {
    const fx = await startFixture((scenario) => {
      scenario.apps[0].exchangeRoles = [];
    });
    try {
      const rules = await fx.tenant.exchange.transportRules();
      expect(rules).toMatchObject({ kind: 'failed', reason: { kind: 'forbidden', missing: expect.stringContaining('Exchange.ManageAsApp') } });
    } finally {
      await fx.emulator.close();
    }
  });

  it('an app with no Exchange role is told which roles can read', async () => {
    const fx = await startFixture((scenario) => {
      scenario.apps[0].directoryRoles = [];
    });
    try {
      const connectors = await fx.tenant.exchange.inboundConnectors();
      expect(connectors).toMatchObject({ kind: 'failed', reason: { kind: 'forbidden', missing: expect.stringContaining('Global Reader') } });
    } finally {
      await fx.emulator.close();
    }
  });
});
