import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'wirefeed.js');

/** `wirefeed serve --watch` as an operator runs it: a real process, signals, stdout and stderr. */
describe('wirefeed serve --watch (process)', () => {
  it('publishes edits, keeps the last good version of a broken document, and exits 0 on SIGTERM', async () => {
    const seeds = mkdtempSync(join(tmpdir(), 'wirefeed-serve-'));
    const write = (name: string, body: string | Buffer): void => writeFileSync(join(seeds, name), body);
    write('a.md', '---\ntitle: Harbour reopens\ndate: 2024-03-01T10:00:00Z\n---\n\nThe harbour in Lisbon reopened on Monday after repairs.\n');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--seeds', seeds, '--watch', '--max-age', '42'], {
      env: { ...process.env, WIREFEED_ACCESS_LOG: 'off' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const until = async (check: () => boolean): Promise<void> => {
      const end = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    try {
      await until(() => /Serving 1 items at http:\/\/127\.0\.0\.1:\d+/.test(stdout));
      const base = stdout.match(/http:\/\/127\.0\.0\.1:\d+/)![0];
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const first = await fetch(`${base}/rss.xml`);
      expect(first.headers.get('cache-control')).toBe('public, max-age=42');
      expect(await first.text()).toContain('Harbour reopens');

      write('b.md', '---\ntitle: Ferry strike ends\ndate: 2024-03-02T10:00:00Z\n---\n\nFerry crews in Lisbon returned to work on Tuesday.\n');
      await until(() => /Rebuilt 2 items/.test(stdout));
      expect(await (await fetch(`${base}/rss.xml`)).text()).toContain('Ferry strike ends');

      // A half-saved edit with bytes that are not UTF-8: the item stays as it was, and the error is named.
      write('a.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xc3, 0x28, 0xff, 0x0a]));
      await until(() => /a\.md: kept its last good version/.test(stderr));
      await until(() => (stdout.match(/Rebuilt 2 items/g) ?? []).length >= 2);
      expect(await (await fetch(`${base}/rss.xml`)).text()).toContain('Harbour reopens');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it('serves what the last build stored, encodings included, rather than compressing it again', async () => {
    const project = mkdtempSync(join(tmpdir(), 'wirefeed-stored-'));
    mkdirSync(join(project, 'seeds'));
    writeFileSync(join(project, 'seeds', 'a.md'), '---\ntitle: Harbour reopens\ndate: 2024-03-01T10:00:00Z\n---\n\nThe harbour in Lisbon reopened on Monday after repairs.\n');
    const env = { ...process.env, WIREFEED_ACCESS_LOG: 'off' };
    execFileSync(process.execPath, [BIN, 'build', '--quiet'], { cwd: project, env });
    const body = readFileSync(join(project, 'feeds', 'rss.xml'));
    // The store's gzip entry of the feed (the exported file is a link to it), made different on purpose:
    // a server that compressed the body itself would send the level-9 bytes instead.
    const store = join(project, '.wirefeed-cache', 'bodies');
    const exported = statSync(join(project, 'feeds', 'rss.xml.gz')).ino;
    const entry = readdirSync(store, { recursive: true, encoding: 'utf8' })
      .map((name) => join(store, name))
      .find((file) => file.endsWith('.gz') && statSync(file).ino === exported)!;
    const marked = gzipSync(body, { level: 1 });
    expect(marked.equals(readFileSync(entry))).toBe(false);
    rmSync(entry);
    writeFileSync(entry, marked);
    // The site URL the build took by default (the server's own default follows its port, here a free one).
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--site-url', 'http://localhost:3000'], { cwd: project, env });
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const end = Date.now() + 20_000;
      while (!/http:\/\/127\.0\.0\.1:\d+/.test(stdout) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 25));
      const base = stdout.match(/http:\/\/127\.0\.0\.1:\d+/)![0];
      const identity = await fetch(`${base}/rss.xml`, { headers: { 'accept-encoding': 'identity' } });
      expect(Buffer.from(await identity.arrayBuffer()).equals(body)).toBe(true);
      // fetch would decode the body: the raw bytes are read with Node's own client.
      expect((await rawGet(`${base}/rss.xml`, 'gzip')).equals(marked)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});

/** The bytes of a response as sent, content-encoding and all. */
async function rawGet(url: string, encoding: string): Promise<Buffer> {
  const { get } = await import('node:http');
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': encoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    }).on('error', reject);
  });
}
