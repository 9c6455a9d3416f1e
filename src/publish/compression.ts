import type { Worker } from 'node:worker_threads';
import { brotliCompressSync, constants as zlibConstants, gzipSync, type BrotliOptions } from 'node:zlib';
import { startWorker } from '../concurrency.js';

/**
 * Brotli quality 6. On the hostile corpus's 125 files (6.3 MB), quality 11 took 2,057 ms for
 * output only 3.6 % smaller than quality 8's 45 ms. On 400 files of a 10k site (27.5 MB, an
 * idle machine), quality 6 took 224 ms against quality 8's 325 ms, for output 0.6 % larger.
 * A site with thousands of tag feeds and archive pages (1.1 GB of bodies at 10k items) is
 * compressed whole in a cold build, so build time matters more than the last percent. Gzip
 * stays at level 9: level 6 took 220 ms against 243 ms for the same files.
 */
const BROTLI_QUALITY = 6;

const GZIP_OPTIONS = { level: 9 };

function brotliOptions(body: Uint8Array): BrotliOptions {
  return {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT },
  };
}

export interface Compressed {
  gzip: Buffer;
  br: Buffer;
}

/**
 * Synchronous, on the calling thread. zlib's own asynchronous variants (its
 * thread pool) were slower here: on a 1k site's 3,812 bodies (107 MB) they
 * took 4.2 s user + 2.2 s system time and 325 MB peak RSS against 3.5 s +
 * 0.4 s and 229 MB, and no less wall time on this 2-core machine. To use
 * more cores, CompressionThreads runs this on worker threads.
 */
export function compressBody(body: Uint8Array): Compressed {
  return { gzip: exactly(gzipSync(body, GZIP_OPTIONS)), br: exactly(brotliCompressSync(body, brotliOptions(body))) };
}

/**
 * zlib hands back an output shorter than its 16 KB chunk as a view of that
 * chunk, so every kept encoding of a small file held 16 KB; the server keeps
 * two per file. A copy of the bytes alone frees the rest: in memory of its
 * own, not Node's shared 8 KB pool, which a thread would send whole.
 */
function exactly(output: Buffer): Buffer {
  if (output.buffer.byteLength <= output.length + 1024) return output;
  const copy = Buffer.allocUnsafeSlow(output.length);
  output.copy(copy);
  return copy;
}

/** What decides the compressed bytes besides the body: a cache of them is only valid for the same settings and library versions. */
export const COMPRESSION_SETTINGS = JSON.stringify({ gzip: GZIP_OPTIONS, brotli: BROTLI_QUALITY, zlib: process.versions.zlib, brotliVersion: process.versions.brotli });

/** Compresses one body off the calling thread (CompressionThreads), or wraps compressBody. */
export type Compress = (body: Buffer) => Promise<Compressed>;

/**
 * compressBody on `threads` worker threads, started on the first body, so
 * the calling thread renders the next files while earlier ones compress. In
 * a cold build of 10k items, compression was 36 of the 64 s spent after
 * enrichment, all on the calling thread while the other core idled. Bodies
 * are copied to a worker and the compressed bytes copied back (a few
 * hundred microseconds per megabyte); each worker holds at most the bodies
 * its caller has in flight.
 */
export class CompressionThreads {
  private workers: { worker: Worker; pending: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (compressed: Compressed) => void; reject: (error: Error) => void }>();
  private next = 0;
  private failure: Error | undefined;

  constructor(private readonly threads: number) {}

  readonly compress: Compress = (body) => {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) this.start();
    // The least busy thread: bodies vary from a few kilobytes to megabytes.
    const slot = this.workers.reduce((best, each) => (each.pending < best.pending ? each : best));
    const id = this.next++;
    // A thread keeps the process alive only while it has work: a finished build exits without closing it.
    if (slot.pending++ === 0) slot.worker.ref();
    return new Promise<Compressed>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (compressed) => {
          if (--slot.pending === 0) slot.worker.unref();
          resolve(compressed);
        },
        reject,
      });
      slot.worker.postMessage({ id, body });
    });
  };

  /** Ends the threads; bodies still waiting are refused. */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    this.fail(new Error('compression threads closed'));
    this.failure = undefined;
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  private start(): void {
    for (let i = 0; i < this.threads; i++) {
      const worker = startWorker(new URL('./compress-worker.js', import.meta.url));
      worker.on('message', ({ id, gzip, br }: { id: number; gzip: Uint8Array; br: Uint8Array }) => {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        // Structured cloning hands back Uint8Arrays: the callers write and serve Buffers.
        waiter?.resolve({ gzip: Buffer.from(gzip.buffer, gzip.byteOffset, gzip.byteLength), br: Buffer.from(br.buffer, br.byteOffset, br.byteLength) });
      });
      worker.once('error', (error) => this.fail(error));
      // A thread that stops unasked (out of memory) would leave its bodies waiting forever.
      worker.once('exit', (code) => {
        if (this.workers.some((each) => each.worker === worker)) this.fail(new Error(`a compression thread stopped (exit code ${code})`));
      });
      worker.unref();
      this.workers.push({ worker, pending: 0 });
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}
