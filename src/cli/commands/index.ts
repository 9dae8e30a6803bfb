import type { Command } from 'commander';
import { registerAsk } from './ask';
import { registerAudit } from './audit';
import { registerCase } from './case';
import { registerCode } from './code';
import { registerDomain } from './domain';
import { registerEmulator } from './emulator';
import { registerHeaders } from './headers';
import { registerNdr } from './ndr';
import { registerPackage } from './package';
import { registerIntent } from './intent';
import { registerIpCheck } from './ip-check';
import { registerServe } from './serve';
import { registerSmtpTest } from './smtp-test';
import { registerSpfEval } from './spf-eval';

/** Every subcommand registers itself here; each lives in its own module and only calls the library. */
export function registerCommands(program: Command): void {
  registerServe(program);
  registerNdr(program);
  registerCode(program);
  registerIntent(program);
  registerHeaders(program);
  registerPackage(program);
  registerSmtpTest(program);
  registerIpCheck(program);
  registerDomain(program);
  registerSpfEval(program);
  registerAudit(program);
  registerCase(program);
  registerEmulator(program);
  registerAsk(program);
}
