// Serving benchmark: the same ~50-item feed bytes answered by bare node:http
// (baseline), nginx with gzip_static (static-file limit) and Wirefeed's server.
// Servers run on core 0, the load generator on core 1; each case gets a
// warm-up and several timed runs; medians, p99 and both sides' core-busy %.
// No server writes an access log (nginx: access_log off; Wirefeed:
// WIREFEED_ACCESS_LOG=off), so all three do the same work per request.
//
// Alone (compiles, generates the serving corpus, prints JSON):
//   node bench/serve.mjs [--quick] [--cases raw-304,wirefeed-304,raw-br,wirefeed-br] [--tools wrk]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { summarizeProfile } from './profile-summary.mjs';
import { cpuSeconds, freePort, has, log, median, pinned, prepareBench, ROOT, run, timed, waitForHttp, wirefeedBin, writeServingSeeds } from './lib.mjs';

const SITE_URL = 'http://localhost:3000';

function start(core, command, args, options = {}) {
  const [cmd, argv] = pinned(core, command, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  child.stderr.on('data', () => {});
  return child;
}

function stop(child, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** The pids whose CPU time is the server's: nginx's worker (the master only supervises), else the process itself. */
function serverPids(child, name) {
  if (name !== 'nginx') return [child.pid];
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
  return children ? children.split(' ').map(Number) : [child.pid];
}

/** The ETag a client would send back; a fresh connection each time, so no pooled socket the server has closed is reused. */
function etagOf(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => (response.headers.etag ? resolve(response.headers.etag) : reject(new Error(`${url}: no ETag (status ${response.statusCode})`))));
    }).on('error', reject);
  });
}

