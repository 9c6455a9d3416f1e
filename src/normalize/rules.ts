import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Compiled cleaning rules. Built once per build from the data files, then passed to the pure stages. */
export interface NormalizeRules {
  boilerplate: RegExp[];
  boilerplateMaxWords: number;
  terms: [RegExp, string][];
  conjunctions: RegExp;
  conjunctionWords: Record<string, string>;
  entityAliases: Record<string, string>;
}

export interface BoilerplateData {
  maxWords?: number;
  patterns: string[];
}

export interface AliasData {
  terms?: Record<string, string>;
  conjunctions?: Record<string, string>;
  entities?: Record<string, string>;
}

const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export function readDataFile<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The shipped rules, extended by the user's own data files. */
export function loadRules(extra: { boilerplate?: BoilerplateData[]; aliases?: AliasData[] } = {}): NormalizeRules {
  const boilerplate = [readDataFile<BoilerplateData>(`${DATA_DIR}boilerplate.json`), ...(extra.boilerplate ?? [])];
  const aliases = [readDataFile<AliasData>(`${DATA_DIR}aliases.json`), ...(extra.aliases ?? [])];
  return compileRules(boilerplate, aliases);
}

export function compileRules(boilerplate: BoilerplateData[], aliases: AliasData[]): NormalizeRules {
  const terms = Object.assign({}, ...aliases.map((a) => a.terms ?? {})) as Record<string, string>;
  const conjunctionWords = Object.assign({}, ...aliases.map((a) => a.conjunctions ?? {})) as Record<string, string>;
  const conj = Object.keys(conjunctionWords).map(escapeRegExp).join('|') || '(?!)';
  return {
    boilerplate: boilerplate.flatMap((b) => b.patterns).map((p) => new RegExp(`^(?:${p})$`, 'iu')),
    boilerplateMaxWords: Math.max(...boilerplate.map((b) => b.maxWords ?? 30)),
    // Longest first, so "EE.UU." wins over "EE.UU"; letters on either side mean it's part of another word.
    terms: Object.keys(terms)
      .sort((a, b) => b.length - a.length)
      .map((from) => [new RegExp(`(?<![\\p{L}\\p{N}.])${escapeRegExp(from)}(?![\\p{L}\\p{N}])`, 'gu'), terms[from] ?? from]),
    // A capitalized conjunction between two capitalized names is a translation leftover ("Cuba Y Venezuela").
    conjunctions: new RegExp(`(?<=\\p{Lu}[\\p{L}.-]* )(${conj})(?= \\p{Lu}\\p{Ll})`, 'gu'),
    conjunctionWords,
    entityAliases: Object.assign({}, ...aliases.map((a) => a.entities ?? {})) as Record<string, string>,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
