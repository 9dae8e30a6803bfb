import type { Logger } from '../log';

/**
 * Graceful shutdown on SIGTERM/SIGINT. App Service and container platforms send SIGTERM before they stop an instance
 * (on scale-in, deployment or restart); a turn that is still answering then finishes and its reply reaches Teams,
 * instead of the user seeing the typing indicator die. A second signal, or a failure while stopping, exits at once.
 */

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownOptions {
  /** Stops the server (waiting for in-flight turns) and flushes telemetry, in that order. */
  readonly stop: () => Promise<void>;
  readonly log: Logger;
  readonly exit: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
  /** `process` in production; an EventEmitter in tests. */
  readonly source?: SignalSource;
}

/** Installs the handlers; returns a function that removes them again. */
export function shutdownOnSignals(options: ShutdownOptions): () => void {
  const source = options.source ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log.warn({ signal }, 'second signal: exiting without waiting for in-flight turns');
      options.exit(1);
      return;
    }
    stopping = true;
    options.log.info({ signal }, 'stopping: finishing in-flight turns, refusing new ones');
    options.stop().then(
      () => {
        options.log.info('stopped');
        options.exit(0);
      },
      (error: unknown) => {
        options.log.error({ err: error }, 'failed to stop cleanly');
        options.exit(1);
      },
    );
  };
  const listeners = signals.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) source.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}
