import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileDigests } from '../src/build/file-digests.js';
import { digestOf, readSeeds, type ReadResult, type SeedDigests } from '../src/ingest/read.js';
import { ingestDocument } from '../src/ingest/index.js';

function git(cwd: string, date: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    stdio: 'ignore',
  });
}

describe('readSeeds', () => {
  it('reads documents in sorted order with sidecars, skipping dotfiles and sidecars themselves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.txt'), 'B\n\nBody.');
    writeFileSync(join(dir, 'sub', 'a.txt'), 'A\n\nBody.');
    writeFileSync(join(dir, 'b.meta.yaml'), 'author: Ana\n');
    writeFileSync(join(dir, '.hidden.txt'), 'H\n\nBody.');
    const read = await readSeeds(dir);
    expect(read.documents.map((d) => d.path)).toEqual(['b.txt', 'sub/a.txt']);
    expect(read.documents[0]?.sidecar).toEqual({ author: 'Ana' });
  });
  it('reads many documents at once yet reports documents and failures in path order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    const outside = mkdtempSync(join(tmpdir(), 'wf-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'Secret\n\nBody.');
    // More documents than are read at once, with failures spread among them.
    const names = Array.from({ length: 100 }, (_, i) => `${String(99 - i).padStart(3, '0')}.txt`);
    for (const name of names) {
      if (Number.parseInt(name, 10) % 7 === 3) symlinkSync(join(outside, 'secret.txt'), join(dir, name));
      else writeFileSync(join(dir, name), `${name}\n\nBody.`);
    }
    writeFileSync(join(dir, '011.meta.json'), '{"author":"Ana"}');
    const read = await readSeeds(dir);
    const sorted = [...names].sort();
    expect(read.documents.map((d) => d.path)).toEqual(sorted.filter((name) => Number.parseInt(name, 10) % 7 !== 3));
    expect(read.documents.map((d) => d.bytes.toString('utf8').split('\n')[0])).toEqual(read.documents.map((d) => d.path));
    expect(read.failures.map((f) => f.path)).toEqual(sorted.filter((name) => Number.parseInt(name, 10) % 7 === 3));
    expect(read.documents.find((d) => d.path === '011.txt')?.sidecar).toEqual({ author: 'Ana' });
    expect(read.documents.filter((d) => d.sidecar)).toHaveLength(1);
  });
  it('refuses symlinks that leave the folder and names them', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'wf-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'Secret\n\nBody.');
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
    const read = await readSeeds(dir);
    expect(read.documents).toEqual([]);
    expect(read.failures).toEqual([{ path: 'link.txt', reason: 'is a symlink to a file outside the seeds folder' }]);
  });
  it('dates from git: first commit publishes, a later commit updates, an uncommitted edit updates at its mtime; deletions are remembered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-git-'));
    git(dir, '2024-01-01T00:00:00Z', 'init', '-q');
    writeFileSync(join(dir, 'kept.txt'), 'Kept\n\nFirst version.');
    writeFileSync(join(dir, 'edited.txt'), 'Edited\n\nFirst version.');
    writeFileSync(join(dir, 'dirty.txt'), 'Dirty\n\nFirst version.');
    writeFileSync(join(dir, 'gone_0123456789abcdef.txt'), 'Gone\n\nBody.');
    git(dir, '2024-01-01T00:00:00Z', 'add', '.');
    git(dir, '2024-01-01T00:00:00Z', 'commit', '-qm', 'add');
    writeFileSync(join(dir, 'edited.txt'), 'Edited\n\nSecond version.');
    rmSync(join(dir, 'gone_0123456789abcdef.txt'));
    git(dir, '2024-02-01T00:00:00Z', 'commit', '-qam', 'edit and delete');
    writeFileSync(join(dir, 'dirty.txt'), 'Dirty\n\nUncommitted edit.');
    utimesSync(join(dir, 'dirty.txt'), new Date('2024-03-01T00:00:00Z'), new Date('2024-03-01T00:00:00Z'));
    const read = await readSeeds(dir);
    const dated = Object.fromEntries(read.documents.map((raw) => {
      const doc = ingestDocument(raw);
      return [raw.path, [doc.dateSource, doc.date.toISOString().slice(0, 10), doc.updated.toISOString().slice(0, 10)]];
    }));
    expect(dated).toEqual({
      'dirty.txt': ['git', '2024-01-01', '2024-03-01'],
      'edited.txt': ['git', '2024-01-01', '2024-02-01'],
      'kept.txt': ['git', '2024-01-01', '2024-01-01'],
    });
    expect(read.deleted).toEqual(['gone_0123456789abcdef.txt']);
  });

  it("in a watcher's reading, keeps git's history while HEAD stays, asks git only about the changed paths, and reads it whole after a commit", async () => {
    const repo = mkdtempSync(join(tmpdir(), 'wf-git-'));
    git(repo, '2024-01-01T00:00:00Z', 'init', '-q');
    // The seeds folder below the repository's root: git names paths from the root.
    const dir = join(repo, 'seeds');
    mkdirSync(dir);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(join(dir, name), `${name}\n\nFirst version.`);
    git(repo, '2024-01-01T00:00:00Z', 'add', '.');
    git(repo, '2024-01-01T00:00:00Z', 'commit', '-qm', 'add');
    const dirtyOf = (read: ReadResult) => Object.fromEntries(read.documents.map((doc) => [doc.path, doc.dirty ?? false]));
    const first = await readSeeds(dir);
    expect(first.git?.head).toMatch(/^[0-9a-f]{40}$/);
    writeFileSync(join(dir, 'b.txt'), 'b.txt\n\nAn edit the watcher reports.');
    // Not reported: the watcher's reading trusts what the watcher names, for git as for the bytes.
    writeFileSync(join(dir, 'c.txt'), 'c.txt\n\nAn edit the watcher missed.');
    const second = await readSeeds(dir, { previous: first, changed: new Set(['b.txt']) });
    expect(dirtyOf(second)).toEqual({ 'a.txt': false, 'b.txt': true, 'c.txt': false });
    git(repo, '2024-02-01T00:00:00Z', 'commit', '-qam', 'edits');
    const third = await readSeeds(dir, { previous: second, changed: new Set() });
    expect(third.git?.head).not.toBe(first.git?.head);
    expect(dirtyOf(third)).toEqual({ 'a.txt': false, 'b.txt': false, 'c.txt': false });
    expect(third.documents.find((doc) => doc.path === 'b.txt')!.gitUpdated).toEqual(new Date('2024-02-01T00:00:00Z'));
  });

  it('with what changed since a reading, reads again only changed files, their sidecars and folders, and sees additions and deletions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    mkdirSync(join(dir, 'sub'));
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'gone.txt', 'sub/d.txt', 'sub/e.txt']) writeFileSync(join(dir, name), `${name}\n\nBody.`);
    const first = await readSeeds(dir);
    writeFileSync(join(dir, 'a.txt'), 'A again\n\nBody.');
    writeFileSync(join(dir, 'b.meta.json'), '{"author":"Ana"}');
    writeFileSync(join(dir, 'new.txt'), 'New\n\nBody.');
    rmSync(join(dir, 'gone.txt'));
    // An edit the watcher did not report is not read again: the reading says what the watcher heard.
    writeFileSync(join(dir, 'c.txt'), 'C unheard\n\nBody.');
    const since = { previous: first, changed: new Set(['a.txt', 'b.meta.json', 'new.txt', 'gone.txt', 'sub']) };
    const second = await readSeeds(dir, since);
    const byPath = (read: typeof first) => new Map(read.documents.map((d) => [d.path, d]));
    const [before, after] = [byPath(first), byPath(second)];
    expect([...after.keys()]).toEqual(['a.txt', 'b.txt', 'c.txt', 'new.txt', 'sub/d.txt', 'sub/e.txt']);
    expect(after.get('c.txt')).toBe(before.get('c.txt'));
    for (const path of ['a.txt', 'b.txt', 'sub/d.txt', 'sub/e.txt']) expect(after.get(path), path).not.toBe(before.get(path));
    expect(Buffer.from(after.get('a.txt')!.bytes).toString()).toContain('A again');
    expect(after.get('b.txt')!.sidecar).toEqual({ author: 'Ana' });
    // Without what changed, everything is read.
    expect(Buffer.from(byPath(await readSeeds(dir)).get('c.txt')!.bytes).toString()).toContain('C unheard');
  });

  it("with what changed since a reading, takes the folder's files from the last reading and the named paths, unless a named path is a folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    mkdirSync(join(dir, 'sub'));
    for (const name of ['a.txt', 'b.txt', 'sub/c.txt']) writeFileSync(join(dir, name), `${name}\n\nBody.`);
    const first = await readSeeds(dir);
    const paths = (read: ReadResult): string[] => read.documents.map((doc) => doc.path);
    // A file the watcher did not name is not listed: the folder is not listed again.
    writeFileSync(join(dir, 'unheard.txt'), 'Unheard\n\nBody.');
    writeFileSync(join(dir, 'added.txt'), 'Added\n\nBody.');
    rmSync(join(dir, 'a.txt'));
    // An editor's temporary file that came and went, and a hidden file, change nothing.
    const second = await readSeeds(dir, { previous: first, changed: new Set(['added.txt', 'a.txt', 'b.txt.tmp', '.swp']) });
    expect(paths(second)).toEqual(['added.txt', 'b.txt', 'sub/c.txt']);
    expect(second.failures).toEqual([]);
    expect(second.documents[1]).toBe(first.documents[1]);
    // A folder deleted: its documents go, without a failure.
    rmSync(join(dir, 'sub'), { recursive: true });
    const third = await readSeeds(dir, { previous: second, changed: new Set(['sub']) });
    expect(paths(third)).toEqual(['added.txt', 'b.txt', 'unheard.txt']);
    expect(third.failures).toEqual([]);
    // A folder added: it is listed.
    mkdirSync(join(dir, 'new'));
    writeFileSync(join(dir, 'new', 'd.txt'), 'D\n\nBody.');
    const fourth = await readSeeds(dir, { previous: third, changed: new Set(['new']) });
    expect(paths(fourth)).toEqual(['added.txt', 'b.txt', 'new/d.txt', 'unheard.txt']);
    // A folder replaced by a file of the same name: the folder's documents go.
    rmSync(join(dir, 'new'), { recursive: true });
    writeFileSync(join(dir, 'new'), 'New\n\nA file now.');
    const fifth = await readSeeds(dir, { previous: fourth, changed: new Set(['new']) });
    expect(paths(fifth)).toEqual(['added.txt', 'b.txt', 'new', 'unheard.txt']);
    expect(fifth.failures).toEqual([]);
    // Nothing added or gone: the named document is read again, the others are kept as they were.
    writeFileSync(join(dir, 'b.txt'), 'B again\n\nBody.');
    writeFileSync(join(dir, 'added.txt'), 'Added, unheard\n\nBody.');
    const sixth = await readSeeds(dir, { previous: fifth, changed: new Set(['b.txt']) });
    expect(paths(sixth)).toEqual(paths(fifth));
    expect(Buffer.from(sixth.documents[1]!.bytes).toString()).toContain('B again');
    expect(sixth.documents[0]).toBe(fifth.documents[0]);
    // A named document that now fails is left out, in its place; once fixed, it is read back.
    writeFileSync(join(dir, 'new'), Buffer.alloc(6 * 1024 * 1024, 'a'));
    const seventh = await readSeeds(dir, { previous: sixth, changed: new Set(['new']) });
    expect(paths(seventh)).toEqual(['added.txt', 'b.txt', 'unheard.txt']);
    expect(seventh.failures.map((failure) => failure.path)).toEqual(['new']);
    writeFileSync(join(dir, 'new'), 'New\n\nFixed.');
    const eighth = await readSeeds(dir, { previous: seventh, changed: new Set(['new']) });
    expect(paths(eighth)).toEqual(['added.txt', 'b.txt', 'new', 'unheard.txt']);
    expect(eighth.failures).toEqual([]);
  });

  it('with what changed since a reading, reads a linked document again even when only its target was named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-read-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'real.md'), '# Real\n\nFirst.');
    symlinkSync('src/real.md', join(dir, 'link.md'));
    const first = await readSeeds(dir);
    writeFileSync(join(dir, 'src', 'real.md'), '# Real\n\nSecond.');
    // A folder watcher hears the target's folder, not the link.
    const second = await readSeeds(dir, { previous: first, changed: new Set(['src/real.md']) });
    expect(Buffer.from(second.documents.find((d) => d.path === 'link.md')!.bytes).toString()).toContain('Second');
  });
});

