import { createNoopMeter, metrics, SpanStatusCode, trace, type Attributes, type Counter, type Histogram, type Meter, type Tracer } from '@opentelemetry/api';

/**
 * OpenTelemetry for Mailflow Doctor: traces and metrics go through the vendor-neutral API, which is a no-op until an
 * SDK registers itself. `startTelemetry` registers the Azure Monitor distro only when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set, so an unconfigured instance exports nothing and never even loads the SDK.
 */

const SCOPE = 'mailflow-doctor';

/** What the rest of the code calls; every function is safe (and free) when telemetry is off. */
export type TurnOutcome = 'ok' | 'error';
export type ApprovalEvent = 'requested' | 'approved' | 'rejected' | 'expired' | 'denied';

/** The SDK behind the switch. `start` registers global tracer and meter providers; `shutdown` flushes them. */
export interface TelemetryExporter {
  start(connectionString: string): void;
  shutdown(): Promise<void>;
}

export type ExporterLoader = () => TelemetryExporter;

export interface Telemetry {
  readonly enabled: boolean;
  /** Flushes what is buffered; called on graceful shutdown so the last turns are not lost. */
  shutdown(): Promise<void>;
}

interface Instruments {
  readonly tracer: Tracer;
  readonly turnDuration: Histogram;
  readonly graphCalls: Counter;
  readonly graphThrottles: Counter;
  readonly approvals: Counter;
}

/**
 * Instruments are taken from the global providers at the moment of the call. The metrics API has no proxy provider
 * (unlike tracing), so instruments made before the SDK starts would stay no-ops forever: they are made again after it.
 */
function createInstruments(meter: Meter = metrics.getMeter(SCOPE)): Instruments {
  return {
    tracer: trace.getTracer(SCOPE),
    turnDuration: meter.createHistogram('mailflow.turn.duration', {
      description: 'time to answer one question, per intent',
      unit: 'ms',
    }),
    graphCalls: meter.createCounter('mailflow.graph.calls', { description: 'calls to Microsoft Graph and the Exchange admin API' }),
    graphThrottles: meter.createCounter('mailflow.graph.throttled', { description: 'calls answered 429 (throttled) by Graph or Exchange' }),
    approvals: meter.createCounter('mailflow.approvals', { description: 'quarantine release requests and their decisions' }),
  };
}

let instruments: Instruments = createInstruments();
let running: { exporter: TelemetryExporter; telemetry: Telemetry } | undefined;

/**
 * The Azure Monitor distro, required only when a connection string is configured: it pulls in ~170 packages and takes
 * about a second to load. Live metrics stay off: they open a second, long-lived channel nobody asked for.
 */
export const loadAzureMonitor: ExporterLoader = () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const distro = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  return {
    start(connectionString) {
      // Application Insights shows service.name as the cloud role name, so instances group under one name.
      process.env.OTEL_SERVICE_NAME ??= SCOPE;
      distro.useAzureMonitor({ azureMonitorExporterOptions: { connectionString }, enableLiveMetrics: false });
    },
    shutdown: () => distro.shutdownAzureMonitor(),
  };
};

const OFF: Telemetry = { enabled: false, shutdown: async () => undefined };

export interface TelemetryOptions {
  /** The SDK to start; the Azure Monitor distro unless a test passes its own. */
  readonly load?: ExporterLoader;
}

/** Turns export on when a connection string is configured; otherwise leaves the no-op API in place. Idempotent. */
export function startTelemetry(
  config: { readonly APPLICATIONINSIGHTS_CONNECTION_STRING?: string },
  options: TelemetryOptions = {},
): Telemetry {
  if (running) return running.telemetry;
  const connectionString = config.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return OFF;
  const exporter = (options.load ?? loadAzureMonitor)();
  exporter.start(connectionString);
  instruments = createInstruments();
  const telemetry: Telemetry = {
    enabled: true,
    async shutdown() {
      if (running?.telemetry !== telemetry) return;
      running = undefined;
      // Measurements after shutdown go nowhere, whatever stays registered globally.
      instruments = createInstruments(createNoopMeter());
      await exporter.shutdown();
    },
  };
  running = { exporter, telemetry };
  return telemetry;
}

/** Per-intent latency: call once per answered question. */
export function recordTurn(intent: string, durationMs: number, outcome: TurnOutcome = 'ok'): void {
  instruments.turnDuration.record(durationMs, { intent, outcome });
}

/**
 * One call to Graph or the Exchange admin API. `api` names the operation (e.g. `messageTrace`), never a URL with
 * addresses in it: metric attributes are not redacted like logs are.
 */
export function recordGraphCall(api: string, status: number): void {
  instruments.graphCalls.add(1, { api, status });
  if (status === 429) instruments.graphThrottles.add(1, { api });
}

export function recordApproval(event: ApprovalEvent): void {
  instruments.approvals.add(1, { event });
}

/**
 * Runs `work` inside a span; the span records failure and always ends, whether `work` resolves or throws. With
 * telemetry off, `work` runs as it is: the no-op tracer's span and context switch would cost every turn for nothing.
 */
export async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!running) return work();
  return instruments.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
