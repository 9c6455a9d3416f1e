import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EnrichContext } from '../enrich-document.js';
import type { Item } from '../types.js';
import { codeVersion } from './code-version.js';
import { checkedAmong, type DocumentFacts } from './documents.js';
import { readItemShard, SpilledBodies, writeItemShard } from './item-shard.js';
import { dropOtherVersions } from './stored-map.js';

/**
 * Enriched items by content hash, kept in a dot-folder between builds so an
 * unchanged document costs no normalizing, tagging or classifying. Deleting
 * the folder is always safe: it only makes the next build cold.
 *
 * A key covers everything an item is computed from: the raw document and
 * what ingest reads besides (see DocumentCache), the corpus-level boilerplate lines it contains,
 * the rules and enrich options, and the enrichment code and dependency versions — so a
 * hit gives exactly the item a cold build would.
 */
export class ItemCache {
  // Each shard is read and decoded once, on its first lookup.
  private readonly shards = new Map<string, Map<string, Item>>();
  private used = new Map<string, Map<string, Item>>();
  /** The corpus's repeated lines at the last keysOf: an equal set in the next build is this same object. */
  private repeated: ReadonlySet<string> = new Set();
  /** Each document's key, by its facts (kept by the document cache while the file is unchanged), for the `repeated` it was made with. */
  private readonly keys = new WeakMap<DocumentFacts, { documentKey: string; repeated: ReadonlySet<string>; key: string }>();

  private constructor(
    private readonly dir: string,
    private readonly salt: string,
  ) {}

  /**
   * Opens (or starts) the cache for this code and these rules under `root`,
   * e.g. ".wirefeed-cache"; `reuse`, the cache of this process's last build,
   * is kept when it is for the same folder and rules (its shards stay decoded).
   */
  static open(root: string, context: EnrichContext, reuse?: ItemCache): ItemCache {
    const salt = createHash('sha256').update(codeVersion(['enrich-document.js'])).update(contextFingerprint(context)).digest('hex').slice(0, 16);
    const dir = join(root, 'items');
    return reuse && reuse.dir === dir && reuse.salt === salt ? reuse : new ItemCache(dir, salt);
  }

  /**
   * The key of one document's item: `documentKey` covers the raw document
   * (DocumentCache.keyOf), `repeatedLines` the lineHash of each corpus-level
   * repeated line it contains, which the normalizer removes.
   */
  keyOf(documentKey: string, repeatedLines: readonly string[]): string {
    const hash = createHash('sha256').update(this.salt).update(documentKey);
    for (const line of [...repeatedLines].sort()) hash.update(`\0${line}`);
    return hash.digest('hex');
  }

  /**
   * keyOf for each document, given the lineHash of every corpus-level
   * repeated line. A long-lived process (watch mode) keys again only the
   * documents that changed, unless the repeated lines did: at 10k, keying
   * took about 26 ms of each watch rebuild, and 4 ms this way.
   */
  keysOf(documents: readonly { documentKey: string; facts: DocumentFacts }[], repeatedLines: ReadonlySet<string>): string[] {
    if (!sameMembers(this.repeated, repeatedLines)) this.repeated = repeatedLines;
    const repeated = this.repeated;
    return documents.map(({ documentKey, facts }) => {
      const known = this.keys.get(facts);
      if (known && known.documentKey === documentKey && known.repeated === repeated) return known.key;
      const key = this.keyOf(documentKey, repeated.size === 0 ? [] : checkedAmong(facts, repeated));
      this.keys.set(facts, { documentKey, repeated, key });
      return key;
    });
  }

  get(key: string): Item | undefined {
    const item = this.shard(key).get(key);
    if (item) this.remember(key, item);
    return item;
  }

  set(key: string, item: Item): void {
    this.remember(key, item);
  }

  /** A file for the bodies of the items a build makes, in the build cache folder (see SpilledBodies). */
  spill(): SpilledBodies {
    const root = dirname(this.dir);
    mkdirSync(root, { recursive: true });
    return SpilledBodies.open(root);
  }

  /**
   * Writes what this build used and drops the rest, so the folder holds one
   * corpus, not every version ever built. Only shards whose entries changed
   * are rewritten, each atomically (a concurrent build sees old or new).
   */
  async save(): Promise<void> {
    const used = this.used;
    this.used = new Map();
    const dir = join(this.dir, this.salt);
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) if (!used.has(name.slice(0, 2))) await rm(join(dir, name), { force: true });
    for (const [shard, entries] of used) {
      const stored = this.shard(shard);
      if (stored.size === entries.size && [...entries.keys()].every((key) => stored.has(key))) continue;
      await writeItemShard(join(dir, shard), entries);
      this.shards.set(shard, entries);
    }
    await dropOtherVersions(this.dir, this.salt);
  }

  private remember(key: string, item: Item): void {
    const shard = key.slice(0, 2);
    const entries = this.used.get(shard) ?? new Map<string, Item>();
    entries.set(key, item);
    this.used.set(shard, entries);
  }

  private shard(key: string): Map<string, Item> {
    const name = key.slice(0, 2);
    let entries = this.shards.get(name);
    if (!entries) {
      entries = readItemShard(join(this.dir, this.salt, name));
      this.shards.set(name, entries);
    }
    return entries;
  }
}

function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const member of a) if (!b.has(member)) return false;
  return true;
}

/** Rules hold RegExps, which JSON would write as {}. */
function contextFingerprint(context: EnrichContext): string {
  return JSON.stringify([context.rules, context.enrichOptions], (_key, value: unknown) => (value instanceof RegExp ? `/${value.source}/${value.flags}` : value));
}
