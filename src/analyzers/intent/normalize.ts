import { decode } from 'html-entities';

/**
 * Teams delivers what the person typed as light HTML: `<p>`, `<div>`, `<br>`, `<a href="mailto:…">`, `<at>Bot</at>`
 * and entities (`&amp;`, `&nbsp;`, `&lt;ken@…&gt;`). This turns it back into the plain text they meant, keeping line
 * breaks (a pasted NDR or header block is line-oriented). Plain text passes through unchanged: only known tag names
 * are removed, so Outlook's "Ken Li <ken@adatum.com>" stays intact.
 */

/** More than Teams ever sends (28 KB), less than what could make parsing slow: work on huge input is capped here. */
export const MAX_PARSE_CHARS = 128 * 1024;

const BLOCK_TAGS = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'table', 'tbody', 'thead', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'blockquote', 'hr']);
const INLINE_TAGS = new Set(['span', 'a', 'b', 'i', 'u', 's', 'em', 'strong', 'font', 'code', 'sup', 'sub', 'strike', 'img', 'td', 'th', 'at', 'small', 'big', 'mark', 'del', 'ins', 'emoji', 'systemspan', 'attachment']);

// One tag: bounded attribute text and no nested "<", so a scan from each "<" stops at the next "<" or ">" (linear).
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]{0,15})((?:\s[^<>]{0,2000})?)\/?>/g;
const MENTION = /<at\b[^<>]{0,200}>[^<>]{0,200}<\/at>/gi;
const LEADING_MENTION = /^\s*(?:<at\b[^<>]{0,200}>[^<>]{0,200}<\/at>\s*)+/i;

export function toPlainText(input: string): string {
  let text = input.length > MAX_PARSE_CHARS ? input.slice(0, MAX_PARSE_CHARS) : input;
  if (text.includes('<')) {
    // The bot's own @mention at the start addresses the bot; it is not part of the question.
    text = text.replace(LEADING_MENTION, ' ');
    // Other mentions name people: keep the name, drop the markup.
    text = text.replace(MENTION, (whole) => ' ' + whole.replace(/<[^<>]{0,220}>/g, '') + ' ');
    text = text.replace(TAG, (whole, _close: string, name: string, attrs: string) => {
      const tag = name.toLowerCase();
      if (BLOCK_TAGS.has(tag)) return '\n';
      if (!INLINE_TAGS.has(tag)) return whole;
      // A mailto link whose visible text is a name still carries the address.
      if (tag === 'a' && attrs) {
        const mailto = /href\s*=\s*["']?mailto:([^"'\s>?]{1,320})/i.exec(attrs);
        if (mailto) return ` ${decodeURIComponentSafe(mailto[1])} `;
      }
      return tag === 'td' || tag === 'th' ? ' ' : '';
    });
  }
  if (text.includes('&')) text = decode(text);
  // Arrows mean "to": "eve@contoso.com -> lars@fabrikam.com".
  // The lookbehind starts a match only at the first blank of a run: without it a long run of spaces is O(n²).
  text = text.replace(/(?<![ \t])[ \t]+(?:-{1,2}>|=>|→|⇒)[ \t]+/g, ' to ');
  return text.replace(/\u00a0|\u200b|\u200c|\u200d|\ufeff/g, (ch) => (ch === '\u00a0' ? ' ' : '')).replace(/\r\n?/g, '\n');
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
