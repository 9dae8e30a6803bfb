import type { Command } from 'commander';
import { registerServe } from './serve';

/** Every subcommand registers itself here; each lives in its own module and only calls the library. */
export function registerCommands(program: Command): void {
  registerServe(program);
}
