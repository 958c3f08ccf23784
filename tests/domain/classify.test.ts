import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, NO_SIGNAL_CONFIDENCE } from '#domain/classify';
import { CATEGORIES, COMPLAINT_TYPES } from '#domain/complaint';
import {
  complaintCorpus,
  crossValidate,
  evaluateClassifier,
  heldOutCorpus,
} from '../../infra/scripts/classifier-report.ts';

describe('the complaint corpus', () => {
  it('has enough realistic texts in both languages for every category', () => {
    // Act
    const perCategory = CATEGORIES.map(
      (category) => complaintCorpus.filter((item) => item.category === category).length,
    );
    const chinese = complaintCorpus.filter((item) => item.lang === 'zh').length;

    // Assess
    expect(complaintCorpus.length).toBeGreaterThanOrEqual(1400);
    expect(Math.min(...perCategory)).toBeGreaterThanOrEqual(80);
    expect(chinese / complaintCorpus.length).toBeGreaterThan(0.6);
    expect(chinese).toBeLessThan(complaintCorpus.length);
    expect(new Set(complaintCorpus.map((item) => item.text)).size).toBe(complaintCorpus.length);
  });
});

describe('the held-out corpus', () => {
  it('is separate from the tuning corpus and covers every category, type and express case', () => {
    // Act
    const tuning = new Set(complaintCorpus.map((item) => item.text));
    const cases = new Set(heldOutCorpus.flatMap((item) => (item.case === undefined ? [] : [item.case])));
    const chinese = heldOutCorpus.filter((item) => item.lang === 'zh').length;

    // Assess
    expect(heldOutCorpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(heldOutCorpus.map((item) => item.text)).size).toBe(heldOutCorpus.length);
    expect(heldOutCorpus.filter((item) => tuning.has(item.text))).toEqual([]);
    expect(new Set(heldOutCorpus.map((item) => item.category))).toEqual(new Set(CATEGORIES));
    expect(new Set(heldOutCorpus.map((item) => item.type ?? 'complaint'))).toEqual(new Set(COMPLAINT_TYPES));
    expect(chinese / heldOutCorpus.length).toBeGreaterThan(0.6);
    expect(chinese).toBeLessThan(heldOutCorpus.length);
    for (const issueTwelveCase of [
      'counter',
      'customs',
      'fake-attempt',
      'false-signoff',
      'locker',
      'no-door',
      'opened',
      'pickup-charge',
      'return-no-notice',
      'signed-not-received',
      'urge',
      'short-contents',
      'claim-slow',
      'cold-chain',
      'wrong-address',
      'refused',
      'unreachable',
      'regulator',
    ]) {
      expect(cases).toContain(issueTwelveCase);
    }
  });
});

describe('classify on texts the rules were not written from', () => {
  const evaluation = evaluateClassifier(heldOutCorpus);

  // The floor is the accuracy measured once the rules and the model were finished (255/272 = 93.8%,
  // rounded down; docs/spec.md section 3); a change that loses ground on unseen texts fails here.
  it('is right for at least 93% of the held-out corpus', () => {
    // Assess
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.93);
  });
});

