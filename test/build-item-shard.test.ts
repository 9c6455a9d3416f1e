import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readItemShard, SpilledBodies, writeItemShard } from '../src/build/item-shard.js';
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

  it('share one copy of the tags and section that items repeat, frozen', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wf-shard-')), 'aa');
    const tags = [{ name: 'Geneva', kind: 'place' as const }];
    await writeItemShard(file, shardOf(makeItem('a', { tags }), makeItem('b', { tags: [...tags, { name: 'NATO', kind: 'organization' }] })));
    const back = readItemShard(file);
    const [a, b] = [back.get('a')!, back.get('b')!];
    expect(a.tags[0]).toBe(b.tags[0]);
    expect(Object.isFrozen(a.tags[0])).toBe(true);
    expect(b.tags.map((tag) => tag.name)).toEqual(['Geneva', 'NATO']);
    // Spilled items share the same copies.
    expect(SpilledBodies.open(join(file, '..')).hold(makeItem('c', { tags })).tags[0]).toBe(a.tags[0]);
  });

  it('hold a body only while it is used: read again after a collection, from the file', () => {
    // In a child with the collector exposed. The shard is changed in place (a build never does) to see which bytes a read gets.
    const dir = mkdtempSync(join(tmpdir(), 'wf-shard-'));
    const script = `
      import { writeFileSync, readFileSync } from 'node:fs';
      import { readItemShard, writeItemShard } from ${JSON.stringify(fileURLToPath(new URL('../src/build/item-shard.ts', import.meta.url)))};
      const file = ${JSON.stringify(join(dir, 'aa'))};
      await writeItemShard(file, new Map([['a', { key: 'a', tags: [], contentHtml: '<p>first</p>', contentText: 'first' }]]));
      const item = readItemShard(file).get('a');
      const before = item.contentHtml;
      writeFileSync(file, readFileSync(file, 'latin1').replace('first</p>first', 'later</p>later'), 'latin1');
      const held = item.contentHtml;
      await new Promise((resolve) => setTimeout(resolve, 10));
      globalThis.gc();
      console.log(JSON.stringify([before, held, item.contentHtml]));
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['<p>first</p>', '<p>first</p>', '<p>later</p>']);
  });
});

describe('spilled bodies', () => {
  it('give back the item with its body read from a file that is already unlinked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-spill-'));
    const spill = SpilledBodies.open(dir);
    const a = makeItem('a', { contentHtml: '<p>Ünïcode — “quoted” 東京</p>', contentText: 'Ünïcode — “quoted” 東京' });
    const b = makeItem('b');
    const [heldA, heldB] = [spill.hold(a), spill.hold(b)];
    expect(readdirSync(dir)).toEqual([]);
    expect(Object.keys(heldA)).not.toContain('contentHtml');
    expect(withBody(heldB)).toEqual(b);
    expect(withBody(heldA)).toEqual(a);
  });

  it('are written again whole to a shard file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-spill-'));
    const a = makeItem('a', { contentText: 'Spilled text' });
    await writeItemShard(join(dir, 'aa'), shardOf(SpilledBodies.open(dir).hold(a)));
    expect(withBody(readItemShard(join(dir, 'aa')).get('a')!)).toEqual(a);
  });
});

