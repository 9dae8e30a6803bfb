import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { CallerIdConstants, ConfigurationServiceClientCredentialFactory, type Storage } from 'botbuilder';
// The module itself, not the package index (which loads the AI planners too): see src/bot/app.ts.
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { Services } from './assistant/services';
import { createBotApp } from './bot/app';
import type { AttachmentReaderOptions } from './bot/attachments';
import { botAuthenticationEnabled, type Config } from './config';
import { exportDownload } from './evidence/download';
import { InFlightTurns } from './ops/in-flight';
import { checkReadiness, defaultReadinessProbes, type ReadinessProbe } from './ops/readiness';
import { inSpan } from './ops/telemetry';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Turns (POST /api/messages) being answered right now. */
  inFlight(): number;
  /**
   * Graceful: stops accepting connections, refuses new turns on open ones (503), waits for in-flight turns to
   * finish (up to `drainTimeoutMs`), then closes every connection. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly storage?: Storage;
  readonly placeholderAfterMs?: number;
  /** What /readyz checks; by default storage reachability and credentials (src/ops/readiness.ts). */
  readonly readinessProbes?: readonly ReadinessProbe[];
  /**
   * How long close() waits for in-flight turns (default 25 s). Past the platform's own grace period between SIGTERM and
   * SIGKILL a longer wait gains nothing, but costs nothing either: the turn dies with the process just the same.
   */
  readonly drainTimeoutMs?: number;
  /** How attached .eml/.txt files are downloaded (tests allow http://127.0.0.1). */
  readonly attachments?: AttachmentReaderOptions;
}

function createAdapter(config: Config): TeamsAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: config.BOT_ID,
    MicrosoftAppPassword: config.BOT_PASSWORD,
    // With no app id there is nothing to validate against; the tenant assertions of SingleTenant would only get in the way.
    MicrosoftAppType: config.BOT_ID ? config.BOT_TYPE : 'MultiTenant',
    MicrosoftAppTenantId: config.BOT_TENANT_ID,
  });
  // botbuilder reads any one of these settings as "the whole cloud is configured by hand" and leaves the others
  // undefined, so a metadata URL alone made every token fail (expected issuer: undefined). The rest are the public
  // cloud's values (botframework-connector AuthenticationConstants), so only where the keys come from changes.
  const authOptions = config.BOT_OPENID_METADATA
    ? {
        BotOpenIdMetadata: config.BOT_OPENID_METADATA,
        ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
        ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
        CallerId: CallerIdConstants.PublicAzureChannel,
      }
    : {};
  return new TeamsAdapter(authOptions, credentials);
}

/**
 * Activities whose token was rejected. CloudAdapter hands express's parsed body itself to the authenticator, so the
 * body object identifies the request without an AsyncLocalStorage (whose promise hooks would tax every turn).
 */
const rejectedActivities = new WeakSet<object>();
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * CloudAdapter answers 401 only for its own AuthenticationError. A bad signature, `alg: none` or a token that is
 * not yet valid fail inside jsonwebtoken instead, and were answered 500 with the library's message: the caller's
 * fault reported as ours. Any failure to authenticate the request marks its activity, so it becomes 401.
 */
function flagRejectedTokens(adapter: TeamsAdapter): void {
  type Authenticator = { authenticateRequest(activity: unknown, ...rest: unknown[]): Promise<unknown> };
  const auth = (adapter as unknown as { botFrameworkAuthentication: Authenticator }).botFrameworkAuthentication;
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity: unknown, ...rest: unknown[]) => {
    try {
      return await authenticate(activity, ...rest);
    } catch (error) {
      if (isObject(activity)) rejectedActivities.add(activity);
      throw error;
    }
  };
}

/**
 * The four response methods CloudAdapter uses, with a rejected token's 500 turned into a bare 401, and the
 * internal error message CloudAdapter puts in any other 500 ("Cannot read properties of undefined …") withheld.
 */
