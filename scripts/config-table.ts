// Rewrites the README's configuration table from the config schema (npm run docs:config).
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../src/config/table.js';

const README = new URL('../README.md', import.meta.url);
writeFileSync(README, withConfigTable(readFileSync(README, 'utf8')));
