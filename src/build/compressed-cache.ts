import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compressBody, COMPRESSION_SETTINGS } from '../publish/site.js';

const ENCODINGS = ['gz', 'br'] as const;

/**
 * Compressed bodies by strong ETag (the body's hash), kept in the build cache
 * folder so an unchanged file costs no compression. The static export
 * hard-links `<file>.gz` and `<file>.br` to the entries, so they are neither
 * read back nor written again. Deleting the folder is always safe: the
 * exported files keep their own links, and the next build compresses again.
 */
export class CompressedCache {
  private readonly used = new Set<string>();
  /** Entries being compressed: one body shared by several files is compressed once. */
  private readonly storing = new Map<string, Promise<void>>();

  private constructor(
    private readonly root: string,
    private readonly dir: string,
    private readonly present: Set<string>,
  ) {}

  /** Opens (or starts) the cache for this compression setting under `root`, e.g. ".wirefeed-cache". */
  static async open(root: string): Promise<CompressedCache> {
    const salt = createHash('sha256').update(COMPRESSION_SETTINGS).digest('hex').slice(0, 16);
    const base = join(root, 'compressed');
    const dir = join(base, salt);
    await mkdir(dir, { recursive: true });
    // An entry is whole once both encodings are there (each is renamed into place complete).
    const names = (await readdir(dir)).filter((name) => name.endsWith('.gz')).map((name) => name.slice(0, -3));
    const files = new Set(await readdir(dir));
    return new CompressedCache(base, dir, new Set(names.filter((name) => files.has(`${name}.br`))));
  }

  /** Puts the gzip and brotli encodings of `body` at `<file>.gz` and `<file>.br`, compressing only on a miss. */
  async place(body: Buffer, etag: string, file: string): Promise<void> {
    const name = entryName(etag);
    this.used.add(name);
    await this.ensure(name, body);
    try {
      await this.linkAll(name, file);
    } catch (error) {
      // Removed since the cache was opened (a concurrent build's clean-up): compress it again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.present.delete(name);
      await this.ensure(name, body);
      await this.linkAll(name, file);
    }
  }

  /** Drops entries this build did not use, and every other compression setting's entries. */
  async finish(): Promise<void> {
    await Promise.all(this.storing.values());
    for (const file of await readdir(this.dir)) {
      const entry = /^(.+)\.(gz|br)$/.exec(file);
      // A temporary file is a concurrent build's entry in the making, unless its process is gone.
      const temporary = /\.(\d+)\.tmp$/.exec(file);
      if (entry ? !this.used.has(entry[1]!) : temporary && !isRunning(Number(temporary[1]))) await rm(join(this.dir, file), { force: true });
    }
    const own = this.dir.slice(this.root.length + 1);
    for (const other of await readdir(this.root)) if (other !== own) await rm(join(this.root, other), { recursive: true, force: true });
  }

  private async ensure(name: string, body: Buffer): Promise<void> {
    if (this.present.has(name)) return;
    let pending = this.storing.get(name);
    if (!pending) {
      pending = this.store(name, body).finally(() => this.storing.delete(name));
      this.storing.set(name, pending);
    }
    await pending;
  }

  private async store(name: string, body: Buffer): Promise<void> {
    const compressed = compressBody(body);
    for (const encoding of ENCODINGS) {
      const file = join(this.dir, `${name}.${encoding}`);
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, encoding === 'gz' ? compressed.gzip : compressed.br);
      await rename(temporary, file);
    }
    this.present.add(name);
  }

  private async linkAll(name: string, file: string): Promise<void> {
    for (const encoding of ENCODINGS) await linkOrCopy(join(this.dir, `${name}.${encoding}`), `${file}.${encoding}`);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** ETags are quoted base64url: without the quotes, a file name. */
function entryName(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

/** A hard link where the file system allows one; a copy across devices or past the link limit. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EMLINK' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    await copyFile(from, to);
  }
}
