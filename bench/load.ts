// Sustained load on `wirefeed serve --watch`: 64 connections on loopback over a mix of feeds,
// pages, conditional GETs answered 304, br and gzip responses and a few deliberate bad requests
// (no HEAD: autocannon waits for a body after a HEAD answer with Content-Length, and stalls),
// with a rebuild half-way through (a document is added to the watched folder). Reports requests,
// errors, status codes, latency and the server's resident memory each second; stops by itself.
//
//   npm run load                      the full run: 3 minutes
//   tsx bench/load.ts --seconds 20    a short run (test/load.test.ts runs one in npm test)
//
// The server is a separate process, so its memory is its own: VmRSS from /proc/<pid>/status.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LoadOptions {
  seconds: number;
  connections: number;
}

export interface LoadReport {
  seconds: number;
  connections: number;
  requests: number;
  /** Socket errors and timeouts seen by the load generator. */
  errors: number;
  timeouts: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Responses that were neither 2xx/3xx nor a deliberate bad request's 400. */
  unexpected: number;
  deliberateBadRequests: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  requestsPerSecond: number;
  /** Server VmRSS in MiB, sampled each second. */
  rssMiB: number[];
  /** RSS after the first third and at the end (minute 1 and minute 3 of the full run). */
  rssEarlyMiB: number;
  rssLateMiB: number;
  rebuilds: number;
}

const WORDS = 'river council harbour market school bridge station library farmers teachers doctors miners sailors voted opened closed rose fell met planned argued agreed delayed cheered north south east west quietly slowly early late again budget storm election court'.split(' ');

/** A document with its own sentences (shared lines would be dropped as boilerplate). */
function document(i: number): string {
  let seed = i * 2654435761;
  const sentence = (): string => Array.from({ length: 12 }, () => WORDS[(seed = (seed * 1103515245 + 12345) >>> 0) % WORDS.length]).join(' ');
  const day = String((i % 28) + 1).padStart(2, '0');
  return `---\ntitle: "Story number ${i}"\ndate: 2024-05-${day}T${String(i % 24).padStart(2, '0')}:00:00Z\n---\nIn story ${i} the ${sentence()}.\n\nLater the ${sentence()}.\n\nFinally the ${sentence()}.\n`;
}

/** The server's address once it says it is serving (it picks a free port), after /readyz says ready. */
async function waitReady(stdout: () => string, server: ChildProcess): Promise<string> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout())?.[1];
    if (port && (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return `http://127.0.0.1:${port}`;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server was not ready within 2 minutes');
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const work = mkdtempSync(join(tmpdir(), 'wf-load-'));
  const seeds = join(work, 'seeds');
  mkdirSync(seeds);
  cpSync(join(ROOT, 'seeds'), seeds, { recursive: true });
  for (let i = 0; i < 60; i++) writeFileSync(join(seeds, `story-${i}.md`), document(i));
  const server = spawn(process.execPath, [join(ROOT, 'bin/wirefeed.js'), 'serve', '--watch', '--seeds', seeds, '--port', '0', '--host', '127.0.0.1'], {
    cwd: work,
    env: { ...process.env, WIREFEED_ACCESS_LOG: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  try {
    const base = await waitReady(() => stdout, server);
    // The paths to load: every feed the OPML lists, the home page and some item pages.
    const opml = await (await fetch(`${base}/opml.xml`)).text();
    const feeds = [...opml.matchAll(/xmlUrl="[^"]*?:\d+(\/[^"]*)"/g)].map((m) => m[1]!).slice(0, 30);
    const items = ((await (await fetch(`${base}/feed.json`)).json()) as { items: { url: string }[] }).items.map((item) => new URL(item.url).pathname).slice(0, 20);
    const pages = ['/', ...items];
    if (feeds.length === 0 || items.length === 0) throw new Error('found no feeds or items to load');
    const etags = await Promise.all(feeds.slice(0, 10).map(async (path) => [path, (await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } })).headers.get('etag')!] as const));
    const requests: autocannon.Request[] = [
      ...feeds.map((path) => ({ method: 'GET' as const, path })),
      ...feeds.slice(0, 10).map((path) => ({ method: 'GET' as const, path, headers: { 'accept-encoding': 'br, gzip' } })),
      ...feeds.slice(10, 20).map((path) => ({ method: 'GET' as const, path, headers: { 'accept-encoding': 'gzip' } })),
      ...pages.map((path) => ({ method: 'GET' as const, path, headers: { 'accept-encoding': 'br' } })),
      ...etags.map(([path, etag]) => ({ method: 'GET' as const, path, headers: { 'if-none-match': etag } })),
      // The deliberate bad requests: 400s, counted apart.
      { method: 'GET', path: '/rss.xml?limit=abc' },
    ];
    const deliberate = 1 / requests.length;

    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMiB(server.pid!)), 1000);
    // Half-way, a new document: the watcher rebuilds and swaps the site under load.
    const rebuildsBefore = stdout.match(/^Rebuilt /gm)?.length ?? 0;
    const rebuild = setTimeout(() => writeFileSync(join(seeds, 'breaking.md'), document(1000)), (options.seconds * 1000) / 2);
    const result = await autocannon({ url: base, connections: options.connections, duration: options.seconds, requests, timeout: 10 });
    clearInterval(sampler);
    clearTimeout(rebuild);

    const statuses: Record<string, number> = {};
    for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
    const bad = statuses['400'] ?? 0;
    const unexpected = Object.entries(statuses).filter(([code]) => !/^[23]/.test(code) && code !== '400').reduce((sum, [, n]) => sum + n, 0);
    const third = Math.max(1, Math.floor(rss.length / 3));
    return {
      seconds: options.seconds,
      connections: options.connections,
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      statuses,
      unexpected,
      // 400s beyond the share of the deliberate request would be real failures.
      deliberateBadRequests: bad <= Math.ceil(result.requests.total * deliberate * 1.5) ? bad : -bad,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      requestsPerSecond: result.requests.average,
      rssMiB: rss,
      rssEarlyMiB: rss[third - 1]!,
      rssLateMiB: rss.at(-1)!,
      rebuilds: (stdout.match(/^Rebuilt /gm)?.length ?? 0) - rebuildsBefore,
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('close', resolve)));
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '180' }, connections: { type: 'string', default: '64' } } });
  const report = await runLoad({ seconds: Number(values.seconds), connections: Number(values.connections) });
  const { rssMiB: samples, ...summary } = report;
  console.log(JSON.stringify({ ...summary, rssEveryTenSeconds: samples.filter((_, i) => i % 10 === 9) }, null, 2));
  const growth = (report.rssLateMiB - report.rssEarlyMiB) / report.rssEarlyMiB;
  const ok = report.errors === 0 && report.timeouts === 0 && report.unexpected === 0 && report.deliberateBadRequests >= 0 && report.rebuilds > 0 && growth <= 0.1;
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${report.requests} requests, ${report.errors} errors, ${report.unexpected} unexpected statuses, p99 ${report.latencyMs.p99} ms, RSS ${report.rssEarlyMiB} → ${report.rssLateMiB} MiB (${(growth * 100).toFixed(1)}%), ${report.rebuilds} rebuild(s)`);
  process.exitCode = ok ? 0 : 1;
}
