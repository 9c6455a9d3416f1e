import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../concurrency.js';
import { enrichDocument, failureReason, type EnrichContext } from '../enrich-document.js';
import { ingestDocument, type IngestEnv } from '../ingest/index.js';
import type { Item, RawDocument, SourceDocument } from '../types.js';
import { factsOf, type DocumentFacts } from './documents.js';

/** What a thread answers for a document to enrich: its item, or why it failed. */
export type Outcome = { item: Item } | { reason: string };
/** What a thread answers for a document to parse: its facts, or why it failed. */
export type FactsOutcome = { facts: DocumentFacts } | { reason: string };

/**
 * One document for a thread:
 * - to enrich: parsed already, or raw, for the thread that enriches it to
 *   parse first (a build does not hold every parsed document of a large corpus);
 * - to parse for its facts only (`factsOf`), before the corpus-wide stages;
 * - or a document that failed before it reached a thread.
 */
export type Job = { source: SourceDocument } | { raw: RawDocument } | { factsOf: RawDocument } | { reason: string };

/**
 * What every thread needs besides its jobs: the environment raw documents
 * are parsed in, and the corpus-wide context once known (jobs that enrich).
 */
export interface ThreadData {
  env: IngestEnv;
  context?: EnrichContext;
}

/** Most documents handed to a worker at a time: enough to amortize messaging (about a quarter second of tagging). */
const BATCH = 16;
/** Batches a worker holds at once, so it starts the next while its last answer waits for the calling thread. */
const IN_FLIGHT = 2;
/**
 * Young-generation size of a worker, in MB. 96 (semi-spaces of 32 MB) once
 * took the workers' share of time in the garbage collector from 8.9 % to
 * 7.1 % in a cold build of 1,000 documents, but each worker then held up to
 * 64 MB more: cold builds of 2,000 documents peaked at 483-497 MB with 32,
 * against 553-558 MB with 96, in the same wall time within the noise
 * (30.2-34.0 s against 30.0-34.7 s).
 */
const YOUNG_GENERATION_MB = 32;

export interface RunInWorkersOptions<O> {
  /** Hears the running count of documents done. */
  onDone?: (done: number) => void;
  /** What to hold of each outcome as it comes back (the build moves bodies to disk); by default the outcome. */
  keep?: (outcome: O) => O;
  /**
   * Whether the calling thread takes documents, one at a time between its
   * other events, until the workers have loaded (default). False keeps its
   * event loop and its heap free of that work.
   */
  callingThread?: boolean;
}

/** One document's outcome; the same function on the calling thread and on a worker. */
export function threadOutcome(job: Job, { context, env }: ThreadData): Outcome | FactsOutcome {
  if ('reason' in job) return job;
  try {
    if ('factsOf' in job) return { facts: factsOf(ingestDocument(job.factsOf, env)) };
    if (!context) throw new Error('a document was sent to be enriched before the corpus-wide context was known');
    return { item: enrichDocument('source' in job ? job.source : ingestDocument(job.raw, env), context) };
  } catch (error) {
    return { reason: failureReason(error) };
  }
}

/** A job as a message: a raw document's bytes may be read from disk on use, so they are read here, and a failure to read is its outcome. */
function portable(job: Job): Job {
  const raw = 'raw' in job ? job.raw : 'factsOf' in job ? job.factsOf : undefined;
  if (!raw) return job;
  try {
    const copy = { ...raw, bytes: raw.bytes };
    return 'raw' in job ? { raw: copy } : { factsOf: copy };
  } catch (error) {
    return { reason: failureReason(error) };
  }
}

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Runs each job (parsing documents for their facts, or normalizing and
 * enriching them) on `threads` worker threads (tagging is CPU-bound and each
 * document is independent), or with one thread or fewer on the calling
 * thread alone, a document between its other events; handing out batches as
 * threads free up; batches shrink towards the end so the threads finish
 * together. While the workers load (about a second each), the calling thread
 * enriches documents itself rather than wait: once they run, it stops, as its
 * heap holds the whole corpus and it spends twice a worker's share of time in
 * the garbage collector. Outcomes come back in the order of `jobs`. Each slot
 * of `jobs` is emptied once its document is handed out (a worker gets a
 * copy), so a cold build does not hold every document until the last item
 * comes back.
 */
export async function runInWorkers<O extends Outcome | FactsOutcome = Outcome>(jobs: (Job | undefined)[], data: ThreadData, threads: number, options: RunInWorkersOptions<O> = {}): Promise<O[]> {
  const outcomes: O[] = new Array(jobs.length);
  const { onDone, keep = (outcome: O) => outcome, callingThread = true } = options;
  // One thread or fewer: the calling thread does every job.
  const workers = threads > 1 ? Math.max(1, Math.min(threads, Math.ceil(jobs.length / BATCH))) : 0;
  let ready = 0;
  let next = 0;
  let done = 0;
  // Set when `keep` failed: no more jobs are handed out, and every thread stops.
  let stopped = false;
  const finished = (count: number): void => {
    done += count;
    onDone?.(done);
  };
  const take = (): [number, number] => {
    const size = Math.max(1, Math.min(BATCH, Math.floor((jobs.length - next) / (2 * threads))));
    const start = next;
    next = Math.min(jobs.length, next + size);
    return [start, next];
  };
  const spawn = (): Worker => startWorker(new URL('./enrich-worker.js', import.meta.url), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = spawn();
      // Start of each batch the worker holds, oldest first: it answers them in order.
      const held: number[] = [];
      const send = (): void => {
        while (!stopped && held.length < IN_FLIGHT && next < jobs.length) {
          const [start, end] = take();
          held.push(start);
          worker.postMessage(jobs.slice(start, end).map((job) => portable(job as Job)));
          jobs.fill(undefined, start, end);
        }
        if (held.length === 0 || stopped) void worker.terminate().then(() => resolve());
      };
      // The worker's first message is an empty batch: it has loaded and can take work.
      worker.on('message', (batch: O[]) => {
        try {
          if (batch.length > 0) {
            const start = held.shift() as number;
            for (let i = 0; i < batch.length; i++) outcomes[start + i] = keep(batch[i] as O);
            finished(batch.length);
          } else ready++;
          send();
        } catch (error) {
          // `keep` writes to disk: its failure fails the enrichment, not the process.
          stopped = true;
          void worker.terminate();
          reject(error as Error);
        }
      });
      worker.once('error', reject);
    });
  const runHere = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const step = (): void => {
        if (stopped || next >= jobs.length || (workers > 0 && ready === workers)) return resolve();
        const i = next++;
        const job = jobs[i] as Job;
        jobs[i] = undefined;
        try {
          outcomes[i] = keep(threadOutcome(job, data) as O);
        } catch (error) {
          stopped = true;
          return reject(error as Error);
        }
        finished(1);
        // One document at a time, so the workers' answers are handled within a document's time.
        setImmediate(step);
      };
      step();
    });
  await Promise.all([...Array.from({ length: workers }, runWorker), ...(callingThread || workers === 0 ? [runHere()] : [])]);
  return outcomes;
}
