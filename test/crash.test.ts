// Crash safety of `wirefeed build`: a real build is killed with SIGKILL at many points, and the
// output folder must then hold the complete previous build or the complete new one (never a
// mix, never a partial file), and the next build must recover and write the new one.
// Kill points: exact steps of the file writing (test/support/crash-pause.mjs pauses the build
// there, half-way through a file for writes), and delays spread over a real build's duration.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/wirefeed.js');
const PAUSE = join(ROOT, 'test/support/crash-pause.mjs');
const ENV = { ...process.env, SOURCE_DATE_EPOCH: '1704067200' };

const doc = (title: string, day: number, body: string): string => `---\ntitle: "${title}"\ndate: 2024-03-${String(day).padStart(2, '0')}T09:00:00Z\n---\n${body}\n`;

/** Version A of the seeds; B edits one document, deletes one and adds two, so most files change. */
const SEEDS_A: Record<string, string> = {
  'harvest.md': doc('Valley farmers report a record harvest', 1, 'Farmers in the valley reported a record harvest on Wednesday after a mild summer.'),
  'bridge.md': doc('New bridge opens to traffic', 2, 'The new bridge over the river opened to traffic on Thursday, ahead of schedule.'),
  'council.md': doc('Council approves the budget', 3, 'The city council approved the budget for next year after a long debate on Tuesday.'),
};
const SEEDS_B: Record<string, string | null> = {
  'bridge.md': doc('New bridge opens to traffic', 2, 'The new bridge over the river opened to traffic on Thursday, two months ahead of schedule, the mayor said.'),
  'council.md': null,
  'storm.md': doc('Storm closes the harbour', 4, 'A storm closed the harbour on Friday; ferries to the islands were cancelled until Sunday.'),
  'school.md': doc('Schools reopen after repairs', 5, 'Schools in the north of the city reopened on Monday after repairs to their roofs.'),
};

type Tree = Map<string, string>;

function tree(dir: string): Tree {
  const files = new Map<string, string>();
  for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = join(dir, path);
    if (statSync(full).isFile()) files.set(relative(dir, full), readFileSync(full).toString('base64'));
  }
  return files;
}

const same = (a: Tree, b: Tree): boolean => a.size === b.size && [...a].every(([path, body]) => b.get(path) === body);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `wirefeed build` in `dir`; `kill` decides from stderr (or a timer) when to SIGKILL it. */
function build(dir: string, options: { pauseAt?: string; killAfterMs?: number; countSteps?: boolean } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...ENV };
  if (options.pauseAt) env.WIREFEED_PAUSE_AT = options.pauseAt;
  if (options.countSteps) env.WIREFEED_COUNT_STEPS = '1';
  const preload = options.pauseAt || options.countSteps ? ['--import', PAUSE] : [];
  const child = spawn(process.execPath, [...preload, BIN, 'build', '--seeds', 'seeds', '--out', 'feeds', '--limit', '2'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (options.pauseAt && /^paused /m.test(stderr)) child.kill('SIGKILL');
  });
  const timer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

let work: string;
let template: string;
let treeA: Tree;
let treeB: Tree;
let steps: string[];
let fullBuildMs: number;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wf-crash-'));
  // The template: seeds at version B, feeds/ and the item cache as the build of version A left them.
  template = join(work, 'template');
  mkdirSync(join(template, 'seeds'), { recursive: true });
  for (const [name, text] of Object.entries(SEEDS_A)) writeFileSync(join(template, 'seeds', name), text);
  expect((await build(template)).code).toBe(0);
  treeA = tree(join(template, 'feeds'));
  for (const [name, text] of Object.entries(SEEDS_B)) {
    if (text === null) rmSync(join(template, 'seeds', name));
    else writeFileSync(join(template, 'seeds', name), text);
  }
  // The new build, uninterrupted, on a copy: what every recovery must end with.
  const expected = fresh('expected');
  const started = performance.now();
  const counted = await build(expected, { countSteps: true });
  fullBuildMs = performance.now() - started;
  expect(counted.code).toBe(0);
  treeB = tree(join(expected, 'feeds'));
  steps = JSON.parse(/^steps (.*)$/m.exec(counted.stderr)![1]!) as string[];
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

