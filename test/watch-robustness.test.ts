// `wirefeed serve --watch` under a hostile file system: a burst of 1,000 changes, a seeds folder
// deleted and brought back, unreadable and vanishing files. A real server process is watched by
// a client that polls it all along: every answer must be a 200 with a whole feed (the last good
// set while the folder is broken), and the server must recover when the folder is fixed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'wirefeed.js');
const WORDS = 'river council harbour market school bridge station library farmers teachers doctors miners sailors voted opened closed rose fell met planned argued agreed delayed cheered north south east west quietly slowly early late again'.split(' ');

/** A document whose sentence is its own: the corpus-level boilerplate pass drops lines that many documents share. */
function doc(title: string, day: number): string {
  let seed = [...title].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const words = Array.from({ length: 14 }, () => WORDS[(seed = (seed * 1103515245 + 12345) >>> 0) % WORDS.length]);
  return `---\ntitle: "${title}"\ndate: 2024-04-${String(day).padStart(2, '0')}T09:00:00Z\n---\nIn ${title.toLowerCase()} the ${words.join(' ')}.\n`;
}

let work: string;
let seeds: string;
let server: ChildProcess;
let base: string;
let stdout = '';
let stderr = '';
const pollErrors: string[] = [];
let polls = 0;
let polling: NodeJS.Timeout;

async function titles(): Promise<string[]> {
  const res = await fetch(`${base}/feed.json`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { title: string }[] }).items.map((i) => i.title).sort();
}

/** Waits until the served feed's titles satisfy `test` (rebuilds are debounced and asynchronous). */
async function until(test: (titles: string[]) => boolean, ms = 60_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await titles();
    if (test(now)) return now;
    if (Date.now() > deadline) throw new Error(`timed out; serving ${now.length} items: ${now.slice(0, 5).join(', ')}…\nstderr: ${stderr.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wf-watch-'));
  seeds = join(work, 'seeds');
  mkdirSync(seeds);
  for (let i = 1; i <= 3; i++) writeFileSync(join(seeds, `base-${i}.md`), doc(`Base story ${i}`, i));
  server = spawn(process.execPath, [BIN, 'serve', '--watch', '--seeds', seeds, '--port', '0', '--host', '127.0.0.1', '--limit', '0'], {
    cwd: work,
    env: { ...process.env, WIREFEED_ACCESS_LOG: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    server.stdout!.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  base = `http://127.0.0.1:${port}`;
  // The subscriber: every 20 ms, the whole feed, which must always parse.
  polling = setInterval(() => {
    fetch(`${base}/feed.json`)
      .then(async (res) => {
        const text = await res.text();
        if (res.status !== 200) pollErrors.push(`status ${res.status}: ${text.slice(0, 200)}`);
        else JSON.parse(text);
        polls++;
      })
      .catch((error: Error) => pollErrors.push(error.message));
  }, 20);
}, 90_000);

afterAll(async () => {
  clearInterval(polling);
  if (server.exitCode === null && server.signalCode === null) {
    const closed = new Promise((resolve) => server.once('close', resolve));
    server.kill('SIGTERM');
    // A server whose event loop is stuck never runs its SIGTERM handler: it must not outlive the suite.
    const stuck = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(stuck);
  }
  rmSync(work, { recursive: true, force: true });
});

