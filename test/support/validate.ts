// The strict feed validation harness. The W3C Feed Validator (validator.w3.org/feed) cannot run
// here, so these checks stand in for it: every function returns a list of problems, empty when
// the feed is clean, and treats the validator's warnings as failures. None throws for an
// invalid feed; each throws when its tool is missing, naming the Debian package to install
// (bash scripts/install-system-deps.sh installs them all).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS, runTool, withTempDir } from './run-tool.js';

export { rssRules } from './rss-rules.js';
export { atomRules } from './atom-rules.js';
export { jsonFeedRules } from './jsonfeed-rules.js';
export { feedparserRead, gofeedRead, newsboatRead, sfeedRead } from './readers.js';
export type { FeedparserResult, GofeedResult, NewsboatResult, SfeedItem } from './readers.js';

const ATOM_SCHEMA = fileURLToPath(new URL('../schemas/atom.rnc', import.meta.url));

/** XML 1.0 well-formedness and namespace errors, as xmllint (libxml2-utils) reports them. */
export async function xmlWellFormed(xml: string): Promise<string[]> {
  // --nonet: a feed must not need the network to parse (no external DTDs or entities).
  const result = await runTool(TOOLS.xmllint, ['--noout', '--nonet', '-'], { input: xml });
  // xmllint prints each error as three lines (message, source line, caret); keep the messages.
  // It reports namespace errors but still exits 0, so any message at all is a problem.
  const messages = result.stderr.split('\n').filter((line) => /^-:\d+:/.test(line));
  const problems = messages.map((line) => `SAXError: line ${line.slice(2)}`);
  return problems.length > 0 || result.code === 0 ? problems : [`SAXError: xmllint exited ${result.code}: ${result.stderr.trim()}`];
}

/** Atom 1.0 against the RELAX NG schema of RFC 4287 Appendix B, with jing. */
export async function atomSchema(xml: string): Promise<string[]> {
  return (await atomSchemaAll([xml]))[0]!;
}

/**
 * Many Atom documents in one jing run (a JVM start costs about half a second),
 * problems listed per document in the order given.
 */
export async function atomSchemaAll(documents: readonly string[]): Promise<string[][]> {
  if (documents.length === 0) return [];
  return withTempDir(async (dir) => {
    const files = documents.map((_, i) => join(dir, `feed-${i}.atom`));
    await Promise.all(documents.map((xml, i) => writeFile(files[i]!, xml)));
    const result = await runTool(TOOLS.jing, ['-c', ATOM_SCHEMA, ...files]);
    // jing prints "file:line:column: error: message" on stdout; its stderr carries only
    // Debian's launcher warnings about optional jars.
    const lines = result.stdout.split('\n').filter(Boolean);
    const problems = files.map((file) =>
      lines.filter((line) => line.startsWith(`${file}:`)).map((line) => `RelaxNG: ${line.replace(`${file}:`, 'line ')}`),
    );
    if (result.code !== 0 && problems.every((p) => p.length === 0)) {
      return files.map(() => [`RelaxNG: jing exited ${result.code}: ${result.stderr.trim()}`]);
    }
    return problems;
  });
}
