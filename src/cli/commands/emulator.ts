import type { Command } from 'commander';
import type * as M365 from '../../emulator/m365';
import { CliError, printJson } from '../io';

export interface EmulatorCommandOptions {
  readonly port: string;
  readonly scenario?: readonly string[];
  readonly latency: string;
}

/** Starts the emulator as the command would and returns it with the JSON the command prints. */
export async function startEmulatorCommand(options: EmulatorCommandOptions): Promise<{ emulator: M365.M365Emulator; summary: Record<string, unknown> }> {
  const port = Number(options.port);
  const latency = Number(options.latency);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0-65535, got ${options.port}`);
  if (!Number.isFinite(latency) || latency < 0) throw new CliError(`--latency must be a number of milliseconds, got ${options.latency}`);
  // Loaded lazily: the bot and the other commands never load the emulator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m365: typeof M365 = require('../../emulator/m365');
  let scenarios: M365.Scenario[];
  try {
    scenarios = options.scenario?.length ? options.scenario.map((file) => m365.loadScenarioFile(file)) : [m365.demoScenario()];
  } catch (error) {
    throw new CliError(error instanceof m365.ScenarioError ? error.message : String(error));
  }
  let emulator: M365.M365Emulator;
  try {
    emulator = await m365.startM365Emulator({ scenarios, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot start the emulator: ${String((error as Error).message)}`);
  }
  emulator.faults.globalLatencyMs = latency;
  const summary = {
    url: emulator.url,
    tenants: scenarios.map((scenario) => ({ id: scenario.tenant.id, initialDomain: scenario.tenant.initialDomain, name: scenario.name })),
    // Clients trust the emulator's test CA through this variable, read at process start: never by turning TLS checks off.
    NODE_EXTRA_CA_CERTS: m365.emulatorCaPath(),
    env: emulator.envFor(scenarios[0].tenant.id),
  };
  return { emulator, summary };
}

/**
 * `mailflow-doctor emulator`: the local Microsoft 365 (Entra token endpoint, Graph, Exchange admin API) over HTTPS on
 * 127.0.0.1, seeded from scenario files (default: the contoso.com demo tenant), until interrupted.
 */
export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description('run the local Microsoft 365 emulator (HTTPS on 127.0.0.1) seeded with scenario files; prints the settings that point the bot at it')
    .option('--port <n>', 'port to listen on (default: a free one)', '0')
    .option('--scenario <file...>', 'scenario JSON file(s), one tenant each (default: the contoso.com demo tenant)')
    .option('--latency <ms>', 'latency added to every Graph and Exchange call', '0')
    .action(async (options: EmulatorCommandOptions) => {
      const { emulator, summary } = await startEmulatorCommand(options);
      printJson(summary);
      const stop = () => void emulator.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
