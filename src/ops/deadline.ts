/** What `settledWithin` saw: the promise's value, or that the time ran out first (the promise keeps running). */
export type Within<T> = { readonly kind: 'settled'; readonly value: T } | { readonly kind: 'pending' };

const PENDING: Within<never> = Object.freeze({ kind: 'pending' });

/**
 * Waits for `work` at most `ms`. Unlike racing a bare `setTimeout`, the timer is cleared as soon as the work settles:
 * a busy bot answers hundreds of turns a second, and each left-over timer would live on for the full wait. A
 * rejection of `work` is passed on, not swallowed. One promise and one timer per wait, settled by whichever comes
 * first: it runs twice in every turn, where `Promise.race` and `finally` added three promises more.
 */
export function settledWithin<T>(work: Promise<T>, ms: number): Promise<Within<T>> {
  return new Promise<Within<T>>((resolve, reject) => {
    const timer = setTimeout(resolve, Math.max(0, ms), PENDING);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: 'settled', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
