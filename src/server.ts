import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { ConfigurationServiceClientCredentialFactory, type Storage } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Services } from './assistant/services';
import { createBotApp } from './bot/app';
import { botAuthenticationEnabled, type Config } from './config';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly storage?: Storage;
  readonly placeholderAfterMs?: number;
}

function createAdapter(config: Config): TeamsAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: config.BOT_ID,
    MicrosoftAppPassword: config.BOT_PASSWORD,
    // With no app id there is nothing to validate against; the tenant assertions of SingleTenant would only get in the way.
    MicrosoftAppType: config.BOT_ID ? config.BOT_TYPE : 'MultiTenant',
    MicrosoftAppTenantId: config.BOT_TENANT_ID,
  });
  const authOptions = config.BOT_OPENID_METADATA ? { BotOpenIdMetadata: config.BOT_OPENID_METADATA } : {};
  return new TeamsAdapter(authOptions, credentials);
}

/** Hosts the bot at POST /api/messages with express 5 (TeamsAdapter needs an express/restify response). */
export async function startServer(config: Config, services: Services, options: ServerOptions = {}): Promise<RunningServer> {
  const adapter = createAdapter(config);
  const bot = createBotApp({ adapter, services, storage: options.storage, placeholderAfterMs: options.placeholderAfterMs });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '4mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/api/messages', async (req, res) => {
    await adapter.process(req, res as never, async (context) => {
      await bot.run(context);
    });
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
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
