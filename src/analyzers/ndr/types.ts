import type { Reason } from '../../model/reason';

/** Who has to do something about a bounce, in the helpdesk's terms. */
export type WhoActs = 'sender' | 'sender-admin' | 'recipient-admin' | 'microsoft' | 'wait';

/** The words a helpdesk uses for who must act: on the cards and in the ticket alike. */
export const WHO_ACTS_LABEL: Record<WhoActs, string> = {
  sender: 'The sender (fix the address or the message and resend)',
  'sender-admin': "The sender's email admin",
  'recipient-admin': "The recipient or the recipient's email admin",
  microsoft: 'Microsoft (open a support case)',
  wait: 'Nobody yet: wait, the server retries or the limit resets',
};

export interface Explanation {
  /** One plain sentence: "bob@contoso.com doesn't exist at contoso.com". */
  readonly title: string;
  readonly meaning: string;
  readonly likelyCauses: readonly string[];
  readonly fixSteps: readonly string[];
  readonly whoActs: WhoActs;
  /** A documentation link for the code or reason. */
  readonly docs: string;
}

/** failed | delayed | delivered | relayed | expanded (RFC 3464 §2.3.3). */
export type DeliveryAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface NdrResult {
  readonly recipient: string | null;
  /** Enhanced status code "x.y.z", or null when the bounce carries none. */
  readonly status: string | null;
  readonly replyCode: number | null;
  readonly reason: Reason;
  readonly action: DeliveryAction;
  /** The server's own words. */
  readonly diagnostic: string;
  /** The host that refused, when named. */
  readonly remoteHost: string | null;
}

export type NdrOrigin = 'exchange-online' | 'remote';

export type NdrReport =
  | {
      readonly kind: 'ndr';
      readonly results: readonly NdrResult[];
      readonly reportingHost: string | null;
      readonly sender: string | null;
      readonly subject: string | null;
      readonly origin: NdrOrigin;
      /** For the first failed (or delayed) recipient. */
      readonly explanation: Explanation;
    }
  | { readonly kind: 'not-ndr'; readonly expected: string };

/** Where a code's explanation came from: Microsoft's NDR table, our own table, RFC 3463, or the text alone. */
export type ExplanationSource = 'microsoft' | 'known' | 'rfc3463' | 'text';

export interface CodeExplanation {
  readonly code: string | null;
  readonly replyCode: number | null;
  readonly reason: Reason;
  readonly source: ExplanationSource;
  readonly explanation: Explanation;
}
