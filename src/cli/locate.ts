import type { DocumentFailure } from '../types.js';

/** A document problem placed for the author: file, line when it can be known, reason, what to do. */
export interface Problem {
  file: string;
  line?: number;
  message: string;
  hint?: string;
}

/** What to do, for reasons that do not already say it. */
const HINTS: readonly [RegExp, string][] = [
  [/^no title/, 'put the title on the first line (or "title:" in front matter)'],
  [/^no body text/, 'add at least one paragraph after the title, separated by a blank line'],
  [/^binary data/, 'only text, Markdown and saved HTML pages are published; move this file out of the seeds folder'],
  [/front matter is not valid YAML/, 'fix the YAML between the two "---" lines (quote values that contain ": ")'],
  [/must be a string|must be a list of strings/, 'fix that field in the front matter or sidecar'],
  [/symlink to a file outside/, 'copy the file into the seeds folder instead of linking to it'],
  [/over the .* limit/, 'split the document, or move it out of the seeds folder'],
];

/**
 * Finds the line a failure is about, from the reason and the file's bytes:
 * YAML errors name a line, decode errors a byte offset, field errors a key
 * (found in the front matter). Reasons come from ingest as text, so this
 * reads them rather than changing every stage's error type.
 */
export function locateFailure(failure: DocumentFailure, bytes: Uint8Array | undefined, dir: string): Problem {
  const file = dir === '.' ? failure.path : `${dir.replace(/\/+$/, '')}/${failure.path}`;
  const hint = HINTS.find(([pattern]) => pattern.test(failure.reason))?.[1];
  const problem: Problem = { file, message: failure.reason, ...(hint ? { hint } : {}) };
  const line = lineOf(failure.reason, bytes);
  return line === undefined ? problem : { ...problem, line };
}

function lineOf(reason: string, bytes: Uint8Array | undefined): number | undefined {
  const atLine = /\bat line (\d+)/.exec(reason);
  if (atLine) return Number(atLine[1]);
  if (!bytes) return undefined;
  const atByte = /\bat byte (\d+)/.exec(reason);
  if (atByte) {
    const end = Math.min(Number(atByte[1]), bytes.length);
    let line = 1;
    for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
    return line;
  }
  const field = /^front matter: "([^"]+)"/.exec(reason);
  if (field) {
    const lines = new TextDecoder().decode(bytes.subarray(0, 64 * 1024)).split(/\r\n|\r|\n/);
    const at = lines.findIndex((text, i) => i > 0 && new RegExp(`^${field[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).test(text));
    if (at > 0) return at + 1;
  }
  return undefined;
}

/** "seeds/a.md:3: reason; what to do" — the form editors and CI logs link to. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}${problem.hint ? `; ${problem.hint}` : ''}`;
}
