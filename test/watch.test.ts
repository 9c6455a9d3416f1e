import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSeeds } from '../src/ingest/read.js';
import { loadRules } from '../src/normalize/index.js';
import { runPipeline } from '../src/pipeline.js';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { lastGoodDocuments, watchSeeds, type Watcher } from '../src/publish/watch.js';
import type { DocumentFailure, RawDocument } from '../src/types.js';
import { raw } from './support/http-client.js';

const doc = (path: string, text: string): RawDocument => ({ path, bytes: Buffer.from(text), mtime: new Date(0) });

describe('lastGoodDocuments', () => {
  // A stand-in pipeline: a document whose text is "bad" fails, the others become items.
  const run = (documents: RawDocument[]) => ({
    items: documents.filter((d) => Buffer.from(d.bytes).toString() !== 'bad').map((d) => `${d.path}=${Buffer.from(d.bytes).toString()}`),
    failures: documents.filter((d) => Buffer.from(d.bytes).toString() === 'bad').map((d): DocumentFailure => ({ path: d.path, reason: 'bad text' })),
  });
  it('publishes the last good version of a document that fails now, and reports the failure', async () => {
    const keep = lastGoodDocuments();
    expect((await keep({ documents: [doc('a', 'one'), doc('b', 'two')], failures: [] }, run)).result.items).toEqual(['a=one', 'b=two']);
    const second = await keep({ documents: [doc('a', 'bad'), doc('b', 'three')], failures: [] }, run);
    expect(second.result.items).toEqual(['a=one', 'b=three']);
    expect(second.failures).toEqual([{ path: 'a', reason: 'bad text' }]);
    expect([...second.kept]).toEqual(['a']);
    // A read failure (the file vanished mid-build, permissions) keeps it too.
    const third = await keep({ documents: [doc('b', 'three')], failures: [{ path: 'a', reason: 'EACCES' }] }, run);
    expect(third.result.items).toEqual(['a=one', 'b=three']);
  });
  it('drops a failing document that never built, and a document deleted from the folder', async () => {
    const keep = lastGoodDocuments();
    expect((await keep({ documents: [doc('a', 'bad'), doc('b', 'two')], failures: [] }, run)).result.items).toEqual(['b=two']);
    expect((await keep({ documents: [doc('b', 'two')], failures: [] }, run)).result.items).toEqual(['b=two']);
    expect((await keep({ documents: [doc('a', 'one')], failures: [] }, run)).result.items).toEqual(['a=one']);
  });
});

const watchers: Watcher[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const watcher of watchers.splice(0)) watcher.close();
  for (const server of servers.splice(0)) server.close();
});

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('watchSeeds', () => {
  it('rebuilds once after a burst of changes (debounced)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-watch-'));
    let rebuilds = 0;
    const watcher = watchSeeds({ dir, debounceMs: 100, rebuild: async () => void rebuilds++, onError: () => undefined });
    watchers.push(watcher);
    for (let i = 0; i < 50; i++) writeFileSync(join(dir, `f${i % 5}.txt`), `Title ${i}\n\nBody.\n`);
    await until(() => rebuilds > 0);
    await watcher.settled();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(rebuilds).toBe(1);
  });
  it('tells each rebuild which paths changed since the last one began', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-watch-'));
    mkdirSync(join(dir, 'sub'));
    const batches: (string[] | undefined)[] = [];
    const watcher = watchSeeds({ dir, debounceMs: 100, rebuild: async (changed) => void batches.push(changed && [...changed].sort()), onError: () => undefined });
    watchers.push(watcher);
    writeFileSync(join(dir, 'a.txt'), 'A\n\nBody.');
    writeFileSync(join(dir, 'sub', 'b.txt'), 'B\n\nBody.');
    await until(() => batches.length > 0);
    await watcher.settled();
    expect(batches.flat()).toEqual(expect.arrayContaining(['a.txt', 'sub/b.txt']));
    const seen = batches.length;
    writeFileSync(join(dir, 'c.txt'), 'C\n\nBody.');
    await until(() => batches.length > seen);
    expect(batches[seen]).toEqual(['c.txt']);
  });

  it('tells the rebuild after a failed one the paths the failed one was told, with the new ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-watch-'));
    const batches: (string[] | undefined)[] = [];
    const errors: string[] = [];
    const watcher = watchSeeds({
      dir,
      debounceMs: 50,
      rebuild: async (changed) => {
        batches.push(changed && [...changed].sort());
        if (batches.length === 1) throw new Error('rule file broken');
      },
      onError: (message) => errors.push(message),
    });
    watchers.push(watcher);
    writeFileSync(join(dir, 'a.txt'), 'A\n\nBody.');
    await until(() => batches.length === 1);
    await watcher.settled();
    writeFileSync(join(dir, 'b.txt'), 'B\n\nBody.');
    await until(() => batches.length === 2);
    expect(errors).toEqual(['rebuild failed, still serving the previous version: rule file broken']);
    expect(batches[0]).toEqual(['a.txt']);
    expect(batches[1]).toEqual(['a.txt', 'b.txt']);
  });

  it('runs one more rebuild for changes that arrive during a rebuild, never two at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-watch-'));
    let running = 0;
    let most = 0;
    let rebuilds = 0;
    const watcher = watchSeeds({
      dir,
      debounceMs: 20,
      rebuild: async () => {
        running++;
        most = Math.max(most, running);
        rebuilds++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        running--;
      },
      onError: () => undefined,
    });
    watchers.push(watcher);
    writeFileSync(join(dir, 'a.txt'), 'A\n\nBody.\n');
    await until(() => rebuilds === 1);
    writeFileSync(join(dir, 'b.txt'), 'B\n\nBody.\n');
    writeFileSync(join(dir, 'c.txt'), 'C\n\nBody.\n');
    await until(() => rebuilds === 2);
    await watcher.settled();
    expect(rebuilds).toBe(2);
    expect(most).toBe(1);
  });
  it('keeps going when the folder disappears, and rebuilds when it is back', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wirefeed-watch-'));
    const dir = join(parent, 'seeds');
    mkdirSync(dir);
    const errors: string[] = [];
    let rebuilds = 0;
    const watcher = watchSeeds({
      dir,
      debounceMs: 30,
      retryMs: 50,
      rebuild: async () => {
        rebuilds++;
        await readSeeds(dir);
      },
      onError: (message) => errors.push(message),
    });
    watchers.push(watcher);
    renameSync(dir, join(parent, 'away'));
    await until(() => errors.length > 0);
    expect(errors[0]).toMatch(/rebuild failed, still serving the previous version/);
    const failedRebuilds = rebuilds;
    renameSync(join(parent, 'away'), dir);
    await until(() => rebuilds > failedRebuilds);
    await watcher.settled();
    const afterReturn = rebuilds;
    writeFileSync(join(dir, 'new.txt'), 'New\n\nBody.\n');
    await until(() => rebuilds > afterReturn);
    rmSync(parent, { recursive: true, force: true });
  });
});

