// The statistical half of the complaint classifier (docs/spec.md section 3): a multinomial naive Bayes over
// character unigrams and bigrams (Chinese has no spaces to split words on, and two characters carry most of
// its words) and Latin words and word pairs, learnt from the labelled corpus. The rules in classify.ts know
// the cases that must not be missed; this model knows the everyday vocabulary no list keeps up with
// ("物流就更新了一次", "last scan is still Guangzhou"). Deterministic and pure.
import type { Category } from './complaint.ts';

export interface LabelledText {
  text: string;
  category: Category;
}

export interface BayesModel {
  categories: readonly Category[];
  /** feature -> how many texts of each category (index as `categories`) contain it. */
  counts: ReadonlyMap<string, readonly number[]>;
  /** Feature occurrences per category, the denominator of each likelihood. */
  totals: readonly number[];
}

/** Add-k smoothing: small, because most features are seen in a handful of texts only. */
const SMOOTHING = 0.1;

/** Below this many features the model has seen (about five Chinese characters, or four English words), a
 * text says too little for the model ("你好", "另一件事", "我是张三，电话…"): only the rules read it. */
export const MIN_KNOWN_FEATURES = 10;

const CJK_RUN = /[\u3400-\u9fff]+/gu;
const LATIN_WORD = /[a-z0-9][a-z0-9']*/gu;

/** Features of an already normalised text (NFKC, lower case): each counted once per text. */
export function textFeatures(normalised: string): string[] {
  const features = new Set<string>();
  for (const [run] of normalised.matchAll(CJK_RUN)) {
    for (let index = 0; index < run.length; index += 1) {
      features.add(run.charAt(index));
      if (index + 1 < run.length) features.add(run.slice(index, index + 2));
    }
  }
  const words = [...normalised.matchAll(LATIN_WORD)].map(([word]) => word);
  words.forEach((word, index) => {
    features.add(`w:${word}`);
    const next = words[index + 1];
    if (next !== undefined) features.add(`w:${word} ${next}`);
  });
  return [...features];
}

export function trainBayes(
  examples: readonly LabelledText[],
  categories: readonly Category[],
  normalise: (text: string) => string,
): BayesModel {
  const counts = new Map<string, number[]>();
  const totals = categories.map(() => 0);
  for (const { text, category } of examples) {
    const slot = categories.indexOf(category);
    if (slot < 0) continue;
    for (const feature of textFeatures(normalise(text))) {
      let row = counts.get(feature);
      if (row === undefined) {
        row = categories.map(() => 0);
        counts.set(feature, row);
      }
      row[slot] = (row[slot] ?? 0) + 1;
      totals[slot] = (totals[slot] ?? 0) + 1;
    }
  }
  return { categories, counts, totals };
}

/** P(category | text) with a uniform prior (the corpus's mix of categories is not the traffic's), or
 * undefined when the text has too few features the model knows to say anything. */
export function posterior(model: BayesModel, normalised: string): Map<Category, number> | undefined {
  const known = textFeatures(normalised).flatMap((feature) => {
    const row = model.counts.get(feature);
    return row === undefined ? [] : [row];
  });
  if (known.length < MIN_KNOWN_FEATURES) return undefined;
  const vocabulary = model.counts.size;
  const logLikelihoods = model.categories.map((_, slot) => {
    const denominator = Math.log((model.totals[slot] ?? 0) + SMOOTHING * vocabulary);
    return known.reduce((sum, row) => sum + Math.log((row[slot] ?? 0) + SMOOTHING) - denominator, 0);
  });
  const best = Math.max(...logLikelihoods);
  const weights = logLikelihoods.map((value) => Math.exp(value - best));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return new Map(model.categories.map((category, slot) => [category, (weights[slot] ?? 0) / total]));
}
