import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { open, readdir, readFile, realpath, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { DocumentFailure, RawDocument } from '../types.js';
import { mapLimit } from '../concurrency.js';
import { isDocumentPath } from './detect.js';

const run = promisify(execFile);

/** Files larger than this are refused before they are read, so memory stays bounded. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/**
 * Documents read at once: enough to keep libuv's thread pool busy (one at a
 * time left the build waiting on the disk for most of its reading), few
 * enough that the open files stay far below the descriptor limit and at most
 * this many documents' bytes past the limit are ever held.
 */
const READ_CONCURRENCY = 32;

export interface ReadResult {
  documents: RawDocument[];
  failures: DocumentFailure[];
  /** Paths git knows were deleted from the folder (documents that were published once). */
  deleted: string[];
}

/**
 * Reads every document under `dir`, in a stable order (sorted paths) so the
 * build does not depend on the order the file system lists them. A file that
 * can't be read is a failure of that file only.
 */
export async function readSeeds(dir: string): Promise<ReadResult> {
  const root = await realpath(dir);
  const listed = await listFiles(root, root);
  const paths = listed.filter(isDocumentPath).sort();
  const history = await gitHistory(root);
  const names = new Set(listed);
  const outcomes = await mapLimit(paths, READ_CONCURRENCY, async (path): Promise<{ document: RawDocument } | { failure: DocumentFailure }> => {
    try {
      return { document: await readDocument(root, path, history.files.get(path), history.dirty.has(path), names) };
    } catch (error) {
      return { failure: { path, reason: readFailure(error) } };
    }
  });
  const documents: RawDocument[] = [];
  const failures: DocumentFailure[] = [];
  for (const outcome of outcomes) {
    if ('document' in outcome) documents.push(outcome.document);
    else failures.push(outcome.failure);
  }
  const present = new Set(paths);
  const deleted = history.deleted.filter((path) => !present.has(path) && isDocumentPath(path));
  return { documents, failures, deleted };
}

/** `listed`: every file the listing found, so sidecars that are not there cost no failed open. */
async function readDocument(root: string, path: string, commits: CommitDates | undefined, dirty: boolean, listed: ReadonlySet<string>): Promise<RawDocument> {
  const full = join(root, path);
  // A symlink may point anywhere; only files that really live under the seeds folder are published.
  const real = await realpath(full);
  if (real !== root && !real.startsWith(root + sep)) throw new Error('is a symlink to a file outside the seeds folder');
  // One open file is checked and read: a file swapped for a symlink after the check, or grown
  // after its size was read, cannot slip past the limits (O_NOFOLLOW refuses a new symlink).
  // O_NONBLOCK: opening a named pipe would otherwise wait for a writer, stalling the build.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  let info, bytes;
  try {
    info = await handle.stat();
    if (!info.isFile()) throw new Error('is not a regular file');
    if (info.size > MAX_DOCUMENT_BYTES) throw new Error(`is ${(info.size / 1048576).toFixed(1)} MB, ${OVER_LIMIT}`);
    bytes = await readAtMost(handle, info.size, MAX_DOCUMENT_BYTES);
  } finally {
    await handle.close();
  }
  const sidecar = await readSidecar(full, path, listed);
  return {
    path,
    bytes,
    mtime: info.mtime,
    ...(commits ? { gitDate: commits.first, gitUpdated: commits.last } : {}),
    ...(dirty ? { dirty } : {}),
    ...(sidecar ? { sidecar } : {}),
  };
}

const OVER_LIMIT = `over the ${MAX_DOCUMENT_BYTES / 1048576} MB limit for one document`;

/** The file's bytes to its end, refusing (without holding them) any beyond `limit`, even if it grows while read. */
async function readAtMost(handle: FileHandle, expected: number, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // One byte more than expected, to notice growth; then small steps.
  let want = expected + 1;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(want, limit + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limit) throw new Error(`grew while it was read, ${OVER_LIMIT}`);
    want = 64 * 1024;
  }
  return Buffer.concat(chunks, total);
}

async function readSidecar(documentPath: string, relativePath: string, listed: ReadonlySet<string>): Promise<Record<string, unknown> | undefined> {
  const stem = documentPath.replace(/\.[^./]+$/, '');
  const relativeStem = relativePath.replace(/\.[^./]+$/, '');
  for (const ext of ['.meta.json', '.meta.yaml', '.meta.yml']) {
    if (!listed.has(relativeStem + ext)) continue;
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

interface CommitDates {
  first: Date;
  last: Date;
}

interface GitHistory {
  files: Map<string, CommitDates>;
  /** Files whose working copy differs from the last commit. */
  dirty: Set<string>;
  deleted: string[];
}

/**
 * What git knows about the folder, from one `git log` and one `git status`:
 * when each file was first and last committed, which files have uncommitted
 * edits, and which were deleted. Outside a repository everything is empty.
 */
export async function gitHistory(dir: string): Promise<GitHistory> {
  const history: GitHistory = { files: new Map(), dirty: new Set(), deleted: [] };
  try {
    const prefix = (await run('git', ['rev-parse', '--show-prefix'], { cwd: dir })).stdout.trim();
    const log = (await run('git', ['log', '--format=%x01%cI', '--name-status', '--no-renames', '-z', '--', '.'], { cwd: dir, maxBuffer: 512 * 1024 * 1024 })).stdout;
    const status = (await run('git', ['status', '--porcelain', '-z', '--untracked-files=no', '--', '.'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 })).stdout;
    const deletedAt = new Map<string, number>();
    // Newest commits come first: the first date seen for a path is its last commit, the last seen its first.
    let current: Date | undefined;
    const fields = log.split(/\0|\n/).filter(Boolean);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.startsWith('\u0001')) {
        current = new Date(field.slice(1));
        continue;
      }
      const path = fields[++i];
      if (!current || path === undefined || !path.startsWith(prefix)) continue;
      const relative = path.slice(prefix.length);
      if (field === 'D') {
        if (!deletedAt.has(relative)) deletedAt.set(relative, current.getTime());
        continue;
      }
      const known = history.files.get(relative);
      history.files.set(relative, { first: current, last: known?.last ?? current });
    }
    history.deleted = [...deletedAt.keys()].sort();
    for (const entry of status.split('\0')) {
      if (entry.length > 3 && (entry[0] === 'M' || entry[1] === 'M') && entry.slice(3).startsWith(prefix)) history.dirty.add(entry.slice(3 + prefix.length));
    }
  } catch {
    return history;
  }
  return history;
}

function readFailure(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'disappeared while the build was reading it';
  if (err.code === 'EACCES') return 'cannot be read (permission denied)';
  if (err.code === 'ELOOP') return 'is a symlink loop, or was replaced by a symlink while the build read it';
  return err.message;
}

