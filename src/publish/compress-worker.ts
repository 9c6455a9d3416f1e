import { parentPort } from 'node:worker_threads';
import { runInBackground } from '../concurrency.js';
import { compressBody } from './compression.js';

// Compression can wait: a request, or a watch rebuild while the server precompresses at start, cannot.
runInBackground();

// One thread of CompressionThreads: a body in, its gzip and brotli encodings out.
parentPort?.on('message', ({ id, body }: { id: number; body: Uint8Array }) => {
  parentPort?.postMessage({ id, ...compressBody(body) });
});
