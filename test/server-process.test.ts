import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
