import rawModel from './section-model.json' with { type: 'json' };

/**
 * Topic-section classifier: a naive Bayes model over words (and bigrams, if
 * the trained model keeps them), trained by scripts/train-sections.ts on
 * HuffPost headlines (see docs/section-model.md and NOTICE.md). Everything
 * here is pure; the model is data imported once with the module.
 */

export interface SectionResult {
  section: string;
  /** Calibrated probability that the best-scoring competing section is right, whether or not the fallback replaced it. */
  confidence: number;
  /** Calibrated probability of each competing section; they sum to 1. */
  scores: Record<string, number>;
}

export interface SectionOptions {
  /** Sections allowed to compete; names the model does not know are ignored (they can still be the fallback). */
  sections?: readonly string[];
  /**
   * Section to file an item under when the classifier is not confident. There
   * is deliberately no default: on validation data, replacing low-confidence
   * guesses with any one fixed section lowers accuracy (the calibrated best
   * guess is still the most likely section), so a fallback only pays off for
   * items outside the eight topics, and which bucket those belong in
   * ("World"? "News"?) is the caller's editorial decision. Without a
   * fallback, the best guess is kept and `confidence` tells how sure it is.
   */
  fallback?: string;
  /** Below this confidence the fallback (if given) is used. Defaults to the model's value, chosen on validation data. */
  minConfidence?: number;
}

export const DEFAULT_SECTIONS: readonly string[] = ['World', 'Politics', 'Business', 'Technology', 'Science', 'Health', 'Sport', 'Entertainment'];

/** The model as scripts/train-sections.ts writes it. Counts, not weights, so the file is small, exact and diffable. */
export interface SectionModelJson {
  attribution: string;
  kind: 'complement' | 'multinomial';
  sections: string[];
  /** Additive smoothing added to every (feature, section) count. */
  alpha: number;
  /** Weight of a bigram relative to a unigram, both in counts and in documents. */
  bigramWeight: number;
  /** How many times a title token counts relative to a body token. */
  titleWeight: number;
  /** Total weight the body can contribute; longer bodies are scaled down to it. */
  bodyBudget: number;
  /** Scores are divided by (document weight)^lengthExponent before calibration. */
  lengthExponent: number;
  temperature: number;
  minConfidence: number;
  /**
   * Raw occurrence counts, grouped by their per-section pattern:
   * key "3:1,5:2" means 1 occurrence in sections[3] and 2 in sections[5];
   * value is the '|'-separated features (a bigram is two tokens joined by a space).
   */
  counts: Record<string, string>;
}

export interface SectionModel {
  sections: readonly string[];
  /** Per-feature log weights, one per section, in `sections` order. */
  weights: ReadonlyMap<string, Float64Array>;
  bigramWeight: number;
  titleWeight: number;
  bodyBudget: number;
  lengthExponent: number;
  temperature: number;
  minConfidence: number;
}

/** A weighted bag of features and its total weight. */
export interface FeatureVector {
  features: Map<string, number>;
  mass: number;
}

