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
  log(`build ${size}: warm`);
  result.warm = await wirefeedBuild(dir, seeds, { timeoutMs });

  // One edited document: a paragraph appended to the first file.
  const first = readdirSync(seeds).sort()[0];
  appendFileSync(join(seeds, first), '\nA correction was appended to this story after publication.\n');
  log(`build ${size}: incremental (one document edited)`);
  result.incremental = await wirefeedBuild(dir, seeds, { timeoutMs });
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
    if (has('hugo')) {
      const site = join(dir, 'hugo');
      cpSync(join(ROOT, 'bench', 'hugo'), site, { recursive: true });
      await writeHugoContent(documents, site);
      log(`build ${size}: hugo`);
      await hugoBuild(site, timeoutMs);
      // The second run is the one compared: both tools then read warm file-system caches.
      result.hugo = await hugoBuild(site, timeoutMs);
    } else log('hugo is not installed: its comparison is skipped');
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
