import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the compiled modules (or, under the test runner, of the TypeScript sources). */
const OWN = fileURLToPath(new URL('../', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CODE = /\.(?:js|ts|map)$/;
// Static, side-effect and dynamic imports of the project's own modules.
const IMPORTS = [/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g];

const versions = new Map<string, string>();

/**
 * The version of the code a cache's entries are computed with: the modules
 * reachable by relative imports from `entries` (paths under the compiled
 * folder, e.g. "enrich-document.js"), the other files beside them (models),
 * the data and assets folders, and the versions of the runtime dependencies.
 * A change to any of them must miss the cache; a change elsewhere (the
 * server, the command line) leaves it valid. Read once per process.
 */
export function codeVersion(entries: readonly string[]): string {
  const name = entries.join('\0');
  let version = versions.get(name);
  if (version === undefined) {
    const hash = createHash('sha256');
    for (const file of versionedModules(entries)) hash.update(file).update(readFileSync(join(OWN, file)));
    for (const file of listFiles(OWN).filter((file) => !CODE.test(file))) hash.update(file).update(readFileSync(join(OWN, file)));
    for (const dir of ['data', 'assets']) for (const file of listFiles(join(ROOT, dir))) hash.update(join(dir, file)).update(readFileSync(join(ROOT, dir, file)));
    hash.update(dependencyVersions());
    version = hash.digest('hex');
    versions.set(name, version);
  }
  return version;
}

/** The modules a code version covers, relative to the compiled folder, sorted. */
export function versionedModules(entries: readonly string[]): string[] {
  return reachable(entries.map((entry) => join(OWN, entry))).map((file) => relative(OWN, file));
}

/** Every module file reachable from `starts`, sorted. */
function reachable(starts: string[]): string[] {
  const seen = new Set<string>();
  const queue = starts.map(existing);
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const pattern of IMPORTS) for (const match of text.matchAll(pattern)) queue.push(existing(join(dirname(file), match[1]!)));
  }
  return [...seen].sort();
}

/** A module's file: the compiled `.js`, or its `.ts` source when the sources run directly. */
function existing(file: string): string {
  if (existsSync(file)) return file;
  const source = file.replace(/\.js$/, '.ts');
  if (existsSync(source)) return source;
  throw new Error(`cannot find the module ${file} to version the build cache`);
}

function dependencyVersions(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {})
    .sort()
    .map((name) => {
      try {
        return `${name}@${(JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
      } catch {
        return `${name}@?`;
      }
    })
    .join('\n');
}

function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : [join(prefix, entry.name)]));
}
