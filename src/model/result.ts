/** Results that cross a layer say what happened instead of throwing. */
export type Result<T, E = string> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'notFound' }
  | { readonly kind: 'failed'; readonly reason: E };

export const ok = <T>(value: T): Result<T, never> => ({ kind: 'ok', value });
export const notFound = (): Result<never, never> => ({ kind: 'notFound' });
export const failed = <E>(reason: E): Result<never, E> => ({ kind: 'failed', reason });
