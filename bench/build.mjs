// Build benchmark: `wirefeed build` on generated corpora of several sizes, cold
// (empty item cache), warm (every item cached) and incremental (one document
// edited), then `serve --watch` timed from an edit to its answer (watch.mjs), with wall time, CPU time and peak RSS from the kernel; Hugo and the
// `feed` package on the same documents in the same run; a CPU profile of the
// cold and warm builds, summarized per file.
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeDocuments, writeHugoContent, writeSeeds } from './corpus.mjs';
import { has, log, ROOT, timed, wirefeedBin } from './lib.mjs';
import { summarizeProfile } from './profile-summary.mjs';
import { benchWatch } from './watch.mjs';

function items(stdout) {
  return Number(stdout.match(/Built (\d+) item/)?.[1] ?? NaN);
}

async function wirefeedBuild(dir, seeds, { timeoutMs, profileDir }) {
  const args = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), wirefeedBin(), 'build', '--seeds', seeds, '--out', join(dir, 'feeds'), '--limit', '50'];
  const result = await timed(process.execPath, args, { cwd: dir, timeoutMs, env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
  if (result.signal) return { timedOut: true, limitS: timeoutMs / 1000 };
  if (result.code !== 0 && result.code !== 1) throw new Error(`wirefeed build failed (${result.code}): ${result.stderr.slice(-1000)}`);
  const count = items(result.stdout);
  return { wallS: result.wallS, cpuS: +result.cpuS.toFixed(2), coresUsed: +(result.cpuS / result.wallS).toFixed(2), peakRssMB: result.peakRssMB, items: count, itemsPerS: Math.round(count / result.wallS) };
}

/** Warm builds and Hugo runs each repeated this many times; the median run is reported. */
const ROUNDS = 5;

/** The run of median wall time, with every run's time; a run stopped by the time limit stands for all. */
function medianRun(runs) {
  const stopped = runs.find((run) => run.timedOut);
  if (stopped) return stopped;
  const sorted = [...runs].sort((a, b) => a.wallS - b.wallS);
  return { ...sorted[Math.floor(sorted.length / 2)], runsS: runs.map((run) => run.wallS) };
}

function profileOf(dir) {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  return files.length ? summarizeProfile(files, { top: 12 }) : undefined;
}

async function hugoBuild(dir, timeoutMs) {
  const args = ['--quiet', '--source', dir, '--destination', join(dir, 'public')];
  const result = await timed('hugo', args, { timeoutMs });
  if (result.signal) return { timedOut: true, limitS: timeoutMs / 1000 };
  if (result.code !== 0) throw new Error(`hugo failed: ${result.stderr.slice(-1000)}`);
  const feeds = readdirSync(join(dir, 'public', 'tags')).length + 1;
  return { wallS: result.wallS, cpuS: +result.cpuS.toFixed(2), coresUsed: +(result.cpuS / result.wallS).toFixed(2), peakRssMB: result.peakRssMB, feeds };
}

/**
 * One corpus size. `compare` adds Hugo and the `feed` package on the same
 * documents; `profile` adds profiled cold and warm builds (slower, so separate).
 */
async function benchSize(articles, size, work, { compare, profile, timeoutMs }) {
  const dir = join(work, `n${size}`);
  const seeds = join(dir, 'seeds');
  mkdirSync(dir, { recursive: true });
  const documents = makeDocuments(articles, size);
  await writeSeeds(documents, seeds);
  const result = { size };

  log(`build ${size}: cold`);
  rmSync(join(dir, '.wirefeed-cache'), { recursive: true, force: true });
  result.cold = await wirefeedBuild(dir, seeds, { timeoutMs });
  if (result.cold.timedOut) return result;

  // Hugo's site is made first, so warm builds and Hugo runs can alternate: load from other processes then falls on both alike.
  const hugoSite = compare && has('hugo') ? join(dir, 'hugo') : undefined;
  if (compare && !hugoSite) log('hugo is not installed: its comparison is skipped');
  if (hugoSite) {
    cpSync(join(ROOT, 'bench', 'hugo'), hugoSite, { recursive: true });
    await writeHugoContent(documents, hugoSite);
    log(`build ${size}: hugo, first run (fills the file-system caches, as Wirefeed's cold build did)`);
    await hugoBuild(hugoSite, timeoutMs);
  }
  const warmRuns = [];
  const hugoRuns = [];
  for (let round = 1; round <= ROUNDS; round++) {
    log(`build ${size}: warm, round ${round} of ${ROUNDS}${hugoSite ? ' (then hugo)' : ''}`);
    warmRuns.push(await wirefeedBuild(dir, seeds, { timeoutMs }));
    if (hugoSite) hugoRuns.push(await hugoBuild(hugoSite, timeoutMs));
  }
  result.warm = medianRun(warmRuns);
  if (hugoSite) result.hugo = medianRun(hugoRuns);

  // One edited document: a paragraph appended to the first file, plain text without a date, so its date
  // (its mtime) moves and it becomes the newest item; then to a Markdown document with a date in its front matter.
  const names = readdirSync(seeds).sort();
  const edit = (name) => appendFileSync(join(seeds, name), '\nA correction was appended to this story after publication.\n');
  edit(names.find((name) => name.endsWith('.txt')));
  log(`build ${size}: incremental (one undated document edited)`);
  result.incremental = await wirefeedBuild(dir, seeds, { timeoutMs });
  edit(names.find((name) => name.endsWith('.md')));
  log(`build ${size}: incremental (one dated document edited)`);
  result.incrementalDated = await wirefeedBuild(dir, seeds, { timeoutMs });
  log(`build ${size}: serve --watch, documents edited`);
  result.watch = await benchWatch(dir, seeds, { timeoutMs });

  if (profile) {
    log(`build ${size}: profiled cold and warm builds`);
    const copy = join(dir, 'profiled');
    mkdirSync(copy, { recursive: true });
    await wirefeedBuild(copy, seeds, { timeoutMs, profileDir: join(copy, 'cold-profile') });
    await wirefeedBuild(copy, seeds, { timeoutMs, profileDir: join(copy, 'warm-profile') });
    result.profile = { cold: profileOf(join(copy, 'cold-profile')), warm: profileOf(join(copy, 'warm-profile')) };
  }

  if (compare) {
    log(`build ${size}: feed package`);
    const feed = await timed(process.execPath, [join(ROOT, 'bench', 'feed-package.mjs'), join(dir, '.wirefeed-cache')], { timeoutMs });
    if (feed.code !== 0) throw new Error(`feed package bench failed: ${feed.stderr.slice(-1000)}`);
    const out = JSON.parse(feed.stdout.trim().split('\n').pop());
    result.feedPackage = { renderS: +(out.renderMs / 1000).toFixed(2), processPeakRssMB: feed.peakRssMB, items: out.items };
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

export async function benchBuilding({ articles, work, sizes, compareAt, profileAt, timeoutMs }) {
  const results = [];
  for (const size of sizes) results.push(await benchSize(articles, size, work, { compare: size === compareAt, profile: profileAt.includes(size), timeoutMs }));
  return results;
}
