import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; files: string[] };

/** npm, quietly, failing with its output. */
function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm pack', () => {
  it('ships only what runs, installs in a clean folder and runs npx wirefeed init + build', () => {
    const work = mkdtempSync(join(tmpdir(), 'wirefeed-pack-'));
    // dist/ is compiled by the tsc that `npm test` runs first; a real `npm pack` recompiles it from scratch (prepack).
    const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)) as [{ filename: string; files: { path: string }[] }];
    const files = packed.files.map((f) => f.path);
    expect(files).toContain('bin/wirefeed.js');
    expect(files).toContain('dist/cli/index.js');
    expect(files).toContain('dist/build/enrich-worker.js');
    expect(files).toContain('data/boilerplate.json');
    expect(files).toContain('assets/style.css');
    const unexpected = files.filter((f) => !/^(?:bin|dist|data|assets)\//.test(f) && !['package.json', 'README.md', 'NOTICE.md', 'CHANGELOG.md'].includes(f));
    expect(unexpected, 'files outside bin, dist, data, assets').toEqual([]);
    expect(files.filter((f) => /(?:^|\/)(?:test|tests|__tests__|fixtures)\/|\.test\.|\.map$|\.ts$/.test(f)), 'test files, source maps or TypeScript sources').toEqual([]);

    expect(pkg.engines.node).toBe('>=20');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);

    const app = join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), '{ "private": true }\n');
    const tarball = join(work, packed.filename);
    // Dependencies come from the npm cache that `npm ci` filled; the network only when something is missing.
    try {
      npm(['install', '--offline', '--ignore-scripts', tarball], app);
    } catch {
      npm(['install', '--prefer-offline', '--ignore-scripts', tarball], app);
    }
    const npx = (args: string[], cwd: string): string => npm(['exec', '--no', '--', 'wirefeed', ...args], cwd);
    expect(npx(['--version'], app).trim()).toBe(pkg.version);
    expect(npx(['init', 'site'], app)).toMatch(/^Created 4 files in site\//);
    const site = join(app, 'site');
    expect(npx(['build'], site)).toMatch(/^Built 1 item \(0 skipped\) into feeds\//);
    const feed = JSON.parse(readFileSync(join(site, 'feeds', 'feed.json'), 'utf8')) as { version: string; items: { title: string }[] };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items.map((i) => i.title)).toEqual(['Welcome to your news site']);
  }, 600_000);
});
