// Items over time, as a subscriber sees them across builds: one id in every format, edits that
// keep the id and published date and move `updated`, deletions that leave every feed and answer
// 410, and builds on different machines (time zone, clock, file order, mtimes) that agree byte
// for byte.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { itemUrl } from '../src/catalog/index.js';
import { readSeeds } from '../src/ingest/read.js';
import { loadRules } from '../src/normalize/index.js';
import { runPipeline, type PipelineResult } from '../src/pipeline.js';
import { FEED_FILES, type FeedFormat } from '../src/render/links.js';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { writeStatic } from '../src/publish/static.js';
import { feedEntries, type Entry } from './support/feed-entries.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'wirefeed.js');
const FORMATS = Object.keys(FEED_FILES) as FeedFormat[];
const tmp = (): string => mkdtempSync(join(tmpdir(), 'wirefeed-over-time-'));

const DOCS: Record<string, string> = {
  'harbour.md': '# Harbour reopens after the storm\n\nThe harbour of Lisbon reopened on Monday after a storm closed it for three days.\n\nFishing boats returned to sea before dawn.\n',
  'budget.md': '# Council approves budget\n\nThe city council of Geneva approved the budget for next year on Tuesday.\n\nThe vote was close, with eleven members in favour.\n',
  'rail.md': '# New rail line opens\n\nA new rail line between Madrid and Valencia opened on Wednesday, cutting the journey to ninety minutes.\n',
  'notes/school.md': '# Schools extend hours\n\nSchools in Porto will open an hour earlier from September, the education office said on Thursday.\n',
};

/** A throw-away git repository whose commits carry the given dates. */
function repo(): { dir: string; git: (args: string[], date?: string) => Promise<void> } {
  const dir = tmp();
  const git = async (args: string[], date = '2024-01-01T00:00:00Z'): Promise<void> => {
    await run('git', args, {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  };
  return { dir, git };
}

function write(dir: string, files: Record<string, string>, order: 'forward' | 'reverse' = 'forward'): void {
  const names = Object.keys(files).sort();
  for (const name of order === 'forward' ? names : names.reverse()) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), files[name]!);
  }
}

const SITE = { title: 'Wirefeed', description: 'Clean news items', url: 'http://localhost:3000', author: { name: 'Wirefeed' } };

/** A build as the CLI does it: git history read, deleted documents passed on. */
async function build(seeds: string): Promise<PipelineResult> {
  const read = await readSeeds(seeds);
  const result = runPipeline(read.documents, { site: SITE, limit: 50, rules: loadRules(), deleted: read.deleted });
  expect([...read.failures, ...result.failures]).toEqual([]);
  return result;
}

/** Every feed of the site (main, sections, tags) in one format, by path. */
function feeds(result: PipelineResult, format: FeedFormat): Map<string, Entry[]> {
  const map = new Map<string, Entry[]>();
  for (const [path, resource] of result.site) if (path.endsWith(`/${FEED_FILES[format]}`)) map.set(path, feedEntries(format, resource.body.toString('utf8')));
  return map;
}

function entryOf(result: PipelineResult, format: FeedFormat, key: string): Entry {
  const url = itemUrl(result.catalog.site, result.catalog.items.find((item) => item.key === key)!);
  return feedEntries(format, result.site.get(`/${FEED_FILES[format]}`)!.body.toString('utf8')).find((entry) => entry.link === url)!;
}

