import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectFiles } from '../src/cli/init.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'wirefeed.js');

async function wirefeed(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const NO_STACK = /\n\s+at /;

/** A fresh `wirefeed init` project. */
async function newProject(): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), 'wirefeed-init-'));
  const result = await wirefeed(parent, ['init', 'news']);
  expect(result.code).toBe(0);
  return join(parent, 'news');
}

describe('wirefeed init', () => {
  it('creates a project that builds and serves at once, and never overwrites a file', async () => {
    const dir = await newProject();
    for (const file of ['wirefeed.config.json', 'seeds/welcome.md', 'Procfile', '.gitignore']) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(readFileSync(join(dir, 'Procfile'), 'utf8')).toBe('web: npx wirefeed serve --host 0.0.0.0 --port $PORT\n');

    const built = await wirefeed(dir, ['build']);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^Built 1 item \(0 skipped\) into feeds\/ \(\d+ files\) in \d+\.\d\d s\n$/);
    expect(readFileSync(join(dir, 'feeds', 'feed.json'), 'utf8')).toContain('"title": "My news"');

    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const line = await new Promise<string>((resolve) => server.stdout.once('data', (data: Buffer) => resolve(data.toString())));
      const base = line.match(/http:\/\/127\.0\.0\.1:\d+/)![0];
      expect(await (await fetch(`${base}/feed.json`)).text()).toContain('Welcome to your news site');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    writeFileSync(join(dir, 'Procfile'), 'web: custom\n');
    const again = await wirefeed(dir, ['init']);
    expect(again.stdout).toContain('Kept existing: wirefeed.config.json, seeds/welcome.md, Procfile, .gitignore');
    expect(readFileSync(join(dir, 'Procfile'), 'utf8')).toBe('web: custom\n');
  });
});

describe('projectFiles', () => {
  it('dates the welcome story at the minute of init, never later, whatever the hour', () => {
    for (const now of ['2026-11-27T00:05:30.250Z', '2026-11-27T23:59:59.999Z']) {
      const date = /^date: (.*)$/m.exec(projectFiles(new Date(now))['seeds/welcome.md']!)![1]!;
      expect(new Date(date).getTime()).toBeLessThanOrEqual(new Date(now).getTime());
      expect(new Date(now).getTime() - new Date(date).getTime()).toBeLessThan(60_000);
    }
  });
});