describe('serve --watch on a hostile folder', () => {
  it('serves the first build', async () => {
    expect(await titles()).toEqual(['Base story 1', 'Base story 2', 'Base story 3']);
  });

  it('absorbs a burst of 1,000 file changes into a few rebuilds and ends on the final state', async () => {
    const rebuildsBefore = stdout.match(/^Rebuilt /gm)?.length ?? 0;
    // 50 new documents, each written 20 times: the last write of each says "final".
    for (let round = 1; round <= 20; round++) {
      for (let i = 0; i < 50; i++) writeFileSync(join(seeds, `burst-${i}.md`), doc(`Burst ${i} ${round === 20 ? 'final' : `draft ${round}`}`, 10));
    }
    const served = await until((t) => t.length === 53 && t.filter((x) => x.endsWith(' final')).length === 50);
    expect(served.filter((t) => t.startsWith('Base story'))).toHaveLength(3);
    const rebuilds = (stdout.match(/^Rebuilt /gm)?.length ?? 0) - rebuildsBefore;
    expect(rebuilds).toBeGreaterThan(0);
    // Debounced: a handful of rebuilds, not one per change.
    expect(rebuilds).toBeLessThan(20);
  }, 120_000);

  it('keeps serving the last good set while the seeds folder is deleted, and recovers when it is back', async () => {
    const parked = join(work, 'parked');
    renameSync(seeds, parked);
    await until(() => /rebuild failed, still serving the previous version/.test(stderr));
    expect(await titles()).toHaveLength(53);
    // Back, with fewer documents: the next build is served.
    mkdirSync(seeds);
    for (let i = 1; i <= 2; i++) writeFileSync(join(seeds, `base-${i}.md`), doc(`Base story ${i}`, i));
    await until((t) => t.length === 2);
    rmSync(parked, { recursive: true, force: true });
  }, 120_000);

  it('keeps a document that turns into a dangling symlink at its last good version, and takes the fixed file back', async () => {
    const file = join(seeds, 'base-1.md');
    unlinkSync(file);
    symlinkSync(join(seeds, 'missing.md'), file);
    writeFileSync(join(seeds, 'trigger.md'), doc('Trigger story', 20));
    await until((t) => t.includes('Trigger story'));
    expect(await titles()).toContain('Base story 1');
    expect(stderr).toMatch(/base-1\.md: kept its last good version: disappeared while the build was reading it/);
    unlinkSync(file);
    writeFileSync(file, doc('Base story 1 fixed', 1));
    await until((t) => t.includes('Base story 1 fixed') && !t.includes('Base story 1'));
  }, 120_000);

  it('keeps serving when the seeds folder is replaced by a file, and recovers when the folder is back', async () => {
    const parked = join(work, 'parked-2');
    renameSync(seeds, parked);
    writeFileSync(seeds, 'not a folder\n');
    const failures = stderr.match(/rebuild failed/g)?.length ?? 0;
    await until(() => (stderr.match(/rebuild failed/g)?.length ?? 0) > failures);
    expect(await titles()).toEqual(['Base story 1 fixed', 'Base story 2', 'Trigger story']);
    unlinkSync(seeds);
    renameSync(parked, seeds);
    writeFileSync(join(seeds, 'after.md'), doc('After the folder came back', 21));
    await until((t) => t.includes('After the folder came back'));
  }, 120_000);

  it('keeps a document that cannot be read at its last good version (as root, chmod 000 stops nothing: the file becomes a link to a named pipe)', async () => {
    const file = join(seeds, 'base-2.md');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // Opening a pipe waits for a writer: a read that really fails (or hangs) for root too.
      execFileSync('mkfifo', [join(seeds, '.pipe')]);
      unlinkSync(file);
      symlinkSync(join(seeds, '.pipe'), file);
    } else {
      chmodSync(file, 0o000);
    }
    writeFileSync(join(seeds, 'trigger-2.md'), doc('Second trigger', 23));
    await until((t) => t.includes('Second trigger'));
    expect(await titles()).toContain('Base story 2');
    expect(stderr).toMatch(asRoot ? /base-2\.md: kept its last good version: is not a regular file/ : /base-2\.md: kept its last good version: cannot be read \(permission denied\)/);
    if (asRoot) unlinkSync(file);
    else chmodSync(file, 0o644);
    writeFileSync(file, doc('Base story 2 again', 2));
    // Node 20's recursive watcher on Linux can miss this one change (a link to an existing target
    // that becomes a file: seen here), so recovery is asserted at the folder's next change.
    writeFileSync(join(seeds, 'trigger-3.md'), doc('Third trigger', 24));
    await until((t) => t.includes('Base story 2 again') && !t.includes('Base story 2'));
  }, 120_000);

  it('answered every poll with a whole feed, throughout', () => {
    expect(polls).toBeGreaterThan(100);
    expect(pollErrors).toEqual([]);
    expect(server.exitCode).toBeNull();
  });
});