let copies = 0;
function fresh(name = `run-${copies++}`): string {
  const dir = join(work, name);
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** What a reader of the output folder may find after the kill: the complete old or new tree, never no folder. */
function afterKill(dir: string): 'old' | 'new' {
  const out = join(dir, 'feeds');
  expect(existsSync(out), 'feeds/ is never missing').toBe(true);
  const found = tree(out);
  if (same(found, treeA)) return 'old';
  if (same(found, treeB)) return 'new';
  throw new Error(`feeds/ is neither the old nor the new build (${found.size} files)`);
}

async function recovers(dir: string): Promise<void> {
  const next = await build(dir);
  expect(next.code, next.stderr).toBe(0);
  expect(same(tree(join(dir, 'feeds')), treeB), 'the next build writes the complete new tree').toBe(true);
  expect(readdirSync(dir).filter((name) => /^feeds\./.test(name)), 'no staging or parked folder is left').toEqual([]);
}

/** Two builds at a time: this machine has two cores. */
async function inPairs<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all([0, 1].map(async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

describe('kill -9 during `wirefeed build`', () => {
  it('a build of the new version writes its files through the steps the test pauses at', () => {
    expect(same(treeA, treeB)).toBe(false);
    // The export's last steps: a plain rename, refused because feeds/ holds the old tree; the
    // exchange (renameat2, not an fs.promises call); then removing the old tree, now at the staging name.
    expect(steps.slice(-2)).toEqual(['rename ./feeds.tmp-PID', 'rm ./feeds.tmp-PID']);
    expect(steps.filter((s) => s === 'rm ./feeds.tmp-PID'), 'the staging name is removed only after the exchange').toHaveLength(1);
    // Files are linked into the new tree from the build cache, where they are written first.
    expect(steps.filter((s) => s.startsWith('link ./feeds.tmp-')).length).toBeGreaterThan(20);
    expect(steps.filter((s) => s.startsWith('writeFile .wirefeed-cache/bodies/')).length).toBeGreaterThan(20);
  });

  it('at every rename and rm, and at writes spread over the export (half-written files included): old or new tree, then recovery', async () => {
    const at = (test: (step: string) => boolean): number[] => steps.flatMap((step, i) => (test(step) ? [i + 1] : []));
    // The item cache: its first stale-shard removal, a half-written shard, a shard's rename.
    const cache = ['rm', 'writeFile', 'rename'].map((op) => at((s) => s.startsWith(`${op} .wirefeed-cache/`))[0]!);
    // The export: dropping an old staging folder, files spread over the writing, and each step of the swap.
    const writes = at((s) => s.startsWith('link ./feeds.tmp-') || s.startsWith('writeFile .wirefeed-cache/bodies/'));
    const spread = [0, 1, 2, 3].map((k) => writes[Math.floor((k * (writes.length - 1)) / 3)]!);
    const swap = at((s) => /^(?:rm|rename) \.\/feeds(?:$|\.)/.test(s));
    const points = new Set([...cache, ...spread, ...swap]);
    const outcomes: string[] = [];
    await inPairs([...points].sort((a, b) => a - b), async (n) => {
      const dir = fresh();
      // The step's name and which occurrence of that name it is: a name can recur (a refused rename, then the same rename again).
      const name = steps[n - 1]!;
      const run = await build(dir, { pauseAt: `${name}@${steps.slice(0, n).filter((s) => s === name).length}` });
      expect(run.signal, `step ${n} (${steps[n - 1]}) was reached and killed`).toBe('SIGKILL');
      outcomes.push(`step ${n}/${steps.length} ${steps[n - 1]}: ${afterKill(dir)}`);
      await recovers(dir);
    });
    console.info(`kill points:\n${outcomes.sort((a, b) => Number(a.split(/[ /]/)[1]) - Number(b.split(/[ /]/)[1])).join('\n')}`);
    expect(outcomes.some((o) => o.endsWith(': old'))).toBe(true);
    expect(outcomes.some((o) => o.endsWith(': new'))).toBe(true);
  }, 600_000);

  it('at delays spread over a whole build: old or new tree, then recovery', async () => {
    const delays = [0.3, 0.7, 0.95, 1].map((f) => Math.round(f * fullBuildMs));
    const outcomes: string[] = [];
    await inPairs(delays, async (ms) => {
      const dir = fresh();
      const run = await build(dir, { killAfterMs: ms });
      outcomes.push(`${ms} ms: ${run.signal === 'SIGKILL' ? afterKill(dir) : `finished first (exit ${run.code}): ${afterKill(dir)}`}`);
      await recovers(dir);
    });
    console.info(`kill delays (a whole build takes ${Math.round(fullBuildMs)} ms):\n${outcomes.sort((a, b) => parseInt(a) - parseInt(b)).join('\n')}`);
  }, 600_000);
});