describe('wirefeed build output', () => {
  it('prints a JSON summary with --json and nothing with --quiet', async () => {
    const dir = await newProject();
    writeFileSync(join(dir, 'seeds', 'bad.md'), '---\ntitle: x\ndate: soon\n---\nBody\n');
    const json = await wirefeed(dir, ['build', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ items: 1, skipped: 1, out: 'feeds', failures: [{ path: 'bad.md' }] });
    const quiet = await wirefeed(dir, ['build', '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toMatch(/^seeds\/bad\.md: skipped: front matter: "date" is not a valid date .* \(line 3\)/);
  });

  it('stops on a bad config with every problem, its file and line, exit 2 and no stack trace', async () => {
    const dir = await newProject();
    writeFileSync(join(dir, 'wirefeed.config.json'), '{\n  "site": { "url": "news.example.com" },\n  "limit": "all"\n}\n');
    const result = await wirefeed(dir, ['build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('wirefeed.config.json:2: site.url must be an absolute http(s) URL, got "news.example.com"');
    expect(result.stderr).toContain('wirefeed.config.json:3: limit must be a whole number from 0 to 1000000, got "all"');
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, 'feeds'))).toBe(false);
  });
});

describe('wirefeed check', () => {
  it('passes a clean project and writes nothing', async () => {
    const dir = await newProject();
    const result = await wirefeed(dir, ['check']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('OK: 1 document checked, 0 errors, 0 warnings\n');
    expect(existsSync(join(dir, 'feeds'))).toBe(false);
    expect(existsSync(join(dir, '.wirefeed-cache'))).toBe(false);
  });

  it('lists every problem with file and line, in text and JSON, and exits 1', async () => {
    const dir = await newProject();
    writeFileSync(join(dir, 'seeds', 'yaml.md'), '---\ntitle: a\ntitle: b\n---\nBody\n');
    writeFileSync(join(dir, 'seeds', 'bytes.txt'), Buffer.from('Title\n\nBody \xff\n', 'latin1'));
    writeFileSync(join(dir, 'seeds', 'empty.txt'), '');
    writeFileSync(join(dir, 'wirefeed.config.json'), '{\n  "taxonomy": { "sections": ["World", "Weather"] }\n}\n');
    const text = await wirefeed(dir, ['check']);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')).toEqual([
      'config: taxonomy.sections: the classifier was not trained on "Weather", so no item is filed there (only as taxonomy.fallback or from front matter); the trained sections are World, Politics, Business, Technology, Science, Health, Sport, Entertainment (warning)',
      expect.stringMatching(/^seeds\/bytes\.txt:3: invalid UTF-8 at byte 12; save the file as UTF-8/),
      'seeds/empty.txt: no title: the first line of the document is empty; put the title on the first line (or "title:" in front matter)',
      expect.stringMatching(/^seeds\/yaml\.md:3: front matter is not valid YAML at line 3: Map keys must be unique/),
      'Problems found: 4 documents checked, 3 errors, 1 warning',
      '',
    ]);
    const json = JSON.parse((await wirefeed(dir, ['check', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ ok: false, documents: 4, errors: 3, warnings: 1 });
    expect(json.problems[1]).toMatchObject({ file: 'seeds/bytes.txt', line: 3, severity: 'error' });
  });

  it('reports a broken config as findings', async () => {
    const dir = await newProject();
    writeFileSync(join(dir, 'wirefeed.config.json'), '{\n  "serve": { "port": "eighty" }\n}\n');
    const result = await wirefeed(dir, ['check', '--format', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems).toEqual([
      { file: 'wirefeed.config.json', line: 2, message: 'serve.port must be a whole number from 0 to 65535, got "eighty"', severity: 'error' },
    ]);
  });
});

describe('wirefeed show', () => {
  it('explains how the seed becomes an item', async () => {
    const root = join(import.meta.dirname, '..');
    const result = await wirefeed(root, ['show', 'seeds/000_d11a85e7f0a92099.txt']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  title     Russia does not rule out deployments in Cuba and Venezuela and threatens a total break with the United States');
    expect(result.stdout).toMatch(/^ {2}id {8}urn:uuid:[0-9a-f-]+ \(key "d11a85e7f0a92099", from the file name\)$/m);
    expect(result.stdout).toMatch(/^ {2}date {6}\S+ \(from the commit that first added the file: no date declared\)$/m);
    expect(result.stdout).toMatch(/^ {2}section {3}World \(confidence \d+%; next: \w+ \d+%, \w+ \d+%\)$/m);
    expect(result.stdout).toMatch(/^ {2}tags {6}.*NATO \(organization\)/m);
    expect(result.stdout).toMatch(/^Removed by the cleaner \([1-9]\d*\):\n(?: {2}- .*\n)*? {2}- Share your love\n/m);
    expect(result.stdout).toMatch(/^ +\d+\. \[h2\] US-Russia: ¿ruptura total\?$/m);
    const json = JSON.parse((await wirefeed(root, ['show', 'seeds/000_d11a85e7f0a92099.txt', '--json'])).stdout);
    expect(json.item).toMatchObject({ key: 'd11a85e7f0a92099', section: 'World', dateSource: 'git' });
  });

  it('names a file that is not a document, and a document that fails', async () => {
    const dir = await newProject();
    expect((await wirefeed(dir, ['show', 'seeds/nope.md'])).stderr).toMatch(/^wirefeed: seeds\/nope\.md: not a document in seeds\//);
    writeFileSync(join(dir, 'seeds', 'empty.txt'), '');
    const failed = await wirefeed(dir, ['show', 'seeds/empty.txt']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('seeds/empty.txt: no title: the first line of the document is empty; put the title on the first line (or "title:" in front matter)\n');
  });
});

describe('wirefeed config', () => {
  it('prints the effective settings with their sources', async () => {
    const dir = await newProject();
    const result = await wirefeed(dir, ['config', '--port', '8080'], { WIREFEED_LIMIT: '12' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^site\.title +wirefeed\.config\.json:3 +"My news"$/m);
    expect(result.stdout).toMatch(/^limit +env WIREFEED_LIMIT +12$/m);
    expect(result.stdout).toMatch(/^serve\.port +--port +8080$/m);
  });
});

describe('usage errors', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"; the commands are build, serve, check, show, config, init/],
    [['show'], /"show" takes FILE, got none/],
    [['check', '--format', 'xml'], /--format must be text or json/],
    [['init', '--port', '1'], /option --port does not apply to "init"/],
  ])('%j exits 2 with a message and no stack', async (args, message) => {
    const result = await wirefeed(tmpdir(), args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(NO_STACK);
  });
});
