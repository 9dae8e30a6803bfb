import { settledWithin } from '../../src/ops/deadline';
import { lazy } from '../../src/ops/lazy';

describe('waiting for an answer at most so long (settledWithin)', () => {
  it('gives the value of work that is done in time', async () => {
    await expect(settledWithin(Promise.resolve('card'), 60_000)).resolves.toEqual({ kind: 'settled', value: 'card' });
  });

  it('says "pending" when the work is not done, and the work goes on to finish later', async () => {
    let finish: (value: string) => void = () => undefined;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    await expect(settledWithin(work, 1)).resolves.toEqual({ kind: 'pending' });
    finish('late card');
    await expect(settledWithin(work, 60_000)).resolves.toEqual({ kind: 'settled', value: 'late card' });
  });

  it('passes a failure of the work on instead of swallowing it', async () => {
    await expect(settledWithin(Promise.reject(new Error('handler failed')), 60_000)).rejects.toThrow('handler failed');
  });
});

describe('a value built on first use (lazy)', () => {
  it('builds nothing until asked, then builds once', () => {
    let builds = 0;
    const client = lazy(() => ({ id: ++builds }));
    expect(builds).toBe(0);
    expect(client()).toBe(client());
    expect(builds).toBe(1);
  });
});
