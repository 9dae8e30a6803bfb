/** An RFC 3463 enhanced status code, parsed once so that nothing downstream passes strings around. */
export interface StatusCode {
  /** 2 success, 4 persistent transient failure, 5 permanent failure. */
  readonly klass: 2 | 4 | 5;
  readonly subject: number;
  readonly detail: number;
}

const ENHANCED_CODE = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

/** Parses "5.7.708", "550 5.7.708 …" or "#5.1.10" into a status code; null when the text has none. */
export function parseStatusCode(text: string): StatusCode | null {
  const match = ENHANCED_CODE.exec(text);
  if (!match) return null;
  return { klass: Number(match[1]) as StatusCode['klass'], subject: Number(match[2]), detail: Number(match[3]) };
}

export function formatStatusCode(code: StatusCode): string {
  return `${code.klass}.${code.subject}.${code.detail}`;
}

export function isPermanent(code: StatusCode): boolean {
  return code.klass === 5;
}
