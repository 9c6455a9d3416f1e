import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/file.js';
import { loadConfig } from '../src/config/resolve.js';
import { readRuleFiles } from '../src/config/rules.js';
import { loadRules, normalizeDocument } from '../src/normalize/index.js';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('readRuleFiles', () => {
  it('adds the user rule files to the shipped rules', () => {
    const cwd = setup({
      'wirefeed.config.json': '{"rules": {"aliases": ["aliases.json"], "boilerplate": ["boilerplate.yaml"]}}',
      'aliases.json': '{"terms": {"Harbor Board": "Harbour Board"}}',
      'boilerplate.yaml': 'patterns:\n  - "Tip us off at .*"\n',
    });
    const { config } = loadConfig({ cwd, env: {}, flags: {} });
    const rules = loadRules(readRuleFiles(config, cwd));
    const article = normalizeDocument(
      {
        path: 'a.txt', format: 'text', key: 'a', title: 'Quay', meta: {}, date: new Date(0), dateSource: 'mtime', updated: new Date(0),
        blocks: [
          { kind: 'p', text: 'The Harbor Board met on Monday to discuss the quay.', html: 'The Harbor Board met on Monday to discuss the quay.' },
          { kind: 'p', text: 'Tip us off at news@example.com', html: 'Tip us off at news@example.com' },
        ],
      },
      rules,
    );
    expect(article.blocks.map((b) => ('text' in b ? b.text : ''))).toEqual(['The Harbour Board met on Monday to discuss the quay.']);
  });

  it('names the file, line and key of a wrong rule file, and a bad pattern', () => {
    const cwd = setup({
      'wirefeed.config.json': '{"rules": {"aliases": ["aliases.json", "missing.json"], "boilerplate": ["bp.json"]}}',
      'aliases.json': '{\n  "terms": {\n    "OTAN": 3\n  }\n}',
      'bp.json': '{"patterns": ["(unclosed"]}',
    });
    const { config } = loadConfig({ cwd, env: {}, flags: {} });
    let problems: readonly string[] = [];
    try {
      readRuleFiles(config, cwd);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^bp\.json: pattern "\(unclosed" is not a valid regular expression/),
      'aliases.json:3: terms.OTAN must be string (see rules.aliases in the README\'s configuration table)',
      'rules.aliases: missing.json: cannot be read (ENOENT)',
    ]);
  });
});
