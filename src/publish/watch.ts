import { statSync } from 'node:fs';
import type { DocumentFailure, RawDocument } from '../types.js';
import { watchTree } from './watch-tree.js';

/**
 * Remembers the last version of each document that built, so that a rebuild
 * where a document fails (a half-saved edit, bad front matter) publishes
 * that last good version instead of dropping the item. A document deleted
 * from the folder is not "failing": it is simply not read, and goes.
 */
export function lastGoodDocuments(): <R extends { failures: DocumentFailure[] }>(
  read: { documents: RawDocument[]; failures: DocumentFailure[] },
  run: (documents: RawDocument[]) => R | Promise<R>,
) => Promise<{ result: R; failures: DocumentFailure[]; kept: Set<string> }> {
  // The last good versions, as the documents of the last rebuild less those that failed. Made into a
  // map only when a rebuild has failures: at 10k documents, making it every time took 5-7 ms a rebuild.
  let last: { documents: RawDocument[]; failed: ReadonlySet<string> } = { documents: [], failed: new Set() };
  let byPath: Map<string, RawDocument> | undefined;
  const good = (): Map<string, RawDocument> => (byPath ??= new Map(last.documents.filter((doc) => !last.failed.has(doc.path)).map((doc) => [doc.path, doc])));
  // `run` may be asynchronous (the item cache and worker threads), so a rebuild never holds the server's event loop.
  return async (read, run) => {
    let documents = read.documents;
    let result = await run(documents);
    const failures = [...read.failures, ...result.failures];
    const kept = new Set(failures.map((failure) => failure.path).filter((path) => good().has(path)));
    if (kept.size > 0) {
      // The pipeline is a pure function of the documents, so the last good bytes give the last good item.
      documents = [...documents.filter((doc) => !kept.has(doc.path)), ...[...kept].map((path) => good().get(path)!)].sort((a, b) => (a.path < b.path ? -1 : 1));
      result = await run(documents);
    }
    const failed = new Set([...read.failures.filter((f) => !kept.has(f.path)), ...result.failures].map((failure) => failure.path));
    last = { documents, failed };
    byPath = undefined;
    return { result, failures, kept };
  };
}

export interface WatchOptions {
  /** Folder to watch, sub-folders included. */
  dir: string;
  /**
   * Runs one rebuild; it is never called twice at once. `changed`: the paths
   * (relative to `dir`) reported changed since the last rebuild that
   * succeeded began (a failed one's are named again), or undefined when the
   * watcher cannot tell (its first run, a folder watched anew, an event
   * without a name), and everything must be read again.
   */
  rebuild: (changed: ReadonlySet<string> | undefined) => Promise<void>;
  /** Reports a rebuild or watcher error; the published site stays as it was. */
  onError: (message: string) => void;
  /** Quiet time after the last change before a rebuild starts (editors save in bursts, a few milliseconds apart). */
  debounceMs?: number;
  /** How often to try watching again when the folder is gone or unreadable. */
  retryMs?: number;
}

export interface Watcher {
  close(): void;
  /** Resolves when no rebuild is running or scheduled (for tests and shutdown). */
  settled(): Promise<void>;
}

/**
 * Watches `dir` and rebuilds after changes, debounced; changes that arrive
 * during a rebuild cause exactly one more. If the folder disappears, it is
 * watched again (and rebuilt) once it is back.
 */
export function watchSeeds(options: WatchOptions): Watcher {
  const debounceMs = options.debounceMs ?? 25;
  const retryMs = options.retryMs ?? 1000;
  let watcher: { close(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let waiters: (() => void)[] = [];
  // Paths changed since the last rebuild began; undefined: unknown, read everything.
  let changed: Set<string> | undefined = new Set();
  // The folder watched, by identity: a watcher follows the folder it was given, so one moved away
  // (replaced by a file, or by another folder at the same path) must be watched anew.
  let watched: string | undefined;
  const identity = (): string | undefined => {
    try {
      const info = statSync(options.dir);
      return info.isDirectory() ? `${info.dev}:${info.ino}` : undefined;
    } catch {
      return undefined;
    }
  };

  const settle = (): void => {
    if (running || timer) return;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  const run = (): void => {
    timer = undefined;
    if (closed) return settle();
    if (running) {
      again = true;
      return;
    }
    const batch = changed;
    changed = new Set();
    running = options
      .rebuild(batch)
      .catch((error: Error) => {
        // What the failed rebuild was told is told again to the next: a reader that takes unnamed
        // files as they were would otherwise miss an edit, addition or deletion for good.
        changed = batch && changed ? new Set([...batch, ...changed]) : undefined;
        options.onError(`rebuild failed, still serving the previous version: ${error.message}`);
      })
      .finally(() => {
        running = undefined;
        // A watcher on a folder that was deleted or replaced hears nothing more: watch again once it is back.
        if (identity() !== watched) rearm();
        if (again && !closed) {
          again = false;
          schedule();
        }
        settle();
      });
  };
  const heard = (path: string | null): void => {
    if (path === null) changed = undefined;
    else changed?.add(path);
    schedule();
  };
  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };
  const start = (): void => {
    retry = undefined;
    if (closed) return;
    const id = identity();
    try {
      // fs.watch also watches a file: a path that is not a folder (yet) is waited for.
      if (id === undefined) throw new Error('not a folder');
      watcher = watchTree(options.dir, heard, (error) => {
        options.onError(`stopped watching ${options.dir}: ${error.message}; retrying`);
        rearm();
      });
      watched = id;
    } catch {
      // Not there (yet): try again later, quietly; the failed rebuild has already said why.
      retry = setTimeout(restart, retryMs);
      return;
    }
  };
  const rearm = (): void => {
    watcher?.close();
    watcher = undefined;
    if (closed || retry) return;
    retry = setTimeout(restart, retryMs);
  };
  const restart = (): void => {
    start();
    // Whatever changed while the folder was away is picked up by one rebuild that reads everything.
    if (watcher) {
      changed = undefined;
      schedule();
    }
  };
  start();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(retry);
      timer = undefined;
      watcher?.close();
      settle();
    },
    settled() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
  };
}
