import type { ActionHandler } from '../assistant/actions';
import { EVIDENCE_VERBS, withDownloadLink } from './card';
import { cardOfExport } from './exports';
import { fileConsentCard } from './file-consent';

const GONE = 'This export is no longer available (exports are kept for 24 hours, for the organisation that asked). Ask the question again for a fresh one.';

/**
 * "Export trace (CSV)". The export is looked up in the clicking conversation's tenant only, whatever the card's
 * data claims. Personal chat gets the file (file consent); a channel or group chat gets a link for the clicker only.
 */
const exportTrace: ActionHandler = async (input, services) => {
  const exports = services.evidence?.exports;
  if (!exports) return { kind: 'message', text: 'Exports are not available in this deployment.' };
  const saved = await exports.find(input.conversation.tenantId, input.data.exportId, input.now);
  if (!saved) return { kind: 'message', text: GONE };
  if (input.conversation.kind === 'personal') {
    return { kind: 'message', text: `Allow the file below to save ${saved.fileName} to your OneDrive.`, attachments: [fileConsentCard(saved)] };
  }
  const link = exports.link(saved, input.now);
  const card = cardOfExport(saved) ?? { type: 'AdaptiveCard', version: '1.5', body: [] };
  return { kind: 'card', card: withDownloadLink(card, link.url, link.expiresAt, exports.linkTtlMinutes, saved.rowCount) };
};

export const EVIDENCE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  [EVIDENCE_VERBS.exportTrace]: exportTrace,
};
