import { z } from 'zod';

/**
 * Route names used for fault injection and request counters. Exchange cmdlets are counted as `exo.<CmdletName>`
 * (e.g. `exo.Release-QuarantineMessage`) as well as under `exo.InvokeCommand`.
 */
export const ROUTES = [
  'token', 'openid', 'managedIdentity',
  'graph.messageTraces', 'graph.traceDetails', 'graph.healthOverviews', 'graph.issues', 'graph.domains', 'graph.domainRecords',
  'graph.users', 'graph.groupMembers', 'graph.checkMemberGroups', 'graph.sendMail', 'exo.InvokeCommand',
] as const;
export type RouteName = (typeof ROUTES)[number] | `exo.${string}`;

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latency'), ms: z.number().nonnegative(), times: z.number().int().positive().optional() }),
  /** An HTTP error: 429 and 503 may carry Retry-After (seconds). */
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfter: z.number().nonnegative().optional(),
    times: z.number().int().positive().optional(),
  }),
  /** 200 with a body that is not JSON. */
  z.object({ kind: z.literal('malformed'), times: z.number().int().positive().optional() }),
  /** Accept the request and never answer (until the emulator closes). */
  z.object({ kind: z.literal('hang'), times: z.number().int().positive().optional() }),
  /** Drop the TCP connection without an answer. */
  z.object({ kind: z.literal('reset'), times: z.number().int().positive().optional() }),
]);
export type Fault = z.infer<typeof faultSchema>;

/** Faults by route, settable from scenario files and at run time from tests (`emulator.faults.set(route, fault)`). */
export class FaultTable {
  private readonly active = new Map<string, { fault: Fault; remaining: number }>();
  /** Latency added to every Graph and Exchange call (the bench's "300 ms per Graph call"). */
  globalLatencyMs = 0;

  set(route: RouteName, fault: Fault): void {
    this.active.set(route, { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(route?: RouteName): void {
    if (route === undefined) this.active.clear();
    else this.active.delete(route);
  }

  /** The fault for this request, if any; a fault with `times` wears off after that many requests. */
  take(routes: readonly string[]): Fault | undefined {
    for (const route of routes) {
      const entry = this.active.get(route);
      if (!entry) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.active.delete(route);
      return entry.fault;
    }
    return undefined;
  }
}
