import { execFile } from 'node:child_process';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Swaps two existing paths in one step; resolves false when this system cannot.
 *
 * Linux's renameat2(RENAME_EXCHANGE) is the only way to replace a non-empty
 * folder with no instant where it is missing, and Node has no binding for it.
 * Python's ctypes reaches glibc's wrapper (glibc ≥ 2.28) without a compiler
 * or a native addon (isolated and without site packages: ~50 ms to start);
 * Python is on nearly every Linux host that runs a build.
 * Any failure (no Python, old kernel or glibc, a file system without exchange
 * such as some network mounts) falls back to two renames.
 */
export type Exchange = (a: string, b: string) => Promise<boolean>;

const RENAMEAT2 = [
  'import ctypes, os, sys',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'AT_FDCWD, RENAME_EXCHANGE = -100, 2',
  'a, b = (os.fsencode(p) for p in sys.argv[1:3])',
  'sys.exit(0 if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0 else 1)',
].join('\n');

export const exchangePaths: Exchange = (a, b) =>
  new Promise((resolve) => {
    execFile('python3', ['-I', '-S', '-c', RENAMEAT2, a, b], { timeout: 10_000 }, (error) => resolve(error === null));
  });

export interface SwapOptions {
  exchange?: Exchange;
  /** Leave the old tree at `staging` after an exchange instead of removing it (the export keeps it as its spare tree). */
  keepOld?: boolean;
}

/**
 * Puts the complete tree `staging` at `out`. With an exchange, `out` always
 * holds the old tree or the new one, and the old one ends at `staging` to be
 * removed (or kept). Without, the old tree is parked as `<out>.old-<pid>`
 * between two renames; recoverInterrupted puts it back if the process dies in
 * between. Resolves true when the old tree was kept at `staging`.
 */
export async function swapIn(staging: string, out: string, options: SwapOptions = {}): Promise<boolean> {
  const { exchange = exchangePaths, keepOld = false } = options;
  try {
    await rename(staging, out);
    return false;
  } catch (error) {
    // rename(2) replaces only an empty folder: ENOTEMPTY/EEXIST mean there is a previous tree.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
  if (await exchange(staging, out)) {
    if (keepOld) return true;
    await rm(staging, { recursive: true, force: true });
    return false;
  }
  const old = `${out}.old-${process.pid}`;
  await rename(out, old);
  await rename(staging, out);
  await rm(old, { recursive: true, force: true });
  return false;
}

/**
 * Clears what an interrupted export left beside `out`: a parked old tree is put
 * back when `out` is missing (a crash between the fallback's renames), and
 * staging folders are dropped (a half-written new tree, or an old tree already
 * exchanged out).
 */
export async function recoverInterrupted(out: string): Promise<void> {
  const parent = dirname(out);
  const name = basename(out);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  let present = entries.includes(name);
  for (const entry of entries.sort()) {
    const full = join(parent, entry);
    if (entry.startsWith(`${name}.old-`) && !present) {
      await rename(full, out);
      present = true;
    } else if (entry.startsWith(`${name}.tmp-`) || entry.startsWith(`${name}.old-`)) {
      await rm(full, { recursive: true, force: true });
    }
  }
}
