import { HANDLERS } from '../../src/assistant/handlers';
import type { Services } from '../../src/assistant/services';
import { createServices, loggerFor } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { demoScenario, processTrustsEmulatorCa, startM365Emulator, DEMO_TENANT, type M365Emulator } from '../../src/emulator/m365';
import { executeInvoke } from '../quarantine/support/invoke';
import { startBotHarness, type BotHarness } from '../support/bot-harness';
import { FOREIGN_TENANT, LogCapture } from './support';

/**
 * What reaches the log: never a configured secret, and by default no full e-mail address (personal data).
 * The secrets are chosen to be awkward: JSON-special characters, and a storage key that may appear on its own.
 */
const ACCOUNT_KEY = 'c2VjcmV0LXN0b3JhZ2Uta2V5LXRoYXQtbXVzdC1ub3QtbGVhaw+/==';
const SECRETS = {
  BOT_PASSWORD: 'bot~pass"word\\with.quotes@and-backslash.example',
  EXPORT_SIGNING_KEY: 'export-signing-key-0123456789abcdef-0123456789',
  STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
};

describe('secrets and personal data stay out of the logs', () => {
  let emulator: M365Emulator;
  let bot: BotHarness;
  const capture = new LogCapture();
  let tenantSecret: string;

  const start = async (extra: Record<string, string>) => {
    const env = { ...emulator.envFor(DEMO_TENANT.id), ...SECRETS, LOG_LEVEL: 'trace', PORT: '0', ...extra };
    const config = loadConfig(env);
    const services: Services = createServices(config, loggerFor(config, capture));
    return startBotHarness({ env, services: () => services });
  };

  beforeAll(async () => {
    if (!processTrustsEmulatorCa()) throw new Error('run with NODE_EXTRA_CA_CERTS=src/emulator/tls/ca.pem (the emulator\'s test CA)');
    emulator = await startM365Emulator({ scenarios: [demoScenario()] });
    tenantSecret = emulator.envFor(DEMO_TENANT.id).TENANT_CLIENT_SECRET;
    expect(tenantSecret).toBeTruthy();
  });
  afterAll(async () => {
    await bot?.close();
    await emulator?.close();
  });

  /** Turns that succeed, fail inside a handler, fail at Graph, fail at storage, and are refused. */
  async function driveTurns(): Promise<void> {
    await bot.say('why did mail to bob.smtih@contoso.com bounce?');
    emulator.faults.set('graph.messageTraces', { kind: 'status', status: 500 });
    await bot.say('did jane.doe@contoso.com get mail from billing@litware.com today?');
    emulator.faults.clear();
    // Storage points at a closed port: the release request cannot be stored.
    await bot.post(executeInvoke(bot.connector.url, { userId: '29:bob', aadObjectId: 'b0b5b0b5-0000-4000-8000-000000000002', name: 'Bob' }, 'quarantine.request', { identity: 'x\\y', tenantId: DEMO_TENANT.id, reasonField: 'r', r: 'because' }));
    await bot.say('is exchange down?', { tenantId: FOREIGN_TENANT });
    // A handler that fails with everything a careless error message could carry.
    const spy = jest.spyOn(HANDLERS, 'help').mockImplementation(async () => {
      throw new Error(`token request for megan.bowen@contoso.com failed: client_secret=${tenantSecret} password=${SECRETS.BOT_PASSWORD} key=${ACCOUNT_KEY} conn=${SECRETS.STORAGE_CONNECTION_STRING} sig=${SECRETS.EXPORT_SIGNING_KEY}`);
    });
    try {
      await bot.say('help');
    } finally {
      spy.mockRestore();
    }
    await bot.say('what does 5.7.26 mean? my password is ' + SECRETS.BOT_PASSWORD);
  }

  it('never writes a configured secret, whole or in part, even when errors quote them', async () => {
    bot = await start({});
    capture.clear();
    await driveTurns();
    await bot.close();
    const log = capture.text;
    expect(capture.lines.length).toBeGreaterThan(3);
    expect(log).toContain('handler failed');
    expect(log).toContain('[secret]');
    for (const secret of [tenantSecret, ...Object.values(SECRETS), ACCOUNT_KEY]) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
  }, 60_000);

  it('redacts e-mail addresses by default', async () => {
    bot = await start({});
    capture.clear();
    await driveTurns();
    await bot.close();
    expect(capture.text).toContain('m***@contoso.com');
    expect(capture.text).not.toMatch(/megan\.bowen@|bob\.smtih@|jane\.doe@|billing@litware/);
    expect(capture.text).not.toMatch(/megan\.bowen%40|bob\.smtih%40|jane\.doe%40/i);
  }, 60_000);

  it('keeps them when LOG_REDACT_EMAILS=false (for a troubleshooting session)', async () => {
    bot = await start({ LOG_REDACT_EMAILS: 'false' });
    capture.clear();
    await driveTurns();
    await bot.close();
    expect(capture.text).toContain('megan.bowen@contoso.com');
    for (const secret of [tenantSecret, ...Object.values(SECRETS)]) expect(capture.text).not.toContain(secret);
  }, 60_000);
});
