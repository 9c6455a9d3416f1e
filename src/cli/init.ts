import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The files of a new project; each builds and serves as is. */
export function projectFiles(today: Date): Record<string, string> {
  // The minute of `init`, rounded down: a fixed hour of the day would be in the future before it
  // comes, and the build holds back documents dated in the future.
  const date = `${today.toISOString().slice(0, 16)}:00Z`;
  return {
    'wirefeed.config.json': `${JSON.stringify(
      {
        site: { title: 'My news', description: 'Stories published with Wirefeed', author: { name: 'Newsroom' } },
        seeds: 'seeds',
        out: 'feeds',
        limit: 50,
      },
      null,
      2,
    )}\n`,
    'seeds/welcome.md': `---
title: Welcome to your news site
date: ${date}
tags: [Wirefeed]
---

This is the first story of your site. Every text, Markdown or saved HTML file
in the seeds folder becomes one item in the RSS, Atom and JSON feeds.

Edit this file or add your own, then run the build again. Run "wirefeed show"
on a file to see how it is read: its date, section, tags and summary.
`,
    Procfile: 'web: npx wirefeed serve --host 0.0.0.0 --port $PORT\n',
    '.gitignore': 'node_modules/\n.wirefeed-cache/\n',
  };
}

/** `wirefeed init [DIR]`: writes the starter files, never over existing ones. */
export function init(dir: string, cwd: string, today: Date): number {
  const root = resolve(cwd, dir);
  const created: string[] = [];
  const kept: string[] = [];
  for (const [name, text] of Object.entries(projectFiles(today))) {
    const path = join(root, name);
    if (existsSync(path)) {
      kept.push(name);
      continue;
    }
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    created.push(name);
  }
  const shown = relative(cwd, root) || '.';
  const lines = [`Created ${created.length} file${created.length === 1 ? '' : 's'} in ${shown}/: ${created.join(', ') || '(none)'}`];
  if (kept.length > 0) lines.push(`Kept existing: ${kept.join(', ')}`);
  lines.push('Next:');
  if (shown !== '.') lines.push(`  cd ${shown}`);
  lines.push('  npx wirefeed build   # writes feeds/', '  npx wirefeed serve   # serves them on http://localhost:3000');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
