import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'wirefeed.js');
const ROOT = join(import.meta.dirname, '..');

async function wirefeed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'wirefeed-cli-'));

describe('wirefeed build', () => {
  it('writes the committed feeds/ exactly: feeds/ is up to date with seeds/', async () => {
    const out = join(tmp(), 'feeds');
    const result = await wirefeed(['build', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Built \d+ items? \(0 skipped\) into .* in \d+\.\d\d s\n$/);
    const built = tree(out);
    const committed = tree(join(ROOT, 'feeds'));
    expect([...built.keys()].sort()).toEqual([...committed.keys()].sort());
    for (const [file, body] of built) expect(body.equals(committed.get(file)!), `${file} differs: run "npx wirefeed build"`).toBe(true);
  });

  it('gives byte-identical output on a rebuild', async () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    await wirefeed(['build', '--out', a]);
    await wirefeed(['build', '--out', b]);
    const ta = tree(a);
    const tb = tree(b);
    expect([...ta.keys()]).toEqual([...tb.keys()]);
    for (const [file, body] of ta) expect(body.equals(tb.get(file)!)).toBe(true);
  });

  it('publishes the good documents, names the bad one, and exits 1', async () => {
    const seeds = tmp();
    cpSync(join(ROOT, 'seeds'), seeds, { recursive: true });
    writeFileSync(join(seeds, 'broken.txt'), Buffer.from([0x54, 0x69, 0xff, 0x0a]));
    writeFileSync(join(seeds, 'empty.txt'), '');
    const out = join(tmp(), 'out');
    const result = await wirefeed(['build', '--seeds', seeds, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken.txt: skipped: invalid UTF-8 at byte 2');
    expect(result.stderr).toContain('empty.txt: skipped: no title');
    expect(result.stdout).toMatch(/^Built 1 item \(2 skipped\)/);
    expect(readFileSync(join(out, 'rss.xml'), 'utf8')).toContain('Russia does not rule out deployments');
  });

  it('puts every item in the main feeds with --limit 0 and respects --limit N', async () => {
    const seeds = tmp();
    for (let i = 0; i < 3; i++) writeFileSync(join(seeds, `doc-${i}.md`), `---\ndate: 2024-01-0${i + 1}T00:00:00Z\n---\n# Story ${i}\n\nThe council met on day ${i} and approved the plan.\n`);
    const all = join(tmp(), 'all');
    const two = join(tmp(), 'two');
    await wirefeed(['build', '--seeds', seeds, '--out', all, '--limit', '0']);
    await wirefeed(['build', '--seeds', seeds, '--out', two, '--limit', '2']);
    expect(JSON.parse(readFileSync(join(all, 'feed.json'), 'utf8')).items).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(two, 'feed.json'), 'utf8')).items.map((i: { title: string }) => i.title)).toEqual(['Story 2', 'Story 1']);
  });

  it.each([
    [['build', '--limit', 'ten'], /--limit must be a whole number/],
    [['build', '--bogus'], /Unknown option '--bogus'/],
    [['build', '--site-url', 'not a url'], /--site-url must be an absolute/],
    [['build', '--port', '80'], /--port does not apply to "build"/],
    [['publish'], /unknown command "publish"/],
    [['build', '--seeds', '/nonexistent/seeds'], /cannot read the seeds folder "\/nonexistent\/seeds": it does not exist/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const result = await wirefeed(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('wirefeed serve', () => {
  it('answers the same bytes build writes for the same site URL', async () => {
    const out = join(tmp(), 'feeds');
    await wirefeed(['build', '--out', out, '--site-url', 'http://localhost:4321']);
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--site-url', 'http://localhost:4321'], { cwd: ROOT });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (data: Buffer) => resolve(data.toString()));
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const base = line.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
      expect(base).toBeDefined();
      for (const [file, body] of tree(out)) {
        // The .gz/.br siblings are the same bytes the server sends with Content-Encoding.
        if (/\.(gz|br)$/.test(file)) continue;
        const path = `/${file.replace(/(^|\/)index\.html$/, '$1').replace(/^items\/(.*)\.html$/, 'items/$1')}`;
        const served = Buffer.from(await (await fetch(base + path)).arrayBuffer());
        expect(served.equals(body), path).toBe(true);
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
