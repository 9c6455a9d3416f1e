import { parentPort, workerData } from 'node:worker_threads';
import type { EnrichContext } from '../enrich-document.js';
import type { SourceDocument } from '../types.js';
import { enrichOutcome } from './workers.js';

// One thread of enrichInWorkers: batches of documents in, their outcomes out, in order.
// The first message, an empty batch, says the modules are loaded and work can come.
const context = workerData as EnrichContext;
parentPort?.on('message', (batch: SourceDocument[]) => {
  parentPort?.postMessage(batch.map((source) => enrichOutcome(source, context)));
});
parentPort?.postMessage([]);
