import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { mapLimit } from '../concurrency.js';
import { compressBody } from './compression.js';
import { ENCODINGS, lazyResource, renderBody, type PlannedResource, type Resource, type SiteMap } from './site.js';
import { foldersOf, type SpareTree, type TreeFiles } from './spare-tree.js';
import { recoverInterrupted, swapIn } from './swap.js';

/**
 * Files written at once: one `await` per file left the build idle, waiting
 * on the file system, for a quarter of a warm build; a few dozen keep libuv's
 * thread pool busy while holding only that many rendered files in memory.
 */
const WRITE_CONCURRENCY = 32;

/** Rendered bodies kept between builds, with their compressed siblings (see BodyStore). */
export interface StoredBodies {
  /** The ETag last rendered from these inputs, when its body is still stored. */
  etagFor(inputs: string): string | undefined;
  /** Counts a body as used where the tree already holds it. */
  keep(etag: string, inputs?: string): void;
  /** Stores a body just rendered, if it is not stored yet. */
  hold(etag: string, body: Buffer): Promise<void>;
  /** Places a stored body and its siblings at `file`; false when it is gone. */
  placeStored(etag: string, file: string, inputs?: string): Promise<boolean>;
  /** Stores (compressing once) and places a body just rendered. */
  place(body: Buffer, etag: string, file: string, inputs?: string): Promise<void>;
  read(etag: string): Promise<Buffer>;
  /** Called once every file is placed, before the new tree is swapped in, so the swap stays the export's last step. */
  finish(): Promise<void>;
}

export interface ExportOptions {
  /** Stored bodies; without them, every file is rendered, compressed and written. */
  store?: StoredBodies;
  /** A kept second tree to update and swap in (with a store only); without, the site is written into a fresh folder. */
  spare?: SpareTree;
  /** Called with each file once it is written into the new tree, before the swap (e.g. to compare it with the old tree). */
  onResource?: (resource: Resource) => Promise<void>;
}

/** What an export did: the files planned (the 410 pages included, as the site map counts them) and how many it rendered. */
export interface ExportStats {
  files: number;
  rendered: number;
}

/**
 * Writes the site into a fresh folder beside `outDir`, then swaps it in whole
 * (see swapIn), so a reader of `outDir` sees the complete old tree or the
 * complete new one. Leftovers of an interrupted earlier run, this process's
 * staging name included, are restored or removed first.
 */
export async function writeStatic(site: SiteMap, outDir: string): Promise<void> {
  await inNewTree(outDir, async (staging) => {
    const folders = new FolderMaker();
    await mapLimit(site.values(), WRITE_CONCURRENCY, async (resource) => {
      // A file cannot say "410 Gone": a deleted item's page is simply absent from the export.
      if (resource.status !== 200) return;
      const file = join(staging, resource.file);
      await folders.make(dirname(file));
      await writeEncodings(file, resource.body, resource);
    });
  });
}

/**
 * The same export from the plan rather than the rendered site: each file is
 * rendered, compressed and written (or, with a store, placed as links to the
 * stored bodies, rendered only when its inputs changed), then dropped, so
 * memory holds the files in flight instead of the whole site. With a spare
 * tree, only the files that differ from it are placed before it is swapped in.
 */
export async function exportSite(plans: readonly PlannedResource[], outDir: string, options: ExportOptions = {}): Promise<ExportStats> {
  const { store, spare } = options;
  if (store && spare) {
    await recoverInterrupted(resolve(outDir));
    const published = options.onResource ? undefined : await spare.published();
    const checked = published && (await alreadyPublished(plans, store, published));
    if (checked) {
      await store.finish();
      return { files: plans.length, rendered: checked.rendered };
    }
    const { dir, files: before } = await spare.take();
    const filled = await fillTree(dir, plans, before, options);
    await store.finish();
    await spare.publish(filled.files);
    return { files: plans.length, rendered: filled.rendered };
  }
  let rendered = 0;
  await inNewTree(outDir, async (staging) => {
    ({ rendered } = await fillTree(staging, plans, new Map(), options));
    await store?.finish();
  });
  return { files: plans.length, rendered };
}

/**
 * Whether the published tree already holds every planned file as planned,
 * and nothing else, judged from the ETags the store remembers for their
 * inputs (files without inputs are rendered to compare). Then the export has
 * nothing to do; the first file whose inputs are new ends the check.
 */
