/** A word, or a parenthesised comment (RFC 5322 §3.2.2), of a structured header value. */
export type Token = { readonly kind: 'word' | 'comment'; readonly text: string };

/** Splits at whitespace and ";" outside parentheses; a parenthesised comment is one token (nesting allowed, RFC 5322 §3.2.2). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let start = 0;
  let word = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (depth > 0) {
      if (char === '(') depth++;
      else if (char === ')' && --depth === 0) tokens.push({ kind: 'comment', text: text.slice(start, i).trim() });
      continue;
    }
    if (char === '(') {
      if (word) tokens.push({ kind: 'word', text: word });
      word = '';
      depth = 1;
      start = i + 1;
    } else if (char === ';' || char <= ' ') {
      if (word) tokens.push({ kind: 'word', text: word });
      word = '';
    } else word += char;
  }
  if (depth > 0) tokens.push({ kind: 'comment', text: text.slice(start).trim() });
  else if (word) tokens.push({ kind: 'word', text: word });
  return tokens;
}
