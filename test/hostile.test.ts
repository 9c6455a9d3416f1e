// Hostile documents, one test per case: each case is built beside good documents by the CLI's
// own `build` (in-process, so forty builds cost one start-up), and must finish, publish every
// other document, name the bad file with its reason, exit 1 for a refusal (0 otherwise), and
// leave every produced feed valid for the strict checkers of test/support/validate.ts.
import { execFile, execFileSync } from 'node:child_process';
import fs, { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { MAX_DOCUMENT_BYTES } from '../src/ingest/read.js';
import { HOSTILE_CASES, type HostileCase } from './support/hostile-cases.js';
import { atomRules, atomSchemaAll, feedparserRead, jsonFeedRules, rssRules, xmlWellFormed } from './support/validate.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/fixtures/hostile');
const BUILD_TIMEOUT = 600_000;

/** The good documents every case is built beside; each must still be published. */
const BASE: Record<string, string> = {
  'good-one.md': '---\ntitle: "Valley farmers report a record harvest"\ndate: 2024-01-10T08:00:00Z\n---\nFarmers in the valley reported a record harvest on Wednesday after a mild and wet summer.\n\nPrices at the regional market fell as a result.\n',
  'good-two.txt': 'New bridge opens to traffic\n\nThe new bridge over the river opened to traffic on Thursday, two months ahead of schedule.\n\nCommuters said the trip into town now takes ten minutes less.\n',
};
const BASE_TITLES = ['Valley farmers report a record harvest', 'New bridge opens to traffic'];

/** A case made at test time: files too big to commit, symlinks with absolute targets, races. */
interface GeneratedCase extends HostileCase {
  setup: (seeds: string) => void;
  /** Injected into the build's file reads (see withFsSeam) to change the folder at an exact point. */
  seam?: (seeds: string) => Seam;
}

const OVER_LIMIT = new RegExp(`over the ${MAX_DOCUMENT_BYTES / 1048576} MB limit`);

const GENERATED: GeneratedCase[] = [
  {
    name: 'a 50 MB file (sparse: made at test time, never committed)',
    files: [],
    setup: (seeds) => {
      writeFileSync(join(seeds, 'huge.txt'), 'A huge document\n\n');
      truncateSync(join(seeds, 'huge.txt'), 50 * 1024 * 1024);
    },
    published: [],
    refused: [{ file: 'huge.txt', reason: new RegExp(`is 50\\.0 MB, ${OVER_LIMIT.source}`) }],
  },
  {
    name: 'a symlink to a folder outside the seeds folder',
    files: [],
    setup: (seeds) => symlinkSync(FIXTURES, join(seeds, 'outside-folder')),
    published: [],
    refused: [{ file: 'outside-folder', reason: /is a symlink to a file outside the seeds folder/ }],
  },
  {
    name: 'a symlink to a named pipe (opening it would wait for a writer forever)',
    files: [],
    setup: (seeds) => {
      execFileSync('mkfifo', [join(seeds, '.pipe')]);
      symlinkSync(join(seeds, '.pipe'), join(seeds, 'pipe.txt'));
    },
    published: [],
    refused: [{ file: 'pipe.txt', reason: /is not a regular file/ }],
  },
  {
    name: 'a dangling symlink',
    files: [],
    setup: (seeds) => symlinkSync(join(seeds, 'nowhere.txt'), join(seeds, 'dangling.txt')),
    published: [],
    refused: [{ file: 'dangling.txt', reason: /disappeared while the build was reading it/ }],
  },
  {
    name: 'a file that disappears between listing and reading',
    files: [],
    setup: (seeds) => writeFileSync(join(seeds, 'vanishing.txt'), 'Here now\n\nGone soon.\n'),
    seam: (seeds) => ({ beforeOpen: (path) => path === join(seeds, 'vanishing.txt') && unlinkSync(path) }),
    published: [],
    refused: [{ file: 'vanishing.txt', reason: /disappeared while the build was reading it/ }],
  },
  {
    name: 'a file that grows past the limit after its size was checked',
    files: [],
    setup: (seeds) => writeFileSync(join(seeds, 'growing.txt'), 'Small at first\n\nThen it grows.\n'),
    seam: (seeds) => ({
      afterStat: (path) => path.endsWith('/growing.txt') && appendFileSync(join(seeds, 'growing.txt'), Buffer.alloc(MAX_DOCUMENT_BYTES, 0x61)),
    }),
    published: [],
    refused: [{ file: 'growing.txt', reason: /grew while it was read/ }],
  },
  {
    name: 'a file swapped for a symlink to /etc/passwd after the listing said it was a plain file',
    files: [],
    setup: (seeds) => writeFileSync(join(seeds, 'swapped.txt'), 'Innocent\n\nAt first.\n'),
    seam: (seeds) => ({
      beforeOpen: (path) => {
        if (path !== join(seeds, 'swapped.txt')) return;
        unlinkSync(path);
        symlinkSync('/etc/passwd', path);
      },
    }),
    published: [],
    refused: [{ file: 'swapped.txt', reason: /replaced by a symlink while the build read it/ }],
  },
  {
    name: 'a file replaced by a new version while it is read',
    files: [],
    setup: (seeds) => writeFileSync(join(seeds, 'edited.txt'), 'First version of the story\n\nThe first version, whole.\n'),
    // An editor saves by renaming a new file over the old one: the open file is read whole, old.
    seam: (seeds) => ({
      afterStat: (path) => {
        if (!path.endsWith('/edited.txt')) return;
        writeFileSync(join(seeds, '.edited.tmp'), 'Second version of the story\n\nThe second version, whole.\n');
        renameSync(join(seeds, '.edited.tmp'), join(seeds, 'edited.txt'));
      },
    }),
    published: ['First version of the story'],
    refused: [],
  },
];

