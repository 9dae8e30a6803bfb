import { randomUUID } from 'node:crypto';
import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { failed, ok, type Result } from '../../model/result';
import type { AccessTokens, Audience } from './auth';
import type { Api, TenantFailure } from './failures';
import { recordGraphCall } from '../../ops/telemetry';

export interface ResilienceOptions {
  /** Per-attempt timeout. */
  readonly requestTimeoutMs: number;
  /** Total time for one logical call, retries and waits included. */
  readonly budgetMs: number;
  /** Tries per logical call, the first included. */
  readonly maxTries: number;
  /** Consecutive failures (5xx, timeouts, network) that open an endpoint's circuit. */
  readonly breakerThreshold: number;
  /** How long an open circuit refuses calls before letting one through to test the endpoint. */
  readonly breakerHalfOpenAfterMs: number;
  /** First backoff delay; later ones grow exponentially with jitter. */
  readonly backoffBaseMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  requestTimeoutMs: 8000,
  budgetMs: 10_000,
  maxTries: 3,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
  backoffBaseMs: 250,
};

export interface HttpRequest {
  readonly api: Exclude<Api, 'entra'>;
  /** Circuit-breaker key: one circuit per endpoint (e.g. `graph.messageTraces`). */
  readonly endpoint: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** False for calls that change state (quarantine release): then only 429/503 are retried, never 500s or timeouts. */
  readonly idempotent?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A failure worth another try: a throttle, a server error, a timeout, a dropped connection. */
class TransientError extends Error {
  constructor(
    readonly reason: 'status' | 'timeout' | 'network',
    readonly status: number,
    readonly retryAfterMs: number | null,
    detail: string,
  ) {
    super(detail);
  }
  /** Throttling says the service is healthy but busy: it must not open the circuit. */
  get countsAgainstEndpoint(): boolean {
    return this.reason !== 'status' || this.status !== 429;
  }
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Retry-After is seconds (Graph) or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * HTTP to Graph and the Exchange admin API with the tenant's token, through cockatiel policies: a per-attempt timeout,
 * a circuit breaker per endpoint, and retries that honour Retry-After on 429/503 and otherwise back off exponentially
 * with jitter — at most `maxTries` tries within `budgetMs`. A wait that would not fit the budget is not waited: the
 * caller gets `throttled` with the time to wait instead, so the bot can say so.
 */
export class TenantHttp {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly tokens: AccessTokens,
    private readonly options: ResilienceOptions = DEFAULT_RESILIENCE,
  ) {}

  breaker(endpoint: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => error instanceof TransientError ? error.countsAgainstEndpoint : error instanceof TaskCancelledError),
        { halfOpenAfter: this.options.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(this.options.breakerThreshold) },
      );
      this.breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  async send(request: HttpRequest): Promise<Result<HttpResponse, TenantFailure>> {
    const audience: Audience = request.api;
    const token = await this.tokens.get(audience);
    if (token.kind !== 'ok') return token.kind === 'failed' ? failed(token.reason) : failed({ kind: 'credentials', code: 'unknown', detail: 'no token' });

    const started = Date.now();
    const deadline = started + this.options.budgetMs;
    const idempotent = request.idempotent !== false;
    const retryable = (error: Error): boolean => {
      if (!(error instanceof TransientError) && !(error instanceof TaskCancelledError)) return false;
      if (!idempotent && !(error instanceof TransientError && (error.status === 429 || error.status === 503))) return false;
      const wait = error instanceof TransientError && error.retryAfterMs !== null ? error.retryAfterMs : this.options.backoffBaseMs;
      // Waiting past the budget helps nobody: give the caller the wait instead.
      return Date.now() + wait < deadline - 50;
    };
    const base = this.options.backoffBaseMs;
    const retryPolicy = retry(handleWhen(retryable), {
      maxAttempts: this.options.maxTries - 1,
      backoff: new DelegateBackoff<{ attempt: number; result: { error: Error } | { value: unknown } }>((context) => {
        const error = 'error' in context.result ? context.result.error : undefined;
        if (error instanceof TransientError && error.retryAfterMs !== null) return error.retryAfterMs;
        // Exponential backoff with full jitter, capped so a retry still fits the budget.
        const ceiling = Math.min(base * 2 ** (context.attempt - 1), Math.max(0, deadline - Date.now() - 100));
        return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      }),
    });
    const policy = wrap(retryPolicy, this.breaker(request.endpoint));
    let attempts = 0;
    try {
      const response = await policy.execute(() => {
        attempts += 1;
        const remaining = Math.max(1, Math.min(this.options.requestTimeoutMs, deadline - Date.now()));
        return timeout(remaining, TimeoutStrategy.Aggressive).execute(({ signal }) => this.attempt(request, token.value, signal));
      });
      if (response.status === 401) this.tokens.invalidate(audience);
      return ok(response);
    } catch (error) {
      return failed(this.toFailure(error, request, Date.now() - started, attempts));
    }
  }

  private async attempt(request: HttpRequest, token: string, signal: AbortSignal): Promise<HttpResponse> {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        signal,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'client-request-id': randomUUID(),
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        },
        body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      });
    } catch (error) {
      if (signal.aborted) throw new TaskCancelledError('request timed out');
      throw new TransientError('network', 0, null, causeOf(error));
    }
    // Per endpoint, so throttles show where they happen (graph.messageTraces, exo.InvokeCommand …).
    recordGraphCall(request.endpoint, response.status);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw new TaskCancelledError('response body timed out');
      throw new TransientError('network', response.status, null, causeOf(error));
    }
    if (RETRY_STATUSES.has(response.status)) {
      throw new TransientError('status', response.status, parseRetryAfter(response.headers.get('retry-after')), text.slice(0, 300));
    }
    return { status: response.status, headers: response.headers, text };
  }

  private toFailure(error: unknown, request: HttpRequest, elapsedMs: number, _attempts: number): TenantFailure {
    const api = request.api;
    if (error instanceof BrokenCircuitError) return { kind: 'circuit-open', api, endpoint: request.endpoint };
    if (error instanceof TaskCancelledError) return { kind: 'timeout', api, afterMs: elapsedMs };
    if (error instanceof TransientError) {
      if (error.reason === 'network') return { kind: 'network', api, detail: error.message };
      if (error.status === 429 || (error.status === 503 && error.retryAfterMs !== null)) {
        return { kind: 'throttled', api, retryAfterSeconds: error.retryAfterMs === null ? null : Math.ceil(error.retryAfterMs / 1000) };
      }
      return { kind: 'unavailable', api, status: error.status };
    }
    return { kind: 'network', api, detail: String((error as Error)?.message ?? error) };
  }
}

function causeOf(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error);
}

/** Reads a JSON body, or says why not. */
export function parseJson(response: HttpResponse, api: Exclude<Api, 'entra'>): Result<unknown, TenantFailure> {
  if (response.text.trim() === '') return ok(null);
  try {
    return ok(JSON.parse(response.text));
  } catch {
    return failed({ kind: 'bad-response', api, detail: `status ${response.status}, body is not JSON` });
  }
}