async function wrk(url, headers, seconds) {
  const args = ['-t1', '-c64', `-d${seconds}s`, '--latency', ...headers.flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  const [cmd, argv] = pinned(1, 'wrk', args);
  const result = await timed(cmd, argv);
  const rps = Number(result.stdout.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  const p99 = result.stdout.match(/\s99%\s+([\d.]+)(us|ms|s)/);
  const errors = Number(result.stdout.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return { rps, p99Ms: p99 ? Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]] : NaN, errors, clientBusy: result.cpuS / result.wallS };
}

async function autocannon(url, headers, seconds) {
  const args = [join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'), '-c', '64', '-d', String(seconds), '-j', ...headers.flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const [cmd, argv] = pinned(1, process.execPath, args);
  const result = await timed(cmd, argv);
  const json = JSON.parse(result.stdout);
  return { rps: json.requests.average, p99Ms: json.latency.p99, errors: json.errors + json.timeouts + json.non2xx - (json['3xx'] ?? 0), clientBusy: result.cpuS / result.wallS };
}

/** One timed run of one case: req/s, p99 and the core-busy % of the server's pids and of the load generator. */
async function measureOnce(tool, server, url, headers, seconds) {
  const pids = server.pids();
  const before = pids.map(cpuSeconds);
  const started = performance.now();
  const result = await (tool === 'wrk' ? wrk : autocannon)(url, headers, seconds);
  const wall = (performance.now() - started) / 1000;
  const used = pids.map(cpuSeconds).reduce((sum, cpu, j) => sum + cpu - before[j], 0);
  return { ...result, serverBusy: used / wall };
}

/**
 * Every case on every tool: one warm-up each, then `reps` rounds that run
 * every case once, so load from other processes on this shared machine falls
 * on all cases alike rather than on whichever ran during a busy spell.
 */
async function measureAll(plan, tools, { warmupS, durationS, reps }) {
  const runs = new Map();
  for (const [name, server, path, headers] of plan) {
    for (const tool of tools) {
      log(`serving: warm-up ${name} (${tool})`);
      await measureOnce(tool, server, `${server.base}${path}`, headers, warmupS);
    }
  }
  for (let round = 1; round <= reps; round++) {
    log(`serving: round ${round} of ${reps}`);
    for (const [name, server, path, headers] of plan) {
      for (const tool of tools) {
        const key = `${name} ${tool}`;
        runs.set(key, [...(runs.get(key) ?? []), await measureOnce(tool, server, `${server.base}${path}`, headers, durationS)]);
      }
    }
  }
  return plan.flatMap(([name, , path, headers]) =>
    tools.map((tool) => {
      const list = runs.get(`${name} ${tool}`);
      const pick = (key) => +median(list.map((r) => r[key])).toFixed(key === 'rps' ? 0 : 3);
      return { name, path, headers: Object.fromEntries(headers), tool, reqPerS: pick('rps'), p99Ms: pick('p99Ms'), serverCoreBusy: pick('serverBusy'), clientCoreBusy: pick('clientBusy'), errors: list.reduce((s, r) => s + r.errors, 0), runs: list.map((r) => Math.round(r.rps)) };
    }),
  );
}

/** Finds a per-category feed and an archive page in the built site, when the build has them. */
function discover(out) {
  const categories = join(out, 'categories');
  const category = existsSync(categories) ? readdirSync(categories).sort().find((slug) => existsSync(join(categories, slug, 'rss.xml'))) : undefined;
  const rss = readFileSync(join(out, 'rss.xml'), 'utf8');
  const archive = rss.match(/<atom:link[^>]*rel="prev-archive"[^>]*href="([^"]+)"|<atom:link[^>]*href="([^"]+)"[^>]*rel="prev-archive"/);
  const archiveHref = archive ? (archive[1] ?? archive[2]) : undefined;
  return {
    category: category ? `/categories/${category}/rss.xml` : undefined,
    archive: archiveHref?.startsWith(SITE_URL) ? archiveHref.slice(SITE_URL.length) : undefined,
  };
}

/** `only`: the case names to run (all when absent); `tools`: the load generators (default: wrk and autocannon, wrk only when quick). */
export async function benchServing({ corpus, work, quick, only, tools: chosen }) {
  const timing = quick ? { warmupS: 1, durationS: 1, reps: 3 } : { warmupS: 3, durationS: 10, reps: 3 };
  const tools = (chosen ?? (quick ? ['wrk'] : ['wrk', 'autocannon'])).filter((tool) => tool !== 'wrk' || has('wrk'));
  if (tools.length === 0) tools.push('autocannon');
  const out = join(work, 'feeds');
  mkdirSync(work, { recursive: true });
  log(`serving: building the site from ${corpus}`);
  const built = await run(process.execPath, [wirefeedBin(), 'build', '--seeds', corpus, '--out', out, '--site-url', SITE_URL, '--limit', '50'], { cwd: work });
  if (built.code !== 0 && built.code !== 1) throw new Error(`build failed: ${built.stderr}`);
  const feedBytes = readFileSync(join(out, 'rss.xml')).length;
  const found = discover(out);

  const servers = [];
  const rawPort = await freePort();
  const raw = start(0, process.execPath, [join(ROOT, 'bench', 'servers', 'raw-node.mjs'), out, 'rss.xml', String(rawPort)]);
  servers.push({ name: 'node:http', child: raw, base: `http://127.0.0.1:${rawPort}` });

  let nginx;
  if (has('nginx')) {
    const prefix = join(work, 'nginx');
    mkdirSync(prefix, { recursive: true });
    const port = await freePort();
    const conf = readFileSync(join(ROOT, 'bench', 'nginx.conf.template'), 'utf8').replaceAll('{{PREFIX}}', prefix).replaceAll('{{PORT}}', String(port)).replaceAll('{{ROOT}}', out).replaceAll('{{USER}}', userInfo().username);
    writeFileSync(join(prefix, 'nginx.conf'), conf);
    nginx = start(0, existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')]);
    servers.push({ name: 'nginx', child: nginx, base: `http://127.0.0.1:${port}` });
  } else log('nginx is not installed: its cases are skipped');

  const wfPort = await freePort();
  const startWirefeed = (nodeFlags) =>
    start(0, process.execPath, [...nodeFlags, wirefeedBin(), 'serve', '--seeds', corpus, '--port', String(wfPort), '--site-url', SITE_URL, '--limit', '50'], {
      cwd: work,
      env: { ...process.env, WIREFEED_ACCESS_LOG: 'off' },
    });
  servers.push({ name: 'wirefeed', child: startWirefeed([]), base: `http://127.0.0.1:${wfPort}` });

  const cases = [];
  let plan = [];
  try {
    for (const s of servers) {
      await waitForHttp(`${s.base}/rss.xml`);
      s.pids = () => serverPids(s.child, s.name);
    }
    const [rawServer, , wf] = [servers[0], servers.find((s) => s.name === 'nginx'), servers.find((s) => s.name === 'wirefeed')];
    const nginxServer = servers.find((s) => s.name === 'nginx');
    plan = [
      ['raw-identity', rawServer, '/rss.xml', []],
      ['raw-gzip', rawServer, '/rss.xml', [['Accept-Encoding', 'gzip']]],
      ['raw-br', rawServer, '/rss.xml', [['Accept-Encoding', 'br']]],
      ['raw-304', rawServer, '/rss.xml', [['If-None-Match', await etagOf(`${rawServer.base}/rss.xml`)]]],
      ...(nginxServer
        ? [
            ['nginx-identity', nginxServer, '/rss.xml', []],
            ['nginx-gzip', nginxServer, '/rss.xml', [['Accept-Encoding', 'gzip']]],
            ['nginx-304', nginxServer, '/rss.xml', [['If-None-Match', await etagOf(`${nginxServer.base}/rss.xml`)]]],
          ]
        : []),
      ['wirefeed-identity', wf, '/rss.xml', []],
      ['wirefeed-gzip', wf, '/rss.xml', [['Accept-Encoding', 'gzip']]],
      ['wirefeed-br', wf, '/rss.xml', [['Accept-Encoding', 'br']]],
      ['wirefeed-304', wf, '/rss.xml', [['If-None-Match', await etagOf(`${wf.base}/rss.xml`)]]],
      ...(found.category ? [['wirefeed-category-gzip', wf, found.category, [['Accept-Encoding', 'gzip']]]] : []),
      ...(found.archive ? [['wirefeed-archive-gzip', wf, found.archive, [['Accept-Encoding', 'gzip']]]] : []),
    ];
    if (only) plan = plan.filter(([name]) => only.includes(name));
    cases.push(...(await measureAll(plan, tools, timing)));
  } finally {
    for (const s of servers) await stop(s.child, s.name === 'wirefeed' ? 'SIGINT' : 'SIGTERM');
  }

  // The CPU profile comes from a separate pass over the Wirefeed cases: profiling
  // costs the server about 3 µs a request (17 % of a 304), which the timed runs
  // must not carry while the baselines run unprofiled.
  const profileDir = join(work, 'serve-profile');
  const profiled = startWirefeed(['--cpu-prof', '--cpu-prof-dir', profileDir]);
  try {
    const server = { base: `http://127.0.0.1:${wfPort}`, pids: () => [profiled.pid] };
    await waitForHttp(`${server.base}/rss.xml`);
    for (const [name, , path, headers] of plan.filter(([name]) => name.startsWith('wirefeed-'))) {
      log(`serving: profiling ${name}`);
      await measureOnce(tools[0], server, `${server.base}${path}`, headers, timing.durationS);
    }
  } finally {
    await stop(profiled, 'SIGINT');
  }

  const profiles = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profileDir, f)) : [];
  const requests = profiles.length ? summarizeProfile(profiles, { within: /_http_server|node:_http_common/, top: 12 }) : undefined;
  const zlibInRequests = requests?.files.find((f) => f.name === 'node:zlib')?.ms ?? 0;
  return {
    feedBytes,
    found,
    tools,
    timing,
    cases,
    ratios: servingRatios(cases),
    requestProfile: requests && { ...requests, zlibMs: zlibInRequests },
  };
}

/** Wirefeed's req/s over the baselines', per tool, for the cases the targets name. */
function servingRatios(cases) {
  const rps = (name, tool) => cases.find((c) => c.name === name && c.tool === tool)?.reqPerS;
  const ratios = [];
  for (const tool of new Set(cases.map((c) => c.tool))) {
    for (const [wf, base] of [
      ['wirefeed-gzip', 'raw-gzip'], ['wirefeed-br', 'raw-br'], ['wirefeed-304', 'raw-304'], ['wirefeed-identity', 'raw-identity'],
      ['wirefeed-gzip', 'nginx-gzip'], ['wirefeed-304', 'nginx-304'], ['wirefeed-identity', 'nginx-identity'],
      ['wirefeed-category-gzip', 'raw-gzip'], ['wirefeed-archive-gzip', 'raw-gzip'],
    ]) {
      const a = rps(wf, tool);
      const b = rps(base, tool);
      if (a && b) ratios.push({ tool, case: wf, baseline: base, ratio: +(a / b).toFixed(2), target: wf.includes('identity') ? undefined : base.startsWith('nginx') ? 0.5 : 0.9 });
    }
  }
  return ratios;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const list = (flag) => {
    const i = process.argv.indexOf(flag);
    return i === -1 ? undefined : process.argv[i + 1].split(',');
  };
  const [only, tools] = [list('--cases'), list('--tools')];
  const { articles, work } = prepareBench('wirefeed-serve-');
  try {
    const seeds = await writeServingSeeds(articles, work);
    const result = await benchServing({ corpus: seeds, work: join(work, 'serving'), quick, only, tools });
    process.stdout.write(`${JSON.stringify({ load: readFileSync('/proc/loadavg', 'utf8').trim(), ...result }, null, 1)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
