import { createServer, type Server } from 'node:net';
import { freePort, startAzurite } from '../../../src/sources/storage/azurite';

/**
 * startAzurite chooses its ports by probing, then lets Azurite bind them: another process can take a port in between.
 * A port it chose is chosen again; a port the caller gave is not (the caller asked for that one).
 */
describe('Azurite on ports taken between the probe and the bind', () => {
  const squatters: Server[] = [];
  const taken: number[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
      squatters.push(squatter);
      taken.push((squatter.address() as { port: number }).port);
    }
  });
  afterAll(async () => {
    await Promise.all(squatters.map((squatter) => new Promise((resolve) => squatter.close(resolve))));
  });

  it('starts both services on other ports when the ones it chose are taken', async () => {
    // Each service's first choice is a taken port; every later choice is free.
    const choices = [...taken];
    let chosen = 0;
    const choosePort = async () => {
      chosen += 1;
      return choices.shift() ?? freePort();
    };
    const azurite = await startAzurite({ inMemory: true, choosePort });
    try {
      expect(chosen).toBe(4);
      const ports = [azurite.blobUrl, azurite.tableUrl].map((url) => Number(new URL(url).port));
      expect(ports.filter((port) => taken.includes(port))).toEqual([]);
      expect(new Set(ports).size).toBe(2);
      // Both answer: a Blob container listing and a Table query (403/404 without credentials, but Azurite's own answer).
      for (const url of [`${azurite.blobUrl}?comp=list`, `${azurite.tableUrl}/Tables`]) {
        const answer = await fetch(url);
        expect(answer.status).toBeLessThan(500);
      }
    } finally {
      await azurite.stop();
    }
  }, 60_000);

  it('fails with the cause on a port the caller gave that is taken', async () => {
    await expect(startAzurite({ inMemory: true, blobPort: taken[0] })).rejects.toThrow(/EADDRINUSE/);
  }, 60_000);
});
