import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidConfiguration } from '#domain/policy';
import {
  compensationRulesSchema,
  isWholeFen,
  parseCompensationRules,
  DEFAULT_COMPENSATION_RULES,
  suggestCompensation,
  type CompensationRules,
} from '#domain/compensation';
import { CATEGORIES } from '#domain/complaint';

/** CNY amounts as people write them: whole fen (0.01 CNY) up to 1,000,000 yuan. */
const fen = fc.integer({ min: 0, max: 100_000_000 });
const yuan = fen.map((amount) => amount / 100);
const severity = fc.constantFrom('minor' as const, 'severe' as const);

describe('suggestCompensation for damage', () => {
  it('suggests 10% of the declared value for minor (packaging) damage', () => {
    // Act
    const suggestion = suggestCompensation({
      category: 'damage',
      declaredValue: 500,
      damageSeverity: 'minor',
    });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 50, currency: 'CNY' },
      basis: '10% of declared value 500.00 (minor damage)',
      rule: 'damage-share-of-declared-value',
    });
  });

  it('suggests 30% of the declared value for severe (contents) damage', () => {
    // Act
    const suggestion = suggestCompensation({
      category: 'damage',
      declaredValue: 500,
      damageSeverity: 'severe',
    });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 150, currency: 'CNY' },
      basis: '30% of declared value 500.00 (severe damage)',
      rule: 'damage-share-of-declared-value',
    });
  });

  it('rounds to the fen', () => {
    // Act
    const suggestion = suggestCompensation({
      category: 'damage',
      declaredValue: 33.33,
      damageSeverity: 'severe',
    });

    // Assess
    expect(suggestion?.amount.amount).toBe(10);
  });

  it('suggests nothing without a declared value or a severity', () => {
    // Act
    const noValue = suggestCompensation({ category: 'damage', damageSeverity: 'severe', postage: 12 });
    const noSeverity = suggestCompensation({ category: 'damage', declaredValue: 500 });

    // Assess
    expect(noValue).toBeUndefined();
    expect(noSeverity).toBeUndefined();
  });

  it('never exceeds the declared value', () => {
    fc.assert(
      fc.property(yuan, severity, fc.boolean(), (declaredValue, damageSeverity, insured) => {
        // Act
        const suggestion = suggestCompensation({
          category: 'damage',
          declaredValue,
          damageSeverity,
          insured,
        });

        // Assess
        expect(suggestion).toBeDefined();
        expect(suggestion!.amount.amount).toBeLessThanOrEqual(declaredValue);
        expect(suggestion!.amount.amount).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('suggestCompensation for loss', () => {
  it('suggests the declared value when the item was insured', () => {
    // Act
    const suggestion = suggestCompensation({
      category: 'loss',
      declaredValue: 2000,
      postage: 18,
      insured: true,
    });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 2000, currency: 'CNY' },
      basis: 'declared value 2000.00 (insured loss)',
      rule: 'loss-insured-declared-value',
    });
  });

  it('suggests the actual loss when uninsured and within three times the postage', () => {
    // Act
    const suggestion = suggestCompensation({ category: 'loss', postage: 12, actualLoss: 30, insured: false });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 30, currency: 'CNY' },
      basis: 'actual loss 30.00 (uninsured loss, within 3x postage 12.00)',
      rule: 'loss-uninsured-capped',
    });
  });

  it('caps an uninsured actual loss at three times the postage', () => {
    // Act
    const suggestion = suggestCompensation({
      category: 'loss',
      postage: 12,
      actualLoss: 800,
      declaredValue: 900,
    });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 36, currency: 'CNY' },
      basis: '3x postage 12.00 (uninsured loss; actual loss 800.00 capped)',
      rule: 'loss-uninsured-capped',
    });
  });

  it('takes the declared value as the loss when no actual loss is stated', () => {
    // Act
    const suggestion = suggestCompensation({ category: 'loss', postage: 12, declaredValue: 20 });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 20, currency: 'CNY' },
      basis: 'declared value 20.00 (uninsured loss, within 3x postage 12.00)',
      rule: 'loss-uninsured-capped',
    });
  });

  it('suggests the cap itself when no loss figure is stated at all', () => {
    // Act
    const suggestion = suggestCompensation({ category: 'loss', postage: 15.5 });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 46.5, currency: 'CNY' },
      basis: '3x postage 15.50 (uninsured loss, actual loss not stated)',
      rule: 'loss-uninsured-capped',
    });
  });

  it('applies the uninsured rule when an insured item has no declared value', () => {
    // Act
    const suggestion = suggestCompensation({ category: 'loss', postage: 10, insured: true, actualLoss: 100 });

    // Assess
    expect(suggestion?.amount.amount).toBe(30);
  });

  it('suggests nothing for an uninsured loss without postage', () => {
    // Act
    const suggestion = suggestCompensation({ category: 'loss', actualLoss: 100, declaredValue: 100 });

    // Assess
    expect(suggestion).toBeUndefined();
  });

  it('never suggests more than three times the postage for an uninsured loss', () => {
    fc.assert(
      fc.property(
        fen,
        fc.option(fen, { nil: undefined }),
        fc.option(fen, { nil: undefined }),
        fc.constantFrom(false, undefined),
        (postageFen, actualLossFen, declaredFen, insured) => {
          // Act
          const suggestion = suggestCompensation({
            category: 'loss',
            postage: postageFen / 100,
            actualLoss: actualLossFen === undefined ? undefined : actualLossFen / 100,
            declaredValue: declaredFen === undefined ? undefined : declaredFen / 100,
            insured,
          });

          // Assess
          expect(suggestion).toBeDefined();
          const suggestedFen = Math.round(suggestion!.amount.amount * 100);
          expect(suggestedFen).toBeLessThanOrEqual(3 * postageFen);
          expect(suggestedFen).toBeGreaterThanOrEqual(0);
          if (actualLossFen !== undefined) expect(suggestedFen).toBe(Math.min(actualLossFen, 3 * postageFen));
        },
      ),
    );
  });
});

