import type { IntentKind } from '../../model/intent';
import { textReply } from '../../model/reply';
import type { Handler } from '../handler';
import { answerHelp, answerThanks, answerUnknown } from './help';

/** Until a capability lands, its intent is answered honestly rather than silently ignored. */
const notAvailableYet =
  (capability: string): Handler =>
  async () =>
    textReply(`${capability} is not available in this build yet. Type "help" to see what I can do.`);

/** One handler per intent; the Record type makes a missing intent a compile error. */
export const HANDLERS: Record<IntentKind, Handler> = {
  ndr: notAvailableYet('Explaining NDRs'),
  code: notAvailableYet('Explaining status codes'),
  headers: notAvailableYet('Header analysis'),
  domain: notAvailableYet('Domain checks'),
  trace: notAvailableYet('Message diagnosis'),
  health: notAvailableYet('Service health'),
  quarantine_list: notAvailableYet('Quarantine review'),
  quarantine_release: notAvailableYet('Quarantine release'),
  smtp_test: notAvailableYet('SMTP connectivity tests'),
  ip_check: notAvailableYet('Sending IP checks'),
  connector_check: notAvailableYet('Connector certificate checks'),
  test_message: notAvailableYet('Test messages'),
  thanks: answerThanks,
  help: answerHelp,
  unknown: answerUnknown,
};
