import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An external program and the Debian package that ships it (see scripts/install-system-deps.sh). */
export interface Tool {
  command: string;
  debianPackage: string;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

// The pyenv python3 that comes first on PATH on these machines does not see Debian's
// python3-feedparser, so the harness always runs Debian's own interpreter.
const DEBIAN_PYTHON = '/usr/bin/python3';

export const TOOLS = {
  xmllint: { command: 'xmllint', debianPackage: 'libxml2-utils' },
  jing: { command: 'jing', debianPackage: 'jing' },
  feedparser: { command: DEBIAN_PYTHON, debianPackage: 'python3-feedparser' },
  sqlite: { command: DEBIAN_PYTHON, debianPackage: 'python3' },
  sfeed: { command: 'sfeed', debianPackage: 'sfeed' },
  go: { command: 'go', debianPackage: 'golang-go' },
  newsboat: { command: 'newsboat', debianPackage: 'newsboat' },
} as const satisfies Record<string, Tool>;

// No tool here should take long on a small feed; a hung one must fail the test, not stall CI.
const TOOL_TIMEOUT_MS = 120_000;

/** The error every reader and checker throws when the machine lacks a tool: it names the package. */
export function missingTool(tool: Tool, what = tool.command): Error {
  return new Error(
    `${what} is not installed: install the Debian package ${tool.debianPackage} ` +
      '(bash scripts/install-system-deps.sh)',
  );
}

/** For a tool that is a file rather than a command (sources, data): throws unless it exists. */
export function requireFile(tool: Tool): void {
  if (!existsSync(tool.command)) throw missingTool(tool);
}

/**
 * Runs a tool and resolves with its exit code and output. A non-zero exit is data, not an
 * exception: validators report invalid feeds that way. Rejects only when the tool is missing
 * or does not finish in time.
 */
export function runTool(tool: Tool, args: readonly string[], options: RunOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: TOOL_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? missingTool(tool) : error),
    );
    child.on('close', (code, signal) =>
      signal
        ? reject(new Error(`${tool.command} ${args.join(' ')} was killed by ${signal}`))
        : resolve({ code: code ?? -1, stdout, stderr }),
    );
    // A tool may exit before reading all of its input; that EPIPE is not a failure of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Gives `use` a fresh temporary directory and removes it afterwards. */
export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'wirefeed-validate-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
