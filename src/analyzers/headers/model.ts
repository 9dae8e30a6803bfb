import { normalizePaste } from './normalize';

/** One header field, unfolded (RFC 5322 §2.2.3): continuation lines joined with a single space. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

/**
 * Names that may start a header in the middle of a line. When a paste loses its line breaks (Outlook's "Internet
 * headers" box copied through some clients, a web form), fields run together; these are where we cut them apart.
 * Case-sensitive on purpose: "from" inside a Received line must never start a From field.
 */
const EMBEDDED_FIELD = new RegExp(
  '(?<=\\s)(' +
    [
      'Received', 'Received-SPF', 'Authentication-Results', 'Authentication-Results-Original', 'ARC-Seal',
      'ARC-Message-Signature', 'ARC-Authentication-Results', 'DKIM-Signature', 'Return-Path', 'From', 'To', 'Cc',
      'Subject', 'Date', 'Message-ID', 'Message-Id', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding',
      'Thread-Topic', 'Thread-Index', 'Accept-Language', 'Content-Language', 'In-Reply-To', 'References', 'Reply-To',
      'Delivered-To', 'List-Unsubscribe', 'X-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*',
    ].join('|') +
    '):[ ]',
  'g',
);

/** A line that starts a field: a name, a colon, then a space or the end of the line ("https://" does not). */
const FIELD_START = /^([A-Za-z][A-Za-z0-9-]{0,75}):(?:[ ]|$)/;
/** The fields whose names we know start a field even without a space after the colon ("Subject:hello"). */
const FIELD_START_TIGHT = /^(Received|Subject|From|To|Date|Message-ID|Return-Path):/i;

/** The message's header, parsed once; every section reads from it. */
export class HeaderModel {
  private readonly byName = new Map<string, HeaderField[]>();

  constructor(readonly fields: readonly HeaderField[]) {
    for (const field of fields) {
      const key = field.name.toLowerCase();
      const list = this.byName.get(key);
      if (list) list.push(field);
      else this.byName.set(key, [field]);
    }
  }

  /** Every value of a field, in the order they appear (for Received: newest first). */
  all(name: string): readonly string[] {
    return (this.byName.get(name.toLowerCase()) ?? []).map((field) => field.value);
  }

  first(name: string): string | null {
    return this.byName.get(name.toLowerCase())?.[0]?.value ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  static parse(text: string): HeaderModel {
    return new HeaderModel(splitFields(normalizePaste(text)));
  }
}

/**
 * Teams turns every pasted line into a paragraph, so the text a bot receives is often double-spaced: a blank line
 * after every line. There the blank lines mean nothing; elsewhere a blank line ends the header (RFC 5322 §2.1).
 */
function withoutParagraphSpacing(lines: string[]): string[] {
  let nonBlank = 0;
  let adjacent = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim().length === 0) continue;
    nonBlank++;
    if (i + 1 < lines.length && lines[i + 1].trim().length > 0) adjacent++;
  }
  const doubleSpaced = nonBlank >= 3 && adjacent <= nonBlank * 0.1;
  return doubleSpaced ? lines.filter((line) => line.trim().length > 0) : lines;
}

function splitFields(text: string): HeaderField[] {
  const fields: { name: string; parts: string[] }[] = [];
  let current: { name: string; parts: string[] } | null = null;
  for (const rawLine of withoutParagraphSpacing(text.split('\n'))) {
    if (rawLine.trim().length === 0) {
      // A blank line ends the field; text after it is a body or chat, unless a new field starts.
      current = null;
      continue;
    }
    for (const [position, line] of splitRunTogether(rawLine).entries()) {
      const continuation = position === 0 && /^\s/.test(line);
      const start = continuation ? null : FIELD_START.exec(line) ?? FIELD_START_TIGHT.exec(line);
      if (start) {
        current = { name: start[1], parts: [line.slice(start[0].length)] };
        fields.push(current);
      } else if (current) {
        // An indented line is folding; an unindented one is folding that a copy lost (Outlook, Teams).
        current.parts.push(line);
      }
    }
  }
  return fields.map((field) => ({ name: field.name, value: field.parts.join(' ').replace(/\s+/g, ' ').trim() }));
}

/** Cuts a line where another known field starts after whitespace. */
function splitRunTogether(line: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  EMBEDDED_FIELD.lastIndex = 0;
  for (let match = EMBEDDED_FIELD.exec(line); match; match = EMBEDDED_FIELD.exec(line)) {
    if (match.index > 0 && line.slice(from, match.index).trim().length > 0) {
      pieces.push(line.slice(from, match.index));
      from = match.index;
    }
  }
  pieces.push(line.slice(from));
  return pieces;
}
