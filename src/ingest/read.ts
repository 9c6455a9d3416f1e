import { execFile } from 'node:child_process';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { DocumentFailure, RawDocument } from '../types.js';
import { isDocumentPath } from './detect.js';

const run = promisify(execFile);

/** Files larger than this are refused before they are read, so memory stays bounded. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export interface ReadResult {
  documents: RawDocument[];
  failures: DocumentFailure[];
}

/**
 * Reads every document under `dir`, in a stable order (sorted paths) so the
 * build does not depend on the order the file system lists them. A file that
 * can't be read is a failure of that file only.
 */
export async function readSeeds(dir: string): Promise<ReadResult> {
  const root = await realpath(dir);
  const paths = (await listFiles(root, root)).filter(isDocumentPath).sort();
  const gitDates = await firstCommitDates(root);
  const documents: RawDocument[] = [];
  const failures: DocumentFailure[] = [];
  for (const path of paths) {
    try {
      documents.push(await readDocument(root, path, gitDates.get(path)));
    } catch (error) {
      failures.push({ path, reason: readFailure(error) });
    }
  }
  return { documents, failures };
}

async function readDocument(root: string, path: string, gitDate: Date | undefined): Promise<RawDocument> {
  const full = join(root, path);
  // A symlink may point anywhere; only files that really live under the seeds folder are published.
  const real = await realpath(full);
  if (real !== root && !real.startsWith(root + sep)) throw new Error('is a symlink to a file outside the seeds folder');
  const info = await stat(real);
  if (!info.isFile()) throw new Error('is not a regular file');
  if (info.size > MAX_DOCUMENT_BYTES) {
    throw new Error(`is ${(info.size / 1048576).toFixed(1)} MB, over the ${MAX_DOCUMENT_BYTES / 1048576} MB limit for one document`);
  }
  const bytes = await readFile(real);
  const sidecar = await readSidecar(full);
  return { path, bytes, mtime: info.mtime, ...(gitDate ? { gitDate } : {}), ...(sidecar ? { sidecar } : {}) };
}

async function readSidecar(documentPath: string): Promise<Record<string, unknown> | undefined> {
  const stem = documentPath.replace(/\.[^./]+$/, '');
  for (const ext of ['.meta.json', '.meta.yaml', '.meta.yml']) {
    let text: string;
    try {
      text = await readFile(stem + ext, 'utf8');
    } catch {
      continue;
    }
    try {
      return ext === '.meta.json' ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new Error(`sidecar ${stem.split('/').pop()}${ext} is not valid ${ext === '.meta.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return undefined;
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, full)));
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(relative(root, full).split(sep).join('/'));
  }
  return files;
}

/** The first commit that added each file, from one `git log` over the folder (none outside a repository). */
export async function firstCommitDates(dir: string): Promise<Map<string, Date>> {
  const dates = new Map<string, Date>();
  let out: string;
  try {
    const prefix = (await run('git', ['rev-parse', '--show-prefix'], { cwd: dir })).stdout.trim();
    out = (await run('git', ['log', '--diff-filter=A', '--format=%x01%cI', '--name-only', '--no-renames', '-z', '--', '.'], { cwd: dir, maxBuffer: 256 * 1024 * 1024 })).stdout;
    // Newest commits come first, so the last date seen for a path is its first commit.
    let current: Date | undefined;
    for (const field of out.split(/[\0\n]/)) {
      if (field.startsWith('\u0001')) current = new Date(field.slice(1));
      else if (field && current && field.startsWith(prefix)) dates.set(field.slice(prefix.length), current);
    }
  } catch {
    return dates;
  }
  return dates;
}

function readFailure(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'disappeared while the build was reading it';
  if (err.code === 'EACCES') return 'cannot be read (permission denied)';
  if (err.code === 'ELOOP') return 'is a symlink loop';
  return err.message;
}

