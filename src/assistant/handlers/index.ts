import type { IntentKind } from '../../model/intent';
import { textReply } from '../../model/reply';
import type { Handler } from '../handler';
import { answerConnectorCheck, answerIpCheck, answerSmtpTest, answerTestMessage } from './connectivity';
import { answerHeaders } from './headers';
import { answerCode } from './code';
import { answerDomain } from './domain';
import { answerHealth } from './health';
import { answerHelp, answerThanks, answerUnknown } from './help';
import { answerTrace } from './trace';
import { answerNdr } from './ndr';
import { answerQuarantineList, answerQuarantineRelease } from './quarantine';

/** Until a capability lands, its intent is answered honestly rather than silently ignored. */
const notAvailableYet =
  (capability: string): Handler =>
  async () =>
    textReply(`${capability} is not available in this build yet. Type "help" to see what I can do.`);

/** One handler per intent; the Record type makes a missing intent a compile error. */
export const HANDLERS: Record<IntentKind, Handler> = {
  ndr: answerNdr,
  code: answerCode,
  headers: answerHeaders,
  domain: answerDomain,
  trace: answerTrace,
  health: answerHealth,
  quarantine_list: answerQuarantineList,
  quarantine_release: answerQuarantineRelease,
  smtp_test: answerSmtpTest,
  ip_check: answerIpCheck,
  connector_check: answerConnectorCheck,
  test_message: answerTestMessage,
  thanks: answerThanks,
  help: answerHelp,
  unknown: answerUnknown,
};