describe('suggestCompensation for delay', () => {
  it('refunds the postage by default', () => {
    // Act
    const suggestion = suggestCompensation({ category: 'delay', postage: 23, declaredValue: 400 });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 23, currency: 'CNY' },
      basis: 'postage 23.00 refunded (delay)',
      rule: 'delay-refund-postage',
    });
  });

  it('follows a deployment rule of a share of the postage', () => {
    // Prepare
    const rules: CompensationRules = { ...DEFAULT_COMPENSATION_RULES, delay: { percentOfPostage: 50 } };

    // Act
    const suggestion = suggestCompensation({ category: 'delay', postage: 23 }, rules);

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 11.5, currency: 'CNY' },
      basis: '50% of postage 23.00 (delay)',
      rule: 'delay-share-of-postage',
    });
  });

  it("suggests nothing under a deployment rule of 'none' or without postage", () => {
    // Prepare
    const rules: CompensationRules = { ...DEFAULT_COMPENSATION_RULES, delay: 'none' };

    // Act
    const none = suggestCompensation({ category: 'delay', postage: 23 }, rules);
    const noPostage = suggestCompensation({ category: 'delay', declaredValue: 100 });

    // Assess
    expect(none).toBeUndefined();
    expect(noPostage).toBeUndefined();
  });
});