describe('an item over time', () => {
  it('has the same id string in RSS guid, Atom id and JSON Feed id, in every feed it is in', async () => {
    for (const seeds of [join(ROOT, 'seeds'), join(ROOT, 'test/fixtures/hostile')]) {
      const read = await readSeeds(seeds);
      const result = runPipeline(read.documents, { site: SITE, limit: 4, rules: loadRules() });
      const byFormat = FORMATS.map((format) => feeds(result, format));
      expect(byFormat[0]!.size).toBeGreaterThan(2);
      for (const [path] of byFormat[0]!) {
        const base = path.slice(0, -'rss.xml'.length);
        const [rss, atom, json] = FORMATS.map((format, i) => byFormat[i]!.get(base + FEED_FILES[format])!.map((entry) => entry.id));
        expect(rss, base).toEqual(atom);
        expect(json, base).toEqual(atom);
      }
      for (const item of result.catalog.main.items) expect(FORMATS.map((format) => entryOf(result, format, item.key).id)).toEqual([item.id, item.id, item.id]);
    }
  });

  it('keeps its id and published date when edited, and gets the edit commit as its updated date', async () => {
    const { dir, git } = repo();
    await git(['init', '-q']);
    write(dir, DOCS);
    await git(['add', '.']);
    await git(['commit', '-q', '-m', 'first'], '2024-01-01T08:00:00Z');
    const before = await build(dir);

    writeFileSync(join(dir, 'budget.md'), DOCS['budget.md']!.replace('Council approves budget', 'Council approves the budget').replace('eleven', 'twelve'));
    await git(['commit', '-q', '-am', 'correct the vote count'], '2024-02-15T12:30:00Z');
    const after = await build(dir);

    const item = (result: PipelineResult) => result.catalog.items.find((i) => i.key === 'budget')!;
    expect(item(after).id).toBe(item(before).id);
    expect(item(after).title).toBe('Council approves the budget');
    expect(item(after).contentText).toContain('twelve');
    for (const format of FORMATS) {
      const [old, edited] = [entryOf(before, format, 'budget'), entryOf(after, format, 'budget')];
      expect(edited.id, format).toBe(old.id);
      expect(edited.published, format).toBe(old.published);
      // The date the file was first committed, as published; the spread of shared dates may move it by whole seconds.
      expect(Date.parse('2024-01-01T08:00:00Z') - Date.parse(edited.published), format).toBeLessThan(10_000);
      if (format !== 'rss') {
        expect(old.updated, format).toBe(old.published);
        expect(edited.updated, format).toBe('2024-02-15T12:30:00.000Z');
      }
    }
    // The others did not change at all.
    for (const key of ['harbour', 'rail', 'school']) for (const format of FORMATS) expect(entryOf(after, format, key)).toEqual(entryOf(before, format, key));
    // Feed-level dates follow the newest edit.
    expect(after.site.get('/atom.xml')!.body.toString()).toContain('<updated>2024-02-15T12:30:00Z</updated>');
    expect(JSON.parse(after.site.get('/feed.json')!.body.toString()).items[0].date_modified).toBe('2024-02-15T12:30:00Z');
  });

  it('leaves every feed when deleted, and its page answers 410 Gone from the server', async () => {
    const { dir, git } = repo();
    await git(['init', '-q']);
    write(dir, DOCS);
    await git(['add', '.']);
    await git(['commit', '-q', '-m', 'first'], '2024-01-01T08:00:00Z');
    const before = await build(dir);
    const rail = before.catalog.items.find((i) => i.key === 'rail')!;
    const railFeeds = FORMATS.flatMap((format) => [...feeds(before, format)].filter(([, entries]) => entries.some((e) => e.id === rail.id)));
    // It was in the main feed, its section's and its tags' feeds, in three formats.
    expect(railFeeds.length).toBeGreaterThanOrEqual(6);
    expect(railFeeds.map(([path]) => path)).toEqual(expect.arrayContaining(['/rss.xml', '/atom.xml', '/feed.json']));

    await git(['rm', '-q', 'rail.md']);
    await git(['commit', '-q', '-m', 'withdraw the rail story'], '2024-03-01T00:00:00Z');
    const after = await build(dir);
    expect(after.catalog.items.map((i) => i.key).sort()).toEqual(['budget', 'harbour', 'school']);
    for (const resource of after.site.values()) {
      expect(resource.body.includes(rail.id), resource.path).toBe(false);
      if (resource.status === 200) expect(resource.body.includes('New rail line'), resource.path).toBe(false);
    }
    // Feeds it was alone in are gone, not left empty; the others stay without it.
    for (const [path, entries] of railFeeds) expect(after.site.has(path), path).toBe(entries.length > 1);

    const server = await listen(createApp(new SiteHolder(after.site), { accessLog: 'off' }), 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const gone = await fetch(`${base}/items/rail`);
      expect(gone.status).toBe(410);
      expect(gone.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await gone.text()).toContain('This item was removed');
      expect((await fetch(`${base}/items/rail`, { method: 'HEAD' })).status).toBe(410);
      // Conditional headers never turn a 410 into a 304.
      expect((await fetch(`${base}/items/rail`, { headers: { 'If-None-Match': gone.headers.get('etag') ?? '*' } })).status).toBe(410);
      expect((await fetch(`${base}/items/budget`)).status).toBe(200);
      expect((await fetch(`${base}/items/never-existed`)).status).toBe(404);
    } finally {
      server.close();
    }
    // A file cannot say 410: the static export simply has no page for it.
    const out = join(tmp(), 'feeds');
    await writeStatic(after.site, out);
    expect(existsSync(join(out, 'items/rail.html'))).toBe(false);
    expect(existsSync(join(out, 'items/budget.html'))).toBe(true);
  });
});

