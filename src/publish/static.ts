import { mkdir, rename, rm, writeFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SiteMap } from './site.js';

/**
 * Writes the site into a fresh folder beside `outDir`, then swaps it in with
 * renames, so a reader of `outDir` sees the complete old tree or the complete
 * new one. Leftovers of an interrupted earlier run are restored or removed first.
 */
export async function writeStatic(site: SiteMap, outDir: string): Promise<void> {
  const out = resolve(outDir);
  await recoverInterrupted(out);
  const staging = `${out}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  for (const resource of site.values()) {
    // A file cannot say "410 Gone"; a deleted item's page is simply absent from the export.
    if (resource.status !== 200) continue;
    const file = join(staging, resource.file);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, resource.body);
    // Precompressed siblings, as nginx gzip_static / brotli_static and CDNs look for them.
    await writeFile(`${file}.gz`, resource.gzip);
    await writeFile(`${file}.br`, resource.br);
  }
  await mkdir(staging, { recursive: true });
  const old = `${out}.old-${process.pid}`;
  let hadOld = true;
  try {
    await rename(out, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadOld = false;
  }
  await rename(staging, out);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** A crash between the two renames leaves only `<out>.old-*`: put it back. Staging folders are simply dropped. */
async function recoverInterrupted(out: string): Promise<void> {
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
