import { describe, expect, it } from 'vitest';
import { mapLimit } from '../src/concurrency.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapLimit', () => {
  it('keeps the input order whatever order the calls finish in, with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimit([30, 5, 20, 1, 10, 0, 15], 3, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await tick(ms);
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:0', '6:15']);
    expect(most).toBe(3);
  });
  it('takes elements from a generator only as there is room for them', async () => {
    let made = 0;
    function* numbers(): Generator<number> {
      for (let i = 0; i < 10; i++) yield (made++, i);
    }
    let madeWhenFirstDone = -1;
    await mapLimit(numbers(), 2, async (n) => {
      await tick(1);
      if (madeWhenFirstDone < 0) madeWhenFirstDone = made;
      return n;
    });
    expect(madeWhenFirstDone).toBe(2);
    expect(made).toBe(10);
  });
  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await tick(1);
        if (n === 2) throw new Error('two failed');
        return n;
      }),
    ).rejects.toThrow('two failed');
    expect(started).toEqual([1, 2, 3]);
  });
  it('refuses a limit below one', async () => {
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});