const CASES: GeneratedCase[] = [...HOSTILE_CASES.map((c) => ({ ...c, setup: (seeds: string) => copyFixtures(seeds, c.files) })), ...GENERATED];

function copyFixtures(seeds: string, files: string[]): void {
  for (const file of files) cpSync(join(FIXTURES, file), join(seeds, file), { verbatimSymlinks: true });
}

interface Built {
  seeds: string;
  out: string;
  code: number;
  stdout: string;
  stderr: string;
  /** Problems found by the checkers in each produced feed and page, by path in `out`. */
  problems: Map<string, string[]>;
}

const built = new Map<string, Built>();
const home = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'wf-hostile-'));

beforeAll(async () => {
  // The item cache lives in the working directory; keep it away from the other test files' builds.
  process.chdir(work);
  for (const [i, c] of CASES.entries()) {
    const seeds = join(work, `case-${i}`, 'seeds');
    const out = join(work, `case-${i}`, 'feeds');
    mkdirSync(seeds, { recursive: true });
    for (const [name, text] of Object.entries(BASE)) writeFileSync(join(seeds, name), text);
    c.setup(seeds);
    const run = await withFsSeam(c.seam?.(seeds), () => captured(() => main(['build', '--seeds', seeds, '--out', out, '--limit', '0'], { ...process.env, SOURCE_DATE_EPOCH: '1704067200' })));
    built.set(c.name, { seeds, out, ...run, problems: new Map() });
  }
  await checkAll([...built.values()]);
}, BUILD_TIMEOUT);

afterAll(() => {
  process.chdir(home);
  rmSync(work, { recursive: true, force: true });
});

