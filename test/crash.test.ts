// Crash safety of `wirefeed build`: a real build is killed with SIGKILL at many points, and the
// output folder must then hold the complete previous build or the complete new one (never a
// mix, never a partial file), and the next build must recover and write the new one.
// Kill points: exact steps of the file writing (test/support/crash-pause.mjs pauses the build
// there, half-way through a file for writes), and delays spread over a real build's duration.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
/** The steps of the same build on a copy, whose spare is filled whole and cloned again after the swap. */
let copySteps: string[];
let copyBuildMs: number;

/** Makes `dir`'s seeds/ version A, or changes version A into B. */
function seeds(dir: string, version: 'A' | 'B'): void {
  if (version === 'A') rmSync(join(dir, 'seeds'), { recursive: true, force: true });
  mkdirSync(join(dir, 'seeds'), { recursive: true });
  for (const [name, text] of Object.entries(version === 'A' ? SEEDS_A : SEEDS_B)) {
    if (text === null) rmSync(join(dir, 'seeds', name));
    else {
      writeFileSync(join(dir, 'seeds', name), text);
      // The same times in every folder: they are part of the cache keys, so steps get the same names.
      utimesSync(join(dir, 'seeds', name), MTIME[version], MTIME[version]);
    }
  }
}

const MTIME = { A: new Date('2024-03-10T00:00:00Z'), B: new Date('2024-03-11T00:00:00Z') };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wf-crash-'));
  // The template: seeds at version B, feeds/ and the build cache as the build of version A left them.
  template = join(work, 'template');
  seeds(template, 'A');
  expect((await build(template)).code).toBe(0);
  treeA = tree(join(template, 'feeds'));
  seeds(template, 'B');
  // The new build, uninterrupted, where version A was built: what every recovery must end with.
  // Its steps are those of an export that updates the spare tree the last build kept.
  const expected = await builtInPlace('expected');
  const counted = await build(expected, { countSteps: true });
  expect(counted.code).toBe(0);
  treeB = tree(join(expected, 'feeds'));
  steps = JSON.parse(/^steps (.*)$/m.exec(counted.stderr)![1]!) as string[];
  // On a copy, the spare tree's record does not match (new inodes): it is emptied and filled whole.
  const copy = fresh('expected-copy');
  const started = performance.now();
  expect((await build(fresh('timed-copy'))).code).toBe(0);
  copyBuildMs = performance.now() - started;
  const copied = await build(copy, { countSteps: true });
  expect(copied.code).toBe(0);
  expect(same(tree(join(copy, 'feeds')), treeB)).toBe(true);
  copySteps = JSON.parse(/^steps (.*)$/m.exec(copied.stderr)![1]!) as string[];
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

