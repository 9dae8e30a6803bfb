import { mkdirSync } from 'node:fs';
import { createServices } from '../compose';
import { loadConfig } from '../config';
import { projectPath } from '../paths';
import { startServer } from '../server';
import { checkInBrowser, type BrowserStep } from './browser-check';
import { DEMO_OTHER_USERS, DEMO_PEOPLE } from './people';
import { startPlayground } from './playground';
import { startDemoStack } from './stack';
import { rerunTrustingEmulator } from './trust';

/** What the browser check asks, and what each answer must show: one question per capability the demo exercises. */
export const DEMO_CHECK_STEPS: readonly BrowserStep[] = [
  { say: 'help', expect: /Here is what I can do/ },
  { say: 'what does 5.7.708 mean?', expect: /5\.7\.708/ },
  { say: 'why did mail to bob.smtih@contoso.com bounce?', expect: /did you mean bob\.smith@contoso\.com/ },
  { say: 'check spf for fabrikam.com', expect: /spf\.multiple-records|two SPF records|multiple SPF/i },
];

const EXAMPLES = [
  'why did mail to bob.smtih@contoso.com bounce?',
  'why are emails from news@contoso.com to adatum.com bouncing?',
  'why did mail from invoices@fabrikam.com to megan.bowen@contoso.com go to junk?',
  'mail from vendor@tailspintoys.com to ap@contoso.com bounced',
  'anything quarantined for jane.doe@contoso.com?',
  'why is mail to orders@northwind.net delayed?',
  'is exchange down?',
  'check spf dkim dmarc for contoso.com',
  'what does 5.7.708 mean?',
];

/**
 * `npm run demo`: the local peers (DNS, Microsoft 365, Azurite), the bot, and the Microsoft 365 Agents Playground.
 * `--check` drives the Playground in headless Chromium through DEMO_CHECK_STEPS and exits 0 when every step passed.
 */
async function main(argv: readonly string[]): Promise<number> {
  const rerun = await rerunTrustingEmulator();
  if (rerun !== null) return rerun;
  const check = argv.includes('--check');
  const dataDir = projectPath('.data');
  mkdirSync(dataDir, { recursive: true });

  const stack = await startDemoStack({ storageDir: check ? undefined : projectPath('.data', 'azurite') });
  const config = loadConfig({ ...process.env, ...stack.env, PORT: process.env.PORT ?? (check ? '0' : '3978'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const services = { ...createServices(config), fetchMtaStsPolicy: stack.mtaStsPolicies };
  const bot = await startServer(config, services);
  const playground = await startPlayground({
    botEndpoint: `${bot.url}/api/messages`,
    port: Number(process.env.PLAYGROUND_PORT ?? 56150),
    tenantId: stack.env.ALLOWED_TENANT_IDS,
    currentUser: DEMO_PEOPLE.alex,
    users: DEMO_OTHER_USERS,
    workDir: dataDir,
  });
  const stop = async () => {
    await playground.close();
    await bot.close();
    await stack.close();
  };

  if (check) {
    const results = await checkInBrowser(playground.url, DEMO_CHECK_STEPS, process.env.DEMO_SCREENSHOT);
    await stop();
    process.stdout.write(JSON.stringify({ results }, null, 2) + '\n');
    return results.every((result) => result.ok) ? 0 : 1;
  }

  process.stdout.write(
    [
      '',
      'Mailflow Doctor demo is running.',
      `  Open ${playground.url} and chat with the bot as Alex (Dana Kim is the release approver).`,
      `  Bot: ${bot.url}/api/messages   Microsoft 365 emulator: ${stack.emulator.url}   DNS: ${stack.dns.address}`,
      '',
      'Try:',
      ...EXAMPLES.map((example) => `  - ${example}`),
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  return 0;
}

void main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(2);
  },
);
