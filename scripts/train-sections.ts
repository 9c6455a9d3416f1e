/**
 * Trains the topic-section classifier and writes src/enrich/section-model.json.
 *
 *   npx tsx scripts/train-sections.ts
 *
 * Data: ../shared/data/news-sections/ relative to the repo root (kept out of
 * git; see its README.md). Model and calibration choices are made by 5-fold
 * cross-validation on the train split only; the test split is scored once, at
 * the end, and only reported. The output is byte-identical between runs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import {
  classifyWith,
  compileModel,
  countNgrams,
  DEFAULT_SECTIONS,
  documentVector,
  isBigram,
  parseModelJson,
  rawScores,
  softmax,
  tokenize,
  type SectionModel,
  type SectionModelJson,
} from '../src/enrich/section.js';

const ROOT = new URL('../', import.meta.url);
const DATA_DIR = new URL('../shared/data/news-sections/', ROOT);
const MODEL_FILE = new URL('src/enrich/section-model.json', ROOT);

const ATTRIBUTION =
  'Section classifier trained on a subset of the "News Category Dataset" by Rishabh Misra ' +
  '(HuffPost headlines, https://www.kaggle.com/datasets/rmisra/news-category-dataset; arXiv:2209.11429), ' +
  'licensed CC BY 4.0, using the few-shot subset prepared by Bao et al. (ICLR 2020). ' +
  'Categories were mapped to Wirefeed sections and the data was sub-sampled.';

// The data has no bodies, so these two cannot be validated; they are judgement
// calls (see docs/section-model.md): a title token counts twice, and a body,
// however long, adds at most about two headlines' worth of evidence.
const TITLE_WEIGHT = 2;
const BODY_BUDGET = 50;

const FOLDS = 5;
const LENGTH_EXPONENTS = [0, 0.5, 1];
// Confidence below which the best guess is, on validation, more often wrong than right.
const BREAK_EVEN_ACCURACY = 0.5;

interface Example {
  section: number;
  title: string;
  body: string;
  ngrams: Map<string, number>;
}

interface Config {
  kind: SectionModelJson['kind'];
  alpha: number;
  bigramWeight: number;
  /** Bigrams seen in fewer training headlines are dropped; hapax bigrams alone would triple the file. */
  minBigramDocs: number;
}

interface Calibration {
  lengthExponent: number;
  temperature: number;
  minConfidence: number;
}

/** One validation document's unscaled scores, its weight and its true section. */
interface Scored {
  truth: number;
  raw: Float64Array;
  mass: number;
}

interface CountTable {
  counts: Map<string, Int32Array>;
  documents: Map<string, number>;
}

const GRID: Config[] = (['complement', 'multinomial'] as const).flatMap((kind) =>
  [0.3, 0.5, 1, 1.5, 2].flatMap((alpha) => [
    { kind, alpha, bigramWeight: 0, minBigramDocs: 0 },
    ...[0.5, 1].flatMap((bigramWeight) => [2, 3].map((minBigramDocs) => ({ kind, alpha, bigramWeight, minBigramDocs }))),
  ]),
);

const UNCALIBRATED: Calibration = { lengthExponent: 0, temperature: 1, minConfidence: 0 };

