import { decode } from 'html-entities';
import { withLineFeeds } from '../strings';

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
// Sticky: it is tried only where a "<" is (see replaceTags).
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]{0,15})((?:\s[^<>]{0,2000})?)\/?>/y;
const MENTION = /<at\b[^<>]{0,200}>[^<>]{0,200}<\/at>/gi;
const LEADING_MENTION = /^\s*(?:<at\b[^<>]{0,200}>[^<>]{0,200}<\/at>\s*)+/i;

/** Every arrow the replacement below reads ("->", "-->", "=>", "→", "⇒") contains one of these. */
const ARROWS = ['->', '=>', '→', '⇒'];

export function toPlainText(input: string): string {
  let text = input.length > MAX_PARSE_CHARS ? input.slice(0, MAX_PARSE_CHARS) : input;
  if (text.includes('<')) {
    // The bot's own @mention at the start addresses the bot; it is not part of the question.
    text = text.replace(LEADING_MENTION, ' ');
    // Other mentions name people: keep the name, drop the markup.
    text = text.replace(MENTION, (whole) => ' ' + whole.replace(/<[^<>]{0,220}>/g, '') + ' ');
    text = replaceTags(text);
  }
  if (text.includes('&')) text = decodeEntities(text);
  // Arrows mean "to": "eve@contoso.com -> lars@fabrikam.com". Most text has none, and looking for one is cheaper than
  // the replacement's scan of every blank. The lookbehind starts a match only at the first blank of a run: without it
  // a long run of spaces is O(n²).
  if (ARROWS.some((arrow) => text.includes(arrow))) text = text.replace(/(?<![ \t])[ \t]+(?:-{1,2}>|=>|→|⇒)[ \t]+/g, ' to ');
  // Teams' own &nbsp; became a space above; a no-break space typed or pasted as a character is looked for first, since
  // replacing copies the text. Character classes, not an alternation: the engine then skips ahead to a candidate.
  if (text.includes('\u00a0')) text = text.replaceAll('\u00a0', ' ');
  text = text.replace(/[\u200b-\u200d\ufeff]/g, '');
  return withLineFeeds(text);
}

/** Known tags to what they mean in plain text, unknown ones kept; one pass over the "<" positions. */
function replaceTags(text: string): string {
  let out = '';
  let copied = 0;
  for (let open = text.indexOf('<'); open >= 0; open = text.indexOf('<', open + 1)) {
    const lineBreak = lineBreakTagAt(text, open);
    if (lineBreak > 0) {
      out += text.slice(copied, open) + '\n';
      copied = open + lineBreak;
      open = copied - 1;
      continue;
    }
    TAG.lastIndex = open;
    const tag = TAG.exec(text);
    if (!tag) continue;
    out += text.slice(copied, open) + plainTextOfTag(tag[0], tag[1], tag[2]);
    copied = TAG.lastIndex;
    open = copied - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The tags Teams writes between lines, spelled as Teams spells them: recognised without the tag expression. */
const LINE_BREAK_TAGS = ['<p>', '</p>', '<br>', '<div>', '</div>'];

/** The length of the line-break tag at `open`, or 0. */
function lineBreakTagAt(text: string, open: number): number {
  for (const tag of LINE_BREAK_TAGS) if (text.startsWith(tag, open)) return tag.length;
  return 0;
}

interface TeamsEntity {
  readonly name: string;
  readonly text: string;
}

/**
 * The entities Teams itself writes. Text with only these is decoded by lookup; any other goes to the full HTML table.
 * A no-break space becomes the plain space toPlainText makes of it anyway (Teams writes one for every tab and run of blanks).
 */
const TEAMS_ENTITIES: readonly TeamsEntity[] = [
  { name: '&nbsp;', text: ' ' }, { name: '&amp;', text: '&' }, { name: '&lt;', text: '<' }, { name: '&gt;', text: '>' }, { name: '&quot;', text: '"' }, { name: '&#39;', text: "'" },
];

function teamsEntityAt(text: string, amp: number): TeamsEntity | undefined {
  for (const entity of TEAMS_ENTITIES) if (text.startsWith(entity.name, amp)) return entity;
  return undefined;
}

function decodeEntities(text: string): string {
  let out = '';
  let copied = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', copied)) {
    const entity = teamsEntityAt(text, amp);
    // One decoder for the whole text: decoding twice would turn "&amp;lt;" into "<".
    if (!entity) return decode(text);
    out += text.slice(copied, amp) + entity.text;
    copied = amp + entity.name.length;
  }
  return out + text.slice(copied);
}

function plainTextOfTag(whole: string, name: string, attrs: string): string {
  const tag = name.toLowerCase();
  if (BLOCK_TAGS.has(tag)) return '\n';
  if (!INLINE_TAGS.has(tag)) return whole;
  // A mailto link whose visible text is a name still carries the address.
  if (tag === 'a' && attrs) {
    const mailto = /href\s*=\s*["']?mailto:([^"'\s>?]{1,320})/i.exec(attrs);
    if (mailto) return ` ${decodeURIComponentSafe(mailto[1])} `;
  }
  return tag === 'td' || tag === 'th' ? ' ' : '';
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
