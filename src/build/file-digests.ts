import type { Stats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SeedDigests } from '../ingest/read.js';
import { readStoredMap, writeStoredMap } from './stored-map.js';

/** A file as it was when its digest was taken. */
interface Seen {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** When the file was read (ms): a file changed within the file system's timestamp step of that read may look unchanged. */
  readAt: number;
  digest: string;
}

/**
 * Margin between a file's last change (mtime or ctime) and its reading,
 * below which its stat is not trusted next time (as git treats "racily
 * clean" index entries): a write in the same timestamp step as the reading
 * would leave the same times. Whole-second times (FAT's step is two seconds)
 * need the full margin; finer ones (ext4, xfs and btrfs step by the kernel
 * tick, 1–10 ms) a tenth of a second. A corpus written just before a build
 * is then trusted from the next build on.
 */
const RACY_MS = { coarse: 2000, fine: 100 };

function racyMargin(stats: Stats): number {
  return stats.mtimeMs % 1000 === 0 && stats.ctimeMs % 1000 === 0 ? RACY_MS.coarse : RACY_MS.fine;
}

/**
 * The seeds' digests by file stat, kept in the build cache folder, so a warm
 * build stats an unchanged seed instead of reading it (its bytes are read
 * only if it must be parsed). A file is trusted as unchanged when its size,
 * mtime, ctime and inode are those it had when it was read, and it had not
 * changed just before that reading (see RACY_MS). Deleting the file only makes the
 * next build read every seed.
 */
export class FileDigests implements SeedDigests {
  private readonly seen = new Map<string, Seen>();
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly before: ReadonlyMap<string, Seen>,
  ) {}

  /** The digests kept under `root` (e.g. ".wirefeed-cache"), or none (every file is read) without one. */
  static async open(root?: string): Promise<FileDigests> {
    if (!root) return new FileDigests(undefined, new Map());
    const file = join(root, 'files.v8');
    return new FileDigests(file, await readStoredMap<string, Seen>(file));
  }

  digestOf(path: string, stats: Stats): string | undefined {
    const seen = this.before.get(path);
    if (!seen || seen.size !== stats.size || seen.mtimeMs !== stats.mtimeMs || seen.ctimeMs !== stats.ctimeMs || seen.ino !== stats.ino) return undefined;
    const margin = racyMargin(stats);
    if (stats.mtimeMs > seen.readAt - margin || stats.ctimeMs > seen.readAt - margin) return undefined;
    this.seen.set(path, seen);
    return seen.digest;
  }

  remember(path: string, stats: Stats, digest: string, readAt: number): void {
    this.seen.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, readAt, digest });
    this.changed = true;
  }

  /** Keeps the files of this reading (and drops deleted ones); nothing is written when nothing changed. */
  async save(): Promise<void> {
    if (!this.file || (!this.changed && this.seen.size === this.before.size)) return;
    await mkdir(dirname(this.file), { recursive: true });
    await writeStoredMap(this.file, this.seen);
  }
}
