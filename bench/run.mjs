// npm run bench            full run: builds of 1k, 10k and 100k documents, Hugo and `feed` at 10k,
//                          every serving case on wrk and autocannon, 3 × 10 s each;
//                          writes bench/results/results.json, bench/results/plot.svg and the
//                          table in docs/benchmarks.md.
// npm run bench -- --quick  CI smoke (under 2 minutes): 50 documents, wrk only, 3 × 1 s;
//                          writes to bench/results/tmp/ and leaves the committed results alone.
// Options: --sizes 1000,10000 (corpus sizes), --timeout-min N (per build; default 60, quick 3).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchBuilding } from './build.mjs';
import { log, prepareBench, ROOT, run, writeServingSeeds } from './lib.mjs';
import { renderPlot } from './plot.mjs';
import { updateDocs } from './report.mjs';
import { benchServing } from './serve.mjs';

const quick = process.argv.includes('--quick');
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const sizes = option('--sizes')?.split(',').map(Number) ?? (quick ? [50] : [1000, 10000, 100000]);
const started = Date.now();

const install = await run('bash', [join(ROOT, 'bench', 'install-tools.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
log((install.stdout + install.stderr).trim());
const { articles, work } = prepareBench('wirefeed-bench-');
try {
  const servingSeeds = await writeServingSeeds(articles, work);
  const serving = await benchServing({ corpus: servingSeeds, work: join(work, 'serving'), quick });
  const building = await benchBuilding({
    articles,
    work,
    sizes,
    compareAt: sizes.includes(10000) ? 10000 : sizes[sizes.length - 1],
    // Profiled builds run again beside the timed ones; one size (the middle one) says what dominates.
    profileAt: quick ? [] : [sizes[Math.floor((sizes.length - 1) / 2)]],
    timeoutMs: Number(option('--timeout-min') ?? (quick ? 3 : 60)) * 60_000,
  });
  const results = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', machine: machine(), versions: await versions(), serving, building, seconds: Math.round((Date.now() - started) / 1000) };
  const dir = join(ROOT, 'bench', 'results', quick ? 'tmp' : '');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  writeFileSync(join(dir, 'plot.svg'), renderPlot(results));
  if (!quick) updateDocs(join(ROOT, 'docs', 'benchmarks.md'), results);
  log(`done in ${results.seconds} s; results in ${join(dir, 'results.json')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function machine() {
  return { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' ') };
}

async function versions() {
  const first = async (cmd, args) => {
    try {
      const r = await run(cmd, args);
      return (r.stdout + r.stderr).trim().split('\n')[0];
    } catch {
      return 'not installed';
    }
  };
  const pkg = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  return {
    node: process.version,
    wirefeed: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    commit: (await first('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'])),
    koa: pkg('koa'),
    feed: pkg('feed'),
    compromise: pkg('compromise'),
    autocannon: pkg('autocannon'),
    wrk: await first('wrk', ['--version']),
    nginx: await first('/usr/sbin/nginx', ['-v']),
    hugo: await first('hugo', ['version']),
  };
}
