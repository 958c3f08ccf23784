import fc from 'fast-check';
import { parsePhoneNumberFromString as parseWithFullMetadata } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '#domain/phone';

const digits = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** Mainland mobile numbers (13x, 15x, 18x, 19x) the metadata accepts as MOBILE. */
const mainlandMobile = fc
  .tuple(fc.constantFrom('13', '15', '18', '19'), digits(1), digits(4), digits(4))
  .map(([network, third, middle, tail]) => ({ network: network + third, middle, tail }))
  .filter(({ network, middle, tail }) => normalizePhone(network + middle + tail) !== undefined);

describe('normalizePhone', () => {
  it.each([
    ['13812345678'],
    ['138 1234 5678'],
    ['138-1234-5678'],
    ['+86 138-1234-5678'],
    ['+8613812345678'],
    ['008613812345678'],
    ['0086 138 1234 5678'],
    ['１３８１２３４５６７８'],
    ['  13812345678  '],
  ])('reads the mainland mobile %j as +8613812345678', (raw) => {
    // Act
    const e164 = normalizePhone(raw);

    // Assess
    expect(e164).toBe('+8613812345678');
  });

  it.each([
    ['+44 7911 123456', '+447911123456'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 202-555-0143', '+12025550143'],
    ['+852 9123 4567', '+85291234567'],
    ['0044 7911 123456', '+447911123456'],
  ])('accepts the valid international number %j as %s', (raw, expected) => {
    // Act
    const e164 = normalizePhone(raw);

    // Assess
    expect(e164).toBe(expected);
  });

  it.each([
    ['010-12345678', 'a Beijing landline'],
    ['+86 21 6123 4567', 'a Shanghai landline in E.164'],
    ['14412345678', 'an unassigned mobile range'],
    ['1381234567', 'a digit short'],
    ['138123456789', 'a digit long'],
    ['+44 1234', 'too short to be British'],
    ['call me on 13812345678', 'text around the number'],
    ['13812345678 ext. 12', 'an extension'],
    ['', 'nothing'],
    ['not a number', 'letters'],
  ])('rejects %j (%s)', (raw) => {
    // Act
    const e164 = normalizePhone(raw);

    // Assess
    expect(e164).toBeUndefined();
  });

  it('accepts exactly the mainland numbers the full ("max") metadata calls mobile, for every 5-digit prefix', () => {
    // Prepare: the ranges are set by the first five digits; the rest varies from prefix to prefix.
    const nationalNumbers = Array.from({ length: 10_000 }, (_, index) => {
      const prefix = 10_000 + index;
      return `${prefix}${String((prefix * 7919) % 1_000_000).padStart(6, '0')}`;
    });

    // Act
    const disagreements = nationalNumbers.filter((national) => {
      const full = parseWithFullMetadata(`+86${national}`);
      const mobileByFullMetadata = full?.isValid() === true && full.getType() === 'MOBILE';
      return (normalizePhone(national) !== undefined) !== mobileByFullMetadata;
    });

    // Assess
    expect(disagreements).toEqual([]);
  });

  it('gives the same E.164 for every written form of a mainland mobile', () => {
    fc.assert(
      fc.property(mainlandMobile, ({ network, middle, tail }) => {
        // Prepare
        const e164 = `+86${network}${middle}${tail}`;

        // Act
        const forms = [
          `${network}${middle}${tail}`,
          `${network} ${middle} ${tail}`,
          `+86 ${network}-${middle}-${tail}`,
          `0086${network}${middle}${tail}`,
        ].map(normalizePhone);

        // Assess
        expect(forms).toEqual([e164, e164, e164, e164]);
      }),
    );
  });

  it('never throws and only ever returns E.164', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        // Act
        const e164 = normalizePhone(raw);

        // Assess
        if (e164 !== undefined) expect(e164).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
    );
  });
});