describe('readSeeds with digests', () => {
  const OLD = new Date('2020-01-01T00:00:00Z');
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wf-read-'));
    for (const test of ['lazy', 'changed', 'again', 'pipe']) mkdirSync(join(root, test));
    for (const test of ['lazy', 'pipe']) writeFileSync(join(root, test, 'a.txt'), 'A\n\nBody.');
    writeFileSync(join(root, 'changed', 'a.txt'), 'A\n\nBody.');
    for (const name of ['same.txt', 'sidecar.txt']) writeFileSync(join(root, 'again', name), `${name}\n\nBody.`);
    writeFileSync(join(root, 'again', 'sidecar.meta.json'), '{"author":"Ana"}');
    // A file is trusted by its stat only when it had not changed (ctime included) just before it was read.
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(join(root, 'again', 'fresh.txt'), 'fresh.txt\n\nBody.');
  });
  /** Two readings with digests; `trusted`: the paths the second took by their stat, unread. */
  async function twice(dir: string): Promise<{ first: ReadResult; second: ReadResult; trusted: string[] }> {
    const cache = join(dir, '..', `cache-${Math.random()}`);
    const before = await FileDigests.open(cache);
    const first = await readSeeds(dir, undefined, before);
    await before.save();
    const digests = await FileDigests.open(cache);
    const trusted: string[] = [];
    const spy: SeedDigests = {
      digestOf: (path, stats) => {
        const digest = digests.digestOf(path, stats);
        if (digest) trusted.push(path);
        return digest;
      },
      remember: (...args) => digests.remember(...args),
    };
    return { first, second: await readSeeds(dir, undefined, spy), trusted };
  }
  // Bytes read from the file on each use are a getter, of the document's class.
  const lazy = (document: object | undefined): boolean => !Object.getOwnPropertyDescriptor(document, 'bytes') && 'bytes' in document!;

  it('does not read a file unchanged since the last reading until its bytes are wanted, and then they are the same', async () => {
    const { first, second, trusted } = await twice(join(root, 'lazy'));
    const [before, after] = [first.documents[0]!, second.documents[0]!];
    expect(trusted).toEqual(['a.txt']);
    expect(lazy(after)).toBe(true);
    expect(after.digest).toBe(digestOf(Buffer.from('A\n\nBody.')));
    expect(after.digest).toBe(before.digest);
    expect(after.mtime).toEqual(before.mtime);
    expect(Buffer.from(after.bytes).toString()).toBe('A\n\nBody.');
    expect(ingestDocument(after).title).toBe(ingestDocument(before).title);
  });

  it('holds the bytes it read up to a budget: past it, each use reads the file again, and a file changed since fails', async () => {
    const dir = join(root, 'held');
    mkdirSync(dir);
    for (const name of ['a.txt', 'b.txt']) writeFileSync(join(dir, name), `${name}\n\nBody.`);
    // A budget for one of the two files.
    const read = await readSeeds(dir, undefined, await FileDigests.open(join(root, 'held-cache')), 12);
    for (const name of ['a.txt', 'b.txt']) writeFileSync(join(dir, name), `${name}\n\nLater.`);
    const uses = read.documents.map((document) => {
      try {
        return Buffer.from(document.bytes).toString();
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(uses.sort()).toEqual([expect.stringMatching(/^[ab]\.txt\n\nBody\.$/), expect.stringMatching(/changed while the build read it/)]);
    expect(read.documents.every(lazy)).toBe(true);
    // Without digests (watch mode keeps last good versions), the bytes read are the document's own.
    const [held] = (await readSeeds(dir)).documents;
    expect(lazy(held)).toBe(false);
    expect(Buffer.from(held!.bytes).toString()).toBe('a.txt\n\nLater.');
  });

  it('fails only that document when the file changed after its stat but before its bytes were read', async () => {
    const dir = join(root, 'changed');
    const { mtime } = statSync(join(dir, 'a.txt'));
    const { second, trusted } = await twice(dir);
    expect(trusted).toEqual(['a.txt']);
    // Same size and mtime put back: only the digest can tell.
    writeFileSync(join(dir, 'a.txt'), 'B\n\nBody.');
    utimesSync(join(dir, 'a.txt'), mtime, mtime);
    expect(() => second.documents[0]!.bytes).toThrow(/changed while the build read it/);
  });

  it('refuses, without waiting, a file swapped for a named pipe after its stat', async () => {
    const dir = join(root, 'pipe');
    const { second } = await twice(dir);
    rmSync(join(dir, 'a.txt'));
    execFileSync('mkfifo', [join(dir, 'a.txt')]);
    expect(() => second.documents[0]!.bytes).toThrow(/changed while the build read it/);
  });

  it('reads again a file with a sidecar and one written just before its reading', async () => {
    const { second, trusted } = await twice(join(root, 'again'));
    expect(trusted).toEqual(['same.txt']);
    expect(second.documents.find((d) => d.path === 'sidecar.txt')?.sidecar).toEqual({ author: 'Ana' });
  });
});
