/** Small text helpers the analyzers share. Pure, like everything under src/analyzers. */

/** Regex syntax characters, escaped so that a phrase matches literally inside a pattern. */
export function escapeRegExp(phrase: string): string {
  return phrase.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** One regex matching any of the phrases literally: a text is then scanned once instead of once per phrase. */
export function anyOfPhrases(phrases: readonly string[], flags = ''): RegExp {
  return new RegExp(phrases.map(escapeRegExp).join('|'), flags);
}

/** CRLF and lone CR line ends as LF. Two plain replacements, and none for a text without CR: a regex costs more. */
export function withLineFeeds(text: string): string {
  if (!text.includes('\r')) return text;
  const crlf = text.replaceAll('\r\n', '\n');
  return crlf.includes('\r') ? crlf.replaceAll('\r', '\n') : crlf;
}
