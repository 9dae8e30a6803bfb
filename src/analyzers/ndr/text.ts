import { decode } from 'html-entities';

/**
 * Pasted NDRs arrive through Teams as HTML (`<p>`, `<br>`, `&nbsp;`, `&lt;bob@contoso.com&gt;`) or as text
 * whose line breaks were collapsed. This turns either into plain text the scanners can read.
 */

const HTML_HINT = /<(?:p|br|div|span|table|td|tr|li|b|strong|font|html|body)\b[^>]{0,200}>|&(?:nbsp|lt|gt|amp|quot|#\d{1,6});/i;
/** Only real HTML tags are removed: `<bob@contoso.com>` in a plain paste is an address, not a tag. */
const HTML_TAG = /<\/?(?:p|br|div|span|table|tbody|thead|tfoot|tr|td|th|li|ul|ol|b|i|u|em|strong|font|a|img|hr|h[1-6]|pre|code|blockquote|at|o:p|meta|html|head|body|center|small|big|sup|sub|colgroup|col|caption|section|article|header|footer|label|input|button|form|iframe|link|base|title|style|script)\b[^<>]{0,2000}>/gi;
const BLOCK_END = /<\/(?:p|div|tr|li|h[1-6]|table|pre|blockquote)\s*>|<br\s*\/?>|<hr\b[^<>]{0,200}>/gi;

export function looksLikeHtml(text: string): boolean {
  return HTML_HINT.test(text.slice(0, 200_000));
}

export function htmlToText(html: string): string {
  const withoutStyles = html.replace(/<(style|script|head)\b[^>]{0,500}>[\s\S]{0,200000}?<\/\1\s*>/gi, ' ');
  const text = withoutStyles
    .replace(BLOCK_END, '\n')
    .replace(/<(?:td|th)\b[^<>]{0,500}>/gi, ' ')
    .replace(HTML_TAG, '')
    .replace(/<!--[\s\S]{0,20000}?-->/g, '');
  return normalizeWhitespace(decode(text));
}

/** CRLF to LF, non-breaking and zero-width spaces to plain ones, trailing blanks trimmed. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b\u200c\u200d\ufeff]/g, '')
    .replace(/[ \t]+\n/g, '\n');
}

/** Collapses runs of whitespace to one space: the form in which diagnostics are shown and matched. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
