import fc from 'fast-check';
import metadata from 'libphonenumber-js/metadata.max';
import { describe, expect, it } from 'vitest';
import { callingCodeOf, maskName, maskPhone, maskPhonesIn } from '#domain/masking';

const digits = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** Any mainland mobile number: 1, a network digit 3-9, then nine digits (assigned ranges or not). */
const mainlandMobile = fc
  .tuple(fc.constantFrom(...'3456789'), digits(1), digits(4), digits(4))
  .map(([network, third, middle, tail]) => ({ network: `1${network}${third}`, middle, tail }));

/** Digits of an E.164 number (7-15, no leading 0) that is not a mainland mobile. */
const otherE164Digits = fc
  .tuple(fc.constantFrom(...'123456789'), fc.integer({ min: 6, max: 14 }).chain(digits))
  .map(([first, rest]) => first + rest)
  .filter((all) => !/^861[3-9]\d{9}$/.test(all));

describe('callingCodeOf', () => {
  it('reads every calling code in libphonenumber-js metadata, geographic and non-geographic', () => {
    // Prepare
    const codes = [...Object.keys(metadata.country_calling_codes), ...Object.keys(metadata.nonGeographic)];

    // Act
    const misread = codes.filter((code) => callingCodeOf(`${code}123456789`) !== code);

    // Assess
    expect(codes.length).toBeGreaterThan(200);
    expect(misread).toEqual([]);
  });
});

describe('maskPhone', () => {
  it.each([
    ['+8613812345678', '138****5678'],
    ['13812345678', '138****5678'],
    ['+8614412345678', '144****5678'],
  ])('shows the mainland mobile %j nationally with digits 4-7 masked: %j', (phone, expected) => {
    // Act
    const masked = maskPhone(phone);

    // Assess
    expect(masked).toBe(expected);
  });

  it.each([
    ['+447911127890', '+44 ******7890'],
    ['+861012345678', '+86 ******5678'],
    ['+12025550143', '+1 ******0143'],
    ['+85291234567', '+852 ****4567'],
    ['+79161234567', '+7 ******4567'],
    ['+3531234', '+353 ****'],
  ])('keeps the country code and the last four digits of %j: %j', (phone, expected) => {
    // Act
    const masked = maskPhone(phone);

    // Assess
    expect(masked).toBe(expected);
  });

  it('keeps at most the last four digits of anything it cannot read', () => {
    // Act
    const garbage = maskPhone('phone: 99-1234-5678');
    const short = maskPhone('12345');

    // Assess
    expect(garbage).toBe('******5678');
    expect(short).toBe('*****');
  });

  it('never depends on the middle digits of a mainland mobile', () => {
    fc.assert(
      fc.property(mainlandMobile, digits(4), ({ network, middle, tail }, otherMiddle) => {
        // Act
        const masked = maskPhone(`+86${network}${middle}${tail}`);
        const other = maskPhone(`+86${network}${otherMiddle}${tail}`);

        // Assess
        expect(masked).toBe(`${network}****${tail}`);
        expect(other).toBe(masked);
      }),
    );
  });

  it('never shows more than the country code and the last four digits of any other E.164 number', () => {
    fc.assert(
      fc.property(otherE164Digits, (all) => {
        // Prepare
        const callingCode = callingCodeOf(all);
        const national = all.slice(callingCode.length);

        // Act
        const masked = maskPhone(`+${all}`);

        // Assess
        const [shownCode, rest = ''] = masked.split(' ');
        expect(shownCode).toBe(`+${callingCode}`);
        expect(rest).toHaveLength(national.length);
        expect(rest.replace(/\*/g, '')).toBe(national.length >= 8 ? national.slice(-4) : '');
      }),
    );
  });
});

describe('maskPhonesIn', () => {
  it.each([
    ['call me on 13812345678', 'call me on 138****5678'],
    ['电话138 1234 5678，谢谢', '电话138****5678，谢谢'],
    ['+86 138-1234-5678 or 0086 13912345678', '138****5678 or 139****5678'],
    ['8613812345678', '138****5678'],
  ])('masks the mobile numbers in %j', (text, expected) => {
    // Act
    const masked = maskPhonesIn(text);

    // Assess
    expect(masked).toBe(expected);
  });

  it.each([
    ['waybill EA123456789CN', 'a waybill number'],
    ['order 213812345678', 'a longer number'],
    ['12345678901', 'no mobile network digit'],
    ['日期2026-10-01，金额12.50元，运单9812345678901', 'dates, amounts and a digits-only waybill'],
  ])('leaves %j alone (%s)', (text) => {
    // Act
    const masked = maskPhonesIn(text);

    // Assess
    expect(masked).toBe(text);
  });

  it('never leaves the middle digits of a mobile written in any common form', () => {
    fc.assert(
      fc.property(
        mainlandMobile,
        fc.constantFrom('', '+86 ', '+86', '0086', '86-'),
        fc.constantFrom('', ' ', '-'),
        fc.constantFrom('快递没到，电话', 'call ', ''),
        ({ network, middle, tail }, prefix, separator, before) => {
          // Prepare
          const text = `${before}${prefix}${network}${separator}${middle}${separator}${tail}。`;

          // Act
          const masked = maskPhonesIn(text);

          // Assess
          expect(masked).toBe(`${before}${network}****${tail}。`);
        },
      ),
    );
  });
});

