import { decode } from 'html-entities';

/**
 * Teams hands a pasted block over as HTML: one <p> or <br> per line, leading spaces as &nbsp;, and "<" as &lt;.
 * Only the tags Teams and mail clients produce are removed: a bare "<bob@contoso.com>" in a header is not a tag.
 */
const HTML_HINT = /<\/?(?:p|br|div|span|pre|code)\b|&(?:nbsp|lt|gt|amp|quot|#\d{1,6});/i;
const LINE_BREAK_TAG = /<br\s*\/?>|<\/(?:p|div|li|tr|pre|h[1-6])\s*>/gi;
const OTHER_TAG = /<\/?(?:p|div|span|pre|code|b|i|u|em|strong|font|a|ul|ol|li|table|tbody|thead|tr|td|th|blockquote|h[1-6]|img|hr|at)(?:\s[^<>]*)?\/?>/gi;

export function normalizePaste(text: string): string {
  let result = text.replace(/\r\n?/g, '\n');
  if (HTML_HINT.test(result)) {
    // Line ends between tags are HTML source formatting, not lines of the paste: only the tags break lines.
    result = decode(result.replace(/>[ \t]*\n[ \t]*</g, '><').replace(LINE_BREAK_TAG, '\n').replace(OTHER_TAG, ''));
  }
  // Non-breaking spaces keep the folding indentation a paste carried as &nbsp;.
  return result.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/\t/g, ' ');
}
