import { BodyStore } from '../build/body-store.js';
import { defaultThreads } from '../build/workers.js';
import type { Config } from '../config/schema.js';
import { CompressionThreads } from '../publish/compression.js';
import { planSite, type Resource } from '../publish/site.js';
import { SpareTree } from '../publish/spare-tree.js';
import { exportSite } from '../publish/static.js';
import { changedFeedsOnDisk } from '../publish/websub.js';
import { tellHub } from './hub.js';
import { progressReporter } from './progress.js';
import { buildCatalogFromConfig, CACHE_DIR } from './site.js';

export interface OutputOptions {
  /** No progress and no summary; failures are still named on stderr. */
  quiet: boolean;
  /** The summary as one JSON object on stdout instead of a sentence. */
  json: boolean;
}

/** `wirefeed build`: the site from the seeds, written atomically to `out`. Exit 1 when a document failed. */
export async function build(config: Config, env: NodeJS.ProcessEnv, cwd: string, output: OutputOptions): Promise<number> {
  const started = performance.now();
  const progress = output.quiet || output.json ? undefined : progressReporter({ stream: process.stderr });
  const built = await buildCatalogFromConfig(config, env, cwd, progress ? { onProgress: (done, total) => progress.update(done, total) } : {});
  progress?.finish();
  const { result, failures, messages } = built;
  for (const message of messages) process.stderr.write(`${message}\n`);
  const changed: string[] = [];
  // Each feed is compared with the old tree's copy as it is written, before the new tree replaces it.
  const onResource = config.hub ? async (resource: Resource) => void changed.push(...(await changedFeedsOnDisk(new Map([[resource.path, resource]]), config.out))) : undefined;
  // The files are rendered and written one at a time; unchanged ones are linked from the store, not rendered.
  // New bodies are compressed on worker threads (started only if there is one) while the next files render.
  const compression = new CompressionThreads(defaultThreads());
  const store = await BodyStore.open(CACHE_DIR, compression.compress);
  // Only the files that changed are placed, in a kept second tree that is then swapped in.
  const spare = await SpareTree.open(CACHE_DIR, config.out, store.version);
  const { files } = await exportSite(planSite(result.catalog, result.versions), config.out, { store, ...(spare ? { spare } : {}), ...(onResource ? { onResource } : {}) }).finally(() => compression.close());
  const seconds = (performance.now() - started) / 1000;
  const count = result.catalog.items.length;
  if (output.json) {
    const summary = { items: count, skipped: failures.length, files, out: config.out, seconds: Number(seconds.toFixed(3)), failures };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else if (!output.quiet) {
    process.stdout.write(`Built ${count} item${count === 1 ? '' : 's'} (${failures.length} skipped) into ${config.out}/ (${files} files) in ${seconds.toFixed(2)} s\n`);
  }
  if (config.hub && changed.length > 0) await tellHub(config.hub, config.site.url, changed.sort(), { quiet: output.quiet || output.json });
  return failures.length > 0 ? 1 : 0;
}
