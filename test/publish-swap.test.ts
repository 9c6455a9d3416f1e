import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exchangePaths, recoverInterrupted, swapIn, type Exchange } from '../src/publish/swap.js';

/** A folder `name` in a fresh parent, holding rss.xml with `text`. */
function tree(parent: string, name: string, text: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rss.xml'), text);
  return dir;
}

const read = (dir: string): string => readFileSync(join(dir, 'rss.xml'), 'utf8');

describe('exchangePaths', () => {
  it('swaps two non-empty folders in one step on this machine (Linux renameat2 through python3)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    const a = tree(parent, 'a', 'A');
    const b = tree(parent, 'b', 'B');
    expect(await exchangePaths(a, b)).toBe(true);
    expect([read(a), read(b)]).toEqual(['B', 'A']);
  });
  it('answers false, touching nothing, when a path is missing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    const a = tree(parent, 'a', 'A');
    expect(await exchangePaths(a, join(parent, 'missing'))).toBe(false);
    expect(read(a)).toBe('A');
  });
});

describe('swapIn', () => {
  it('moves the staging folder in when there is no previous tree', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    await swapIn(tree(parent, 'feeds.tmp-1', 'new'), join(parent, 'feeds'));
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(read(join(parent, 'feeds'))).toBe('new');
  });
  it('replaces a previous tree by exchange, so feeds/ exists at every instant, and removes the old tree', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    const out = tree(parent, 'feeds', 'old');
    const seen: boolean[] = [];
    const watching: Exchange = async (a, b) => {
      seen.push(existsSync(out));
      const done = await exchangePaths(a, b);
      seen.push(existsSync(out));
      return done;
    };
    await swapIn(tree(parent, 'feeds.tmp-1', 'new'), out, { exchange: watching });
    expect(seen).toEqual([true, true]);
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(read(out)).toBe('new');
  });
  it('falls back to two renames when the system cannot exchange, with the same result', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    const out = tree(parent, 'feeds', 'old');
    await swapIn(tree(parent, 'feeds.tmp-1', 'new'), out, { exchange: async () => false });
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(read(out)).toBe('new');
  });
});

describe('recoverInterrupted', () => {
  it('puts a parked old tree back when the output folder is missing (killed between the fallback renames)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    tree(parent, 'feeds.old-123', 'previous');
    tree(parent, 'feeds.tmp-456', 'half');
    await recoverInterrupted(join(parent, 'feeds'));
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(read(join(parent, 'feeds'))).toBe('previous');
  });
  it('drops staging folders and parked trees when the output folder is there', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wf-swap-'));
    tree(parent, 'feeds', 'current');
    tree(parent, 'feeds.old-123', 'previous');
    tree(parent, 'feeds.tmp-456', 'exchanged out');
    await recoverInterrupted(join(parent, 'feeds'));
    expect(readdirSync(parent)).toEqual(['feeds']);
    expect(read(join(parent, 'feeds'))).toBe('current');
  });
});
