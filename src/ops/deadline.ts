/** What `settledWithin` saw: the promise's value, or that the time ran out first (the promise keeps running). */
export type Within<T> = { readonly kind: 'settled'; readonly value: T } | { readonly kind: 'pending' };

/**
 * Waits for `work` at most `ms`. Unlike racing a bare `setTimeout`, the timer is cleared as soon as the work settles:
 * a busy bot answers hundreds of turns a second, and each left-over timer would live on for the full wait. A
 * rejection of `work` is passed on, not swallowed.
 */
export function settledWithin<T>(work: Promise<T>, ms: number): Promise<Within<T>> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Within<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'pending' }), Math.max(0, ms));
    timer.unref();
  });
  const settled = work.then((value): Within<T> => ({ kind: 'settled', value }));
  return Promise.race([settled, pending]).finally(() => clearTimeout(timer));
}
