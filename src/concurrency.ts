import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Runs `work` on every element with at most `limit` calls in flight, and
 * resolves with the results in the input's order. File I/O goes through
 * libuv's thread pool: awaiting one operation at a time leaves it idle,
 * while starting thousands at once only queues them and holds their buffers.
 * The input is consumed lazily, so a generator's elements are made only as
 * there is room for them. The first rejection rejects the whole (the calls
 * already started are let finish first).
 */
export async function mapLimit<T, R>(items: Iterable<T>, limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  const results: R[] = [];
  const iterator = items[Symbol.iterator]();
  let index = 0;
  let failure: { error: unknown } | undefined;
  const runner = async (): Promise<void> => {
    for (;;) {
      if (failure) return;
      const next = iterator.next();
      if (next.done) return;
      const i = index++;
      try {
        results[i] = await work(next.value, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, runner));
  if (failure) throw failure.error;
  return results;
}

/**
 * A worker thread running the module at `url` (a compiled `.js` beside the
 * caller). Run from the TypeScript sources (tests), the thread registers tsx
 * first and loads the `.ts` module instead.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(url, options);
  const script = JSON.stringify(url.href.replace(/\.js$/, '.ts'));
  // Resolved here: the thread's own code would resolve packages from the working folder, which may be anywhere.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${script}); })`, { ...options, eval: true });
}

/** The niceness of background threads: a thread at 0 gets about nine tenths of a core it shares with one at 10. */
const BACKGROUND_NICENESS = 10;

/**
 * Lowers the calling thread's CPU priority, so that on a busy machine it
 * yields to the threads that answer requests. Linux keeps a niceness per
 * thread, set through the thread's id; elsewhere (no /proc/thread-self)
 * nothing changes, rather than the whole process.
 */
export function runInBackground(): void {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return;
  }
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, BACKGROUND_NICENESS);
}
