import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { enrichDocument, failureReason, type EnrichContext } from '../pipeline.js';
import type { Item, SourceDocument } from '../types.js';

/** What a worker answers for one document: its item, or why it failed. */
export type Outcome = { item: Item } | { reason: string };

/** Documents handed to a worker at a time: big enough to amortize messaging, small enough to balance the threads' load. */
const BATCH = 16;

/** One document's outcome; the same function on the calling thread and on a worker. */
export function enrichOutcome(source: SourceDocument, context: EnrichContext): Outcome {
  try {
    return { item: enrichDocument(source, context) };
  } catch (error) {
    return { reason: failureReason(error) };
  }
}

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Normalizes and enriches documents on `threads` worker threads (tagging is
 * CPU-bound and each document is independent), handing out batches as
 * threads free up. Outcomes come back in the order of `sources`; `onDone`
 * hears the running count after each batch.
 */
export async function enrichInWorkers(sources: readonly SourceDocument[], context: EnrichContext, threads: number, onDone?: (done: number) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(sources.length);
  let next = 0;
  let done = 0;
  const spawn = (): Worker => {
    if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./enrich-worker.js', import.meta.url), { workerData: context });
    // Run from the TypeScript sources (tests): the thread registers tsx before loading the worker module.
    const script = JSON.stringify(new URL('./enrich-worker.ts', import.meta.url).href);
    return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${script}); })`, { eval: true, workerData: context });
  };
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = spawn();
      let start = 0;
      const send = (): void => {
        if (next >= sources.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        start = next;
        next = Math.min(sources.length, next + BATCH);
        worker.postMessage(sources.slice(start, next));
      };
      worker.on('message', (batch: Outcome[]) => {
        for (let i = 0; i < batch.length; i++) outcomes[start + i] = batch[i] as Outcome;
        done += batch.length;
        onDone?.(done);
        send();
      });
      worker.once('error', reject);
      send();
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, Math.ceil(sources.length / BATCH))) }, run));
  return outcomes;
}
