/** Starts `work` together with whatever else was handed in during the same turn of the event loop. */
export type StartTogether = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Work handed in during one turn of the event loop starts in that turn's check phase (setImmediate), each piece right
 * after the one before, in the order it came; a piece that fails, even by throwing at once, fails only its own promise.
 *
 * Why: a busy bot reads several requests in one poll phase (about five, with 16 conversations in flight), and the
 * framework's work for each (body, token, state) ran between one answer and the next, pushing the assistant's code and
 * tables out of the CPU's caches. respond() on a pasted NDR takes about 0.1 ms in a loop and about three times that
 * with every cache level cold (the bench's section 6 measures both); in the bot, before this, it cost two to three
 * times the loop's figure. Answers started back to back find their code still there. A lone request waits one hop of
 * the loop.
 */
export function startsTogether(): StartTogether {
  let batch: Promise<void> | undefined;
  return (work) => {
    // Cleared before it resolves: work handed in while this batch runs waits for the next turn of the loop.
    batch ??= new Promise((resolve) =>
      setImmediate(() => {
        batch = undefined;
        resolve();
      }),
    );
    return batch.then(work);
  };
}