describe('suggestCompensation in general', () => {
  it('suggests nothing for categories without a compensation rule', () => {
    // Prepare
    const others = CATEGORIES.filter((category) => !['damage', 'loss', 'delay'].includes(category));

    // Act
    const suggestions = others.map((category) =>
      suggestCompensation({
        category,
        declaredValue: 100,
        postage: 10,
        insured: true,
        damageSeverity: 'severe',
        actualLoss: 50,
      }),
    );

    // Assess
    expect(others).toHaveLength(8);
    expect(suggestions.every((suggestion) => suggestion === undefined)).toBe(true);
  });

  it('treats negative or non-finite amounts as missing', () => {
    // Act
    const negative = suggestCompensation({
      category: 'damage',
      declaredValue: -100,
      damageSeverity: 'minor',
    });
    const infinite = suggestCompensation({ category: 'delay', postage: Number.POSITIVE_INFINITY });

    // Assess
    expect(negative).toBeUndefined();
    expect(infinite).toBeUndefined();
  });

  it('never suggests a negative amount or fractions of a fen, whatever the input', () => {
    const amount = fc.option(fc.double({ min: -1e6, max: 1e7, noNaN: false }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        amount,
        amount,
        amount,
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(severity, { nil: undefined }),
        (category, declaredValue, postage, actualLoss, insured, damageSeverity) => {
          // Act
          const suggestion = suggestCompensation({
            category,
            declaredValue,
            postage,
            actualLoss,
            insured,
            damageSeverity,
          });

          // Assess
          if (suggestion === undefined) return;
          expect(suggestion.amount.currency).toBe('CNY');
          expect(suggestion.amount.amount).toBeGreaterThanOrEqual(0);
          expect(suggestion.amount.amount).toBe(Math.round(suggestion.amount.amount * 100) / 100);
        },
      ),
    );
  });
});

describe('compensationRulesSchema', () => {
  it('accepts the default rules', () => {
    // Act
    const parsed = compensationRulesSchema.parse(DEFAULT_COMPENSATION_RULES);

    // Assess
    expect(parsed).toEqual(DEFAULT_COMPENSATION_RULES);
  });

  it('rejects a damage share above 100% and an unknown delay rule', () => {
    // Act
    const tooHigh = compensationRulesSchema.safeParse({
      ...DEFAULT_COMPENSATION_RULES,
      damagePercentOfDeclaredValue: { minor: 10, severe: 130 },
    });
    const unknownRule = compensationRulesSchema.safeParse({ ...DEFAULT_COMPENSATION_RULES, delay: 'double' });

    // Assess
    expect(tooHigh.success).toBe(false);
    expect(unknownRule.success).toBe(false);
  });
});

describe('parseCompensationRules: a deployment override', () => {
  it('merges what it gives onto the defaults', () => {
    // Act
    const rules = parseCompensationRules({
      delay: { percentOfPostage: 50 },
      damagePercentOfDeclaredValue: { severe: 40 },
    });

    // Assess
    expect(rules).toEqual({
      damagePercentOfDeclaredValue: { minor: 10, severe: 40 },
      uninsuredLossPostageMultiple: 3,
      delay: { percentOfPostage: 50 },
      paymentWorkingDays: 7,
    });
    expect(parseCompensationRules({})).toEqual(DEFAULT_COMPENSATION_RULES);
  });

  it('names every bad entry', () => {
    // Act
    let error: unknown;
    try {
      parseCompensationRules({
        damagePercentOfDeclaredValue: { minor: 120 },
        delay: 'double',
        bonus: 1,
      });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidConfiguration);
    const paths = (error as InvalidConfiguration).errors.map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['damagePercentOfDeclaredValue.minor', 'delay']));
    expect((error as InvalidConfiguration).message).toContain('bonus');
  });
});

describe('isWholeFen', () => {
  it.each([0, 12, 12.5, 0.07, 19.99, 0.01, 99_999_999.99])('accepts %d yuan', (yuan) => {
    expect(isWholeFen(yuan)).toBe(true);
  });

  it.each([1e-200, 0.001, 12.345, 5e-324, Number.NaN, Number.POSITIVE_INFINITY, 0.015])(
    'refuses %d yuan',
    (yuan) => {
      expect(isWholeFen(yuan)).toBe(false);
    },
  );

  it('accepts every amount written with at most two decimals, and refuses a third decimal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 9 }),
        (fen, extra) => {
          const written = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
          expect(isWholeFen(Number(written))).toBe(true);
          expect(isWholeFen(Number(`${written}${extra}`))).toBe(false);
        },
      ),
    );
  });
});

