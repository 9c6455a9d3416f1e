// Small helpers shared by the bench scripts: child processes, timing, CPU accounting.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { loadArticles, makeDocuments, writeSeeds } from './corpus.mjs';

export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/**
 * The Wirefeed that is measured: a private copy of the compiled package made
 * at the start of a run (see snapshotApp), so a recompile in the shared work
 * tree during a long run cannot change the code under test or its cache keys.
 */
export const APP = { root: ROOT };

export function wirefeedBin() {
  return join(APP.root, 'bin', 'wirefeed.js');
}

export function snapshotApp(dir) {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['bin', 'dist', 'data', 'assets', 'package.json']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  APP.root = dir;
}

/** Runs a command to completion; resolves with its output and exit code (never rejects on a non-zero exit). */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Runs a command under GNU time: wall seconds, CPU seconds and peak RSS, from
 * the kernel's accounting of the process and its children.
 */
export async function timed(command, args, options = {}) {
  const result = await run('/usr/bin/time', ['-f', 'TIME %e %U %S %M', command, ...args], options);
  const line = result.stderr.split('\n').reverse().find((l) => l.startsWith('TIME '));
  if (!line) throw new Error(`${command} ${args.join(' ')}: no timing (${result.signal ?? result.code})\n${result.stderr.slice(-2000)}`);
  const [wall, user, sys, kb] = line.split(' ').slice(1).map(Number);
  return { ...result, wallS: wall, cpuS: user + sys, peakRssMB: Math.round(kb / 1024) };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(url, { keepalive: false });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function has(command) {
  return ['/usr/bin/', '/usr/sbin/', '/bin/', '/sbin/'].some((dir) => existsSync(dir + command));
}

/** Pins a command to one core when taskset and the core exist. */
export function pinned(core, command, args) {
  return has('taskset') ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

export function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

/**
 * What every bench entry point does first: compile, load the real article text (or exit 0,
 * saying why, when the data is absent), and make a work folder holding a snapshot of the app.
 */
export function prepareBench(prefix) {
  log('compiling (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const articles = loadArticles();
  if (!articles) {
    log('../shared/data/article-pages is absent: the corpus generator needs its real article text; skipping the benchmarks');
    process.exit(0);
  }
  const work = mkdtempSync(join(tmpdir(), prefix));
  snapshotApp(join(work, 'app'));
  return { articles, work };
}

/** The serving cases' documents: more than the feed's 50 items, so archive pages exist. */
export async function writeServingSeeds(articles, work) {
  const seeds = join(work, 'serving-seeds');
  await writeSeeds(makeDocuments(articles, 120, 11), seeds);
  return seeds;
}
