import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressBody, CompressionThreads } from '../src/publish/compression.js';

const bodies = Array.from({ length: 40 }, (_, i) => Buffer.from(`<p>Body ${i}: ${'words that repeat '.repeat(50 * (i + 1))}</p>`));

describe('compressBody', () => {
  it('gives gzip and brotli encodings of the body', () => {
    const { gzip, br } = compressBody(bodies[3]!);
    expect(gunzipSync(gzip).equals(bodies[3]!)).toBe(true);
    expect(brotliDecompressSync(br).equals(bodies[3]!)).toBe(true);
  });

  it('returns encodings that hold only their own bytes, not the rest of a zlib chunk or a shared pool', () => {
    const { gzip, br } = compressBody(Buffer.from('<p>A short page.</p>'));
    expect(gzip.buffer.byteLength).toBe(gzip.length);
    expect(br.buffer.byteLength).toBe(br.length);
  });
});

/** A thread's niceness: field 19 of its /proc stat line. */
const nice = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
/** The calling thread's niceness. */
const threadNiceness = (): number => nice(readFileSync('/proc/thread-self/stat', 'utf8'));
/** This thread's niceness, where Linux tells it: a test runner already at 10 cannot see the threads go lower. */
const ownNiceness = existsSync('/proc/thread-self') ? threadNiceness() : undefined;

/** The niceness of each thread of this process. */
function niceness(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      return [nice(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'))];
    } catch {
      return []; // a thread that ended while listed
    }
  });
}

describe('CompressionThreads', () => {
  it.skipIf(ownNiceness === undefined || ownNiceness >= 10)('runs its threads in the background (niceness 10), not the calling thread', async () => {
    const before = niceness().filter((n) => n === 10).length;
    const threads = new CompressionThreads(2);
    try {
      await Promise.all(bodies.slice(0, 4).map((body) => threads.compress(body)));
      expect(niceness().filter((n) => n === 10).length - before).toBe(2);
      expect(threadNiceness()).toBe(ownNiceness);
    } finally {
      await threads.close();
    }
  });

  it('gives the same bytes as compressBody, for many bodies in flight at once', async () => {
    const threads = new CompressionThreads(2);
    try {
      const compressed = await Promise.all(bodies.map((body) => threads.compress(body)));
      compressed.forEach((each, i) => {
        const expected = compressBody(bodies[i]!);
        expect(Buffer.isBuffer(each.gzip) && Buffer.isBuffer(each.br)).toBe(true);
        expect(each.gzip.equals(expected.gzip), `gzip ${i}`).toBe(true);
        expect(each.br.equals(expected.br), `br ${i}`).toBe(true);
        expect(each.gzip.buffer.byteLength, `gzip ${i} holds only its bytes`).toBe(each.gzip.length);
      });
    } finally {
      await threads.close();
    }
  });

  it('refuses bodies still waiting when closed, and starts again on the next body', async () => {
    const threads = new CompressionThreads(1);
    const waiting = Promise.allSettled(bodies.map((body) => threads.compress(body)));
    await threads.close();
    expect((await waiting).some((outcome) => outcome.status === 'rejected')).toBe(true);
    const again = await threads.compress(bodies[0]!);
    expect(gunzipSync(again.gzip).equals(bodies[0]!)).toBe(true);
    await threads.close();
  });
});
