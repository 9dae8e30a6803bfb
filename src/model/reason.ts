/**
 * The shared bounce vocabulary (Sisimai's reason names). Every analyzer maps into it, so that the
 * diagnosis never has to translate between one parser's words and another's.
 */
export const REASONS = [
  'authfailure', 'badreputation', 'blocked', 'contenterror', 'delivered', 'exceedlimit', 'expired',
  'failedstarttls', 'feedback', 'filtered', 'hasmoved', 'hostunknown', 'mailboxfull', 'mailererror',
  'mesgtoobig', 'networkerror', 'norelaying', 'notaccept', 'notcompliantrfc', 'onhold', 'policyviolation',
  'rejected', 'requireptr', 'securityerror', 'spamdetected', 'speeding', 'suppressed', 'suspend',
  'syntaxerror', 'systemerror', 'systemfull', 'toomanyconn', 'undefined', 'userunknown', 'vacation',
  'virusdetected',
] as const;

export type Reason = (typeof REASONS)[number];

export function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}