function loadSplit(file: string): Example[] {
  const bytes = readFileSync(new URL(file, DATA_DIR));
  console.log(`${file}: sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
  return gunzipSync(bytes)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as { section: string; headline: string; text?: string };
      const section = DEFAULT_SECTIONS.indexOf(record.section);
      if (section < 0) throw new Error(`${file}: unknown section ${record.section}`);
      return { section, title: record.headline, body: record.text ?? '', ngrams: countNgrams(tokenize(record.headline)) };
    });
}

/** FNV-1a: a stable, seedless way to assign folds, so reruns see the same split. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function countTable(examples: readonly Example[]): CountTable {
  const counts = new Map<string, Int32Array>();
  const documents = new Map<string, number>();
  for (const example of examples) {
    for (const [feature, count] of example.ngrams) {
      const row = counts.get(feature) ?? new Int32Array(DEFAULT_SECTIONS.length);
      row[example.section]! += count;
      counts.set(feature, row);
      documents.set(feature, (documents.get(feature) ?? 0) + 1);
    }
  }
  return { counts, documents };
}

function keepsFeature(feature: string, table: CountTable, config: Config): boolean {
  if (!isBigram(feature)) return true;
  return config.bigramWeight > 0 && (table.documents.get(feature) ?? 0) >= config.minBigramDocs;
}

/** Groups features by count pattern, all sorted, so the file is small and identical between runs. */
function buildModelJson(table: CountTable, config: Config, calibration: Calibration): SectionModelJson {
  const groups = new Map<string, string[]>();
  for (const [feature, row] of table.counts) {
    if (!keepsFeature(feature, table, config)) continue;
    const pattern = [...row].flatMap((count, section) => (count > 0 ? [`${section}:${count}`] : [])).join(',');
    groups.set(pattern, [...(groups.get(pattern) ?? []), feature]);
  }
  const counts = Object.fromEntries([...groups.keys()].sort().map((pattern) => [pattern, groups.get(pattern)!.sort().join('|')]));
  return {
    attribution: ATTRIBUTION,
    kind: config.kind,
    sections: [...DEFAULT_SECTIONS],
    alpha: config.alpha,
    bigramWeight: config.bigramWeight,
    titleWeight: TITLE_WEIGHT,
    bodyBudget: BODY_BUDGET,
    ...calibration,
    counts,
  };
}

function score(model: SectionModel, example: Example): Scored {
  const vector = documentVector(example.title, example.body, model);
  return { truth: example.section, raw: rawScores(model, vector), mass: vector.mass };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

const accuracy = (scored: readonly Scored[]): number => scored.filter((s) => argmax(s.raw) === s.truth).length / scored.length;

/** Every training example scored by the model trained on the other folds. */
function outOfFold(examples: readonly Example[], folds: readonly number[], tables: readonly CountTable[], config: Config): Scored[] {
  const models = tables.map((table) => compileModel(buildModelJson(table, config, UNCALIBRATED)));
  return examples.map((example, i) => score(models[folds[i]!]!, example));
}

function logits(s: Scored, lengthExponent: number): number[] {
  const scale = s.mass > 0 ? s.mass ** lengthExponent : 1;
  return [...s.raw].map((r) => r / scale);
}

function negLogLikelihood(scored: readonly Scored[], lengthExponent: number, temperature: number): number {
  const total = scored.reduce((sum, s) => sum - Math.log(softmax(logits(s, lengthExponent), temperature)[s.truth]!), 0);
  return total / scored.length;
}

/** Golden-section search on log T; the likelihood is unimodal in T. */
function fitTemperature(scored: readonly Scored[], lengthExponent: number): number {
  const f = (logT: number): number => negLogLikelihood(scored, lengthExponent, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [lo, hi] = [Math.log(1e-3), Math.log(1e3)];
  while (hi - lo > 1e-4) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (f(a) < f(b)) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

interface Prediction {
  confidence: number;
  correct: boolean;
  truth: number;
}

function predictions(scored: readonly Scored[], lengthExponent: number, temperature: number): Prediction[] {
  return scored.map((s) => {
    const p = softmax(logits(s, lengthExponent), temperature);
    const best = argmax(p);
    return { confidence: p[best]!, correct: best === s.truth, truth: s.truth };
  });
}

/** Largest threshold (in steps of 0.05) under which the best guesses are, together, more often wrong than right. */
function chooseMinConfidence(points: readonly Prediction[]): number {
  for (let step = 19; step >= 1; step--) {
    const below = points.filter((p) => p.confidence < step / 20);
    if (below.length > 0 && below.filter((p) => p.correct).length / below.length < BREAK_EVEN_ACCURACY) return step / 20;
  }
  return 0;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const pct = (value: number): string => `${(100 * value).toFixed(1)}%`;

function printReliability(label: string, points: readonly Prediction[]): void {
  console.log(`\nReliability, ${label} (confidence bin: items, mean confidence, accuracy)`);
  let ece = 0;
  for (let bin = 0; bin < 10; bin++) {
    const inBin = points.filter((p) => Math.min(9, Math.floor(p.confidence * 10)) === bin);
    if (inBin.length === 0) continue;
    const meanConfidence = inBin.reduce((sum, p) => sum + p.confidence, 0) / inBin.length;
    const binAccuracy = inBin.filter((p) => p.correct).length / inBin.length;
    ece += (inBin.length / points.length) * Math.abs(meanConfidence - binAccuracy);
    console.log(`  ${(bin / 10).toFixed(1)}-${((bin + 1) / 10).toFixed(1)}: ${String(inBin.length).padStart(5)}  ${meanConfidence.toFixed(3)}  ${binAccuracy.toFixed(3)}`);
  }
  console.log(`  expected calibration error: ${ece.toFixed(3)}`);
}

function printConfusion(pairs: readonly { truth: number; predicted: number }[]): void {
  const names = DEFAULT_SECTIONS.map((s) => s.slice(0, 5));
  console.log(`\nConfusion matrix on test (rows: true section, columns: predicted)`);
  console.log(`${''.padEnd(14)}${names.map((n) => n.padStart(6)).join('')}  recall`);
  DEFAULT_SECTIONS.forEach((section, truth) => {
    const row = DEFAULT_SECTIONS.map((_, predicted) => pairs.filter((p) => p.truth === truth && p.predicted === predicted).length);
    const total = row.reduce((a, b) => a + b, 0);
    console.log(`${section.padEnd(14)}${row.map((n) => String(n).padStart(6)).join('')}  ${pct(row[truth]! / total)}`);
  });
}

function describe(config: Config): string {
  const bigrams = config.bigramWeight > 0 ? `bigrams x${config.bigramWeight} (>= ${config.minBigramDocs} docs)` : 'unigrams only';
  return `${config.kind.padEnd(11)} alpha=${String(config.alpha).padEnd(3)} ${bigrams}`;
}

function main(): void {
  const train = loadSplit('train.jsonl.gz');
  const test = loadSplit('test.jsonl.gz');
  const folds = train.map((example) => fnv1a(example.title) % FOLDS);
  const tables = Array.from({ length: FOLDS }, (_, k) => countTable(train.filter((_, i) => folds[i] !== k)));

  console.log(`\n${FOLDS}-fold cross-validation on train (${train.length} headlines):`);
  const results = GRID.map((config) => ({ config, scored: outOfFold(train, folds, tables, config) }));
  for (const { config, scored } of results) console.log(`  ${describe(config)}  ${accuracy(scored).toFixed(4)}`);
  // Ties keep the earlier (simpler) grid entry.
  const best = results.reduce((a, b) => (accuracy(b.scored) > accuracy(a.scored) ? b : a));
  console.log(`Chosen: ${describe(best.config)}`);

  console.log('\nCalibration on the out-of-fold scores (mean negative log-likelihood after fitting T):');
  const fits = LENGTH_EXPONENTS.map((lengthExponent) => {
    const temperature = fitTemperature(best.scored, lengthExponent);
    const nll = negLogLikelihood(best.scored, lengthExponent, temperature);
    console.log(`  scores / weight^${lengthExponent}: T=${temperature.toFixed(4)}  NLL=${nll.toFixed(4)}`);
    return { lengthExponent, temperature, nll };
  });
  const fit = fits.reduce((a, b) => (b.nll < a.nll ? b : a));
  const validation = predictions(best.scored, fit.lengthExponent, fit.temperature);
  printReliability('validation (out-of-fold)', validation);

  const minConfidence = chooseMinConfidence(validation);
  const below = validation.filter((p) => p.confidence < minConfidence);
  const bestFixedSection = Math.max(...DEFAULT_SECTIONS.map((_, s) => below.filter((p) => p.truth === s).length)) / Math.max(1, below.length);
  console.log(
    `\nminConfidence ${minConfidence}: ${pct(below.length / validation.length)} of validation items fall below it; ` +
      `their best guess is right ${pct(below.filter((p) => p.correct).length / Math.max(1, below.length))}, ` +
      `the best single fallback section would be right ${pct(bestFixedSection)}.`,
  );

  const json = buildModelJson(countTable(train), best.config, {
    lengthExponent: fit.lengthExponent,
    temperature: round(fit.temperature, 4),
    minConfidence,
  });
  const text = `${JSON.stringify(json, null, 1)}\n`;
  writeFileSync(MODEL_FILE, text);
  const model = compileModel(parseModelJson(JSON.parse(text)));
  console.log(`\nWrote ${MODEL_FILE.pathname}: ${text.length} bytes, ${model.weights.size} features`);

  const classify = (example: Example): number => DEFAULT_SECTIONS.indexOf(classifyWith(model, example.title, example.body).section);
  const trainAccuracy = train.filter((e) => classify(e) === e.section).length / train.length;
  const testResults = test.map((example) => ({ example, result: classifyWith(model, example.title, example.body) }));
  const pairs = testResults.map(({ example, result }) => ({ truth: example.section, predicted: DEFAULT_SECTIONS.indexOf(result.section) }));
  const testCorrect = pairs.filter((p) => p.truth === p.predicted).length;

  console.log(`\nAccuracy  train (resubstitution) ${trainAccuracy.toFixed(4)}`);
  console.log(`          validation (${FOLDS}-fold, out-of-fold) ${accuracy(best.scored).toFixed(4)}`);
  console.log(`          test ${(testCorrect / test.length).toFixed(4)} (${testCorrect}/${test.length})`);
  printConfusion(pairs);
  printReliability(
    'test',
    testResults.map(({ example, result }) => ({ confidence: result.confidence, correct: result.section === DEFAULT_SECTIONS[example.section], truth: example.section })),
  );

  const started = performance.now();
  const passes = 5;
  for (let pass = 0; pass < passes; pass++) for (const example of test) classifyWith(model, example.title, example.body);
  console.log(`\nClassification time: ${((1000 * (performance.now() - started)) / (passes * test.length)).toFixed(1)} µs per headline`);
}

main();