let copies = 0;
/** A copy of the template (new inodes: the build cache's spare tree is not trusted). */
function fresh(name = `run-${copies++}`): string {
  const dir = join(work, name);
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** Version A built in a new folder, then the seeds changed to B: the build cache and its spare tree as that build left them. */
async function builtInPlace(name = `run-${copies++}`): Promise<string> {
  const dir = join(work, name);
  seeds(dir, 'A');
  expect((await build(dir)).code).toBe(0);
  seeds(dir, 'B');
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
  // The builds after it start from the spare tree the killed or the recovering build left: going back
  // to version A and on to B must give each tree exactly.
  for (const [version, expected] of [['A', treeA], ['B', treeB]] as const) {
    seeds(dir, version);
    expect((await build(dir)).code).toBe(0);
    expect(same(tree(join(dir, 'feeds')), expected), `a later build of version ${version}`).toBe(true);
  }
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
    // The export updates the spare tree kept by the last build: its record is dropped first,
    // then files are linked into it from the build cache (where they are written first); it is
    // exchanged with feeds/ (renameat2, not an fs.promises call, after a plain rename refused
    // because feeds/ holds the old tree), and the record of both trees is written last.
    const record = 'rename .wirefeed-cache/trees/H/records.v8.PID.tmp';
    expect(steps.filter((s) => s === record)).toHaveLength(2);
    expect(steps.indexOf(record)).toBeLessThan(steps.findIndex((s) => s.startsWith('link .wirefeed-cache/trees/H/tree/')));
    expect(steps.slice(-3)).toEqual(['rename .wirefeed-cache/trees/H/tree', 'writeFile .wirefeed-cache/trees/H/records.v8.PID.tmp', record]);
    expect(steps.filter((s) => s.startsWith('link .wirefeed-cache/trees/H/tree/')).length).toBeGreaterThan(20);
    expect(steps.filter((s) => s.startsWith('writeFile .wirefeed-cache/bodies/')).length).toBeGreaterThan(20);
    // Files the new version no longer has are removed from the spare.
    expect(steps.filter((s) => s.startsWith('rm .wirefeed-cache/trees/H/tree/items/')).length).toBeGreaterThan(0);
  });

  it('at every rename and rm, and at writes spread over the export (half-written files included): old or new tree, then recovery', async () => {
    const at = (test: (step: string) => boolean): number[] => steps.flatMap((step, i) => (test(step) ? [i + 1] : []));
    // The item cache: its first stale-shard removal, a half-written shard, a shard's rename.
    const cache = ['rm', 'writeFile', 'rename'].map((op) => at((s) => s.startsWith(`${op} .wirefeed-cache/`))[0]!);
    // The export: files spread over the writing and removing, the spare's records and its swap.
    const writes = at((s) => /^(?:link|rm) \.wirefeed-cache\/trees\/H\/tree\//.test(s) || s.startsWith('writeFile .wirefeed-cache/bodies/'));
    const spread = [0, 1, 2, 3].map((k) => writes[Math.floor((k * (writes.length - 1)) / 3)]!);
    const swap = at((s) => /^(?:writeFile|rename) \.wirefeed-cache\/trees\/H\/(?:tree$|records)/.test(s));
    const points = new Set([...cache, ...spread, ...swap]);
    // On a copy: emptying the untrusted spare, and after the swap, removing the old tree and linking the new one into a fresh spare.
    const swapped = copySteps.indexOf('rename .wirefeed-cache/trees/H/tree');
    const clone = copySteps.flatMap((s, i) => (i > swapped && s.startsWith('link .wirefeed-cache/trees/H/tree/') ? [i + 1] : []));
    const copyPoints = [...copySteps.flatMap((s, i) => (s === 'rm .wirefeed-cache/trees/H/tree' ? [i + 1] : [])), clone[0]!, clone.at(-1)!];
    const runs = [...[...points].map((n) => ({ n, all: steps, copy: false })), ...copyPoints.map((n) => ({ n, all: copySteps, copy: true }))];
    const outcomes: string[] = [];
    await inPairs(runs, async ({ n, all, copy }) => {
      const dir = copy ? fresh() : await builtInPlace();
      // The step's name and which occurrence of that name it is: a name can recur (a refused rename, then the same rename again).
      const name = all[n - 1]!;
      const run = await build(dir, { pauseAt: `${name}@${all.slice(0, n).filter((s) => s === name).length}` });
      expect(run.signal, `step ${n} (${name}) was reached and killed`).toBe('SIGKILL');
      outcomes.push(`${copy ? 'copy ' : ''}step ${n}/${all.length} ${name}: ${afterKill(dir)}`);
      await recovers(dir);
    });
    console.info(`kill points:\n${outcomes.sort().join('\n')}`);
    expect(outcomes.some((o) => o.endsWith(': old'))).toBe(true);
    expect(outcomes.some((o) => o.endsWith(': new'))).toBe(true);
  }, 600_000);

  it('at delays spread over a whole build that fills its spare tree whole: old or new tree, then recovery', async () => {
    const delays = [0.3, 0.7, 0.95, 1].map((f) => Math.round(f * copyBuildMs));
    const outcomes: string[] = [];
    await inPairs(delays, async (ms) => {
      const dir = fresh();
      const run = await build(dir, { killAfterMs: ms });
      outcomes.push(`${ms} ms: ${run.signal === 'SIGKILL' ? afterKill(dir) : `finished first (exit ${run.code}): ${afterKill(dir)}`}`);
      await recovers(dir);
    });
    console.info(`kill delays (a whole build takes ${Math.round(copyBuildMs)} ms):\n${outcomes.sort((a, b) => parseInt(a) - parseInt(b)).join('\n')}`);
  }, 600_000);
});
