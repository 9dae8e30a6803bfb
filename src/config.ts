import { z } from 'zod';

/**
 * Configuration comes from environment variables only. Every variable is listed here with what it expects;
 * README.md's configuration table mirrors this file (a test keeps them in step).
 */
const csv = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i, 'host:port');

export const CONFIG_SCHEMA = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978).describe('port for /api/messages (0 picks a free one)'),
  BOT_ID: z.string().default('').describe('the Azure Bot app id; empty turns Bot Framework authentication off (local use)'),
  BOT_PASSWORD: z.string().default('').describe('the bot app secret (empty for UserAssignedMsi)'),
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).default('SingleTenant').describe('the bot app type'),
  BOT_TENANT_ID: z.string().default('').describe('the bot app\'s home tenant id (SingleTenant, UserAssignedMsi)'),
  BOT_OPENID_METADATA: z.string().url().optional().describe('override of the Bot Framework OpenID metadata URL (tests)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  LOG_REDACT_EMAILS: bool.default('true').describe('replace e-mail addresses in logs with a redacted form'),
  DNS_SERVERS: csv.pipe(z.array(hostPort)).optional().describe('DNS servers as host:port, comma-separated (default: the system resolver)'),
  DNS_TIMEOUT_MS: z.coerce.number().int().positive().default(2000).describe('per-query DNS timeout'),
  ALLOWED_TENANT_IDS: csv.default('').describe('Entra tenant ids the bot serves, comma-separated; empty serves only tenants that have credentials'),
  TENANTS_FILE: z.string().optional().describe('path of a JSON file with per-tenant credentials (see docs/setup.md)'),
  TENANT_ID: z.string().optional().describe('the tenant to read (single-tenant setup)'),
  TENANT_DOMAIN: z.string().optional().describe('the tenant\'s initial domain, e.g. contoso.onmicrosoft.com'),
  TENANT_AUTH: z.enum(['secret', 'certificate', 'managed-identity']).optional().describe('how the app authenticates to Graph and Exchange'),
  TENANT_CLIENT_ID: z.string().optional().describe('the app registration\'s client id for Graph and Exchange'),
  TENANT_CLIENT_SECRET: z.string().optional().describe('the client secret (TENANT_AUTH=secret)'),
  TENANT_CERTIFICATE_PATH: z.string().optional().describe('PEM file with the certificate and private key (TENANT_AUTH=certificate)'),
  TENANT_CERTIFICATE_PEM: z.string().optional().describe('the certificate and private key as PEM text or base64 PFX, usually a Key Vault reference; `serve` writes it to a private file and uses that as TENANT_CERTIFICATE_PATH'),
  AUTHORITY_HOST: z.string().url().optional().describe('Entra authority host (default https://login.microsoftonline.com)'),
  GRAPH_ENDPOINT: z.string().url().optional().describe('Graph base URL (default https://graph.microsoft.com)'),
  EXCHANGE_ENDPOINT: z.string().url().optional().describe('Exchange admin API base URL (default https://outlook.office365.com)'),
  STORAGE_CONNECTION_STRING: z.string().optional().describe('Azure Storage connection string (Azurite locally)'),
  STORAGE_ACCOUNT_URL: z.string().url().optional().describe('Azure Storage account URL, used with the managed identity in production'),
  APPROVER_IDS: csv.default('').describe('Entra object ids (or Teams user ids) who may approve releases'),
  APPROVER_GROUP_IDS: csv.default('').describe('Entra group ids whose members may approve releases'),
  APPROVAL_CONVERSATION_ID: z.string().regex(/^19:[^\s;]+@thread\.[a-z0-9]+$/i, 'a Teams channel or group chat id').optional().describe('the approvers\' Teams channel (19:…@thread.tacv2) or group chat (19:…@thread.v2) where approval cards are posted, also for requests made in personal chats; default: the conversation the release was asked in'),
  PENDING_WRITES_DIR: z.string().optional().describe('directory where the records of a release that storage refused (the request\'s outcome, its audit entry) wait for storage, so that a restart during an outage does not lose them; default: they wait in memory only'),
  APPROVAL_TTL_HOURS: z.coerce.number().positive().default(24).describe('how long a release request stays open'),
  TEST_MAILBOX: z.string().email().optional().describe('mailbox that sends test messages (Graph sendMail)'),
  BLOCKLISTS: csv.default('zen.spamhaus.org,bl.spamcop.net,b.barracudacentral.org').describe('DNS blocklist zones to query'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25).describe('port for SMTP connectivity tests'),
  SMTP_TIMEOUT_MS: z.coerce.number().int().positive().default(10000).describe('per-step timeout of an SMTP connectivity test (connect, greeting, TLS, each reply)'),
  SMTP_ALLOW_PRIVATE_TARGETS: bool.default('false').describe('let SMTP connectivity tests connect to private, loopback and link-local addresses (labs and tests only: the internet cannot deliver there, and probing them from chat would reach inside the bot\'s own network)'),
  SMTP_HELO_NAME: z.string().regex(/^[a-z0-9.-]{1,253}$/i, 'a host name').optional().describe('name sent in EHLO by SMTP connectivity tests (default: this host\'s name)'),
  TEST_MESSAGE_WAIT_SECONDS: z.coerce.number().int().min(0).max(120).default(10).describe('how long the chat turn follows a new test message in message trace before answering with a card that refreshes on view and on "Check again"'),
  TEST_MESSAGE_POLL_SECONDS: z.coerce.number().positive().default(15).describe('how often message trace is asked about a test message (it allows 100 requests per 5 minutes per tenant)'),
  EXPORT_SIGNING_KEY: z.string().min(32).optional().describe('secret (32+ characters) that signs export links'),
  EXPORT_LINK_TTL_MINUTES: z.coerce.number().positive().default(15).describe('how long an export link is valid'),
  PUBLIC_BASE_URL: z.string().url().optional().describe('the bot\'s public https base URL, for export links'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional().describe('turns OpenTelemetry export to Application Insights on'),
});

export type Config = z.infer<typeof CONFIG_SCHEMA>;

export class ConfigError extends Error {}

/** Reads and validates the configuration; the error names the first bad variable and what it expects, in one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(CONFIG_SCHEMA.shape).map((key) => [key, env[key] === '' && key !== 'BOT_ID' && key !== 'BOT_PASSWORD' ? undefined : env[key]]),
  );
  const parsed = CONFIG_SCHEMA.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue.path[0]);
  const expected = CONFIG_SCHEMA.shape[variable as keyof Config]?.description ?? issue.message;
  throw new ConfigError(`configuration: ${variable} is invalid (${issue.message}); expected ${expected}`);
}

export function botAuthenticationEnabled(config: Config): boolean {
  return config.BOT_ID.length > 0;
}
