import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchTree } from '../src/publish/watch-tree.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A watched temporary folder and the paths its watcher reported, in order. */
function watched(setup: (root: string) => void = () => undefined) {
  const root = mkdtempSync(join(tmpdir(), 'wirefeed-watch-tree-'));
  setup(root);
  const heard: (string | null)[] = [];
  const errors: Error[] = [];
  const watcher = watchTree(root, (path) => heard.push(path), (error) => errors.push(error));
  const until = async (path: string) => {
    for (let i = 0; i < 200 && !heard.includes(path); i++) await wait(10);
    expect(heard).toContain(path);
  };
  open.push(() => {
    watcher.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, heard, errors, until };
}
const open: (() => void)[] = [];
afterEach(() => open.splice(0).forEach((close) => close()));

describe('watchTree', () => {
  it('reports files changed in the folder and in its sub-folders by their relative paths', async () => {
    const { root, until, errors } = watched((dir) => {
      mkdirSync(join(dir, 'world', 'europe'), { recursive: true });
      writeFileSync(join(dir, 'a.txt'), 'A');
      writeFileSync(join(dir, 'world', 'europe', 'b.md'), 'B');
    });
    appendFileSync(join(root, 'a.txt'), ' more');
    await until('a.txt');
    appendFileSync(join(root, 'world', 'europe', 'b.md'), ' more');
    await until('world/europe/b.md');
    writeFileSync(join(root, 'world', 'c.txt'), 'C');
    await until('world/c.txt');
    expect(errors).toEqual([]);
  });

  it('watches a folder that appears, and one that comes back after it was deleted', async () => {
    const { root, heard, until } = watched();
    mkdirSync(join(root, 'new'));
    await until('new');
    writeFileSync(join(root, 'new', 'x.txt'), 'X');
    await until('new/x.txt');
    rmSync(join(root, 'new'), { recursive: true });
    heard.length = 0;
    await until('new');
    mkdirSync(join(root, 'new', 'deeper'), { recursive: true });
    await wait(50);
    writeFileSync(join(root, 'new', 'deeper', 'y.txt'), 'Y');
    await until('new/deeper/y.txt');
  });

  it('watches a folder replaced at once, or another moved into its place, and not the one moved away', async () => {
    const { root, heard, until } = watched((dir) => {
      mkdirSync(join(dir, 'world'));
      mkdirSync(join(dir, 'next'));
    });
    // Deleted and made again before the watcher hears of it.
    rmSync(join(root, 'world'), { recursive: true });
    mkdirSync(join(root, 'world'));
    await until('world');
    await wait(50);
    writeFileSync(join(root, 'world', 'a.md'), 'A');
    await until('world/a.md');
    // Swapped: the old folder moves away, another takes its name.
    renameSync(join(root, 'world'), join(root, 'world-old'));
    renameSync(join(root, 'next'), join(root, 'world'));
    await until('world-old');
    await wait(50);
    heard.length = 0;
    writeFileSync(join(root, 'world', 'c.md'), 'C');
    await until('world/c.md');
    writeFileSync(join(root, 'world-old', 'd.md'), 'D');
    await until('world-old/d.md');
    expect(heard).not.toContain('world/d.md');
  });

  it('does not follow a link to a folder, as the seeds reader does not', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'wirefeed-watch-tree-outside-'));
    mkdirSync(join(outside, 'deep'));
    const { root, heard, until } = watched();
    symlinkSync(outside, join(root, 'linked'));
    await until('linked');
    writeFileSync(join(outside, 'deep', 'x.txt'), 'X');
    writeFileSync(join(root, 'seen.txt'), 'S');
    await until('seen.txt');
    await wait(50);
    expect(heard.filter((path) => path?.startsWith('linked/'))).toEqual([]);
    rmSync(outside, { recursive: true });
  });

  it('does not watch hidden folders, which the seeds reader skips', async () => {
    const { root, heard, until } = watched((dir) => mkdirSync(join(dir, '.git')));
    writeFileSync(join(root, '.git', 'index'), 'I');
    writeFileSync(join(root, 'seen.txt'), 'S');
    await until('seen.txt');
    expect(heard.filter((path) => path?.startsWith('.git/'))).toEqual([]);
  });

  it('stops reporting once closed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wirefeed-watch-tree-'));
    const heard: (string | null)[] = [];
    watchTree(root, (path) => heard.push(path), () => undefined).close();
    writeFileSync(join(root, 'late.txt'), 'L');
    await wait(100);
    expect(heard).toEqual([]);
    rmSync(root, { recursive: true });
  });
});
