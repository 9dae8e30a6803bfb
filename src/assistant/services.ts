import type { Config } from '../config';
import type { Logger } from '../log';

/**
 * The I/O the assistant may use, passed in rather than imported, so that tests, the CLI and the bot can
 * wire the same handlers to the emulator, to local DNS or to production.
 */
export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly now: () => Date;
}
