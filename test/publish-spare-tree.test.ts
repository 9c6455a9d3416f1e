import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BodyStore } from '../src/build/body-store.js';
import { buildCatalog } from '../src/catalog/index.js';
import { planSite, type PlannedResource } from '../src/publish/site.js';
import { foldersOf, SpareTree } from '../src/publish/spare-tree.js';
import { exportSite } from '../src/publish/static.js';
import type { Item } from '../src/types.js';
import { makeItem, SITE } from './support/items.js';
import { treeFiles } from './support/tree.js';

/** The corpus of each build: an item edited, one added, one deleted (leaving its tag's folder empty), one moved to another section. */
const ROUNDS: Item[][] = [
  [makeItem('one'), makeItem('two', { tags: [{ name: 'Lisbon', kind: 'place' }] }), makeItem('three')],
  [makeItem('one', { title: 'Edited' }), makeItem('two', { tags: [{ name: 'Lisbon', kind: 'place' }] }), makeItem('three'), makeItem('four')],
  [makeItem('one', { title: 'Edited' }), makeItem('three', { section: 'Science' }), makeItem('four')],
  [makeItem('one'), makeItem('five', { tags: [{ name: 'Oslo', kind: 'place' }] })],
];

function plansOf(items: Item[]): { plans: PlannedResource[]; expected: (parent: string) => Promise<Map<string, Buffer>> } {
  const catalog = buildCatalog(SITE, items, { limit: 50 });
  const versions = new Map(items.map((item) => [item, JSON.stringify([item.key, item.title, item.section, item.tags])]));
  return {
    plans: planSite(catalog, versions),
    expected: async (parent) => {
      const dir = join(parent, `expected-${Math.random()}`);
      await exportSite(planSite(catalog), dir);
      const files = treeFiles(dir);
      rmSync(dir, { recursive: true });
      return files;
    },
  };
}

/** One `wirefeed build`'s export: a store and a spare opened afresh, as a new process would. */
async function build(parent: string, items: Item[]): Promise<{ rendered: number; spareHeld: number }> {
  const cache = join(parent, '.cache');
  const store = await BodyStore.open(cache);
  const spare = (await SpareTree.open(cache, join(parent, 'feeds'), store.version))!;
  const { rendered } = await exportSite(plansOf(items).plans, join(parent, 'feeds'), { store, spare });
  // What the next build will start from.
  const next = (await SpareTree.open(cache, join(parent, 'feeds'), store.version))!;
  const held = (next as unknown as { records: Map<string, { files: Map<string, string> }> }).records.get('spare')?.files.size ?? 0;
  return { rendered, spareHeld: held };
}

describe('foldersOf', () => {
  it('lists every folder holding a file, parents included, and the tree itself', () => {
    expect([...foldersOf(['rss.xml', 'tags/a/rss.xml', 'tags/b/index.html', 'items/x.html'])].sort()).toEqual(['', 'items', 'tags', 'tags/a', 'tags/b']);
  });
});

describe('exportSite with a spare tree', () => {
  it('publishes, build after build, exactly the tree a fresh export writes, and keeps the replaced tree as the next spare', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    for (const [round, items] of ROUNDS.entries()) {
      const { spareHeld } = await build(parent, items);
      expect(treeFiles(join(parent, 'feeds')), `round ${round}`).toEqual(await plansOf(items).expected(parent));
      // The first build clones its tree into the spare; later ones keep the tree they replaced.
      const previous = ROUNDS[round - 1] ?? items;
      expect(spareHeld, `round ${round}`).toBe(plansOf(previous).plans.filter((plan) => plan.status === 200).length);
    }
    expect(readdirSync(parent).sort()).toEqual(['.cache', 'feeds']);
    // A folder left empty by the deleted item's tag is removed from the tree, as a fresh export would not have it.
    expect(existsSync(join(parent, 'feeds', 'tags', 'lisbon'))).toBe(false);
  });

  it('renders nothing again when nothing changed, and leaves the spare intact', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    const first = await build(parent, ROUNDS[0]!);
    expect(first.rendered).toBeGreaterThan(0);
    const second = await build(parent, ROUNDS[0]!);
    // The stylesheet and gone page carry no inputs and are always rendered.
    expect(second.rendered).toBe(1);
    expect(treeFiles(join(parent, 'feeds'))).toEqual(await plansOf(ROUNDS[0]!).expected(parent));
  });

  it('leaves the published tree untouched when it already holds the build, unless it was changed by hand', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    await build(parent, ROUNDS[0]!);
    const published = statSync(join(parent, 'feeds')).ino;
    await build(parent, ROUNDS[0]!);
    // Not exchanged: the same folder, still holding the whole build.
    expect(statSync(join(parent, 'feeds')).ino).toBe(published);
    const expected = await plansOf(ROUNDS[0]!).expected(parent);
    expect(treeFiles(join(parent, 'feeds'))).toEqual(expected);
    unlinkSync(join(parent, 'feeds', 'rss.xml'));
    await build(parent, ROUNDS[0]!);
    expect(treeFiles(join(parent, 'feeds'))).toEqual(expected);
  });

  it('does not trust a spare changed by hand: a deleted or added file makes the next build fill it whole', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    await build(parent, ROUNDS[0]!);
    await build(parent, ROUNDS[1]!);
    // The published tree becomes the spare of the build after next: damage it now.
    unlinkSync(join(parent, 'feeds', 'rss.xml'));
    writeFileSync(join(parent, 'feeds', 'tags', 'stray.xml'), 'stray');
    for (const items of [ROUNDS[2]!, ROUNDS[1]!, ROUNDS[2]!]) {
      await build(parent, items);
      expect(treeFiles(join(parent, 'feeds'))).toEqual(await plansOf(items).expected(parent));
    }
  });

  it('drops the record before filling, so a build killed halfway leaves a spare the next build will not believe', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    await build(parent, ROUNDS[0]!);
    await build(parent, ROUNDS[1]!);
    const cache = join(parent, '.cache');
    const store = await BodyStore.open(cache);
    const taken = await (await SpareTree.open(cache, join(parent, 'feeds'), store.version))!.take();
    expect(taken.files.size).toBeGreaterThan(0);
    // Killed here, before publish (whatever it changed, even nothing yet).
    const retaken = await (await SpareTree.open(cache, join(parent, 'feeds'), store.version))!.take();
    expect(retaken.files.size).toBe(0);
    expect(readdirSync(retaken.dir)).toEqual([]);
  });

  it('does not trust a spare of another store version (its compressed siblings may differ)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    await build(parent, ROUNDS[0]!);
    const cache = join(parent, '.cache');
    const taken = await (await SpareTree.open(cache, join(parent, 'feeds'), 'another version'))!.take();
    expect(taken.files.size).toBe(0);
  });

  it('takes over from a tree written another way, whose folder it has no record of', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-spare-'));
    await build(parent, ROUNDS[0]!);
    await build(parent, ROUNDS[1]!);
    // Another export (no store) replaces the published tree: its inode is new.
    const { plans } = plansOf(ROUNDS[2]!);
    await exportSite(plans, join(parent, 'feeds'));
    for (const items of [ROUNDS[3]!, ROUNDS[0]!]) {
      await build(parent, items);
      expect(treeFiles(join(parent, 'feeds'))).toEqual(await plansOf(items).expected(parent));
    }
  });
});
