/**
 * User and remote text placed in a card must stay text. Teams renders a TextBlock's markdown, and a card may be
 * expanded by a template again, so three things are defused, invisibly: markdown links (`](` gets a zero-width
 * space), `<at>` mention tags (removed), and `${` template expressions (a zero-width space after `$`).
 * Backslash escapes are not used: Teams shows the backslashes.
 */
export function escapeCardText(text: string, maxLength = 2000): string {
  let escaped = text.length > maxLength ? text.slice(0, maxLength - 1) + '…' : text;
  // A card holds a score of these, most with nothing to defuse: a character search rules each pattern out cheaper than
  // a regular expression does.
  if (escaped.includes('${')) escaped = escaped.replace(/\$\{/g, '$\u200b{');
  if (escaped.includes('<')) escaped = escaped.replace(/<\/?at\b[^>]*>/gi, '');
  if (escaped.includes(']')) escaped = escaped.replace(/\]\s*\(/g, ']\u200b(');
  return escaped;
}

/** For text shown verbatim in a monospace block (raw server replies, records): only template expressions are defused. */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, '$\u200b{');
}
