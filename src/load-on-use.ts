import { createRequire } from 'node:module';
import type * as Linkedom from 'linkedom';
import type SanitizeHtml from 'sanitize-html';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package (or a package's CommonJS build) loaded the first time it
 * is needed instead of when the process starts. A warm build parses no seed
 * and tags no entity, so it never pays for the parsers and the tagger
 * (linkedom alone took about 110 ms to load, compromise longer).
 */
export function loadOnUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}

/** Packages needed by more than one module, each loaded once, on first use. */
export const yaml = loadOnUse<typeof Yaml>('yaml');
export const linkedom = loadOnUse<typeof Linkedom>('linkedom');
export const sanitizeHtml = loadOnUse<typeof SanitizeHtml>('sanitize-html');
