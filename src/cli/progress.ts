/** Where progress goes: a terminal gets a redrawn bar, anything else plain lines. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Nothing is shown for builds shorter than this (default 1000 ms). */
  delayMs?: number;
  /** Plain lines at most this often (default 2000 ms). */
  everyMs?: number;
  now?: () => number;
}

export interface Progress {
  update(done: number, total: number): void;
  /** Clears the bar; call once the work is done. */
  finish(): void;
}

/** Redraws of the bar are capped to this interval; terminals flicker and slow down otherwise. */
const TTY_EVERY_MS = 100;

/**
 * Progress driven by the work's own calls (no timer), so it also works while
 * a synchronous loop keeps the event loop busy.
 */
export function progressReporter(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const tty = options.stream.isTTY === true;
  const every = tty ? TTY_EVERY_MS : (options.everyMs ?? 2000);
  let first: { done: number; at: number } | undefined;
  let shownAt = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const at = now();
      first ??= { done, at };
      // Nothing done yet says nothing (and a one-document build never shows a line).
      if (done === 0 || at - started < (options.delayMs ?? 1000) || at - shownAt < every) return;
      shownAt = at;
      const rate = at > first.at ? ((done - first.done) * 1000) / (at - first.at) : 0;
      if (tty) {
        options.stream.write(`\r${progressBar(done, total, rate, options.stream.columns ?? 80)}\x1b[K`);
        drawn = true;
      } else {
        options.stream.write(`wirefeed: ${progressLine(done, total, rate)}\n`);
      }
    },
    finish() {
      if (drawn) options.stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** "1234/10000 documents (12%), 812/s, ETA 11 s" */
export function progressLine(done: number, total: number, rate: number): string {
  const percent = total > 0 ? Math.floor((done * 100) / total) : 100;
  return `${done}/${total} documents (${percent}%), ${Math.round(rate)}/s, ETA ${eta(total - done, rate)}`;
}

/** "[████████░░░░░░░░] 1234/10000 812/s ETA 11 s", fitted to the terminal width. */
export function progressBar(done: number, total: number, rate: number, columns: number): string {
  const text = ` ${done}/${total} ${Math.round(rate)}/s ETA ${eta(total - done, rate)}`;
  const width = Math.max(10, Math.min(40, columns - text.length - 3));
  const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : width;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${text}`;
}

function eta(left: number, rate: number): string {
  if (left <= 0) return '0 s';
  if (rate <= 0) return '?';
  const seconds = Math.ceil(left / rate);
  return seconds < 90 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
