/**
 * User text placed in a card must stay text: no markdown links or emphasis, no <at> mentions, and no
 * `${…}` that a later templating pass could evaluate. Teams renders TextBlock markdown, so we neutralise it.
 */
const MARKDOWN_SPECIALS = /([\\`*_[\]()#>!|~])/g;

export function escapeCardText(text: string, maxLength = 2000): string {
  const clipped = text.length > maxLength ? text.slice(0, maxLength - 1) + '…' : text;
  return clipped
    .replace(/\$\{/g, '$\u200b{')
    .replace(/<\/?at>/gi, '')
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203a')
    .replace(MARKDOWN_SPECIALS, '\\$1');
}

/** For text shown verbatim in a monospace block (raw server replies, records): only template expressions are defused. */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, '$\u200b{');
}