describe('watch mode under load', () => {
  it('swaps whole versions while requests run: no failed request, no body from another version than its ETag, unchanged documents keep their ETag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-watch-'));
    const write = (name: string, title: string, day: number): void =>
      writeFileSync(join(dir, name), `---\ntitle: ${title}\ndate: 2024-03-0${day}T10:00:00Z\n---\n\nThe council in Geneva met on Monday to discuss ${title.toLowerCase()}. It agreed on a plan.\n`);
    write('a.md', 'Water prices', 1);
    write('b.md', 'Train timetables', 2);
    const keep = lastGoodDocuments();
    const holder = new SiteHolder();
    const build = async (): Promise<void> => {
      const read = await readSeeds(dir);
      const { result } = await keep(read, (documents) => runPipeline(documents, { site: { title: 'T', description: 'D', url: 'http://localhost:3000', author: { name: 'W' } }, limit: 50, rules: loadRules(), deleted: read.deleted }));
      holder.set(result.site);
    };
    await build();
    const server = await listen(createApp(holder, { accessLog: 'off' }), 0, '127.0.0.1');
    servers.push(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let rebuilds = 0;
    const watcher = watchSeeds({ dir, debounceMs: 30, rebuild: async () => { await build(); rebuilds++; }, onError: (message) => { throw new Error(message); } });
    watchers.push(watcher);

    const itemB = holder.get()!.get('/items/b')!.etag;
    const itemA = holder.get()!.get('/items/a')!.etag;
    let stop = false;
    const results: { path: string; status: number; etag: string; hash: string }[] = [];
    const failures: unknown[] = [];
    const poller = async (): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const path = ['/rss.xml', '/feed.json', '/', '/items/a', '/items/b'][i % 5]!;
        try {
          const res = await raw(base, path);
          results.push({ path, status: res.status, etag: res.headers.etag as string, hash: `"${createHash('sha256').update(res.body).digest('base64url').slice(0, 27)}"` });
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const pollers = Array.from({ length: 8 }, poller);
    for (let edit = 1; edit <= 3; edit++) {
      write('a.md', `Water prices, update ${edit}`, 1);
      await until(() => rebuilds >= edit, 15_000);
    }
    stop = true;
    await Promise.all(pollers);

    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.etag).toBe(result.hash);
    }
    expect(new Set(results.filter((r) => r.path === '/items/b').map((r) => r.etag))).toEqual(new Set([itemB]));
    expect(holder.get()!.get('/items/a')!.etag).not.toBe(itemA);
    expect(new Set(results.filter((r) => r.path === '/rss.xml').map((r) => r.etag)).size).toBeGreaterThan(1);
  }, 60_000);
});
