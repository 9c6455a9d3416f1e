import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { SiteMap } from './site.js';
import { recoverInterrupted, swapIn } from './swap.js';

/**
 * Writes the site into a fresh folder beside `outDir`, then swaps it in whole
 * (see swapIn), so a reader of `outDir` sees the complete old tree or the
 * complete new one. Leftovers of an interrupted earlier run, this process's
 * staging name included, are restored or removed first.
 */
export async function writeStatic(site: SiteMap, outDir: string): Promise<void> {
  const out = resolve(outDir);
  await recoverInterrupted(out);
  const staging = `${out}.tmp-${process.pid}`;
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
  await swapIn(staging, out);
}

