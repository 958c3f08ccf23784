import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_KNOWN_FEATURES, posterior, textFeatures, trainBayes } from '#domain/classify-bayes';
import { CATEGORIES } from '#domain/complaint';

const lower = (text: string): string => text.toLowerCase();

const examples = [
  { text: '快递丢失了，一直找不到', category: 'loss' },
  { text: '包裹丢了，网点说找不到', category: 'loss' },
  { text: '箱子破损，里面的杯子碎了', category: 'damage' },
  { text: '收到的箱子压坏了，东西碎了', category: 'damage' },
  { text: 'my parcel was lost and nobody can find it', category: 'loss' },
  { text: 'the box arrived crushed and the vase was broken', category: 'damage' },
] as const;

describe('textFeatures', () => {
  it('reads Chinese as characters and character pairs, Latin as words and word pairs, each once', () => {
    // Act
    const zh = textFeatures('丢了丢了');
    const en = textFeatures('lost parcel lost');

    // Assess
    expect(zh.sort()).toEqual(['丢', '丢了', '了', '了丢'].sort());
    expect(en.sort()).toEqual(['w:lost', 'w:parcel', 'w:lost parcel', 'w:parcel lost'].sort());
  });

  it('does not pair characters across punctuation or Latin text', () => {
    // Act
    const features = textFeatures('丢，了 ok 破');

    // Assess
    expect(features).not.toContain('丢了');
    expect(features).toContain('w:ok');
    expect(features).toContain('破');
  });
});

describe('posterior', () => {
  const model = trainBayes(examples, CATEGORIES, lower);

  it('favours the category whose texts share the words', () => {
    // Act
    const zh = posterior(model, '快递丢了，网点一直找不到，包裹丢失了');
    const en = posterior(model, 'the box arrived crushed and the glass was broken');

    // Assess
    expect(zh?.get('loss')).toBeGreaterThan(0.5);
    expect(en?.get('damage')).toBeGreaterThan(0.5);
  });

  it(`says nothing about a text with fewer than ${MIN_KNOWN_FEATURES} features it has seen`, () => {
    // Act
    const result = posterior(model, '丢了');

    // Assess
    expect(result).toBeUndefined();
  });

  it('gives probabilities that sum to 1 over the known categories, or nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...examples.map((example) => example.text), '你好', 'xyz', '，'), {
          maxLength: 4,
        }),
        (parts) => {
          // Act
          const result = posterior(model, lower(parts.join(' ')));

          // Assess
          if (result === undefined) return;
          const total = [...result.values()].reduce((sum, value) => sum + value, 0);
          expect(total).toBeCloseTo(1, 9);
          expect([...result.keys()]).toEqual([...CATEGORIES]);
          for (const value of result.values()) expect(value).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