const APOSTROPHES = /[\u2018\u2019\u02bc\u0060\u00b4\u2032]/g;
// A thousands separator would otherwise split "100,000" into two numbers.
const THOUSANDS = /(\d),(?=\d{3}(?!\d))/g;
// Initialisms lose their dots: the source writes both "u.s." and "us", "u.n." and "un".
const INITIALISM = /(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu;
// The source is Penn-Treebank tokenised ("trump 's", "does n't", "ca n't"); split real text the same way.
const NEGATION = /(?<=\p{L})n't(?![\p{L}\p{N}])/gu;
const CLITIC = /(?<=[\p{L}\p{N}])'(s|re|ve|ll|d|m)(?![\p{L}\p{N}])/gu;
// Letters and digits, joined inside a word by . ' & ("4.3", "o'brien", "at&t"); hyphens and slashes split.
// Currency and percent signs are kept because they mark business stories.
const TOKEN = /n't|'(?:s|re|ve|ll|d|m)(?![\p{L}\p{N}])|[$€£¥%]|[\p{L}\p{N}]+(?:[.'&][\p{L}\p{N}]+)*/gu;

/**
 * Lower-cased tokens, identical for real mixed-case text and for the
 * source's pre-tokenised headlines: "Trump's U.S. visit" and
 * "trump 's u.s. visit" both give trump, 's, us, visit.
 */
export function tokenize(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(APOSTROPHES, "'")
    .replace(THOUSANDS, '$1')
    .replace(INITIALISM, (initials) => initials.replaceAll('.', ''))
    .replace(NEGATION, " n't")
    .replace(CLITIC, " '$1");
  return folded.match(TOKEN) ?? [];
}

export const isBigram = (feature: string): boolean => feature.includes(' ');

/** Raw occurrence counts of the unigrams and adjacent-token bigrams. */
export function countNgrams(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  tokens.forEach((token, i) => {
    add(token);
    if (i > 0) add(`${tokens[i - 1]} ${token}`);
  });
  return counts;
}

type VectorParams = Pick<SectionModel, 'bigramWeight' | 'titleWeight' | 'bodyBudget'>;

/**
 * The document as the model sees it. The model was trained on headlines, so
 * the title counts more; the body is capped at `bodyBudget` so that a long
 * article cannot drown its title or make the scores arbitrarily extreme.
 */
export function documentVector(title: string, body: string, params: VectorParams): FeatureVector {
  const titlePart = weighted(countNgrams(tokenize(title)), params.bigramWeight);
  const bodyPart = weighted(countNgrams(tokenize(body)), params.bigramWeight);
  const bodyScale = bodyPart.mass > params.bodyBudget ? params.bodyBudget / bodyPart.mass : 1;
  const features = new Map<string, number>();
  const add = (part: FeatureVector, scale: number): void => {
    for (const [feature, value] of part.features) features.set(feature, (features.get(feature) ?? 0) + value * scale);
  };
  add(titlePart, params.titleWeight);
  add(bodyPart, bodyScale);
  return { features, mass: titlePart.mass * params.titleWeight + bodyPart.mass * bodyScale };
}

function weighted(counts: ReadonlyMap<string, number>, bigramWeight: number): FeatureVector {
  const features = new Map<string, number>();
  let mass = 0;
  for (const [feature, count] of counts) {
    const value = isBigram(feature) ? count * bigramWeight : count;
    features.set(feature, value);
    mass += value;
  }
  return { features, mass };
}

/** Parses the counts and derives the log weights once, so classifying is a sparse dot product. */
export function compileModel(json: SectionModelJson): SectionModel {
  const k = json.sections.length;
  const counts = expandCounts(json.counts, k, json.bigramWeight);
  const sectionTotals = new Float64Array(k);
  const featureTotals = new Map<string, number>();
  for (const [feature, row] of counts) {
    let total = 0;
    row.forEach((count, c) => {
      sectionTotals[c]! += count;
      total += count;
    });
    featureTotals.set(feature, total);
  }
  const grandTotal = sectionTotals.reduce((a, b) => a + b, 0);
  const smoothing = json.alpha * counts.size;
  const weights = new Map<string, Float64Array>();
  for (const [feature, row] of counts) {
    const featureTotal = featureTotals.get(feature)!;
    weights.set(
      feature,
      row.map((count, c) =>
        json.kind === 'complement'
          ? // Complement NB estimates each section from all the other sections' text: seven times more data per estimate.
            -Math.log((featureTotal - count + json.alpha) / (grandTotal - sectionTotals[c]! + smoothing))
          : Math.log((count + json.alpha) / (sectionTotals[c]! + smoothing)),
      ),
    );
  }
  return {
    sections: json.sections,
    weights,
    bigramWeight: json.bigramWeight,
    titleWeight: json.titleWeight,
    bodyBudget: json.bodyBudget,
    lengthExponent: json.lengthExponent,
    temperature: json.temperature,
    minConfidence: json.minConfidence,
  };
}

function expandCounts(grouped: Record<string, string>, k: number, bigramWeight: number): Map<string, Float64Array> {
  const counts = new Map<string, Float64Array>();
  for (const [pattern, features] of Object.entries(grouped)) {
    const row = new Float64Array(k);
    for (const cell of pattern.split(',')) {
      const [section, count] = cell.split(':').map(Number);
      if (section === undefined || count === undefined || !(section >= 0 && section < k) || !(count > 0)) {
        throw new Error(`section model: bad count pattern "${pattern}"`);
      }
      row[section] = count;
    }
    for (const feature of features.split('|')) {
      counts.set(feature, isBigram(feature) ? row.map((count) => count * bigramWeight) : row);
    }
  }
  return counts;
}

/**
 * Uncalibrated log scores, one per model section, divided by the document's
 * weight to the power lengthExponent. Naive Bayes treats every token as
 * independent evidence, so without that its certainty grows with length.
 */
export function rawScores(model: SectionModel, vector: FeatureVector): Float64Array {
  const scores = new Float64Array(model.sections.length);
  for (const [feature, value] of vector.features) {
    const row = model.weights.get(feature);
    if (row) row.forEach((w, c) => (scores[c]! += w * value));
  }
  const scale = vector.mass > 0 ? vector.mass ** model.lengthExponent : 1;
  return scores.map((s) => s / scale);
}

/** Softmax with a temperature; subtracting the maximum keeps exp() finite. */
export function softmax(logits: readonly number[], temperature: number): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp((l - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function classifyWith(model: SectionModel, title: string, body: string, options: SectionOptions = {}): SectionResult {
  const allowed = options.sections ?? DEFAULT_SECTIONS;
  const competing = model.sections.flatMap((name, index) => (allowed.includes(name) ? [{ name, index }] : []));
  if (competing.length === 0) {
    const section = options.fallback ?? allowed[0];
    if (section === undefined) throw new Error('classifySection: no sections to choose from and no fallback');
    return { section, confidence: 0, scores: {} };
  }
  const raw = rawScores(model, documentVector(title, body, model));
  const probabilities = softmax(competing.map(({ index }) => raw[index]!), model.temperature);
  const scores = Object.fromEntries(competing.map(({ name }, i) => [name, probabilities[i]!]));
  // Ties go to the earlier section, so an empty document has a stable answer.
  const best = probabilities.reduce((bestIndex, p, i) => (p > probabilities[bestIndex]! ? i : bestIndex), 0);
  const confidence = probabilities[best]!;
  const minConfidence = options.minConfidence ?? model.minConfidence;
  const section = options.fallback !== undefined && confidence < minConfidence ? options.fallback : competing[best]!.name;
  return { section, confidence, scores };
}

/** Checks the imported JSON has the shape compileModel relies on, so a stale or hand-edited file fails at load, not with NaN scores. */
export function parseModelJson(value: unknown): SectionModelJson {
  const json = value as Partial<Record<keyof SectionModelJson, unknown>>;
  const numbers = ['alpha', 'bigramWeight', 'titleWeight', 'bodyBudget', 'lengthExponent', 'temperature', 'minConfidence'] as const;
  const valid =
    typeof json === 'object' &&
    json !== null &&
    typeof json.attribution === 'string' &&
    (json.kind === 'complement' || json.kind === 'multinomial') &&
    Array.isArray(json.sections) &&
    json.sections.every((s) => typeof s === 'string') &&
    numbers.every((key) => Number.isFinite(json[key])) &&
    (json.temperature as number) > 0 &&
    typeof json.counts === 'object' &&
    json.counts !== null &&
    Object.values(json.counts).every((v) => typeof v === 'string');
  if (!valid) throw new Error('section model: malformed JSON; rebuild it with `npx tsx scripts/train-sections.ts`');
  return json as SectionModelJson;
}

// Compiled on first use: a warm build classifies nothing.
let model: SectionModel | undefined;

/** The trained model's section for a news item (title plus body text). */
export function classifySection(title: string, body: string, options: SectionOptions = {}): SectionResult {
  model ??= compileModel(parseModelJson(rawModel));
  return classifyWith(model, title, body, options);
}
