import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TenantState } from './state';
import type { AccessClaims } from './tokens';

/** Microsoft's message-trace app: its service principal must exist in the tenant for Graph message trace to answer. */
export const MESSAGE_TRACE_APP_ID = '8bd644d1-64a1-4d4b-ae52-2e0cbf64e373';

/** What a route handler sees and how it answers. */
export interface EmulatorRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly claims: AccessClaims;
  readonly tenant: TenantState;
  readonly baseUrl: string;
  readonly now: Date;
  /** Names this request is counted under (and looked up in the fault table), most specific first. */
  routes: string[];
}

export interface EmulatorResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the body as given (a string or nothing) instead of JSON. */
  readonly raw?: boolean;
}

/** Graph's error body: code and message always, innerError with the request ids. */
export function graphError(code: string, message: string): Record<string, unknown> {
  const requestId = randomUUID();
  return { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } };
}

/** Graph's throttling body; clients must key on the 429 status, not on this code. */
export function throttledBody(): Record<string, unknown> {
  const requestId = randomUUID();
  return {
    error: {
      code: 'activityLimitReached',
      message: 'The request has been throttled',
      innerError: { code: 'throttledRequest', date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}

/** A nextLink as Graph writes it: `$filter`, `$top`, `$skiptoken` with a literal `$`, spaces as %20. */
export function odataLink(url: URL): string {
  return url.toString().replace(/%24/g, '$').replace(/\+/g, '%20');
}
