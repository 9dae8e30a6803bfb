import type { Attachment } from 'botbuilder';
import type { TextAttachment } from '../assistant/turn';

/**
 * Files people attach: a bounced message saved as .eml, or headers/NDR text saved as .txt. Teams sends an uploaded
 * file as `application/vnd.microsoft.teams.file.download.info` with a pre-authenticated `downloadUrl`; other
 * clients send `text/plain` inline, a `data:` URL, or a `contentUrl`. Everything else is ignored with a notice.
 */

/** 1 MB: a real .eml with headers and a bounce is a few hundred KB at most; larger is an attachment-laden message. */
export const MAX_ATTACHMENT_BYTES = 1024 * 1024;
/** Reading is sequential; more files than this in one message are not what a helpdesk pastes. */
export const MAX_ATTACHMENTS = 3;

export const TEAMS_FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export type Download =
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'failed'; readonly reason: string };

/** Fetches at most `maxBytes` from `url`; anything beyond is `too-large`, never buffered. */
export type AttachmentDownloader = (url: URL, maxBytes: number) => Promise<Download>;

export interface AttachmentReaderOptions {
  readonly maxBytes?: number;
  readonly download?: AttachmentDownloader;
  /** Which URLs may be fetched at all. Default: https to a host name (no IP literals, no localhost). */
  readonly allowUrl?: (url: URL) => boolean;
}

export interface ReadAttachments {
  readonly attachments: readonly TextAttachment[];
  readonly notices: readonly string[];
}

/**
 * Production policy: only https, and only to a named host. Teams' download URLs point at SharePoint/OneDrive;
 * an IP literal or localhost there would be an attempt to make the bot fetch from its own network.
 */
export function httpsOnly(url: URL): boolean {
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  if (/^[\d.]+$/.test(host) || host.includes(':')) return false;
  return !url.username && !url.password;
}

/** Downloads with fetch: no redirects (they could lead anywhere), a timeout, and a byte limit while streaming. */
export function fetchDownloader(timeoutMs = 10_000): AttachmentDownloader {
  return async (url, maxBytes) => {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = (error as Error)?.name;
      return { kind: 'failed', reason: name === 'TimeoutError' || name === 'AbortError' ? 'the download timed out' : 'the download failed' };
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'failed', reason: `the server answered ${response.status}` };
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'too-large' };
    }
    if (!response.body) return { kind: 'ok', bytes: Buffer.alloc(0) };
    const reader = response.body.getReader();
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return { kind: 'too-large' };
        }
        chunks.push(Buffer.from(value));
      }
    } catch (error) {
      const name = (error as Error)?.name;
      return { kind: 'failed', reason: name === 'TimeoutError' || name === 'AbortError' ? 'the download timed out' : 'the download broke off' };
    }
    return { kind: 'ok', bytes: Buffer.concat(chunks) };
  };
}

type Source =
  | { readonly kind: 'inline'; readonly name: string; readonly text: string }
  | { readonly kind: 'url'; readonly name: string; readonly url: string }
  | { readonly kind: 'silent' }
  | { readonly kind: 'unsupported'; readonly name: string };

