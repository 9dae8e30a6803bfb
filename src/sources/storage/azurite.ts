import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

type PortChooser = () => Promise<number>;

export interface AzuriteOptions {
  /** Folder for Azurite's data; ignored when `inMemory` (tests). The demo keeps it under `.data/`. */
  readonly location?: string;
  /** 0 or absent: a free port is chosen. */
  readonly blobPort?: number;
  readonly tablePort?: number;
  /** Keep nothing on disk: every start is empty (tests). */
  readonly inMemory?: boolean;
  readonly startTimeoutMs?: number;
  /** How a free port is chosen when none is given (default: `freePort`); tests hand out a taken one first. */
  readonly choosePort?: PortChooser;
}

export interface RunningAzurite {
  readonly blobUrl: string;
  readonly tableUrl: string;
  /** A connection string for STORAGE_CONNECTION_STRING pointing at this instance. */
  readonly connectionString: string;
  stop(): Promise<void>;
}

/** Blob says "successfully listens on http://127.0.0.1:PORT"; Table says "successfully started on 127.0.0.1:PORT". */
const LISTENING = /successfully (?:listens|started) on (?:https?:\/\/)?(127\.0\.0\.1:\d+)/;

/**
 * A free loopback port. Azurite's Table service does not report the port it got for port 0, so we choose one. Another
 * process can take it between our probe and Azurite's bind: `startAzurite` then chooses again.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts one Azurite service (blob or table) as a child process on 127.0.0.1 and waits until it listens. */
function startService(service: 'blob' | 'table', port: number, options: AzuriteOptions): Promise<{ url: string; child: ChildProcess }> {
  const main = require.resolve(`azurite/dist/src/${service}/main.js`);
  const args = [
    main,
    `--${service}Host`, '127.0.0.1',
    `--${service}Port`, String(port),
    '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose',
  ];
  if (options.inMemory) args.push('--inMemoryPersistence');
  else if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.location ?? process.cwd() });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite ${service} did not start within ${options.startTimeoutMs ?? 45000} ms: ${output.slice(-500)}`));
    }, options.startTimeoutMs ?? 45000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout?.resume();
        resolve({ url: `http://${match[1]}`, child });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite ${service} exited (${code}) before listening: ${output.slice(-500)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGINT, not SIGTERM: Azurite's Table service saves its database (LokiJS, autosaved every 5 s) only on SIGINT
    // and dies at once on SIGTERM, losing the last writes. SIGKILL only if it does not go within 5 s.
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** Tries of a service on a port we chose: another process can take it between our probe and Azurite's bind. */
const CHOSEN_PORT_TRIES = 3;

/** A port `choosePort` gives other than `taken`: two probes in a row can be given the same free port. */
async function portOtherThan(choosePort: PortChooser, taken: number): Promise<number> {
  let port = await choosePort();
  while (port === taken) port = await choosePort();
  return port;
}

/**
 * One service on `port`. When we chose the port (`chooseAgain` is given) and Azurite finds it taken, it is chosen
 * again; a port the caller gave is used or the start fails.
 */
async function startServiceOn(service: 'blob' | 'table', port: number, chooseAgain: PortChooser | null, options: AzuriteOptions) {
  for (let attempt = 1, next = port; ; attempt++) {
    try {
      return await startService(service, next, options);
    } catch (error) {
      if (!chooseAgain || attempt === CHOSEN_PORT_TRIES || !/EADDRINUSE/.test(String(error))) throw error;
      next = await chooseAgain();
    }
  }
}

/** Starts Azurite's Blob and Table services on loopback (tests, `npm run demo`). Call `stop()` when done. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const choosePort = options.choosePort ?? freePort;
  const blobPort = options.blobPort || (await choosePort());
  let tablePort = options.tablePort || (await choosePort());
  if (tablePort === blobPort) tablePort = await portOtherThan(choosePort, blobPort);
  // Both services start at once (each is a Node process that takes a while to boot on a busy machine).
  const started = await Promise.allSettled([
    startServiceOn('blob', blobPort, options.blobPort ? null : () => portOtherThan(choosePort, tablePort), options),
    startServiceOn('table', tablePort, options.tablePort ? null : () => portOtherThan(choosePort, blobPort), options),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(running.map((service) => stopChild(service.child)));
    throw failure.reason;
  }
  const [blob, table] = running;
  const blobUrl = `${blob.url}/${AZURITE_ACCOUNT}`;
  const tableUrl = `${table.url}/${AZURITE_ACCOUNT}`;
  return {
    blobUrl,
    tableUrl,
    connectionString: azuriteConnectionString(blobUrl, tableUrl),
    stop: async () => {
      await Promise.all([stopChild(blob.child), stopChild(table.child)]);
    },
  };
}

export function azuriteConnectionString(blobUrl: string, tableUrl: string): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${blobUrl}`,
    `TableEndpoint=${tableUrl}`,
  ].join(';') + ';';
}
