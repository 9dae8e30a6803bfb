import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The bot under load runs in its own process (src/bench/bot-server.ts), never in the bench's: the emulated
 * Microsoft 365, the DNS server, the fake Bot Connector and the load generator would otherwise share the bot's event
 * loop, and the bench would measure them too. Optionally pinned to one core with taskset.
 */
export interface BotProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly botUrl: string;
  /** The framework's floor in the same process (src/bench/floor-server.ts): /api/messages echoes, /api/replay replays. */
  readonly floorUrl: string;
  readonly pinned: boolean;
  /** Asks the bot process for its memory use, optionally after two full garbage collections. */
  memory(collect: boolean): Promise<MemoryReport>;
  /** SIGTERM, then SIGKILL after 5 s: only this process, by its pid. */
  close(): Promise<void>;
}

export interface MemoryReport {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** The heap V8 has reserved (used or not), and memory held outside it (Buffers, native objects). */
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly collected: boolean;
}

export interface BotProcessOptions {
  /** Environment pointing the bot at the local peers (the demo stack's `env`). */
  readonly env: Record<string, string>;
  /** Pin to core 0 (when taskset exists). */
  readonly pin: boolean;
  /** `cold`: no answer reused between questions (trace cache 1 ms, one DNS answer cached); `production`: as shipped. */
  readonly caches: 'cold' | 'production';
  /** Keep conversation state in the configured storage (STORAGE_CONNECTION_STRING), as `serve` does; default: memory. */
  readonly storage?: boolean;
}

/** Resident set of a process in MB, from /proc (Linux); NaN elsewhere. */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time a process has used so far (user + system, all its threads), in ms, from /proc (Linux); NaN elsewhere.
 * The kernel counts in clock ticks (100 per second on Linux), so a reading is exact to 10 ms.
 */
export function cpuMs(pid: number): number {
  try {
    // Fields after the command name, which sits in parentheses and may itself hold spaces: utime and stime are 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS_PER_SECOND);
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on every Linux the bench runs on (the kernel's ABI fixes it for /proc, whatever CONFIG_HZ is). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Moves every thread of this process (the load generator, the fake connector, the local peers) off core 0, where the
 * pinned bot runs, so that the bot's core is not shared with its own load. Returns the undo; a no-op without taskset
 * or with one core.
 */
export function keepOffBotCore(): () => void {
  const cores = availableParallelism();
  const move = (list: string) => spawnSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' }).status === 0;
  if (cores < 2 || !move(`1-${cores - 1}`)) return () => undefined;
  return () => void move(`0-${cores - 1}`);
}

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const script = join(__dirname, 'bot-server.js');
  const pinned = options.pin && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const command = pinned ? 'taskset' : process.execPath;
  // BENCH_BOT_NODE_ARGS adds Node options to the bot process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
  // profile the bot while a section runs (NODE_OPTIONS refuses --cpu-prof, and would profile every process).
  const extra = (process.env.BENCH_BOT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const args = [...(pinned ? ['-c', '0', process.execPath] : []), '--expose-gc', ...extra, script];
  const child = spawn(command, args, { env: { ...process.env, ...options.env, BENCH_BOT_CACHES: options.caches, BENCH_BOT_STORAGE: options.storage ? 'configured' : 'memory' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (timeoutMs: number, what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bench bot server did not ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the bench bot server exited with ${code}`))));
  exited.catch(() => undefined);
  let ready: { botUrl: string; floorUrl: string };
  try {
    const line = await Promise.race([nextLine(60_000, 'start'), exited]);
    ready = JSON.parse(line) as { botUrl: string; floorUrl: string };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    pid: child.pid!,
    botUrl: ready.botUrl,
    floorUrl: ready.floorUrl,
    pinned,
    async memory(collect) {
      const answer = nextLine(10_000, 'report its memory');
      child.stdin!.write(collect ? 'memory gc\n' : 'memory\n');
      const { memory: usage, collected } = JSON.parse(await answer) as { memory: NodeJS.MemoryUsage; collected: boolean };
      return { rssMb: usage.rss / 2 ** 20, heapUsedMb: usage.heapUsed / 2 ** 20, heapTotalMb: usage.heapTotal / 2 ** 20, externalMb: usage.external / 2 ** 20, collected };
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
