import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import jwt from 'jsonwebtoken';
import { executeInvoke } from '../quarantine/support/invoke';
import { messageActivity } from '../support/bot-harness';
import { startHardeningBot, type HardeningBot } from './support';

/**
 * The Bot Connector signs every activity it posts with a key published in its OpenID metadata. A local issuer
 * publishes our own keys; the adapter is pointed at it through BOT_OPENID_METADATA (→ `BotOpenIdMetadata`),
 * and every way a token can be wrong must end in 401 with nothing processed.
 */
const BOT_ID = 'b07b07b0-0000-4000-8000-0000000000b0';
const BOT_PASSWORD = 'bot-password-that-must-stay-secret';
const CONNECTOR_ISSUER = 'https://api.botframework.com';

interface Keys {
  readonly privateKey: KeyObject;
  readonly publicJwk: { n?: string; e?: string };
}
const newKeys = (): Keys => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: pair.privateKey, publicJwk: pair.publicKey.export({ format: 'jwk' }) };
};

async function startIssuer(published: Keys) {
  const app = express();
  let fetches = 0;
  app.get('/v1/.well-known/openidconfiguration', (_req, res) => {
    fetches += 1;
    res.json({ issuer: CONNECTOR_ISSUER, jwks_uri: `${url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] });
  });
  app.get('/v1/.well-known/keys', (_req, res) => {
    res.json({ keys: [{ kty: 'RSA', use: 'sig', kid: 'connector-key', n: published.publicJwk.n, e: published.publicJwk.e, endorsements: ['msteams'] }] });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    metadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Bot Framework authentication with credentials configured', () => {
  const connectorKeys = newKeys();
  const attackerKeys = newKeys();
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let bot: HardeningBot;
  let turnsStarted = 0;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await startIssuer(connectorKeys);
    bot = await startHardeningBot({
      env: { BOT_ID, BOT_PASSWORD, BOT_TYPE: 'MultiTenant', BOT_OPENID_METADATA: issuer.metadataUrl },
      // Every turn the bot runs reads the clock first (message and card action alike): a spy for "processed".
      services: (base) => ({
        ...base,
        now: () => {
          turnsStarted += 1;
          return new Date();
        },
      }),
    });
    // botbuilder prints every rejected token with console.error; the assertions below are what matters.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await bot?.close();
    await issuer?.close();
  });

  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: CONNECTOR_ISSUER,
    aud: BOT_ID,
    serviceurl: bot.connector.url,
    nbf: now() - 60,
    iat: now() - 60,
    exp: now() + 3600,
    jti: randomUUID(),
    ...overrides,
  });
  const sign = (payload: object, key: KeyObject = connectorKeys.privateKey, kid = 'connector-key') =>
    jwt.sign(payload, key, { algorithm: 'RS256', keyid: kid });

  /** A card button press from Teams: its answer comes back in the HTTP body, so no outgoing call is needed. */
  const invoke = () => executeInvoke(bot.connector.url, { userId: '29:alex', aadObjectId: null, name: 'Alex' }, 'no.such.verb', {});

  async function attempt(authorization: string | undefined, activity = invoke()) {
    const before = turnsStarted;
    const calls = bot.connector.calls.length;
    const response = await bot.post(activity, authorization === undefined ? {} : { authorization });
    return { ...response, processed: turnsStarted > before, connectorCalls: bot.connector.calls.length - calls };
  }

  it('processes a correctly signed token (the control case)', async () => {
    const response = await attempt(`Bearer ${sign(claims())}`);
    expect(response.status).toBe(200);
    expect(response.processed).toBe(true);
    expect(response.body).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'This button (no.such.verb) is not something I know how to do.' });
    // The keys really came from the local issuer, not from login.botframework.com.
    expect(issuer.fetches()).toBeGreaterThan(0);
  });

  const forged: [string, () => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ['a Basic header', () => `Basic ${Buffer.from(`${BOT_ID}:${BOT_PASSWORD}`).toString('base64')}`],
    ['garbage instead of a token', () => 'Bearer not.a.jwt'],
    ['an unsigned token (alg none)', () => `Bearer ${b64url({ alg: 'none', typ: 'JWT', kid: 'connector-key' })}.${b64url(claims())}.`],
    ['a token signed with another key under the published key id', () => `Bearer ${sign(claims(), attackerKeys.privateKey)}`],
    ['a token signed with a key id that is not published', () => `Bearer ${sign(claims(), attackerKeys.privateKey, 'attacker-key')}`],
    ['an HS256 token keyed with the bot password', () => `Bearer ${jwt.sign(claims(), BOT_PASSWORD, { algorithm: 'HS256', keyid: 'connector-key' })}`],
    ['an expired token (beyond the 5-minute clock skew)', () => `Bearer ${sign(claims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 600 }))}`],
    ['a token not yet valid (beyond the 5-minute clock skew)', () => `Bearer ${sign(claims({ nbf: now() + 900, iat: now(), exp: now() + 3600 }))}`],
    ['a token for another bot (wrong audience)', () => `Bearer ${sign(claims({ aud: 'c0ffee00-0000-4000-8000-000000000000' }))}`],
    ['a token with no audience', () => `Bearer ${sign(claims({ aud: undefined }))}`],
    ['a token from another issuer', () => `Bearer ${sign(claims({ iss: 'https://login.evil.example' }))}`],
    ['a token whose serviceUrl claim is another service', () => `Bearer ${sign(claims({ serviceurl: 'https://smba.evil.example/amer/' }))}`],
    ['a token with no serviceUrl claim', () => `Bearer ${sign(claims({ serviceurl: undefined }))}`],
  ];

  it.each(forged)('answers 401 to %s and processes nothing', async (_attack, header) => {
    const response = await attempt(header());
    expect(response.status).toBe(401);
    expect(response.processed).toBe(false);
    expect(response.connectorCalls).toBe(0);
  });

  it('answers 401 to a chat message with a forged token, and sends nothing to the serviceUrl it names', async () => {
    const activity = messageActivity('help', bot.connector.url);
    const response = await attempt(`Bearer ${sign(claims(), attackerKeys.privateKey)}`, activity);
    expect(response.status).toBe(401);
    expect(response.processed).toBe(false);
    expect(response.connectorCalls).toBe(0);
  });

  it('does not let a valid token for one serviceUrl be replayed with an activity naming another', async () => {
    const token = sign(claims());
    const activity = { ...invoke(), serviceUrl: 'http://127.0.0.1:1/evil/' };
    const response = await attempt(`Bearer ${token}`, activity);
    expect(response.status).toBe(401);
    expect(response.processed).toBe(false);
  });

  it('listens on all interfaces only because authentication is on', () => {
    expect(bot.server.host).toBe('0.0.0.0');
  });
});
