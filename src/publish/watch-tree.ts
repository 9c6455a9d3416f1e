import { lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Watches a folder and its sub-folders with one watcher per folder, and
 * reports each change by its `/`-separated path relative to `root`, or `null`
 * when the system cannot name it.
 *
 * Node 20's own recursive watch on Linux puts a watcher on every file, and
 * on every change lists the changed file's folder again: at 10k seeds, each
 * edit reached the listener 18–27 ms late and held the event loop 26 ms
 * (one watcher per folder: 0.3 ms), and 10k watchers pass the default
 * inotify limit of some systems (8,192). A folder's watcher hears its files'
 * changes.
 *
 * Hidden folders and links to folders are not watched, as the seeds reader
 * does not read them. A folder that appears is watched and reported (a change
 * under a folder is a change of each file in it); one that goes is reported
 * and let go; one that comes back, or another moved in its place, is watched
 * anew. A sub-folder that cannot be watched (the system's limit reached) is
 * an error for the caller, as the root's are.
 */
export function watchTree(root: string, heard: (path: string | null) => void, failed: (error: Error) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const unwatch = (folder: string): void => {
    for (const [path, watcher] of watchers) {
      if (path === folder || path.startsWith(`${folder}/`)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };
  const add = (folder: string): void => {
    if (closed || watchers.has(folder)) return;
    const own = basename(join(root, folder));
    const watcher = watch(join(root, folder), (event, name) => {
      if (closed) return;
      if (name === null) return heard(null);
      // A folder's watcher names the folder itself when it is deleted, moved or changed: the
      // root's cannot say what changed (read everything), a sub-folder's changed as a whole.
      if (String(name) === own) heard(folder === '' ? null : folder);
      const path = folder === '' ? String(name) : `${folder}/${String(name)}`;
      // Only a 'rename' (made, deleted, moved) can bring or take a folder, so an edit costs no stat.
      // A folder deleted, replaced or moved away: its watcher follows the old one, so it goes,
      // and whatever folder is there now is watched afresh.
      if (event === 'rename') {
        if (watchers.has(path)) unwatch(path);
        if (isFolder(path)) addTree(path);
      }
      heard(path);
    });
    watcher.on('error', (error) => {
      if (folder === '') return failed(error);
      // A sub-folder's watcher that fails is watched again if the folder is still there; either way it is read again.
      unwatch(folder);
      if (isFolder(folder)) addTree(folder);
      heard(folder);
    });
    watchers.set(folder, watcher);
  };
  const addTree = (folder: string): void => {
    try {
      add(folder);
      for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) addTree(folder === '' ? entry.name : `${folder}/${entry.name}`);
      }
    } catch (error) {
      // The root must be there. A sub-folder gone before it could be watched was reported by its
      // parent; any other failure (the system's limit of watchers reached) is told, after this call
      // returns, so the caller can give up and try again.
      if (folder === '') throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') process.nextTick(() => closed || failed(error as Error));
    }
  };
  // Not through links: the seeds reader does not enter linked folders either.
  const isFolder = (path: string): boolean => {
    if (path.split('/').some((part) => part.startsWith('.'))) return false;
    try {
      return lstatSync(join(root, path)).isDirectory();
    } catch {
      return false;
    }
  };

  addTree('');
  return {
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
