import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../concurrency.js';
import { enrichDocument, failureReason, type EnrichContext } from '../enrich-document.js';
import type { Item, SourceDocument } from '../types.js';

/** What a worker answers for one document: its item, or why it failed. */
export type Outcome = { item: Item } | { reason: string };

/** Most documents handed to a worker at a time: enough to amortize messaging (about a quarter second of tagging). */
const BATCH = 16;
/** Batches a worker holds at once, so it starts the next while its last answer waits for the calling thread. */
const IN_FLIGHT = 2;
/**
 * Young-generation size of a worker (V8 makes its semi-spaces a third of it,
 * 32 MB instead of the default 16 MB): tagging allocates many short-lived
 * objects, and in a cold build of 1,000 documents a worker's share of time in
 * the garbage collector went from 8.9 % to 7.1 %.
 */
const YOUNG_GENERATION_MB = 96;

export interface EnrichInWorkersOptions {
  /**
   * Whether the calling thread enriches documents, one at a time between its
   * other events, until the workers have loaded (default). False keeps its
   * event loop free of tagging.
   */
  callingThread?: boolean;
}

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
 * threads free up; batches shrink towards the end so the threads finish
 * together. While the workers load (about a second each), the calling thread
 * enriches documents itself rather than wait: once they run, it stops, as its
 * heap holds the whole corpus and it spends twice a worker's share of time in
 * the garbage collector. Outcomes come back in the order of `sources`;
 * `onDone` hears the running count. Each slot of `sources` is emptied once its
 * document is handed out (a worker gets a copy), so a cold build does not hold
 * every parsed document until the last item comes back.
 */
export async function enrichInWorkers(
  sources: (SourceDocument | undefined)[],
  context: EnrichContext,
  threads: number,
  onDone?: (done: number) => void,
  options: EnrichInWorkersOptions = {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(sources.length);
  const callingThread = options.callingThread ?? true;
  const workers = Math.max(1, Math.min(threads, Math.ceil(sources.length / BATCH)));
  let ready = 0;
  let next = 0;
  let done = 0;
  const finished = (count: number): void => {
    done += count;
    onDone?.(done);
  };
  const take = (): [number, number] => {
    const size = Math.max(1, Math.min(BATCH, Math.floor((sources.length - next) / (2 * threads))));
    const start = next;
    next = Math.min(sources.length, next + size);
    return [start, next];
  };
  const spawn = (): Worker => startWorker(new URL('./enrich-worker.js', import.meta.url), { workerData: context, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = spawn();
      // Start of each batch the worker holds, oldest first: it answers them in order.
      const held: number[] = [];
      const send = (): void => {
        while (held.length < IN_FLIGHT && next < sources.length) {
          const [start, end] = take();
          held.push(start);
          worker.postMessage(sources.slice(start, end));
          sources.fill(undefined, start, end);
        }
        if (held.length === 0) void worker.terminate().then(() => resolve());
      };
      // The worker's first message is an empty batch: it has loaded and can take work.
      worker.on('message', (batch: Outcome[]) => {
        if (batch.length > 0) {
          const start = held.shift() as number;
          for (let i = 0; i < batch.length; i++) outcomes[start + i] = batch[i] as Outcome;
          finished(batch.length);
        } else ready++;
        send();
      });
      worker.once('error', reject);
    });
  const runHere = (): Promise<void> =>
    new Promise((resolve) => {
      const step = (): void => {
        if (next >= sources.length || ready === workers) return resolve();
        const i = next++;
        const source = sources[i] as SourceDocument;
        sources[i] = undefined;
        outcomes[i] = enrichOutcome(source, context);
        finished(1);
        // One document at a time, so the workers' answers are handled within a document's time.
        setImmediate(step);
      };
      step();
    });
  await Promise.all([...Array.from({ length: workers }, runWorker), ...(callingThread ? [runHere()] : [])]);
  return outcomes;
}
