import { ContainerClient } from '@azure/storage-blob';
import { createServices } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { storageProbe } from '../../src/ops/readiness';
import { createTurnStateStorage, TURN_STATE_CONTAINER } from '../../src/ops/turn-state';
import { startServer, type RunningServer } from '../../src/server';
import { startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { messageActivity, startConnector } from '../support/bot-harness';

describe('two instances behind one storage account (Azurite)', () => {
  let azurite: RunningAzurite;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
    connector = await startConnector();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await connector.close();
    await azurite.stop();
  });

  async function instance(): Promise<RunningServer> {
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', STORAGE_CONNECTION_STRING: azurite.connectionString });
    const server = await startServer(config, createServices(config, silentLogger), { storage: createTurnStateStorage(config) });
    servers.push(server);
    return server;
  }

  async function say(server: RunningServer, text: string, conversationId: string): Promise<number> {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageActivity(text, connector.url, { conversationId })),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('reports storage ready when Azurite answers on both the blob and the table endpoint', async () => {
    const config = loadConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString });
    expect(await storageProbe(config).check()).toEqual({ ok: true });
  });

  it('keeps conversation state in the shared container, where the other instance reads and updates it', async () => {
    const [first, second] = [await instance(), await instance()];
    const container = new ContainerClient(azurite.connectionString, TURN_STATE_CONTAINER);
    const conversation = 'a:shared-conversation';

    expect(await say(first, 'what does 5.7.708 mean?', conversation)).toBe(200);
    const blobs = async () => {
      const names: { name: string; etag?: string }[] = [];
      for await (const blob of container.listBlobsFlat()) names.push({ name: blob.name, etag: blob.properties.etag });
      // BlobsStorage URL-encodes the state key (channel/bot/conversations/id) into the blob name.
      return names.filter((blob) => decodeURIComponent(blob.name).endsWith(`/conversations/${conversation}`));
    };
    const [afterFirst] = await blobs();
    expect(afterFirst).toBeDefined();
    const stored = JSON.parse((await container.getBlockBlobClient(afterFirst.name).downloadToBuffer()).toString('utf8'));
    expect(JSON.stringify(stored)).toContain('5.7.708');

    expect(await say(second, 'what does 5.7.1 mean?', conversation)).toBe(200);
    const after = await blobs();
    // Still one blob, now written by the other instance: one conversation, one state, wherever the turn lands.
    expect(after.map((blob) => blob.name)).toEqual([afterFirst.name]);
    expect(after[0].etag).not.toBe(afterFirst.etag);
    const updated = JSON.parse((await container.getBlockBlobClient(afterFirst.name).downloadToBuffer()).toString('utf8'));
    expect(JSON.stringify(updated)).toContain('5.7.1"');
  });

  it('keeps state in memory when no storage is configured', () => {
    expect(createTurnStateStorage({})).toBeUndefined();
  });
});
