/**
 * A value built on first use and kept (pure: no I/O of its own, so the analyzers use it too).
 * - For the heavy libraries behind a capability (the SMTP client, the Azure storage SDKs): an idle bot never pays for
 *   them, the first question that needs one loads it. Load with `require(…) as typeof import(…)` inside `build`, so
 *   the types stay those of the real module.
 * - For evidence that only some inputs need (an NDR analysis searches the whole text for delay wording only when a
 *   recipient's own status leaves it open).
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
