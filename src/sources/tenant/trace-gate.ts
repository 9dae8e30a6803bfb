import { LRUCache } from 'lru-cache';
import { failed, type Result } from '../../model/result';
import type { TenantFailure } from './failures';

export interface TraceGateOptions {
  /** Microsoft's limit: 100 message-trace requests (list and details together) per 5 minutes per tenant. */
  readonly budget: number;
  readonly windowMs: number;
  /** How long identical answers are reused. */
  readonly cacheTtlMs: number;
  /** Wait up to this long for budget to free up before answering `budget` instead. */
  readonly maxQueueMs: number;
}

export const DEFAULT_TRACE_GATE: TraceGateOptions = { budget: 100, windowMs: 5 * 60_000, cacheTtlMs: 60_000, maxQueueMs: 10_000 };

/**
 * Keeps one tenant's message-trace use inside Microsoft's quota: identical concurrent questions share one request
 * (single-flight), answers are reused for 60 s, and each HTTP request spends from a rolling budget — a request that
 * would exceed it waits briefly for room or is refused with the time to wait, rather than being throttled by Graph.
 */
export class TraceGate {
  private readonly cache: LRUCache<string, { value: unknown }>;
  private readonly inflight = new Map<string, Promise<Result<unknown, TenantFailure>>>();
  private readonly spent: number[] = [];

  constructor(
    readonly options: TraceGateOptions = DEFAULT_TRACE_GATE,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new LRUCache({ max: 500, ttl: options.cacheTtlMs, perf: { now } });
  }

  /** Runs `load` once for concurrent callers with the same key and caches a successful answer. */
  async shared<T>(key: string, load: () => Promise<Result<T, TenantFailure>>, fresh = false): Promise<Result<T, TenantFailure>> {
    const hit = fresh ? undefined : this.cache.get(key);
    if (hit) return { kind: 'ok', value: hit.value as T };
    let pending = this.inflight.get(key) as Promise<Result<T, TenantFailure>> | undefined;
    if (!pending) {
      pending = load()
        .then((result) => {
          if (result.kind === 'ok') this.cache.set(key, { value: result.value });
          return result;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending as Promise<Result<unknown, TenantFailure>>);
    }
    return pending;
  }

  /** Spends one request from the budget, waiting up to `maxQueueMs` for room. */
  async spend(): Promise<Result<void, TenantFailure>> {
    for (;;) {
      const now = this.now();
      while (this.spent.length > 0 && this.spent[0] <= now - this.options.windowMs) this.spent.shift();
      if (this.spent.length < this.options.budget) {
        this.spent.push(now);
        return { kind: 'ok', value: undefined };
      }
      const wait = this.spent[0] + this.options.windowMs - now;
      if (wait > this.options.maxQueueMs) return failed({ kind: 'budget', retryAfterSeconds: Math.ceil(wait / 1000) });
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }

  /** Requests left in the current window. */
  remaining(): number {
    const now = this.now();
    return this.options.budget - this.spent.filter((at) => at > now - this.options.windowMs).length;
  }
}