describe('maskPhonesIn: numbers as people really write them', () => {
  it.each([
    ['电话：１３８１２３４５６７８。', '电话：138****5678。'],
    ['138\u200b1234\u200b5678', '138****5678'],
    ['1\u200d3\u200c8 1234 5678', '138****5678'],
    ['+８６ １３８ １２３４ ５６７８', '138****5678'],
    ['138.1234.5678', '138****5678'],
    ['(+86) 138 1234 5678', '138****5678'],
    ['010-12345678', '010-****5678'],
    ['（0755）1234 5678', '0755-****5678'],
    ['请拨 021 6123 4567 转 8', '请拨 021-****4567 转 8'],
    ['+44 7911 123456', '+44 ******3456'],
    ['call +1 (202) 555-0143 now', 'call +1 ******0143 now'],
    ['0086-21-6123-4567', '+86 ******4567'],
    ['13812345678 13912345678', '138****5678 139****5678'],
  ])('masks %j as %j', (text, expected) => {
    expect(maskPhonesIn(text)).toBe(expected);
  });

  const fullWidth = (text: string) =>
    text.replace(/[0-9+()]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const invisible = fc.constantFrom('\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u200e');
  /** Writes digits the way people do: separators, full-width forms and zero-width characters between them. */
  const written = (digits: string) =>
    fc
      .tuple(
        fc.array(fc.constantFrom('', '', ' ', '-', '.', '\u00a0', '\u2010', '‑'), {
          minLength: digits.length,
          maxLength: digits.length,
        }),
        fc.array(fc.option(invisible, { nil: '' }), { minLength: digits.length, maxLength: digits.length }),
        fc.boolean(),
      )
      .map(([separators, zeroWidth, wide]) => {
        const text = [...digits]
          .map((d, i) => (i === 0 ? d : `${separators[i]}${zeroWidth[i]}${d}`))
          .join('');
        return wide ? fullWidth(text) : text;
      });
  const around = fc.constantFrom(['请联系', '，谢谢'], ['call ', ' please'], ['', ''], ['电话：', '。']);
  const digitsOf = (text: string) => [...text.normalize('NFKC')].filter((c) => /\d/.test(c)).join('');

  it('leaves only the first three and last four digits of a mainland mobile, however it is written', () => {
    fc.assert(
      fc.property(
        mainlandMobile,
        fc.constantFrom('', '+86 ', '+86', '0086', '86-', '(+86)'),
        around,
        ({ network, middle, tail }, prefix, [before, after]) =>
          fc.assert(
            fc.property(written(`${network}${middle}${tail}`), (number) => {
              const masked = maskPhonesIn(`${before}${fullWidth(prefix)}${number}${after}`);
              expect(masked).toBe(`${before}${network}****${tail}${after}`);
            }),
            { numRuns: 3 },
          ),
      ),
    );
  });

  it('leaves only the area code and the last four digits of a landline', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('010', '021', '0755', '0571', '020'),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 6, max: 7 }).chain(digits),
        around,
        (area, first, rest, [before, after]) =>
          fc.assert(
            fc.property(written(`${first}${rest}`), (subscriber) => {
              const masked = maskPhonesIn(`${before}${area}-${subscriber}${after}`);
              expect(digitsOf(masked)).toBe(`${area}${rest.slice(-4)}`);
              expect(masked).toContain(`${area}-`);
            }),
            { numRuns: 3 },
          ),
      ),
    );
  });

  it('leaves only the country code and the last four digits of a foreign number in international form', () => {
    fc.assert(
      fc.property(
        otherE164Digits.filter((all) => !all.startsWith('86')),
        around,
        (all, [before, after]) =>
          fc.assert(
            fc.property(written(all), fc.constantFrom('+', '00'), (number, plus) => {
              const masked = maskPhonesIn(`${before}${plus}${number}${after}`);
              const callingCode = callingCodeOf(all);
              const national = all.slice(callingCode.length);
              expect(digitsOf(masked)).toBe(
                `${callingCode}${national.length >= 8 ? national.slice(-4) : ''}`,
              );
            }),
            { numRuns: 3 },
          ),
      ),
    );
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['王小明', '王**'],
    ['欧阳娜娜', '欧***'],
    ['阿卜杜·买买提', '阿**·***'],
    ['张', '张'],
    ['John Smith', 'J*** S****'],
    ['Mary-Jane O’Neil', 'M***-J*** O’****'],
    ['  Li  ', 'L*'],
    ['', ''],
  ])('masks %j as %j', (name, expected) => {
    // Act
    const masked = maskName(name);

    // Assess
    expect(masked).toBe(expected);
  });

  it('keeps only the first character of a Chinese name and its length', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCodePoint(code)),
          {
            minLength: 2,
            maxLength: 4,
          },
        ),
        (characters) => {
          // Act
          const masked = maskName(characters.join(''));

          // Assess
          expect(masked).toBe(characters[0] + '*'.repeat(characters.length - 1));
        },
      ),
    );
  });
});
