// How well the rules-based classifier does on the labelled corpus: accuracy overall and per category, and
// every text it gets wrong, first on the tuning corpus (the texts the rules were written from), then on the
// held-out corpus (texts written and committed before the rules were changed, never used to tune them).
// Run: npm run classifier-report (add `-- --tuning` while changing the rules: the held-out corpus's misses
// are not to be read before the final measurement, see docs/spec.md section 3).
import { classify, trainClassifierModel } from '#domain/classify';
import type { BayesModel } from '#domain/classify-bayes';
import { CATEGORIES, COMPLAINT_TYPES, type Category, type ComplaintType } from '#domain/complaint';
import corpus from '../../functions/domain/complaint-corpus.json' with { type: 'json' };
import heldOut from '../../tests/fixtures/complaint-corpus-heldout-2.json' with { type: 'json' };

export interface LabelledComplaint {
  text: string;
  category: Category;
  lang: 'zh' | 'en';
  /** The express case a text stands for (signed-not-received, opened, ...), when it has one. */
  case?: string;
  /** 投诉, 建议 or 咨询 as the customer wrote it (the held-out corpus marks it; a complaint when absent). */
  type?: ComplaintType;
}

export interface Confusion {
  text: string;
  expected: Category;
  actual: Category;
  confidence: number;
}

export interface ClassifierEvaluation {
  total: number;
  correct: number;
  accuracy: number;
  perCategory: Record<Category, { total: number; correct: number; accuracy: number }>;
  perLanguage: Record<'zh' | 'en', { total: number; correct: number; accuracy: number }>;
  perCase: Record<string, { total: number; correct: number; accuracy: number }>;
  perType: Record<ComplaintType, { total: number; correct: number; accuracy: number }>;
  confusions: Confusion[];
}

const ratio = (correct: number, total: number): number => (total === 0 ? 1 : correct / total);

export function evaluateClassifier(
  items: readonly LabelledComplaint[],
  model?: BayesModel,
): ClassifierEvaluation {
  const perCategory = Object.fromEntries(
    CATEGORIES.map((category) => [category, { total: 0, correct: 0, accuracy: 1 }]),
  ) as ClassifierEvaluation['perCategory'];
  const perLanguage: ClassifierEvaluation['perLanguage'] = {
    zh: { total: 0, correct: 0, accuracy: 1 },
    en: { total: 0, correct: 0, accuracy: 1 },
  };
  const perCase: ClassifierEvaluation['perCase'] = {};
  const perType = Object.fromEntries(
    COMPLAINT_TYPES.map((type) => [type, { total: 0, correct: 0, accuracy: 1 }]),
  ) as ClassifierEvaluation['perType'];
  const confusions: Confusion[] = [];
  for (const item of items) {
    const { category, confidence } = classify(item.text, model);
    const hit = category === item.category;
    const tallies = [perCategory[item.category], perLanguage[item.lang], perType[item.type ?? 'complaint']];
    if (item.case !== undefined) {
      tallies.push((perCase[item.case] ??= { total: 0, correct: 0, accuracy: 1 }));
    }
    for (const tally of tallies) {
      tally.total += 1;
      if (hit) tally.correct += 1;
      tally.accuracy = ratio(tally.correct, tally.total);
    }
    if (!hit) confusions.push({ text: item.text, expected: item.category, actual: category, confidence });
  }
  const correct = items.length - confusions.length;
  return {
    total: items.length,
    correct,
    accuracy: ratio(correct, items.length),
    perCategory,
    perLanguage,
    perCase,
    perType,
    confusions,
  };
}

/** The tuning corpus's accuracy when the model has not learnt the text it reads: each of `folds` slices is
 * read by a model learnt from the others (the rules stay as they are: they were written from all of it). */
export function crossValidate(items: readonly LabelledComplaint[], folds = 10): ClassifierEvaluation {
  const parts = Array.from({ length: folds }, (_, fold) =>
    items.filter((_, index) => index % folds === fold),
  );
  const evaluations = parts.map((part, fold) =>
    evaluateClassifier(part, trainClassifierModel(items.filter((_, index) => index % folds !== fold))),
  );
  const correct = evaluations.reduce((sum, evaluation) => sum + evaluation.correct, 0);
  return {
    ...evaluateClassifier([]),
    total: items.length,
    correct,
    accuracy: ratio(correct, items.length),
    confusions: evaluations.flatMap((evaluation) => evaluation.confusions),
  };
}

/** The tuning corpus: the rules in `classify.ts` were written from these texts, the model learnt from them. */
export const complaintCorpus = corpus as LabelledComplaint[];
/** The held-out corpus: written and committed before the rules were changed; never used to tune them. */
export const heldOutCorpus = heldOut as LabelledComplaint[];

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function printReport(title: string, evaluation: ClassifierEvaluation): void {
  console.log(`== ${title}`);
  console.log(`overall ${evaluation.correct}/${evaluation.total} = ${percent(evaluation.accuracy)}`);
  for (const [lang, tally] of Object.entries(evaluation.perLanguage)) {
    console.log(
      `  ${lang.padEnd(18)} ${String(tally.correct).padStart(3)}/${tally.total} ${percent(tally.accuracy)}`,
    );
  }
  for (const [type, tally] of Object.entries(evaluation.perType)) {
    if (tally.total === 0) continue;
    console.log(
      `  ${type.padEnd(18)} ${String(tally.correct).padStart(3)}/${tally.total} ${percent(tally.accuracy)}`,
    );
  }
  console.log('per category:');
  for (const [category, tally] of Object.entries(evaluation.perCategory)) {
    console.log(
      `  ${category.padEnd(18)} ${String(tally.correct).padStart(3)}/${tally.total} ${percent(tally.accuracy)}`,
    );
  }
  if (Object.keys(evaluation.perCase).length > 0) console.log('per express case:');
  for (const [name, tally] of Object.entries(evaluation.perCase)) {
    console.log(
      `  ${name.padEnd(18)} ${String(tally.correct).padStart(3)}/${tally.total} ${percent(tally.accuracy)}`,
    );
  }
  console.log(`confusions (${evaluation.confusions.length}):`);
  for (const miss of evaluation.confusions) {
    console.log(`  ${miss.expected} -> ${miss.actual} (${miss.confidence.toFixed(2)}): ${miss.text}`);
  }
}

if (import.meta.main) {
  printReport(`tuning corpus (${complaintCorpus.length} texts)`, evaluateClassifier(complaintCorpus));
  const crossValidated = crossValidate(complaintCorpus);
  console.log(
    `tuning corpus, 10-fold cross-validated model: ${crossValidated.correct}/${crossValidated.total} = ${percent(crossValidated.accuracy)}`,
  );
  if (process.argv.includes('--cross-validation-misses')) {
    for (const miss of crossValidated.confusions) {
      console.log(`  ${miss.expected} -> ${miss.actual} (${miss.confidence.toFixed(2)}): ${miss.text}`);
    }
  }
  if (!process.argv.includes('--tuning')) {
    printReport(
      `held-out corpus (${heldOutCorpus.length} texts, not tuned on)`,
      evaluateClassifier(heldOutCorpus),
    );
  }
}
