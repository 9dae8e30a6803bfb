import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Activity } from 'botbuilder';
import { createServices } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { InFlightTurns } from '../../src/ops/in-flight';
import { shutdownOnSignals, type SignalSource } from '../../src/ops/shutdown';
import { startServer, type RunningServer } from '../../src/server';
import { messageActivity } from '../support/bot-harness';

/**
 * A Bot Connector that holds the bot's reply until the test lets it through: the turn stays in flight (the bot awaits
 * its reply inside POST /api/messages) for exactly as long as the test wants, with no timers involved.
 */
async function startSlowConnector() {
  const replies: Partial<Activity>[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const replyArrived = new Promise<void>((resolve) => (arrived = resolve));
  const app = express();
  app.use(express.json({ limit: '8mb' }));
  app.all(/.*/, async (req, res) => {
    const activity = req.body as Partial<Activity>;
    if (activity.type !== 'typing') {
      arrived();
      await released;
      replies.push(activity);
    }
    res.status(200).json({ id: `activity-${replies.length}` });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replies,
    replyArrived,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function postMessage(server: RunningServer, connectorUrl: string, text: string): Promise<number> {
  const response = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(messageActivity(text, connectorUrl)),
  });
  await response.arrayBuffer();
  return response.status;
}

/** "Refused" is either a closed listener (connection refused) or a 503 on a connection that was still open. */
async function attempt(server: RunningServer, connectorUrl: string): Promise<number | 'refused'> {
  try {
    return await postMessage(server, connectorUrl, 'help');
  } catch {
    return 'refused';
  }
}

describe('an instance told to stop (SIGTERM) while it is answering a question', () => {
  let server: RunningServer;
  let connector: Awaited<ReturnType<typeof startSlowConnector>>;

  beforeEach(async () => {
    connector = await startSlowConnector();
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
    server = await startServer(config, createServices(config, silentLogger), { placeholderAfterMs: 60_000, readinessProbes: [] });
  });
  afterEach(async () => {
    connector.release();
    await server.close();
    await connector.close();
  });

  it('finishes the in-flight turn, delivers its reply, refuses new turns, then exits 0', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    let exited!: () => void;
    const exitedPromise = new Promise<void>((resolve) => (exited = resolve));
    shutdownOnSignals({
      stop: () => server.close(),
      log: silentLogger,
      exit: (code) => {
        exits.push(code);
        exited();
      },
      source: signals as unknown as SignalSource,
    });

    const slowTurn = postMessage(server, connector.url, 'help');
    await connector.replyArrived;
    expect(server.inFlight()).toBe(1);

    signals.emit('SIGTERM');
    // Stopping waits for the turn: the process has not exited yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);

    // New work is refused while the old turn drains.
    expect([503, 'refused']).toContain(await attempt(server, connector.url));
    const ready = await fetch(`${server.url}/readyz`).then((response) => response.status).catch(() => 'refused');
    expect([503, 'refused']).toContain(ready);

    connector.release();
    expect(await slowTurn).toBe(200);
    await exitedPromise;
    expect(exits).toEqual([0]);
    expect(connector.replies).toHaveLength(1);
    expect(JSON.stringify(connector.replies[0])).toContain('Here is what I can do');
    expect(server.inFlight()).toBe(0);
  });

  it('closes at once when nothing is in flight', async () => {
    await server.close();
    expect(await attempt(server, connector.url)).toBe('refused');
  });

  it('gives up waiting after the drain timeout so a stuck turn cannot block a deployment', async () => {
    await server.close();
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
    server = await startServer(config, createServices(config, silentLogger), { placeholderAfterMs: 60_000, readinessProbes: [], drainTimeoutMs: 50 });
    const stuck = postMessage(server, connector.url, 'help').catch(() => 'cut');
    await connector.replyArrived;
    await server.close();
    expect(await stuck).toBe('cut');
  });
});

describe('a second signal while stopping', () => {
  it('exits 1 at once instead of waiting', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    shutdownOnSignals({ stop: () => new Promise(() => undefined), log: silentLogger, exit: (code) => exits.push(code), source: signals as unknown as SignalSource });
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(exits).toEqual([1]);
  });

  it('exits 1 when stopping fails', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    shutdownOnSignals({ stop: async () => Promise.reject(new Error('boom')), log: silentLogger, exit: (code) => exits.push(code), source: signals as unknown as SignalSource });
    signals.emit('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
  });

  it('removes its listeners when uninstalled', () => {
    const signals = new EventEmitter();
    const uninstall = shutdownOnSignals({ stop: async () => undefined, log: silentLogger, exit: () => undefined, source: signals as unknown as SignalSource });
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    uninstall();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('counting in-flight turns', () => {
  it('is idle only when every turn has ended, and ignores a double end', async () => {
    const turns = new InFlightTurns();
    const first = turns.begin();
    const second = turns.begin();
    const idle = turns.idle(60_000);
    first();
    first();
    expect(turns.count).toBe(1);
    second();
    await expect(idle).resolves.toBe(true);
    expect(turns.count).toBe(0);
  });
});
