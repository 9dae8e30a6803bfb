import type { ParsedRequest } from '../model/intent';
import type { Reply } from '../model/reply';
import type { Services } from './services';
import type { TurnInput } from './turn';

/** Answers one kind of request. Handlers never throw for bad input: they answer with what they expected. */
export type Handler = (request: ParsedRequest, turn: TurnInput, services: Services) => Promise<Reply>;