describe('suggestCompensation for missing contents (内件短少)', () => {
  it('suggests the missing share of the declared value for an insured item', () => {
    // Act
    const suggestion = suggestCompensation({
      category: 'loss',
      declaredValue: 800,
      postage: 20,
      insured: true,
      missingShare: 0.25,
    });

    // Assess
    expect(suggestion).toMatchObject({
      amount: { amount: 200, currency: 'CNY' },
      rule: 'partial-loss-insured',
      basis: '25% of declared value 800.00 (insured, contents missing)',
    });
    expect(suggestion?.legalBasis).toContain('Postal Law art. 47');
  });

  it('caps the missing share of an uninsured item at three times the postage', () => {
    // Act
    const within = suggestCompensation({
      category: 'loss',
      declaredValue: 100,
      postage: 20,
      missingShare: 0.5,
    });
    const capped = suggestCompensation({
      category: 'loss',
      declaredValue: 800,
      postage: 20,
      missingShare: 0.5,
    });

    // Assess
    expect(within).toMatchObject({ amount: { amount: 50 }, rule: 'partial-loss-uninsured-capped' });
    expect(capped).toMatchObject({ amount: { amount: 60 }, rule: 'partial-loss-uninsured-capped' });
  });

  it('never suggests more for part of the contents than for the whole item', () => {
    fc.assert(
      fc.property(
        fen,
        fen,
        fc.boolean(),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (declaredFen, postageFen, insured, missingShare) => {
          // Prepare
          const facts = {
            category: 'loss' as const,
            declaredValue: declaredFen / 100,
            postage: postageFen / 100,
            insured,
          };

          // Act
          const part = suggestCompensation({ ...facts, missingShare });
          const whole = suggestCompensation(facts);

          // Assess
          expect(part).toBeDefined();
          expect(part!.amount.amount).toBeLessThanOrEqual(whole!.amount.amount);
          expect(part!.amount.amount).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe('suggestCompensation for delay, per day', () => {
  const rules: CompensationRules = {
    ...DEFAULT_COMPENSATION_RULES,
    delay: { perDayPercentOfPostage: 20, maxPercentOfPostage: 100 },
  };

  it('suggests a share of the postage for each day late, up to the ceiling', () => {
    // Act
    const twoDays = suggestCompensation({ category: 'delay', postage: 15, daysLate: 2 }, rules);
    const tenDays = suggestCompensation({ category: 'delay', postage: 15, daysLate: 10 }, rules);

    // Assess
    expect(twoDays).toMatchObject({ amount: { amount: 6 }, rule: 'delay-per-day' });
    expect(tenDays).toMatchObject({ amount: { amount: 15 }, rule: 'delay-per-day' });
    expect(twoDays?.legalBasis).toMatch(/No statutory amount/);
  });

  it('suggests nothing without the days late', () => {
    expect(suggestCompensation({ category: 'delay', postage: 15 }, rules)).toBeUndefined();
  });

  it('is a rule a deployment can configure, checked like the others', () => {
    // Act
    const configured = parseCompensationRules({
      delay: { perDayPercentOfPostage: 10, maxPercentOfPostage: 50 },
      paymentWorkingDays: 5,
    });
    const bad = () => parseCompensationRules({ delay: { perDayPercentOfPostage: 10 } });

    // Assess
    expect(configured.delay).toEqual({ perDayPercentOfPostage: 10, maxPercentOfPostage: 50 });
    expect(configured.paymentWorkingDays).toBe(5);
    expect(bad).toThrow(InvalidConfiguration);
  });
});
