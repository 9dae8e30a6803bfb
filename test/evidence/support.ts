import type { AddressInfo } from 'node:net';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Activity } from 'botbuilder';
import { ALEX, cardOf, type ConnectorCall, type UserRef } from '../support/bot-harness';

export const EXPORT_KEY = 'evidence-tests-signing-key-0123456789abcdef';
export const OTHER_TENANT_ID = '99999999-9999-4999-8999-999999999999';
export const CHANNEL = '19:helpdesk@thread.tacv2';
export const MENTION = { type: 'mention', text: '<at>Mailflow Doctor</at>', mentioned: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' } };

type Card = Record<string, any>;

/** Every action on a card, wherever it sits (the card's actions, ActionSets in the body, ShowCard sub-cards). */
export function allActions(card: unknown): Card[] {
  const found: Card[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Card;
      if (typeof record.type === 'string' && record.type.startsWith('Action.')) found.push(record);
      for (const [key, value] of Object.entries(record)) if (key !== 'refresh') walk(value);
    }
  };
  walk(card);
  return found;
}

/** The text inside "Copy for ticket", or undefined when the card has no such button. */
export function ticketText(card: Card | undefined): string | undefined {
  const action = allActions(card).find((item) => item.type === 'Action.ShowCard' && item.title === 'Copy for ticket');
  const block = action?.card?.body?.find((item: Card) => item.type === 'TextBlock' && item.fontType === 'Monospace');
  return block?.text;
}

export function exportButton(card: Card | undefined): { exportId: string; tenantId: string } | undefined {
  return allActions(card).find((item) => item.type === 'Action.Execute' && item.verb === 'evidence.exportTrace')?.data;
}

export function lastCard(replies: readonly ConnectorCall[]): Card | undefined {
  return cardOf([...replies].reverse().find((reply) => cardOf(reply) !== undefined));
}

let sequence = 0;

/** A card button press (Action.Execute), in personal chat or a channel, as Teams sends it. */
export function pressButton(
  serviceUrl: string,
  verb: string,
  data: Record<string, unknown>,
  options: { from?: UserRef; conversationId?: string; kind?: 'personal' | 'channel'; tenantId?: string } = {},
): Partial<Activity> {
  const from = options.from ?? ALEX;
  const kind = options.kind ?? 'personal';
  const tenantId = options.tenantId ?? '11111111-1111-4111-8111-111111111111';
  sequence += 1;
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `evidence-invoke-${sequence}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date(),
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' },
    conversation: { id: options.conversationId ?? `a:personal-${from.id}`, conversationType: kind, tenantId, isGroup: kind !== 'personal', name: '' },
    channelData: { tenant: { id: tenantId } },
    replyToId: 'answer-card',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  } as Partial<Activity>;
}

/** The person clicked "Allow" on a file consent card: Teams' `fileConsent/invoke` with an upload URL. */
export function fileConsentAccept(serviceUrl: string, context: unknown, uploadUrl: string, options: { from?: UserRef; tenantId?: string } = {}): Partial<Activity> {
  const from = options.from ?? ALEX;
  const tenantId = options.tenantId ?? '11111111-1111-4111-8111-111111111111';
  sequence += 1;
  return {
    type: 'invoke',
    name: 'fileConsent/invoke',
    id: `evidence-consent-${sequence}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date(),
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' },
    conversation: { id: `a:personal-${from.id}`, conversationType: 'personal', tenantId, isGroup: false, name: '' },
    channelData: { tenant: { id: tenantId } },
    value: {
      type: 'fileUpload',
      action: 'accept',
      context,
      uploadInfo: {
        name: 'message-trace.csv',
        uploadUrl,
        contentUrl: 'https://contoso-my.sharepoint.com/personal/alexw_contoso_com/Documents/Applications/Mailflow%20Doctor/message-trace.csv',
        uniqueId: 'a1b2c3d4-0000-4000-8000-00000000f11e',
        fileType: 'csv',
      },
    },
  } as Partial<Activity>;
}

export interface Upload {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in for the OneDrive upload session URL Teams hands out on "Allow". */
export async function startUploadTarget(): Promise<{ url: string; uploads: Upload[]; close(): Promise<void> }> {
  const uploads: Upload[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      uploads.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'uploaded' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Splits one CSV line (RFC 4180 quoting). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields;
}
