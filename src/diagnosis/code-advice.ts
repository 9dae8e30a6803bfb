import { explainCode } from '../analyzers/ndr';
import type { CodeAdvice } from './layers';

/** The NDR knowledge (Microsoft's table, our own, RFC 3463) as the runbook needs it: a title and the fix steps. */
export function codeAdvice(status: string): CodeAdvice | null {
  const known = explainCode(status);
  return known ? { title: known.explanation.title, fixSteps: known.explanation.fixSteps } : null;
}