function unauthorizedWhenTokenRejected(res: express.Response, activity: unknown) {
  let replaced: string | null = null;
  const reply = {
    header: (name: string, value: string) => (res.header(name, value), reply),
    status: (code: number) => {
      const unauthorized = code >= 500 && isObject(activity) && rejectedActivities.has(activity);
      replaced = unauthorized ? 'Unauthorized' : code >= 500 ? 'Internal error' : null;
      res.status(unauthorized ? 401 : code);
      return reply;
    },
    send: (body: unknown) => (res.send(replaced ?? body), reply),
    end: () => (res.end(), reply),
  };
  return reply;
}

/** Hosts the bot at POST /api/messages with express 5 (TeamsAdapter needs an express/restify response). */
export async function startServer(config: Config, services: Services, options: ServerOptions = {}): Promise<RunningServer> {
  const adapter = createAdapter(config);
  flagRejectedTokens(adapter);
  const bot = createBotApp({ adapter, services, storage: options.storage, placeholderAfterMs: options.placeholderAfterMs, attachments: options.attachments });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '4mb' }));

  const turns = new InFlightTurns();
  const probes = options.readinessProbes ?? defaultReadinessProbes(config);
  let draining = false;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness, not liveness: a failing dependency takes the instance out of rotation instead of restarting it.
  app.get('/readyz', async (_req, res) => {
    if (draining) {
      res.status(503).json({ status: 'stopping', checks: [] });
      return;
    }
    const report = await checkReadiness(probes);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks });
  });
  // "Export trace (CSV)" outside personal chat: a signed, tenant-bound, single-use link (src/evidence/download.ts).
  app.get('/exports/:token', exportDownload(services));
  app.post('/api/messages', async (req, res) => {
    if (draining) {
      // 503 + Retry-After says "try again": a retry lands on an instance that is not stopping.
      res.set('Connection', 'close').set('Retry-After', '5').status(503).json({ error: 'stopping' });
      return;
    }
    const done = turns.begin();
    try {
      const activityType = typeof req.body?.type === 'string' ? req.body.type : 'unknown';
      await inSpan('bot.turn', { 'activity.type': activityType }, () =>
        adapter.process(req, unauthorizedWhenTokenRejected(res, req.body) as never, async (context) => {
          await bot.run(context);
        }),
      );
    } catch (error) {
      // Only the activity's shape is checked outside CloudAdapter's own try (a missing or non-string type …).
      services.log.warn({ err: error }, 'rejected a request that is not a valid activity');
      if (!res.headersSent) res.status(400).json({ error: 'not a valid activity' });
    } finally {
      done();
    }
  });

  // Express's default error page shows the stack trace (file paths, library versions) unless NODE_ENV=production;
  // a malformed body must get a one-line answer, whatever the environment.
  app.use((error: { status?: unknown; type?: unknown }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) services.log.error({ err: error }, 'request failed');
    else services.log.warn({ status, type: typeof error?.type === 'string' ? error.type : undefined }, 'rejected a malformed request');
    if (res.headersSent) return;
    res.status(status).json({ error: status === 413 ? 'request too large' : status < 500 ? 'bad request' : 'internal error' });
  });

  const authenticated = botAuthenticationEnabled(config);
  // Without bot credentials anyone who can reach the port could talk to the bot, so it stays on loopback.
  const host = authenticated ? '0.0.0.0' : '127.0.0.1';
  if (!authenticated) {
    services.log.warn('BOT_ID is not set: Bot Framework authentication is off, listening on 127.0.0.1 only');
  }
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.PORT, host, () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const drainTimeoutMs = options.drainTimeoutMs ?? 25_000;
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (turns.count > 0) services.log.info({ inFlight: turns.count }, 'waiting for in-flight turns to finish');
    const drained = await turns.idle(drainTimeoutMs);
    if (!drained) services.log.warn({ inFlight: turns.count, drainTimeoutMs }, 'in-flight turns did not finish in time; closing anyway');
    server.closeAllConnections();
    await closed;
  };
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    host,
    inFlight: () => turns.count,
    close: () => (closing ??= close()),
  };
}
