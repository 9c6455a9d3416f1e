import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/**
 * A Map kept in a file of the build cache, in V8's serialization (Dates and
 * nested Maps survive). A missing, truncated or foreign file (another Node
 * version) reads as empty: a cache can only miss, never fail the build.
 */
export async function readStoredMap<K, V>(file: string): Promise<Map<K, V>> {
  try {
    const stored: unknown = deserialize(await readFile(file));
    return stored instanceof Map ? (stored as Map<K, V>) : new Map();
  } catch {
    return new Map();
  }
}

/** Replaces the file whole, so a concurrent build or a crash leaves the old map or the new one. */
export async function writeStoredMap(file: string, map: ReadonlyMap<unknown, unknown>): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, serialize(map));
  await rename(temporary, file);
}

/**
 * Removes every version under `dir` but `current` (a cache keeps one folder or
 * file per code and settings version): entries of another version can never
 * be hits again. Temporary files are a concurrent build's writes in progress.
 */
export async function dropOtherVersions(dir: string, current: string): Promise<void> {
  for (const other of await readdir(dir)) if (other !== current && !other.endsWith('.tmp')) await rm(join(dir, other), { recursive: true, force: true });
}
