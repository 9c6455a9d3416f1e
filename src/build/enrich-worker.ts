import { parentPort, workerData } from 'node:worker_threads';
import { threadOutcome, type Job, type ThreadData } from './workers.js';

// One thread of runInWorkers: batches of jobs in, their outcomes out, in order.
// The first message, an empty batch, says the modules are loaded and work can come.
const data = workerData as ThreadData;
parentPort?.on('message', (batch: Job[]) => {
  parentPort?.postMessage(batch.map((job) => threadOutcome(job, data)));
});
parentPort?.postMessage([]);
