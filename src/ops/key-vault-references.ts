import type { ReadinessProbe } from './readiness';

/**
 * App Service replaces an app setting of the form `@Microsoft.KeyVault(...)` with the secret's value. When it cannot
 * (the secret is missing, or the identity may not read it), the app receives the reference text itself. Taken at face
 * value that text would become, for example, the export signing key: a string anyone can read in the Bicep. So such
 * values are treated as unset, and readiness reports them until the reference resolves.
 */
const REFERENCE = /^@Microsoft\.KeyVault\(/i;

export function unresolvedKeyVaultReferences(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([, value]) => typeof value === 'string' && REFERENCE.test(value.trim()))
    .map(([name]) => name)
    .sort();
}

/**
 * The environment with unresolved references removed, so configuration sees them as not set. Without its certificate
 * the single configured tenant cannot be used either: it is dropped too, so the instance still starts (answering what
 * needs no tenant: NDRs, codes, DNS checks) and /readyz says why it is not ready, instead of failing to start.
 */
export function withoutUnresolvedReferences(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dropped = new Set(unresolvedKeyVaultReferences(env));
  if (dropped.has('TENANT_CERTIFICATE_PEM') && !env.TENANT_CERTIFICATE_PATH && env.TENANT_AUTH === 'certificate') {
    dropped.add('TENANT_AUTH');
    dropped.add('TENANT_ID');
  }
  return Object.fromEntries(Object.entries(env).filter(([name]) => !dropped.has(name)));
}

export function keyVaultReferencesProbe(unresolved: readonly string[]): ReadinessProbe {
  return {
    name: 'key-vault-references',
    async check() {
      if (unresolved.length === 0) return { ok: true };
      return {
        ok: false,
        detail: `${unresolved.join(', ')}: Key Vault reference not resolved (is the secret or certificate in the vault, and may the managed identity read it?)`,
      };
    },
  };
}