const TEXT_EXTENSIONS = /\.(eml|txt)$/i;
const TEXT_TYPES = new Set(['text/plain', 'message/rfc822']);
/** Teams adds the message's own HTML (and cards being quoted) as attachments: not files, so no notice. */
const SILENT_TYPES = [/^text\/html$/i, /^application\/vnd\.microsoft\.card\./i, /^application\/vnd\.microsoft\.teams\.card\./i];

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A name safe to repeat in a notice: no control characters or markup, and not too long. */
function shownName(name: string | undefined, fallback: string): string {
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f<>[\]`*_{}$\\|]/g, '').trim();
  return clean.length === 0 ? fallback : clean.length > 80 ? `${clean.slice(0, 77)}…` : clean;
}

function sourceOf(attachment: Attachment): Source {
  const type = (str(attachment.contentType) ?? '').toLowerCase().split(';')[0].trim();
  const name = shownName(str(attachment.name), 'an attachment');
  if (SILENT_TYPES.some((pattern) => pattern.test(type))) return { kind: 'silent' };
  if (type === TEAMS_FILE_DOWNLOAD_INFO) {
    const content = (attachment.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    const fileType = str(content.fileType)?.toLowerCase();
    const url = str(content.downloadUrl);
    const textFile = TEXT_EXTENSIONS.test(str(attachment.name) ?? '') || fileType === 'eml' || fileType === 'txt';
    return textFile && url ? { kind: 'url', name, url } : { kind: 'unsupported', name };
  }
  const textLike = TEXT_TYPES.has(type) || TEXT_EXTENSIONS.test(str(attachment.name) ?? '');
  if (!textLike) return { kind: 'unsupported', name };
  if (typeof attachment.content === 'string') return { kind: 'inline', name, text: attachment.content };
  const url = str(attachment.contentUrl);
  return url ? { kind: 'url', name, url } : { kind: 'unsupported', name };
}

/** `data:` URLs (Web Chat, the Bot Framework Emulator) carry the file itself: decoded here, no network. */
function decodeDataUrl(url: string): Buffer | null {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(url);
  if (!match) return null;
  try {
    return match[2] ? Buffer.from(match[3], 'base64') : Buffer.from(decodeURIComponent(match[3]), 'utf8');
  } catch {
    return null;
  }
}

/** A file with NUL bytes is not text, whatever its name says (a renamed .msg or .pdf). */
const looksBinary = (bytes: Buffer): boolean => bytes.subarray(0, 64 * 1024).includes(0);

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** Reads the .eml/.txt attachments of an activity, with a size limit; the rest is ignored with a notice. */
export async function readTextAttachments(attachments: readonly Attachment[] | undefined, options: AttachmentReaderOptions = {}): Promise<ReadAttachments> {
  const maxBytes = options.maxBytes ?? MAX_ATTACHMENT_BYTES;
  const download = options.download ?? fetchDownloader();
  const allowUrl = options.allowUrl ?? httpsOnly;
  const read: TextAttachment[] = [];
  const notices: string[] = [];
  const limit = megabytes(maxBytes);
  let considered = 0;
  for (const attachment of Array.isArray(attachments) ? attachments : []) {
    if (!attachment || typeof attachment !== 'object') continue;
    const source = sourceOf(attachment);
    if (source.kind === 'silent') continue;
    considered += 1;
    if (considered > MAX_ATTACHMENTS) {
      notices.push(`I read only the first ${MAX_ATTACHMENTS} files of a message; ${source.name} was ignored.`);
      continue;
    }
    if (source.kind === 'unsupported') {
      notices.push(`I ignored ${source.name}: I read only .eml and .txt files (a saved bounce message, or headers or an NDR saved as text).`);
      continue;
    }
    let bytes: Buffer | null;
    if (source.kind === 'inline') {
      bytes = Buffer.from(source.text, 'utf8');
    } else if (source.url.startsWith('data:')) {
      bytes = decodeDataUrl(source.url);
      if (!bytes) {
        notices.push(`I could not read ${source.name}: its content is not a valid data URL.`);
        continue;
      }
    } else {
      let url: URL | null = null;
      try {
        url = new URL(source.url);
      } catch {
        url = null;
      }
      if (!url || !allowUrl(url)) {
        notices.push(`I did not download ${source.name}: I fetch attachments only over https from Teams' file storage.`);
        continue;
      }
      const outcome = await download(url, maxBytes);
      if (outcome.kind === 'too-large') {
        notices.push(`I ignored ${source.name}: it is larger than ${limit}, the most I read from one file.`);
        continue;
      }
      if (outcome.kind === 'failed') {
        notices.push(`I could not download ${source.name}: ${outcome.reason}. Paste its text instead.`);
        continue;
      }
      bytes = outcome.bytes;
    }
    if (bytes.length > maxBytes) {
      notices.push(`I ignored ${source.name}: it is larger than ${limit}, the most I read from one file.`);
      continue;
    }
    if (looksBinary(bytes)) {
      notices.push(`I ignored ${source.name}: it is not a text file.`);
      continue;
    }
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trim().length === 0) {
      notices.push(`${source.name} is empty.`);
      continue;
    }
    read.push({ name: source.name, text });
  }
  return { attachments: read, notices };
}
