import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type Config } from '../../config';

/** How the app signs in to one tenant. */
export type TenantAuth =
  | { readonly kind: 'secret'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'certificate'; readonly clientId: string; readonly certificatePath: string }
  /** clientId selects a user-assigned identity; absent uses the system-assigned one. */
  | { readonly kind: 'managed-identity'; readonly clientId?: string };

/** Everything needed to talk to one tenant. */
export interface TenantProfile {
  readonly tenantId: string;
  /** The initial domain (contoso.onmicrosoft.com), used by the Exchange admin API and to recognise the tenant by name. */
  readonly domain: string | null;
  readonly auth: TenantAuth;
  readonly authorityHost: string;
  readonly graphEndpoint: string;
  readonly exchangeEndpoint: string;
}

export const DEFAULT_ENDPOINTS = {
  authorityHost: 'https://login.microsoftonline.com',
  graphEndpoint: 'https://graph.microsoft.com',
  exchangeEndpoint: 'https://outlook.office365.com',
} as const;

/**
 * TENANTS_FILE: `{ "tenants": [ { "tenantId", "domain", "auth": "secret"|"certificate"|"managed-identity", "clientId",
 * "clientSecret" | "clientSecretEnv", "certificatePath", "authorityHost", "graphEndpoint", "exchangeEndpoint" } ] }`.
 * `clientSecretEnv` names an environment variable, so the file itself need not hold secrets.
 */
const fileSchema = z.object({
  tenants: z.array(
    z.object({
      tenantId: z.string().min(1),
      domain: z.string().optional(),
      auth: z.enum(['secret', 'certificate', 'managed-identity']),
      clientId: z.string().optional(),
      clientSecret: z.string().optional(),
      clientSecretEnv: z.string().optional(),
      certificatePath: z.string().optional(),
      authorityHost: z.string().url().optional(),
      graphEndpoint: z.string().url().optional(),
      exchangeEndpoint: z.string().url().optional(),
    }),
  ),
});

interface ProfileInput {
  readonly tenantId: string;
  readonly domain?: string;
  readonly auth: 'secret' | 'certificate' | 'managed-identity';
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly certificatePath?: string;
  readonly authorityHost?: string;
  readonly graphEndpoint?: string;
  readonly exchangeEndpoint?: string;
}

function toProfile(input: ProfileInput, where: string, defaults: Partial<Record<keyof typeof DEFAULT_ENDPOINTS, string>>): TenantProfile {
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new ConfigError(`configuration: ${where} needs ${what} for TENANT_AUTH=${input.auth}`);
    return value;
  };
  const auth: TenantAuth =
    input.auth === 'secret'
      ? { kind: 'secret', clientId: need(input.clientId, 'a client id'), clientSecret: need(input.clientSecret, 'a client secret') }
      : input.auth === 'certificate'
        ? { kind: 'certificate', clientId: need(input.clientId, 'a client id'), certificatePath: need(input.certificatePath, 'a certificate path') }
        : { kind: 'managed-identity', clientId: input.clientId };
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    tenantId: input.tenantId,
    domain: input.domain ?? null,
    auth,
    authorityHost: trim(input.authorityHost ?? defaults.authorityHost ?? DEFAULT_ENDPOINTS.authorityHost),
    graphEndpoint: trim(input.graphEndpoint ?? defaults.graphEndpoint ?? DEFAULT_ENDPOINTS.graphEndpoint),
    exchangeEndpoint: trim(input.exchangeEndpoint ?? defaults.exchangeEndpoint ?? DEFAULT_ENDPOINTS.exchangeEndpoint),
  };
}

/**
 * The tenants this deployment may read: TENANT_* for one tenant, TENANTS_FILE for several (both may be set).
 * AUTHORITY_HOST / GRAPH_ENDPOINT / EXCHANGE_ENDPOINT are the defaults for every tenant.
 */
export function tenantProfilesFromConfig(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): TenantProfile[] {
  const defaults = { authorityHost: config.AUTHORITY_HOST, graphEndpoint: config.GRAPH_ENDPOINT, exchangeEndpoint: config.EXCHANGE_ENDPOINT };
  const profiles: TenantProfile[] = [];
  if (config.TENANT_ID) {
    if (!config.TENANT_AUTH) throw new ConfigError('configuration: TENANT_ID is set but TENANT_AUTH is not; expected secret, certificate or managed-identity');
    profiles.push(
      toProfile(
        {
          tenantId: config.TENANT_ID, domain: config.TENANT_DOMAIN, auth: config.TENANT_AUTH, clientId: config.TENANT_CLIENT_ID,
          clientSecret: config.TENANT_CLIENT_SECRET, certificatePath: config.TENANT_CERTIFICATE_PATH,
        },
        'TENANT_ID',
        defaults,
      ),
    );
  }
  if (config.TENANTS_FILE) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFile(config.TENANTS_FILE));
    } catch (error) {
      throw new ConfigError(`configuration: TENANTS_FILE ${config.TENANTS_FILE} cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const file = fileSchema.safeParse(Array.isArray(parsed) ? { tenants: parsed } : parsed);
    if (!file.success) {
      const issue = file.error.issues[0];
      throw new ConfigError(`configuration: TENANTS_FILE ${issue.path.join('.')}: ${issue.message}`);
    }
    file.data.tenants.forEach((entry, index) => {
      const clientSecret = entry.clientSecret ?? (entry.clientSecretEnv ? env[entry.clientSecretEnv] : undefined);
      profiles.push(toProfile({ ...entry, clientSecret }, `TENANTS_FILE tenants.${index} (${entry.tenantId})`, defaults));
    });
  }
  return profiles;
}
