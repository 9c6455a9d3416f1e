import { pingHub } from '../publish/websub.js';

/** WebSub: tells the hub which feeds changed; failures are logged and retried, never thrown. */
export async function tellHub(hub: string, siteUrl: string, paths: readonly string[], options: { quiet?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  if (paths.length === 0) return;
  const results = await pingHub(
    paths.map((path) => siteUrl + path),
    { hub, log: (line) => process.stderr.write(line), ...(options.signal ? { signal: options.signal } : {}) },
  );
  const told = results.filter((r) => r.ok).length;
  if (!options.quiet) process.stdout.write(`Told ${hub} about ${told} of ${results.length} changed feed${results.length === 1 ? '' : 's'}\n`);
}
