import { demoScenario, startM365Emulator, DEMO_TENANT, type M365Emulator, type Scenario } from '../../src/emulator/m365';
import { TenantDirectory, type DirectoryOptions, type TenantClients, type TenantProfile } from '../../src/sources/tenant';

/** Resilience settings small enough that retries, timeouts and breakers play out quickly in tests. */
export const FAST: DirectoryOptions = {
  resilience: { requestTimeoutMs: 1500, budgetMs: 4000, maxTries: 3, breakerThreshold: 3, breakerHalfOpenAfterMs: 300, backoffBaseMs: 20 },
};

export function profileFor(emulator: M365Emulator, scenario: Scenario, auth: 'secret' | 'certificate' = 'secret', appIndex = 0): TenantProfile {
  const app = scenario.apps[appIndex];
  return {
    tenantId: scenario.tenant.id,
    domain: scenario.tenant.initialDomain,
    auth: auth === 'secret'
      ? { kind: 'secret', clientId: app.clientId, clientSecret: app.clientSecret ?? '' }
      : { kind: 'certificate', clientId: app.clientId, certificatePath: require('../../src/emulator/tls').testAppCertificatePath() },
    authorityHost: emulator.url,
    graphEndpoint: emulator.url,
    exchangeEndpoint: emulator.url,
  };
}

export interface Fixture {
  readonly emulator: M365Emulator;
  readonly scenario: Scenario;
  readonly directory: TenantDirectory;
  readonly tenant: TenantClients;
}

/** The demo tenant (optionally changed) on a fresh emulator, with a directory pointed at it. */
export async function startFixture(change: (scenario: Scenario) => void = () => {}, options: DirectoryOptions = FAST): Promise<Fixture> {
  const scenario = demoScenario();
  change(scenario);
  const emulator = await startM365Emulator({ scenarios: [scenario] });
  const directory = new TenantDirectory([profileFor(emulator, scenario)], options);
  const tenant = directory.forTenant(DEMO_TENANT.id);
  if (tenant.kind !== 'ok') throw new Error('demo tenant not configured');
  return { emulator, scenario, directory, tenant: tenant.value };
}

/** Unwraps an ok Result or fails the test with what came back instead. */
export function value<T>(result: { kind: string; value?: T; reason?: unknown }): T {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.value as T;
}
