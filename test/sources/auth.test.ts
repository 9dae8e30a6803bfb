import type { AccessToken, TokenCredential } from '@azure/identity';
import { AccessTokens } from '../../src/sources/tenant';

/** A credential that hands out numbered tokens valid for `lifetimeMs` of the fake clock. */
function countingCredential(clock: { now: number }, lifetimeMs: number) {
  const scopes: string[] = [];
  const credential: TokenCredential = {
    async getToken(scope) {
      const number = scopes.push(String(scope));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { token: `token-${number}`, expiresOnTimestamp: clock.now + lifetimeMs } satisfies AccessToken;
    },
  };
  return { credential, scopes };
}

describe('access tokens', () => {
  it('are fetched once per audience, shared by concurrent callers, and reused until shortly before expiry', async () => {
    const clock = { now: 1_000_000 };
    const { credential, scopes } = countingCredential(clock, 60 * 60_000);
    const tokens = new AccessTokens(credential, 'tenant', () => clock.now);
    const first = await Promise.all([tokens.get('graph'), tokens.get('graph'), tokens.get('exchange')]);
    expect(first.map((result) => result.kind === 'ok' && result.value)).toEqual(['token-1', 'token-1', 'token-2']);
    expect(scopes).toEqual(['https://graph.microsoft.com/.default', 'https://outlook.office365.com/.default']);
    clock.now += 55 * 60_000;
    expect(await tokens.get('graph')).toEqual({ kind: 'ok', value: 'token-1' });
    clock.now += 4 * 60_000; // within two minutes of expiry: sign in again
    expect(await tokens.get('graph')).toEqual({ kind: 'ok', value: 'token-3' });
  });

  it('are fetched again after the API refused one', async () => {
    const clock = { now: 0 };
    const { credential } = countingCredential(clock, 60 * 60_000);
    const tokens = new AccessTokens(credential, 'tenant', () => clock.now);
    await tokens.get('graph');
    tokens.invalidate('graph');
    expect(await tokens.get('graph')).toEqual({ kind: 'ok', value: 'token-2' });
    expect(tokens.requests).toBe(2);
  });

  it('turn a credential error into advice-ready failures', async () => {
    const failing: TokenCredential = { getToken: async () => { throw new Error('AADSTS7000222: The provided client secret keys are expired.'); } };
    expect(await new AccessTokens(failing, 'tenant').get('graph')).toMatchObject({ kind: 'failed', reason: { kind: 'credentials', code: '7000222' } });
  });
});
