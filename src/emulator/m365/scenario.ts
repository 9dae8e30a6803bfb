import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { faultSchema } from './faults';

/**
 * A scenario file seeds one emulated tenant. Times are minutes relative to the moment the emulator loads the file
 * (negative = in the past), so the demo stays fresh whatever day it runs. Exchange cmdlet output is stored as the
 * PascalCase rows the cmdlet returns, so the emulator replays them as they are.
 */
const minutes = z.number().describe('minutes relative to load time; negative is in the past');
const json = z.record(z.unknown());

const appSchema = z.object({
  clientId: z.string(),
  displayName: z.string().default('Mailflow Doctor'),
  /** Client secret accepted for client_credentials; omit to allow only the certificate. */
  clientSecret: z.string().optional(),
  /** `test-app-certificate` = src/emulator/tls/app-client.pem; or an inline PEM certificate. */
  certificate: z.string().optional(),
  /** Application permissions consented on Microsoft Graph (the token's `roles`). */
  graphRoles: z.array(z.string()).default([]),
  /** Application permissions on Office 365 Exchange Online (`Exchange.ManageAsApp`). */
  exchangeRoles: z.array(z.string()).default([]),
  /** Entra directory roles of the app's service principal (names), carried as `wids` in tokens. */
  directoryRoles: z.array(z.string()).default([]),
  /** This identity is also the host's managed identity (App Service endpoint, `managedIdentityEnv()`). */
  managedIdentity: z.boolean().default(false),
});

const traceEventSchema = z.object({
  at: minutes,
  event: z.string(),
  action: z.string().default(''),
  description: z.string().default(''),
  data: z.string().default(''),
});

const traceSchema = z.object({
  traceId: z.string().uuid(),
  messageId: z.string(),
  sender: z.string(),
  recipient: z.string(),
  subject: z.string().default(''),
  size: z.number().int().default(20480),
  fromIP: z.string().default(''),
  toIP: z.string().default(''),
  received: minutes,
  status: z.string(),
  /** What the scenario is for (documentation only; issue 7's demo scenario number). */
  scenario: z.string().optional(),
  events: z.array(traceEventSchema).default([]),
});

const quarantineSchema = z.object({
  identity: z.string(),
  messageId: z.string(),
  sender: z.string(),
  recipients: z.array(z.string()),
  subject: z.string(),
  size: z.number().int().default(30000),
  received: minutes,
  expiresInDays: z.number().default(30),
  type: z.string().default('Spam'),
  quarantineTypes: z.string().default('Spam'),
  policyType: z.string().default('HostedContentFilterPolicy'),
  policyName: z.string().default('Default'),
  tagName: z.string().default('DefaultFullAccessPolicy'),
  direction: z.enum(['Inbound', 'Outbound']).default('Inbound'),
  releaseStatus: z.string().default('NOTRELEASED'),
  header: z.string().default(''),
  scenario: z.string().optional(),
});

const healthIssueSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    impactDescription: z.string().default(''),
    classification: z.enum(['advisory', 'incident']),
    origin: z.string().default('microsoft'),
    status: z.string(),
    service: z.string().default('Exchange Online'),
    feature: z.string().default(''),
    featureGroup: z.string().default(''),
    isResolved: z.boolean().default(false),
    start: minutes,
    end: minutes.nullable().default(null),
    lastModified: minutes,
    posts: z.array(z.object({ at: minutes, postType: z.string().default('regular'), content: z.string() })).default([]),
  })
  .passthrough();

const userSchema = z.object({
  id: z.string().uuid(),
  displayName: z.string(),
  userPrincipalName: z.string(),
  mail: z.string().nullable(),
  proxyAddresses: z.array(z.string()).default([]),
  /** Get-Recipient's RecipientTypeDetails (UserMailbox, SharedMailbox, MailUser for hybrid on-premises mailboxes). */
  recipientType: z.string().default('UserMailbox'),
});

export const scenarioSchema = z.object({
  name: z.string(),
  description: z.string().default(''),
  tenant: z.object({
    id: z.string().uuid(),
    initialDomain: z.string(),
    displayName: z.string(),
    /** False reproduces the easy-to-miss prerequisite: the message-trace app's service principal is not provisioned. */
    messageTraceServicePrincipal: z.boolean().default(true),
  }),
  apps: z.array(appSchema).min(1),
  limits: z
    .object({
      /** Graph message trace quota per tenant, list and details shared (Microsoft: 100 per 5 minutes). */
      messageTraceRequestsPer5Minutes: z.number().int().positive().default(100),
      tokenLifetimeSeconds: z.number().int().positive().default(3599),
      /** How long after sendMail the message shows up in message trace. */
      sendMailTraceDelaySeconds: z.number().nonnegative().default(5),
    })
    .default({}),
  users: z.array(userSchema).default([]),
  groups: z.array(z.object({ id: z.string().uuid(), displayName: z.string(), members: z.array(z.string()) })).default([]),
  domains: z.array(json).default([]),
  /** serviceConfigurationRecords per domain id (Graph domainDnsRecord objects, with @odata.type). */
  domainRecords: z.record(z.array(json)).default({}),
  traces: z.array(traceSchema).default([]),
  health: z
    .object({ overviews: z.array(z.object({ id: z.string(), service: z.string(), status: z.string() })), issues: z.array(healthIssueSchema) })
    .default({ overviews: [], issues: [] }),
  quarantine: z.array(quarantineSchema).default([]),
  /** Rows returned per Exchange cmdlet, keyed by cmdlet name (Get-AcceptedDomain, Get-InboundConnector, …). */
  exchange: z.record(z.array(json)).default({}),
  /** Faults active from the start, keyed by route name (see ROUTES in faults.ts). */
  faults: z.record(faultSchema).default({}),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioApp = Scenario['apps'][number];
export type ScenarioTrace = Scenario['traces'][number];
export type ScenarioQuarantine = Scenario['quarantine'][number];
export type ScenarioUser = Scenario['users'][number];
export type ScenarioHealthIssue = Scenario['health']['issues'][number];

export class ScenarioError extends Error {}

/** Validates a scenario object; the error names the first bad field. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ScenarioError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(`cannot read scenario ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseScenario(value, path);
}

/** Minutes relative to `anchor` → ISO 8601 UTC with whole seconds, the form Graph returns. */
export function isoAt(anchor: Date, offsetMinutes: number): string {
  return new Date(Math.round((anchor.getTime() + offsetMinutes * 60_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
