import { metrics, trace, type Attributes, type Meter, type MeterProvider } from '@opentelemetry/api';
import { inSpan, recordApproval, recordGraphCall, recordTurn, startTelemetry, type TelemetryExporter } from '../../src/ops/telemetry';

let mockDistroLoaded = false;
const mockUseAzureMonitor = jest.fn();
jest.mock('@azure/monitor-opentelemetry', () => {
  mockDistroLoaded = true;
  return { useAzureMonitor: (...args: unknown[]) => mockUseAzureMonitor(...args), shutdownAzureMonitor: async () => undefined };
});

/** A meter provider that remembers every measurement, standing in for the Application Insights exporter. */
function recordingProvider() {
  const measurements: { instrument: string; value: number; attributes: Attributes }[] = [];
  const instrument = (name: string) => ({
    record: (value: number, attributes: Attributes = {}) => measurements.push({ instrument: name, value, attributes }),
    add: (value: number, attributes: Attributes = {}) => measurements.push({ instrument: name, value, attributes }),
  });
  const meter = { createHistogram: instrument, createCounter: instrument } as unknown as Meter;
  const provider: MeterProvider = { getMeter: () => meter };
  return { provider, measurements };
}

describe('telemetry with no APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('stays off: the SDK is never loaded and recording costs nothing', async () => {
    const load = jest.fn();
    const telemetry = startTelemetry({}, { load });
    expect(telemetry.enabled).toBe(false);
    expect(load).not.toHaveBeenCalled();
    recordTurn('ndr', 12);
    recordGraphCall('messageTrace', 429);
    recordApproval('requested');
    await expect(inSpan('work', {}, async () => 42)).resolves.toBe(42);
    await telemetry.shutdown();
  });

  it('does not load @azure/monitor-opentelemetry through the default loader either', () => {
    expect(startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: '   ' }).enabled).toBe(false);
    expect(mockDistroLoaded).toBe(false);
  });
});

describe('telemetry with a connection string', () => {
  afterEach(() => {
    metrics.disable();
    trace.disable();
  });

  it('starts the Azure Monitor distro with that connection string (loaded only now) and no live metrics', async () => {
    const connectionString = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:1/';
    const telemetry = startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString });
    expect(telemetry.enabled).toBe(true);
    expect(mockDistroLoaded).toBe(true);
    expect(mockUseAzureMonitor).toHaveBeenCalledWith({ azureMonitorExporterOptions: { connectionString }, enableLiveMetrics: false });
    // A second start (e.g. the CLI and the server both asking) does not register the SDK twice.
    expect(startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString })).toBe(telemetry);
    expect(mockUseAzureMonitor).toHaveBeenCalledTimes(1);
    await telemetry.shutdown();
  });

  it('exports per-intent latency, Graph calls and throttles, and approvals through the registered provider', async () => {
    const { provider, measurements } = recordingProvider();
    const exporter: TelemetryExporter = {
      start: () => void metrics.setGlobalMeterProvider(provider),
      shutdown: jest.fn(async () => undefined),
    };
    const telemetry = startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }, { load: () => exporter });

    recordTurn('trace', 840);
    recordTurn('ndr', 15, 'error');
    recordGraphCall('messageTrace', 200);
    recordGraphCall('messageTrace', 429);
    recordApproval('approved');

    expect(measurements).toEqual([
      { instrument: 'mailflow.turn.duration', value: 840, attributes: { intent: 'trace', outcome: 'ok' } },
      { instrument: 'mailflow.turn.duration', value: 15, attributes: { intent: 'ndr', outcome: 'error' } },
      { instrument: 'mailflow.graph.calls', value: 1, attributes: { api: 'messageTrace', status: 200 } },
      { instrument: 'mailflow.graph.calls', value: 1, attributes: { api: 'messageTrace', status: 429 } },
      { instrument: 'mailflow.graph.throttled', value: 1, attributes: { api: 'messageTrace' } },
      { instrument: 'mailflow.approvals', value: 1, attributes: { event: 'approved' } },
    ]);

    await telemetry.shutdown();
    expect(exporter.shutdown).toHaveBeenCalledTimes(1);
    // After shutdown the instruments fall back to whatever is registered globally; nothing reaches the old exporter.
    metrics.disable();
    recordTurn('help', 1);
    expect(measurements).toHaveLength(6);
  });

  it('ends a span even when the work fails, and passes the error on', async () => {
    const ended: string[] = [];
    const span = { end: () => ended.push('end'), recordException: () => ended.push('exception'), setStatus: () => undefined };
    const tracer = { startActiveSpan: (_name: string, _options: unknown, fn: (s: typeof span) => unknown) => fn(span) };
    trace.setGlobalTracerProvider({ getTracer: () => tracer as never });
    const telemetry = startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }, { load: () => ({ start: () => undefined, shutdown: async () => undefined }) });
    await expect(inSpan('graph.messageTrace', {}, async () => Promise.reject(new Error('429')))).rejects.toThrow('429');
    expect(ended).toEqual(['exception', 'end']);
    await telemetry.shutdown();
  });
});
