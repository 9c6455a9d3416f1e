import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { commandFlags } from '../src/cli/options.js';
import { parseConfigText } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { withConfigTable } from '../src/config/table.js';

/**
 * Doc tests: every fenced `sh` block in the README and docs/ is run, in
 * order, in a temporary copy of the project, so the docs cannot drift from
 * what the commands do. Synopsis lines (with `[--option]`) are checked
 * against the parser instead. The few commands in NOT_RUN are not run, for
 * the reasons given there; the test fails if the docs stop containing them,
 * so the list stays honest.
 */

const ROOT = join(import.meta.dirname, '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Commands not run here, and why; each is still checked to name a script or file that exists. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm ci$/, 'the copy links the node_modules that `npm ci` installed for this very test run (.ci/run runs it on a fresh clone)'],
  [/^npm test$/, 'it is the suite this test is part of'],
  [/^npm run bench\b/, 'benchmarks run for minutes to hours on pinned cores; they are scripts, never tests'],
  [/^npm run load$/, 'three minutes of sustained load; its 20-second variant runs in npm test'],
  [/^npx tsx scripts\/train-sections\.ts$/, 'retraining reads ../shared/data outside the repository and takes minutes'],
];

/** What a command not run must at least refer to: an npm script or a file in the repository. */
function refersToSomething(command: string): boolean {
  const script = /^npm (?:run )?([\w:-]+)/.exec(command)?.[1];
  if (script === 'ci') return true;
  if (script) return script in (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const file = /^npx tsx (\S+)/.exec(command)?.[1];
  return file !== undefined && existsSync(join(ROOT, file));
}

/** Long-running commands: started, asked for a page, then stopped. */
const SERVES = /\bwirefeed serve\b|^npm start$/;

interface Block {
  file: string;
  lang: string;
  text: string;
}

function blocks(): Block[] {
  return DOCS.flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ file, lang: m[1]!, text: m[2]! })));
}

/** Commands of a block, comments dropped, `a && b` split. */
function commands(block: Block): string[] {
  return block.text
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean)
    .flatMap((line) => (line.includes(' [') ? [line] : line.split(' && ').map((c) => c.trim())));
}

function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-docs-'));
  for (const name of ['README.md', 'docs', 'package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'dist', 'src', 'data', 'assets', 'seeds', 'Procfile', 'NOTICE.md']) {
    if (existsSync(join(ROOT, name))) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

async function serveAndFetch(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn('bash', ['-c', command], { cwd, env, detached: true });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const deadline = Date.now() + 120_000;
    let base: string | undefined;
    while (!(base = /Serving \d+ items at (http:\/\/[^/\s]+)\//.exec(output)?.[1])) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`"${command}" did not start serving:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const home = await fetch(`${base}/`);
    expect(home.status, command).toBe(200);
    expect(await home.text()).toContain('<link rel="alternate"');
    expect((await fetch(`${base}/rss.xml`)).status).toBe(200);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

describe('docs', () => {
  it('runs every shell command in the README and docs/, in order, in a copy of the project', async () => {
    const dir = projectCopy();
    // Port 0: servers started by the docs take any free port, so tests can run side by side.
    const env = { ...process.env, PORT: '0', CI: 'true' };
    const skipped = new Set<string>();
    let ran = 0;
    for (const block of blocks().filter((b) => b.lang === 'sh')) {
      let cwd = dir;
      for (const command of commands(block)) {
        const where = `${block.file}: ${command}`;
        if (command.includes(' [')) {
          // A synopsis: every option it shows must be one the command accepts.
          const [, name] = /wirefeed (\w+)/.exec(command) ?? [];
          expect(name, where).toBeDefined();
          for (const flag of command.match(/--[a-z-]+/g) ?? []) expect(commandFlags(name!), where).toContain(flag);
          continue;
        }
        const exempt = NOT_RUN.find(([pattern]) => pattern.test(command));
        if (exempt) {
          expect(refersToSomething(command), `${where}: names no script or file`).toBe(true);
          skipped.add(exempt[0].source);
          continue;
        }
        if (command.startsWith('cd ')) {
          cwd = resolve(cwd, command.slice(3));
          continue;
        }
        ran++;
        if (SERVES.test(command)) {
          await serveAndFetch(command, cwd, env);
          continue;
        }
        const result = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 300_000 });
        expect(result.status, `${where}\n${result.stdout}\n${result.stderr}`).toBe(0);
      }
    }
    expect([...skipped].sort(), 'NOT_RUN lists commands the docs no longer show').toEqual(NOT_RUN.map(([pattern]) => pattern.source).sort());
    expect(ran).toBeGreaterThanOrEqual(8);
  }, 900_000);

  it('shows only valid configuration examples', () => {
    const examples = blocks().filter((b) => b.lang === 'json' && b.text.includes('"site"'));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(() => resolveConfig({ cwd: ROOT, env: {}, flags: {} }, parseConfigText(example.text, 'wirefeed.config.json', ROOT)), example.file).not.toThrow();
    }
  });

  it('has the configuration table the schema generates (run npm run docs:config)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withConfigTable(readme) === readme, 'README configuration table is out of date: run npm run docs:config').toBe(true);
  });

  it('ships a CI workflow whose wirefeed commands the CLI accepts', () => {
    const workflow = parseYaml(readFileSync(join(ROOT, 'docs', 'rebuild-feeds.yml'), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? step.run.split('\n') : [])));
    const wirefeed = runs.filter((line) => line.startsWith('npx wirefeed '));
    expect(wirefeed).toEqual(['npx wirefeed check', 'npx wirefeed build --quiet']);
    for (const line of wirefeed) {
      const [, , name, ...args] = line.split(' ');
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(commandFlags(name!)).toContain(flag);
    }
  });

  it('links only to files that exist', () => {
    for (const file of DOCS) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(((?:docs\/|\.\.?\/)?[\w./-]+\.(?:md|png|yml|json))\)/g)) {
        expect(existsSync(resolve(join(ROOT, file, '..'), target!)), `${file} links to ${target}`).toBe(true);
      }
    }
  });
});