describe.each(CASES.map((c) => [c.name, c] as const))('hostile document: %s', (_name, c) => {
  const get = (): Built => built.get(c.name)!;

  it('finishes, names each refused file with its reason, exits 1 only for a refusal, and publishes every other document', () => {
    const { seeds, out, code, stdout, stderr } = get();
    expect(code, stderr).toBe(c.refused.length > 0 ? 1 : 0);
    for (const { file, reason } of c.refused) {
      const line = stderr.split('\n').find((l) => l.startsWith(`${seeds}/${file}: skipped: `));
      expect(line, `stderr names ${file}:\n${stderr}`).toBeDefined();
      expect(line).toMatch(reason);
    }
    const items = (JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8')) as { items: { id: string; title: string }[] }).items;
    expect(items.map((i) => i.title).sort()).toEqual([...BASE_TITLES, ...c.published].sort());
    // Two documents with one title are two items: ids never collide.
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(stdout).toMatch(new RegExp(`^Built ${items.length} items? \\(${stderr.split('\n').filter(Boolean).length} skipped\\)`));
  });

  it('leaves every produced feed valid and every page and feed free of active content', () => {
    const { problems } = get();
    expect(problems.size).toBeGreaterThan(0);
    for (const [path, found] of problems) expect(found, path).toEqual([]);
  });
});

describe('hostile documents: resource bounds and escapes', () => {
  it('refuses a 50 MB file before reading it: the build peaks at about the same memory as without it', async () => {
    const seeds = join(work, 'memory', 'seeds');
    mkdirSync(seeds, { recursive: true });
    for (const [name, text] of Object.entries(BASE)) writeFileSync(join(seeds, name), text);
    const before = await peakRss(seeds);
    GENERATED[0]!.setup(seeds);
    const after = await peakRss(seeds);
    // Reading the file would add at least its 50 MB (bytes, then a decoded string).
    expect(after.kb - before.kb, `peak ${before.kb} kB without the file, ${after.kb} kB with it`).toBeLessThan(20 * 1024);
    expect(after.stderr).toMatch(/huge\.txt: skipped: is 50\.0 MB/);
  }, 120_000);

  it('writes nothing outside the output folder, whatever a declared id says', () => {
    const { out } = built.get('declared id shaped like a path (../../..)')!;
    expect(existsSync(join(tmpdir(), 'wirefeed-pwned'))).toBe(false);
    expect(existsSync(join(out, 'items', 'tmp-wirefeed-pwned.html'))).toBe(true);
    // Nothing landed beside the output folder either.
    expect(readdirSync(join(out, '..')).sort()).toEqual(['feeds', 'seeds']);
  });
});

/** Runs `work` with process.stdout/stderr captured, as the CLI would print them. */
async function captured(work: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await work();
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

interface Seam {
  /** Before a listed file is opened (a plain file is opened without resolving its path first). */
  beforeOpen?: (path: string) => unknown;
  /** After an open file's size was read through its handle. */
  afterStat?: (path: string) => unknown;
}

/**
 * Changes the seeds folder at an exact point of the build's reading, instead of racing it:
 * wraps fs.promises.open and republishes it to ES module importers.
 */
async function withFsSeam<T>(seam: Seam | undefined, work: () => Promise<T>): Promise<T> {
  if (!seam) return work();
  const original = { open: fs.promises.open };
  fs.promises.open = (async (path: string, ...rest: unknown[]) => {
    seam.beforeOpen?.(String(path));
    const handle = await (original.open as (...args: unknown[]) => Promise<fs.promises.FileHandle>)(path, ...rest);
    const stat = handle.stat.bind(handle);
    handle.stat = (async (...args: unknown[]) => {
      const info = await (stat as (...a: unknown[]) => Promise<fs.Stats>)(...args);
      seam.afterStat?.(String(path));
      return info;
    }) as typeof handle.stat;
    return handle;
  }) as typeof fs.promises.open;
  syncBuiltinESMExports();
  try {
    return await work();
  } finally {
    Object.assign(fs.promises, original);
    syncBuiltinESMExports();
  }
}

/** Every feed and page of every build through the checkers; one jing run for all Atom feeds. */
async function checkAll(builds: Built[]): Promise<void> {
  const atoms: { build: Built; path: string; xml: string }[] = [];
  const jobs: (() => Promise<void>)[] = [];
  for (const build of builds) {
    if (!existsSync(build.out)) continue;
    const add = (path: string, found: string[]): void => void build.problems.set(path, [...(build.problems.get(path) ?? []), ...found]);
    for (const path of files(build.out)) {
      const text = readFileSync(join(build.out, path), 'utf8');
      if (path.endsWith('.html')) add(path, activeContent(text, path));
      else if (path.endsWith('feed.json')) {
        add(path, jsonFeedRules(text));
        for (const item of (JSON.parse(text) as { items: { id: string; content_html?: string }[] }).items) add(path, activeContent(item.content_html ?? '', `${path} ${item.id}`));
      } else if (path.endsWith('rss.xml') || path.endsWith('atom.xml')) {
        add(path, path.endsWith('rss.xml') ? rssRules(text) : atomRules(text));
        if (path.endsWith('atom.xml')) atoms.push({ build, path, xml: text });
        jobs.push(async () => add(path, await xmlWellFormed(text)));
      }
    }
    // A real reader on the subscription feeds: feedparser recovers from nothing (bozo 0).
    for (const file of ['rss.xml', 'atom.xml']) {
      jobs.push(async () => {
        const read = await feedparserRead(join(build.out, file));
        add(file, read.bozo === 0 ? [] : [`feedparser bozo: ${read.bozoException}`]);
      });
    }
  }
  const schema = await atomSchemaAll(atoms.map((a) => a.xml));
  atoms.forEach((a, i) => a.build.problems.set(a.path, [...(a.build.problems.get(a.path) ?? []), ...schema[i]!]));
  // Two at a time: this machine has two cores.
  const queue = [...jobs];
  await Promise.all([0, 1].map(async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => !/\.(gz|br)$/.test(path) && statSync(join(dir, path)).isFile())
    .map((path) => relative(dir, join(dir, path)));
}

const ACTIVE_ELEMENTS = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'applet', 'form', 'input', 'button', 'svg', 'math', 'base', 'meta', 'link', 'style']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcset']);

/** Anything a browser would run or submit: script-bearing elements, on* handlers, script: and data: URLs. */
function activeContent(html: string, where: string): string[] {
  const { document } = parseHTML(/^\s*<!doctype/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`);
  const problems: string[] = [];
  for (const element of Array.from(document.querySelectorAll('*')) as unknown as { localName: string; attributes: ArrayLike<{ name: string; value: string }>; closest(s: string): unknown }[]) {
    const name = element.localName.toLowerCase();
    // The page's own head may link its stylesheet and declare its charset.
    const head = element.closest('head') !== null && (name === 'link' || name === 'meta');
    if (ACTIVE_ELEMENTS.has(name) && !head) problems.push(`${where}: <${name}>`);
    for (const { name: attr, value } of Array.from(element.attributes)) {
      const lower = attr.toLowerCase();
      if (lower.startsWith('on')) problems.push(`${where}: <${name} ${attr}>`);
      if (lower === 'style' && /url\(|expression\(/i.test(value)) problems.push(`${where}: <${name} style="${value}">`);
      // Browsers drop ASCII whitespace and control characters inside a scheme.
      if (URL_ATTRIBUTES.has(lower) && /^(?:javascript|vbscript|data):/i.test(value.replace(/[\u0000-\u0020]/g, ''))) problems.push(`${where}: <${name} ${attr}="${value}">`);
    }
  }
  return problems;
}

const execFileAsync = promisify(execFile);

/** Peak resident memory (VmHWM) of a real `wirefeed build` of `seeds`, and what it printed. */
async function peakRss(seeds: string): Promise<{ kb: number; stderr: string }> {
  const out = join(seeds, '..', 'feeds');
  const probe = "import { readFileSync } from 'node:fs'; process.on('exit', () => process.stderr.write('VmHWM ' + /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1] + '\\n'));";
  const args = ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, join(ROOT, 'bin/wirefeed.js'), 'build', '--seeds', seeds, '--out', out];
  const { stderr } = await execFileAsync(process.execPath, args, { cwd: join(seeds, '..') }).catch((error: { stderr: string }) => error);
  const kb = Number(/VmHWM (\d+)/.exec(stderr)?.[1]);
  expect(kb, stderr).toBeGreaterThan(0);
  return { kb, stderr };
}