describe('classify on the corpus', () => {
  const evaluation = evaluateClassifier(complaintCorpus);

  it('is right for at least 95% of the corpus', () => {
    // Assess
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  // The model learnt without the text it reads (10 folds): 96.5% when the corpus last grew, rounded down.
  it('is right for at least 96% of the corpus when the model has not learnt the text', () => {
    // Act
    const crossValidated = crossValidate(complaintCorpus);

    // Assess
    expect(crossValidated.total).toBe(complaintCorpus.length);
    expect(crossValidated.accuracy).toBeGreaterThanOrEqual(0.96);
  });

  it.each(Object.keys(evaluation.perCase))('is right for at least 85%% of the %s texts', (name) => {
    // Assess
    expect(evaluation.perCase[name]?.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it.each(CATEGORIES)('is right for at least 75% of the %s texts', (category) => {
    // Assess
    expect(evaluation.perCategory[category].accuracy).toBeGreaterThanOrEqual(0.75);
  });
});

describe('classify the express cases of issue 12', () => {
  it.each([
    ['显示已签收，但是我根本没收到', 'wrong-delivery'],
    ['快递员代签了，我没签过字', 'wrong-delivery'],
    ['没打电话就给我退回去了', 'wrong-delivery'],
    ['包裹被私自拆开了', 'privacy'],
    ['驿站取件要加收两元', 'fees'],
    ['营业员玩手机不理睬我', 'attitude'],
    ['包裹在海关清关卡了十天', 'delay'],
  ] as const)('%s is %s', (text, category) => {
    // Assess
    expect(classify(text).category).toBe(category);
  });
});

describe('classify', () => {
  it('reads 快递柜 by its context: put there without consent is wrong delivery', () => {
    // Act
    const result = classify('没经过我同意就把快递放快递柜了');

    // Assess
    expect(result.category).toBe('wrong-delivery');
  });

  it('reads 快递柜 by its context: a locker that does not work is facilities', () => {
    // Act
    const result = classify('快递柜故障，柜门打不开');

    // Assess
    expect(result.category).toBe('facilities');
  });

  it('takes a broken locker for facilities, not for a damaged parcel', () => {
    // Act
    const result = classify('The parcel locker in our lobby is broken, the door will not open.');

    // Assess
    expect(result.category).toBe('facilities');
  });

  it('does not count a negated harm word: intact packaging with items missing is loss', () => {
    // Act
    const zh = classify('外包装没有破损，但是里面少了两件');
    const en = classify('Nothing was broken or damaged, but one item is missing.');

    // Assess
    expect(zh.category).toBe('loss');
    expect(en.category).toBe('loss');
  });

  it('still counts the harm word that is not negated', () => {
    // Act
    const result = classify('东西倒是没少，就是箱子破损了');

    // Assess
    expect(result.category).toBe('damage');
  });

  it('lets the longer phrase decide: 超时费 is a fee, not a delay', () => {
    // Act
    const result = classify('快递柜超时费太贵了');

    // Assess
    expect(result.category).toBe('fees');
  });

  it('matches Latin words whole: "translate" does not signal "late"', () => {
    // Act
    const result = classify('Please translate the label');

    // Assess
    expect(result).toEqual({ category: 'other', confidence: NO_SIGNAL_CONFIDENCE });
  });

  it('reads full-width letters and any case', () => {
    // Act
    const result = classify('ＡＰＰ一直闪退');

    // Assess
    expect(result.category).toBe('online-service');
  });

  it('breaks a tie towards the more specific harm (loss before damage)', () => {
    // Act
    const result = classify('丢失 破损');

    // Assess
    expect(result.category).toBe('loss');
  });

  it('is less confident when a second category competes', () => {
    // Act
    const clear = classify('我的快递丢失了');
    const mixed = classify('我的快递丢失了，找了一个星期也没找到，快递员态度也很差');

    // Assess
    expect(mixed.category).toBe('loss');
    expect(mixed.confidence).toBeLessThan(clear.confidence);
  });

  it('is more confident the more signals agree', () => {
    // Act
    const one = classify('延误');
    const several = classify('严重延误，一直不派送，还没到');

    // Assess
    expect(several.category).toBe('delay');
    expect(several.confidence).toBeGreaterThan(one.confidence);
  });

  it("answers 'other' with low confidence when nothing matches", () => {
    // Act
    const empty = classify('');
    const vague = classify('你好');

    // Assess
    expect(empty).toEqual({ category: 'other', confidence: NO_SIGNAL_CONFIDENCE });
    expect(vague).toEqual({ category: 'other', confidence: NO_SIGNAL_CONFIDENCE });
  });
});

describe('classify for every input', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .array(fc.constantFrom(...complaintCorpus.map((item) => item.text)), { maxLength: 3 })
      .map((texts) => texts.join(' ')),
  );

  it('returns a known category with a confidence in [0, 1], never throwing', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        // Act
        const result = classify(text);

        // Assess
        expect(CATEGORIES).toContain(result.category);
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        // Assess
        expect(classify(text)).toEqual(classify(text));
      }),
    );
  });

  it('ignores letter case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 120 }), (text) => {
        // Assess
        expect(classify(text.toUpperCase())).toEqual(classify(text.toLowerCase()));
      }),
    );
  });
});
