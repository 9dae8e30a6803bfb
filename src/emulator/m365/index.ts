import demo from '../scenarios/contoso-demo.json';
import { parseScenario, type Scenario } from './scenario';

export { startM365Emulator, type M365Emulator, type EmulatorOptions, type RequestRecord } from './server';
export { FaultTable, ROUTES, type Fault, type RouteName } from './faults';
export { loadScenarioFile, parseScenario, ScenarioError, type Scenario } from './scenario';
export type { TenantState } from './state';
export { MESSAGE_TRACE_APP_ID } from './wire';
export { emulatorCaPath, processTrustsEmulatorCa, testAppCertificatePath } from '../tls';

/** The demo tenant contoso.com (id 11111111-1111-4111-8111-111111111111) with the ten situations of issue 7. */
export function demoScenario(): Scenario {
  return parseScenario(structuredClone(demo), 'contoso-demo.json');
}

export const DEMO_TENANT = {
  id: '11111111-1111-4111-8111-111111111111',
  initialDomain: 'contoso.onmicrosoft.com',
  clientId: '22222222-2222-4222-8222-222222222222',
  clientSecret: 'demo-only-secret-not-for-production',
} as const;
