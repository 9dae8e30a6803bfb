import type { TraceMessage } from '../model/trace';

/**
 * The columns of the Exchange admin center's message trace export, in snake_case as its downloadable reports
 * name them, carrying the fields Get-MessageTraceV2 and Graph's exchangeMessageTrace return for each row
 * (Received, SenderAddress, RecipientAddress, Subject, Status, ToIP, FromIP, Size, MessageId, MessageTraceId).
 */
export const TRACE_CSV_COLUMNS = [
  'date_time_utc', 'sender_address', 'recipient_address', 'subject', 'status', 'to_ip', 'from_ip', 'size', 'message_id', 'message_trace_id',
] as const;

type Column = (typeof TRACE_CSV_COLUMNS)[number];

const CELLS: Record<Column, (row: TraceMessage) => string> = {
  date_time_utc: (row) => isoUtc(row.receivedDateTime),
  sender_address: (row) => row.senderAddress,
  recipient_address: (row) => row.recipientAddress,
  subject: (row) => row.subject,
  status: (row) => capitalised(row.status),
  to_ip: (row) => row.toIP,
  from_ip: (row) => row.fromIP,
  size: (row) => String(row.size),
  message_id: (row) => row.messageId,
  message_trace_id: (row) => row.id,
};

function isoUtc(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString().replace(/\.000Z$/, 'Z');
}

/** Graph says "delivered", the admin center "Delivered": the export reads like the admin center's. */
const capitalised = (status: string) => status.charAt(0).toUpperCase() + status.slice(1);

/**
 * RFC 4180 quoting, plus a leading apostrophe for cells that a spreadsheet would run as a formula: a subject is
 * chosen by whoever sent the mail, and "=HYPERLINK(…)" in a ticket attachment must stay text (CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The trace rows as the admin center would export them: a header line, one line per row, CRLF line ends. */
export function traceCsv(rows: readonly TraceMessage[]): string {
  const lines = [TRACE_CSV_COLUMNS.join(','), ...rows.map((row) => TRACE_CSV_COLUMNS.map((column) => csvCell(CELLS[column](row) ?? '')).join(','))];
  return lines.join('\r\n') + '\r\n';
}