/** Every file under `dir`, by relative path. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

function expectSameTree(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  const differing = [...a].filter(([file, body]) => !body.equals(b.get(file)!)).map(([file]) => file);
  expect(differing).toEqual([]);
}

interface Machine {
  /** TZ of the build process. */
  tz: string;
  /** A libfaketime offset for the build's clock, e.g. "+1000d", or none. */
  clock?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `wirefeed build` as a separate process with its own time zone, clock and working directory (so its own item cache). */
async function buildOn(machine: Machine, seeds: string): Promise<Map<string, Buffer>> {
  const out = join(tmp(), 'feeds');
  if (machine.clock && !existsSync('/usr/bin/faketime')) throw new Error('faketime is missing: install the Debian package faketime (scripts/install-system-deps.sh does)');
  const command = machine.clock ? ['/usr/bin/faketime', '-f', machine.clock, process.execPath] : [process.execPath];
  await run(command[0]!, [...command.slice(1), BIN, 'build', '--seeds', seeds, '--out', out], { cwd: tmp(), env: { ...process.env, TZ: machine.tz, ...machine.env } });
  return tree(out);
}

const HERE: Machine = { tz: 'UTC' };
const THERE: Machine = { tz: 'Pacific/Kiritimati', clock: '+1000d' };

/** Sets every file's mtime to `date`, plus one minute per file so that no two agree. */
function touchAll(dir: string, date: string): void {
  let n = 0;
  for (const file of tree(dir).keys()) {
    if (file.startsWith('.git/')) continue;
    const time = new Date(Date.parse(date) + 60_000 * n++);
    utimesSync(join(dir, file), time, time);
  }
}

describe('builds on different machines', () => {
  it('give identical bytes from one git history, whatever the time zone, clock, file order and mtimes', async () => {
    const { dir: first, git } = repo();
    await git(['init', '-q']);
    write(first, DOCS);
    await git(['add', '.']);
    await git(['commit', '-q', '-m', 'first'], '2024-01-01T08:00:00Z');
    writeFileSync(join(first, 'rail.md'), `${DOCS['rail.md']}\nTickets go on sale next week.\n`);
    await git(['commit', '-q', '-am', 'add tickets'], '2024-01-20T10:00:00+05:00');
    touchAll(first, '2020-06-01T00:00:00Z');

    // The other machine: a clone whose files are written anew, newest name first, with other mtimes.
    const second = join(tmp(), 'clone');
    await run('git', ['clone', '-q', first, second]);
    for (const name of Object.keys(DOCS)) rmSync(join(second, name));
    write(second, { ...DOCS, 'rail.md': readFileSync(join(first, 'rail.md'), 'utf8') }, 'reverse');
    touchAll(second, '2031-01-01T00:00:00Z');

    const [here, there] = await Promise.all([buildOn(HERE, first), buildOn(THERE, second)]);
    expect(here.size).toBeGreaterThan(20);
    expectSameTree(here, there);
    // The dates are git's, read the same in both places.
    expect(here.get('atom.xml')!.toString()).toContain('<updated>2024-01-20T05:00:00Z</updated>');
  }, 120_000);

  it('give identical bytes from plain folders with SOURCE_DATE_EPOCH, and differ without it', async () => {
    const [a, b] = [tmp(), tmp()];
    write(a, DOCS);
    write(b, DOCS, 'reverse');
    touchAll(a, '2019-03-01T00:00:00Z');
    touchAll(b, '2022-09-01T00:00:00Z');
    const epoch = { SOURCE_DATE_EPOCH: '1700000000' };
    const [here, there, hereNoEpoch, thereNoEpoch] = await Promise.all([
      buildOn({ ...HERE, env: epoch }, a),
      buildOn({ ...THERE, env: epoch }, b),
      buildOn(HERE, a),
      buildOn(HERE, b),
    ]);
    expectSameTree(here, there);
    // Every date comes from the epoch (2023-11-14T22:13:20Z); items that share it are spaced one second apart.
    const atom = here.get('atom.xml')!.toString();
    expect(atom).toContain('<updated>2023-11-14T22:13:20Z</updated>');
    const published = feedEntries('atom', atom).map((entry) => Date.parse(entry.published) / 1000);
    expect(published).toEqual([1700000000, 1699999999, 1699999998, 1699999997]);
    // The control: without the epoch the mtimes date the items, so the two folders disagree.
    expect(hereNoEpoch.get('atom.xml')!.equals(thereNoEpoch.get('atom.xml')!)).toBe(false);
  }, 120_000);
});
