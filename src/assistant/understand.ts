import { parseRequest, type ParseContext } from '../analyzers/intent';
import type { ParsedRequest } from '../model/intent';
import { withPasteReading } from '../model/reply';
import { readNdrPaste } from './handlers/ndr';

/**
 * A message as the assistant understands it, without answering it: the parse, with a pasted NDR's people and codes as
 * its analyzer reads them (the parser leaves them to it). respond() takes the same reading from the NDR answer itself,
 * so that the paste is not read twice.
 */
export function understandMessage(text: string, context: ParseContext): ParsedRequest {
  const request = parseRequest(text, context);
  const reading = request.intent === 'ndr' && request.pasted ? readNdrPaste(request.pasted) : null;
  return reading ? withPasteReading(request, reading) : request;
}
