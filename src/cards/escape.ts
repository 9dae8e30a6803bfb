/**
 * User and remote text placed in a card must stay text. Teams renders a TextBlock's markdown, and a card may be
 * expanded by a template again, so three things are defused, invisibly: markdown links (`](` gets a zero-width
 * space), `<at>` mention tags (removed), and `${` template expressions (a zero-width space after `$`).
 * Backslash escapes are not used: Teams shows the backslashes.
 */
export function escapeCardText(text: string, maxLength = 2000): string {
  const clipped = text.length > maxLength ? text.slice(0, maxLength - 1) + '…' : text;
  return clipped
    .replace(/\$\{/g, '$\u200b{')
    .replace(/<\/?at\b[^>]*>/gi, '')
    .replace(/\]\s*\(/g, ']\u200b(');
}

/** For text shown verbatim in a monospace block (raw server replies, records): only template expressions are defused. */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, '$\u200b{');
}
