import { emptyRequest, type ParsedRequest } from '../../model/intent';

export interface ParseContext {
  readonly now: Date;
  readonly timeZone: string;
  /** The previous request in the conversation, for follow-ups. */
  readonly previous?: ParsedRequest;
}

/** Placeholder until the intent parser lands: recognises only a help request. */
export function parseRequest(text: string, _context: ParseContext): ParsedRequest {
  return emptyRequest(/^\s*help\b/i.test(text) ? 'help' : 'unknown');
}
