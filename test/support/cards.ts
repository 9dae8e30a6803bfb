import { cardBytes, MAX_CARD_BYTES } from '../../src/cards/render';

// The npm entry of adaptivecards is ESM without "type": "module"; the UMD bundle loads under Node without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Problems Teams would have with a card: parse or validation errors, leftover template expressions, size. */
export function cardProblems(card: object): string[] {
  const problems: string[] = [];
  const json = JSON.stringify(card);
  if (/\$\{[^}]*\}/.test(json)) problems.push(`unresolved template expression: ${/\$\{[^}]*\}/.exec(json)?.[0]}`);
  if (cardBytes(card) >= MAX_CARD_BYTES) problems.push(`card is ${cardBytes(card)} bytes, over ${MAX_CARD_BYTES}`);
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}
