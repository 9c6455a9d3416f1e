import { randomBytes } from 'node:crypto';

/** `json` for log collectors, `text` for a person at a terminal, `off` for tests. */
export type LogFormat = 'json' | 'text' | 'off';

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  ms: number;
  id: string;
}

/** Quiet under test runners; JSON lines when stdout is not a terminal (a Procfile, a container). */
export function defaultLogFormat(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): LogFormat {
  if (env.NODE_ENV === 'test' || env.VITEST) return 'off';
  return isTTY ? 'text' : 'json';
}

export function formatAccess(entry: AccessEntry, format: Exclude<LogFormat, 'off'>): string {
  if (format === 'json') return `${JSON.stringify(entry)}\n`;
  return `${entry.method} ${entry.path} ${entry.status} ${entry.bytes} B ${entry.ms} ms ${entry.id}\n`;
}

/**
 * Request ids: a random per-process prefix and a counter. Unique across
 * instances without a random draw per request.
 */
export function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `${prefix}-${(++counter).toString(36)}`;
}