async function alreadyPublished(plans: readonly PlannedResource[], store: StoredBodies, published: TreeFiles): Promise<{ rendered: number } | undefined> {
  const files = new Set<string>();
  let rendered = 0;
  for (const plan of plans) {
    if (plan.status !== 200) continue;
    let etag = plan.inputs ? store.etagFor(plan.inputs) : undefined;
    if (etag === undefined && plan.inputs) return undefined;
    if (etag === undefined) {
      rendered++;
      ({ etag } = renderBody(plan));
    }
    if (published.get(plan.file) !== etag) return undefined;
    files.add(plan.file);
  }
  if (files.size !== published.size) return undefined;
  for (const plan of plans) if (plan.status === 200) store.keep(published.get(plan.file)!, plan.inputs);
  return { rendered };
}

/**
 * Places every planned file in `dir`, which holds `before` (file to ETag): a
 * file already holding its body is left as it is, any other is (re)placed,
 * and files no longer planned are removed with the folders they leave empty.
 */
async function fillTree(dir: string, plans: readonly PlannedResource[], before: TreeFiles, options: ExportOptions): Promise<{ files: Map<string, string>; rendered: number }> {
  const { store, onResource } = options;
  const files = new Map<string, string>();
  let rendered = 0;
  const render = (plan: PlannedResource): { body: Buffer; etag: string } => (rendered++, renderBody(plan));
  const folders = new FolderMaker();
  await mapLimit(plans, WRITE_CONCURRENCY, async (plan) => {
    if (plan.status !== 200) return;
    const file = join(dir, plan.file);
    const held = before.get(plan.file);
    let etag = store && plan.inputs ? store.etagFor(plan.inputs) : undefined;
    let body: Buffer | undefined;
    if (etag === undefined) ({ body, etag } = render(plan));
    if (store && etag === held) {
      store.keep(etag, plan.inputs);
      if (body) await store.hold(etag, body);
    } else {
      if (held !== undefined) await removeEncodings(file);
      await folders.make(dirname(file));
      if (!body && !(await store!.placeStored(etag, file, plan.inputs))) ({ body, etag } = render(plan));
      if (body) await (store ? store.place(body, etag, file, plan.inputs) : writeEncodings(file, body, compressBody(body)));
    }
    files.set(plan.file, etag);
    if (onResource) await onResource(lazyResource(plan, { body: body ?? (await store!.read(etag)), etag }));
  });
  const gone = [...before.keys()].filter((file) => !files.has(file));
  await mapLimit(gone, WRITE_CONCURRENCY, (file) => removeEncodings(join(dir, file)));
  const kept = foldersOf(files.keys());
  // Deepest first, so a folder's emptied subfolders are gone before it.
  const emptied = [...foldersOf(gone)].filter((folder) => !kept.has(folder)).sort((a, b) => b.length - a.length);
  for (const folder of emptied) await rmdir(join(dir, folder));
  return { files, rendered };
}

async function inNewTree(outDir: string, write: (staging: string) => Promise<void>): Promise<void> {
  const out = resolve(outDir);
  await recoverInterrupted(out);
  const staging = `${out}.tmp-${process.pid}`;
  await write(staging);
  await mkdir(staging, { recursive: true });
  await swapIn(staging, out);
}

function removeEncodings(file: string): Promise<unknown> {
  return Promise.all(ENCODINGS.map((encoding) => rm(file + encoding, { force: true })));
}

/** The body and its precompressed siblings, as nginx gzip_static / brotli_static and CDNs look for them. */
async function writeEncodings(file: string, body: Buffer, compressed: { gzip: Buffer; br: Buffer }): Promise<void> {
  await Promise.all([writeFile(file, body), writeFile(`${file}.gz`, compressed.gzip), writeFile(`${file}.br`, compressed.br)]);
}

/** Creates each folder once, however many files in flight land in it. */
class FolderMaker {
  private readonly made = new Map<string, Promise<unknown>>();

  make(dir: string): Promise<unknown> {
    let done = this.made.get(dir);
    if (!done) {
      done = mkdir(dir, { recursive: true });
      this.made.set(dir, done);
    }
    return done;
  }
}
