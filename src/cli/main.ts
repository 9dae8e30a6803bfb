#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { registerCommands } from './commands';
import { CliError } from './io';

export function buildProgram(): Command {
  const program = new Command('mailflow-doctor')
    .description('Troubleshoot Exchange Online mail flow: NDRs, headers, domains, message trace, quarantine')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerCommands(program);
  return program;
}

/** Errors are one clear line on stderr and exit code 2; never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const message = error instanceof CliError || error instanceof ConfigError ? error.message : `unexpected error: ${String((error as Error)?.message ?? error)}`;
    process.stderr.write(`mailflow-doctor: ${message}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
