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
    ['010-12345678', 'a landline'],
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
