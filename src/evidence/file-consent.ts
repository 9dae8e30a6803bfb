import type { OutgoingAttachment } from '../assistant/actions';
import type { Services } from '../assistant/services';
import { botAuthenticationEnabled } from '../config';
import type { CasePerson } from '../model/case';
import { recordCase } from './answer';
import type { TraceExport } from './exports';

/**
 * Files in personal chat go through Teams' file consent flow: the bot offers a FileConsentCard, the person
 * accepts, Teams answers with an `uploadInfo` (a OneDrive upload URL), the bot PUTs the file there and posts a
 * FileInfoCard. Teams supports this in personal chat only; elsewhere the export is a signed link instead.
 */
export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

export function fileConsentCard(saved: TraceExport): OutgoingAttachment {
  return {
    contentType: FILE_CONSENT_CARD,
    name: saved.fileName,
    content: {
      description: `Message trace export: ${saved.rowCount} row${saved.rowCount === 1 ? '' : 's'}${saved.caseId ? ` for ${saved.caseId}` : ''} (CSV, admin center columns).`,
      sizeInBytes: Buffer.byteLength(saved.csv, 'utf8'),
      // Only the id travels: the rows stay with the bot, and the accept is looked up in the accepting tenant's folder.
      acceptContext: { exportId: saved.id },
      declineContext: { exportId: saved.id },
    },
  };
}

/** What Teams sends with `fileConsent/invoke` (botbuilder's FileConsentCardResponse), none of it trusted. */
export interface FileConsentAnswer {
  readonly action?: string;
  readonly context?: { readonly exportId?: unknown } | null;
  readonly uploadInfo?: {
    readonly name?: string;
    readonly uploadUrl?: string;
    readonly contentUrl?: string;
    readonly uniqueId?: string;
    readonly fileType?: string;
  } | null;
}

export interface FileConsentTurn {
  readonly tenantId: string | null;
  readonly conversationId: string;
  readonly who: CasePerson;
  readonly caseId: string | null;
  readonly now: Date;
}

export type UploadOutcome =
  | { readonly kind: 'uploaded'; readonly text: string; readonly attachment: OutgoingAttachment }
  | { readonly kind: 'failed'; readonly text: string };

/**
 * Teams upload URLs are https (OneDrive/SharePoint). Plain http is accepted only on loopback and only while Bot
 * Framework authentication is off (local runs, tests): otherwise a forged invoke could make the bot PUT anywhere.
 */
function uploadTarget(url: unknown, services: Services): URL | null {
  if (typeof url !== 'string') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'https:') return parsed;
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
  return parsed.protocol === 'http:' && loopback && !botAuthenticationEnabled(services.config) ? parsed : null;
}

/** On "Allow": PUT the CSV to the upload URL (one request, Content-Range over the whole file), then the file card. */
export async function uploadAcceptedExport(answer: FileConsentAnswer, turn: FileConsentTurn, services: Services): Promise<UploadOutcome> {
  const saved = await services.evidence?.exports.find(turn.tenantId, answer.context?.exportId, turn.now);
  if (!saved) return { kind: 'failed', text: 'That export is no longer available (exports are kept for 24 hours). Ask the question again for a fresh one.' };
  const target = uploadTarget(answer.uploadInfo?.uploadUrl, services);
  if (!target) {
    services.log.warn({ exportId: saved.id }, 'file consent accept without a usable upload URL');
    return { kind: 'failed', text: 'Teams did not give me a place to upload the file. Try the button again.' };
  }
  const body = Buffer.from(saved.csv, 'utf8');
  let status = 0;
  try {
    const response = await fetch(target, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Length': String(body.length), 'Content-Range': `bytes 0-${body.length - 1}/${body.length}` },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
    status = response.status;
    await response.arrayBuffer().catch(() => undefined);
  } catch (error) {
    services.log.warn({ err: error, exportId: saved.id }, 'uploading the export to OneDrive failed');
  }
  const ok = status >= 200 && status < 300;
  await recordCase(services, turn.caseId ? [{
    kind: 'action', caseId: turn.caseId, at: turn.now.toISOString(), tenantId: turn.tenantId, conversationId: turn.conversationId, who: turn.who,
    verb: 'evidence.fileConsent.accept', refs: { exportId: saved.id, fileName: saved.fileName }, outcome: ok ? 'uploaded' : `upload failed (${status || 'no answer'})`,
  }] : []);
  if (!ok) return { kind: 'failed', text: `I could not upload ${saved.fileName} to your OneDrive (${status ? `HTTP ${status}` : 'no answer'}). Try the button again.` };
  const info = answer.uploadInfo ?? {};
  return {
    kind: 'uploaded',
    text: `Saved ${saved.fileName} (${saved.rowCount} rows) to your OneDrive.`,
    attachment: {
      contentType: FILE_INFO_CARD,
      name: info.name ?? saved.fileName,
      contentUrl: info.contentUrl,
      content: { uniqueId: info.uniqueId, fileType: info.fileType ?? 'csv' },
    },
  };
}
