import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../paths';

export interface PlaygroundUser {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
  readonly email: string;
}

export interface PlaygroundOptions {
  readonly botEndpoint: string;
  readonly port: number;
  readonly tenantId: string;
  readonly currentUser: PlaygroundUser;
  /** The Playground insists on at least five other users in its mock tenant. */
  readonly users: readonly PlaygroundUser[];
  /** Folder for the Playground's config and log file. */
  readonly workDir: string;
}

export interface RunningPlayground {
  readonly url: string;
  close(): Promise<void>;
}

const userYaml = (user: PlaygroundUser, indent: string) =>
  [
    `id: ${user.id}`,
    `name: ${user.name}`,
    `userPrincipleName: ${user.email}`,
    `aadObjectId: ${user.aadObjectId}`,
    `givenName: ${user.name.split(' ')[0]}`,
    `surname: ${user.name.split(' ').slice(1).join(' ') || user.name}`,
    `email: ${user.email}`,
  ].join(`\n${indent}`);

/** The Playground's mock tenant is ours, so its activities pass the bot's tenant allow-list. */
function playgroundConfig(options: PlaygroundOptions): string {
  return [
    'version: "0.1.1"',
    `tenantId: ${options.tenantId}`,
    'bot:',
    '  id: 00000000-0000-0000-0000-00000000000011',
    '  name: Mailflow Doctor',
    'currentUser:',
    `  ${userYaml(options.currentUser, '  ')}`,
    options.users.length === 0 ? 'users: []' : 'users:',
    ...options.users.map((user) => `  - ${userYaml(user, '    ')}`),
    'personalChat:',
    '  id: __PERSONAL_CHAT_ID__',
    'groupChat:',
    '  id: __GROUP_CHAT_ID__',
    '  name: Helpdesk chat',
    'team:',
    '  id: team-id',
    '  name: IT Helpdesk',
    '  aadGroupId: 00000000-0000-0000-0000-000000000031',
    '  channels:',
    '    - id: channel-mailflow-id',
    '      name: Mail flow',
    '',
  ].join('\n');
}

/** The Playground prints "Listening" a moment before its page is served; poll until it answers. */
async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Playground at ${url} did not answer within 30 s`);
}

/** Starts the Microsoft 365 Agents Playground (telemetry off, no browser of its own) and waits until it listens. */
export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const configPath = join(options.workDir, 'm365agentsplayground.yml');
  writeFileSync(configPath, playgroundConfig(options));
  const cli = projectPath('node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'start', '-e', options.botEndpoint, '-c', 'msteams', '-p', String(options.port), '--disable-telemetry'],
    {
      cwd: options.workDir,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: join(options.workDir, 'playground.log'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the Playground did not start within 60 s:\n${output.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const failure = /Failed to start[^\n]*\n[^\n]*Reason: ([^\n]+)/.exec(output);
      if (failure) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        reject(new Error(`the Playground failed to start: ${failure[1]}`));
        return;
      }
      const listening = /Listening on (\d+)/i.exec(output);
      if (listening) {
        clearTimeout(timer);
        // It says "Listening" before it has read its config; give a config error the chance to show first.
        setTimeout(() => resolve(`http://127.0.0.1:${listening[1]}/`), 500);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Playground exited with code ${code}:\n${output.slice(-2000)}`));
    });
  });
  await waitUntilServing(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
