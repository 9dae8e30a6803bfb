import { startsTogether } from '../../src/ops/together';

/** A piece of work that logs its start, lets others run, and logs its end. */
function piece(log: string[], name: string): () => Promise<string> {
  return async () => {
    log.push(`start ${name}`);
    await Promise.resolve();
    log.push(`end ${name}`);
    return name;
  };
}

describe('answers that arrive together start together (startsTogether)', () => {
  it('starts nothing at once, then starts every piece handed in, back to back and in order, before any goes on', async () => {
    const together = startsTogether();
    const log: string[] = [];
    const answers = ['a', 'b', 'c'].map((name) => together(piece(log, name)));
    expect(log).toEqual([]);
    await expect(Promise.all(answers)).resolves.toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'start b', 'start c', 'end a', 'end b', 'end c']);
  });

  it('waits for the I/O that is ready in the same turn of the loop, unlike a microtask', async () => {
    const together = startsTogether();
    const log: string[] = [];
    setImmediate(() => log.push('other request'));
    await together(async () => log.push('answer'));
    // setImmediate callbacks run in the order they were queued: the request read before the answer was handed in goes first.
    expect(log).toEqual(['other request', 'answer']);
  });

  it('fails only the piece that failed, whether it threw at once or rejected later', async () => {
    const together = startsTogether();
    const threw = together((): Promise<string> => {
      throw new Error('bad paste');
    });
    const rejected = together(() => Promise.reject(new Error('handler failed')));
    const fine = together(async () => 'card');
    await expect(threw).rejects.toThrow('bad paste');
    await expect(rejected).rejects.toThrow('handler failed');
    await expect(fine).resolves.toBe('card');
  });

  it('puts work handed in while a batch runs into the next turn of the loop, not into the running batch', async () => {
    const together = startsTogether();
    const log: string[] = [];
    let later: Promise<unknown> | undefined;
    await together(async () => {
      later = together(async () => log.push('handed in during the batch'));
      for (let hop = 0; hop < 5; hop++) await Promise.resolve();
      log.push('the batch goes on');
    });
    await later;
    expect(log).toEqual(['the batch goes on', 'handed in during the batch']);
  });
});
