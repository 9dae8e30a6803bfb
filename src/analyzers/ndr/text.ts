import { decode } from 'html-entities';
import { withLineFeeds } from '../strings';

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
  // Each replacement only where its characters occur: most texts hold no CR and no special spaces.
  const lines = withLineFeeds(text);
  const spaced = SPECIAL_SPACES.some((space) => lines.includes(space)) ? lines.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/[\u200b\u200c\u200d\ufeff]/g, '') : lines;
  return hasTrailingBlanks(spaced) ? spaced.replace(/[ \t]+\n/g, '\n') : spaced;
}

/** Whether a line ends in a space or tab before its line break; looked for from the line breaks, far fewer than the spaces. */
function hasTrailingBlanks(text: string): boolean {
  for (let end = text.indexOf('\n', 1); end > 0; end = text.indexOf('\n', end + 1)) {
    const before = text.charCodeAt(end - 1);
    if (before === 0x20 || before === 0x09) return true;
  }
  return false;
}

/** Searched for one by one: a search for a character beyond Latin-1 in a Latin-1 string (the usual text) ends at once. */
const SPECIAL_SPACES = ['\u00a0', '\u2007', '\u202f', '\u200b', '\u200c', '\u200d', '\ufeff'];

/** Collapses runs of whitespace to one space: the form in which diagnostics are shown and matched. */
export function oneLine(text: string): string {
  return collapseSpaces(text).trim();
}

/** Whitespace that is not a single space already: a run of two or more, or one tab, line break, no-break space … */
const ODD_SPACE = /\s{2,}|[^\S ]/g;

/**
 * `text.replace(/\s+/g, ' ')`: each run of whitespace as one space. Only the runs that change are matched, so the
 * single spaces between words (nearly all of them) stay in place instead of being replaced one by one.
 */
export function collapseSpaces(text: string): string {
  return text.replace(ODD_SPACE, ' ');
}

/** `oneLine(text).length`, counted only up to `cap` and without building the string: a score needs no more. */
export function oneLineLength(text: string, cap: number): number {
  let length = 0;
  let gap = false;
  for (let i = 0; i < text.length && length < cap; i++) {
    if (isSpace(text.charCodeAt(i))) {
      gap = length > 0;
      continue;
    }
    if (gap) length++;
    gap = false;
    length++;
  }
  return Math.min(length, cap);
}

/** The characters of the regex class `\s` (and of `String.prototype.trim`). */
function isSpace(code: number): boolean {
  // Printable ASCII first: nearly every character is one, and none of them is a space.
  if (code > 0x20 && code < 0x7f) return false;
  return (
    code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}
