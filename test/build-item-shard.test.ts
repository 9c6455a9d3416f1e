import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readItemShard, writeItemShard } from '../src/build/item-shard.js';
import type { Item } from '../src/types.js';
import { makeItem, withBody } from './support/items.js';

function shardOf(...items: Item[]): Map<string, Item> {
  return new Map(items.map((item) => [item.key, item]));
}

describe('item shard files', () => {
  const a = makeItem('a', { contentHtml: '<p>Ünïcode — “quoted” 東京</p>', contentText: 'Ünïcode — “quoted” 東京' });
  const b = makeItem('b', { tags: [{ name: 'Geneva', kind: 'place' }, { name: 'NATO', kind: 'organization' }] });

  it('give back every item, dates and bodies included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wf-shard-')), 'aa');
    await writeItemShard(file, shardOf(a, b));
    const back = readItemShard(file);
    expect([...back.keys()]).toEqual(['a', 'b']);
    expect(withBody(back.get('a')!)).toEqual(a);
    expect(withBody(back.get('b')!)).toEqual(b);
    expect(back.get('a')!.published).toBeInstanceOf(Date);
  });

  it('leave bodies on disk until read, and read them from the file as it was opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-shard-'));
    const file = join(dir, 'aa');
    await writeItemShard(file, shardOf(a, b));
    const back = readItemShard(file);
    // The bodies are not own data of the item: a copy of its fields carries none.
    expect(Object.keys(back.get('a')!)).not.toContain('contentHtml');
    // A later build replaces the file, then the cache folder is deleted.
    await writeItemShard(file, shardOf(makeItem('a', { contentHtml: '<p>Other</p>' })));
    rmSync(dir, { recursive: true });
    expect(back.get('a')!.contentHtml).toBe(a.contentHtml);
    expect(back.get('b')!.contentText).toBe(b.contentText);
  });

  it('write items read from another shard file with their bodies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-shard-'));
    await writeItemShard(join(dir, 'aa'), shardOf(a));
    const stored = readItemShard(join(dir, 'aa')).get('a')!;
    await writeItemShard(join(dir, 'bb'), shardOf(stored, b));
    expect(withBody(readItemShard(join(dir, 'bb')).get('a')!)).toEqual(a);
  });

  it('read as empty when missing, truncated, padded or in another format, so the cache only misses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-shard-'));
    const file = join(dir, 'aa');
    expect(readItemShard(file).size).toBe(0);
    await writeItemShard(file, shardOf(a, b));
    const whole = readFileSync(file);
    truncateSync(file, statSync(file).size - 1);
    expect(readItemShard(file).size).toBe(0);
    writeFileSync(file, Buffer.concat([whole, Buffer.from('x')]));
    expect(readItemShard(file).size).toBe(0);
    writeFileSync(file, whole.subarray(0, 6));
    expect(readItemShard(file).size).toBe(0);
    writeFileSync(file, Buffer.concat([Buffer.from('WFI0'), whole.subarray(4)]));
    expect(readItemShard(file).size).toBe(0);
    writeFileSync(file, whole);
    expect(readItemShard(file).size).toBe(2);
  });
});
