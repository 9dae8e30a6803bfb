/** A finding of a check (headers, domain, SMTP …): a stable code a script can match, and what to do about it. */
export type Severity = 'error' | 'warning' | 'info';

export interface CheckFinding {
  readonly severity: Severity;
  /** Stable, dotted, lower-case: `spf.too-many-lookups`, `headers.clock-skew`. Scripts and tests match on it. */
  readonly code: string;
  readonly message: string;
  readonly fix: string | null;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function bySeverity(a: CheckFinding, b: CheckFinding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
}
