import { parentPort } from 'node:worker_threads';
import { compressBody } from './compression.js';

// One thread of CompressionThreads: a body in, its gzip and brotli encodings out.
parentPort?.on('message', ({ id, body }: { id: number; body: Uint8Array }) => {
  parentPort?.postMessage({ id, ...compressBody(body) });
});
