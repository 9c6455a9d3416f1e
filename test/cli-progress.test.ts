import { describe, expect, it } from 'vitest';
import { progressBar, progressLine, progressReporter } from '../src/cli/progress.js';

function recorder(isTTY: boolean): { stream: { isTTY: boolean; columns: number; write: (t: string) => void }; out: string[] } {
  const out: string[] = [];
  return { stream: { isTTY, columns: 80, write: (text: string) => void out.push(text) }, out };
}

describe('progress', () => {
  it('stays silent for builds under a second', () => {
    let now = 0;
    const { stream, out } = recorder(false);
    const progress = progressReporter({ stream, now: () => now });
    for (let done = 0; done <= 100; done += 10) {
      now = done * 9; // 900 ms in all
      progress.update(done, 100);
    }
    progress.finish();
    expect(out).toEqual([]);
  });

  it('prints plain lines at most every two seconds when not on a terminal, with count, rate and ETA', () => {
    let now = 0;
    const { stream, out } = recorder(false);
    const progress = progressReporter({ stream, now: () => now });
    // 100 documents per second, for 10 s.
    for (let done = 0; done <= 1000; done += 10) {
      now = done * 10;
      progress.update(done, 1000);
    }
    progress.finish();
    expect(out[0]).toBe('wirefeed: 100/1000 documents (10%), 100/s, ETA 9 s\n');
    expect(out.length).toBe(5);
    expect(out.every((line) => !line.includes('\r'))).toBe(true);
  });

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    let now = 0;
    const { stream, out } = recorder(true);
    const progress = progressReporter({ stream, now: () => now });
    for (let done = 0; done <= 300; done += 1) {
      now = done * 10;
      progress.update(done, 300);
    }
    progress.finish();
    expect(out[0]).toBe(`\r${progressBar(100, 300, 100, 80)}\x1b[K`);
    expect(out.length).toBeGreaterThan(10);
    expect(out.at(-1)).toBe('\r\x1b[K');
  });

  it('formats the bar to the terminal width and an unknown rate as "?"', () => {
    expect(progressBar(50, 100, 25, 63)).toBe(`[${'█'.repeat(20)}${'░'.repeat(20)}] 50/100 25/s ETA 2 s`);
    expect(progressBar(0, 10, 0, 200)).toMatch(/ETA \?$/);
    expect(progressLine(10, 10_010, 100)).toBe('10/10010 documents (0%), 100/s, ETA 1 min 40 s');
  });
});
