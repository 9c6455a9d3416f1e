import { mkdtempSync, statSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDigests } from '../src/build/file-digests.js';

const OLD = new Date('2020-01-01T00:00:00Z');
/** A reading well after the files' last change (writing them here set their ctime to now). */
const LATER = (): number => Date.now() + 10_000;

function file(dir: string, name: string, text: string, mtime = OLD): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  utimesSync(path, mtime, mtime);
  return path;
}

describe('FileDigests', () => {
  it('gives back a digest only for a file whose size, times and inode are those it was read with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-digests-'));
    const a = file(dir, 'a.txt', 'Alpha');
    const first = await FileDigests.open(join(dir, '.cache'));
    first.remember('a.txt', statSync(a), 'digest-a', LATER());
    await first.save();
    const second = await FileDigests.open(join(dir, '.cache'));
    expect(second.digestOf('a.txt', statSync(a))).toBe('digest-a');
    expect(second.digestOf('b.txt', statSync(a))).toBeUndefined();
    // Same size, another mtime; then another size with the old mtime put back.
    file(dir, 'a.txt', 'Alpho', new Date('2020-01-02T00:00:00Z'));
    expect(second.digestOf('a.txt', statSync(a))).toBeUndefined();
    file(dir, 'a.txt', 'Alpha, longer');
    expect(second.digestOf('a.txt', statSync(a))).toBeUndefined();
  });

  it('does not trust a file that changed just before its reading: a second write could keep its times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-digests-'));
    const fresh = file(dir, 'fresh.txt', 'Just written', new Date());
    const digests = await FileDigests.open(join(dir, '.cache'));
    digests.remember('fresh.txt', statSync(fresh), 'digest', Date.now());
    await digests.save();
    expect((await FileDigests.open(join(dir, '.cache'))).digestOf('fresh.txt', statSync(fresh))).toBeUndefined();
  });

  it('allows a tenth of a second between change and reading where times are finer than a second, two seconds where they are whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-digests-'));
    const stats = (changed: number) => ({ ...statSync(file(dir, 'a.txt', 'Alpha')), size: 5, ino: 1, mtimeMs: changed, ctimeMs: changed }) as Stats;
    const trusted = async (changed: number, readAt: number): Promise<boolean> => {
      const cache = join(dir, `.cache-${changed}-${readAt}`);
      const digests = await FileDigests.open(cache);
      digests.remember('a.txt', stats(changed), 'digest', readAt);
      await digests.save();
      return (await FileDigests.open(cache)).digestOf('a.txt', stats(changed)) === 'digest';
    };
    const fine = 1_700_000_000_123.456;
    expect([await trusted(fine, fine + 50), await trusted(fine, fine + 500)]).toEqual([false, true]);
    const whole = 1_700_000_000_000;
    expect([await trusted(whole, whole + 1500), await trusted(whole, whole + 2500)]).toEqual([false, true]);
  });

  it('keeps the files of the last reading only, and writes nothing when nothing changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-digests-'));
    const cache = join(dir, '.cache');
    const a = file(dir, 'a.txt', 'Alpha');
    const b = file(dir, 'b.txt', 'Beta');
    const first = await FileDigests.open(cache);
    first.remember('a.txt', statSync(a), 'digest-a', LATER());
    first.remember('b.txt', statSync(b), 'digest-b', LATER());
    await first.save();
    const written = statSync(join(cache, 'files.v8')).mtimeMs;
    const same = await FileDigests.open(cache);
    same.digestOf('a.txt', statSync(a));
    same.digestOf('b.txt', statSync(b));
    await same.save();
    expect(statSync(join(cache, 'files.v8')).mtimeMs).toBe(written);
    // b.txt is no longer read (deleted): it is forgotten.
    const fewer = await FileDigests.open(cache);
    fewer.digestOf('a.txt', statSync(a));
    await fewer.save();
    const last = await FileDigests.open(cache);
    expect(last.digestOf('a.txt', statSync(a))).toBe('digest-a');
    expect(last.digestOf('b.txt', statSync(b))).toBeUndefined();
  });

  it('without a cache folder, remembers nothing between readings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-digests-'));
    const a = file(dir, 'a.txt', 'Alpha');
    const digests = await FileDigests.open();
    digests.remember('a.txt', statSync(a), 'digest-a', LATER());
    await digests.save();
    expect((await FileDigests.open()).digestOf('a.txt', statSync(a))).toBeUndefined();
  });
});
