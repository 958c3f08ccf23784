import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitsOneSegment, isGsm7, smsSegments } from '#domain/notifications/sms-segments';

const GSM_BASIC_SAMPLE = [...'@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà\n\r'];
const GSM_EXTENSION = [...'\f^{}\\[~]|€'];

describe('smsSegments, GSM-7', () => {
  it('fits 160 basic characters in one segment and splits the 161st into 153-septet parts', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension-table characters twice', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(fitsOneSegment(`${'a'.repeat(159)}[`)).toBe(false);
    expect(fitsOneSegment(`${'a'.repeat(158)}[`)).toBe(true);
  });

  it('never splits an escape pair across parts', () => {
    // 152 septets, then a 2-septet character that no longer fits the first 153-septet part.
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`).segments).toBe(2);
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('counts a text of n basic characters as ceil(n / 153) parts beyond 160', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...GSM_BASIC_SAMPLE), { minLength: 1, maxLength: 800 }),
        (chars) => {
          const size = smsSegments(chars.join(''));
          expect(size.encoding).toBe('GSM-7');
          expect(size.segments).toBe(chars.length <= 160 ? 1 : Math.ceil(chars.length / 153));
        },
      ),
    );
  });

  it('needs at least as many parts as the septets require', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...GSM_BASIC_SAMPLE, ...GSM_EXTENSION), { minLength: 161, maxLength: 800 }),
        (chars) => {
          const size = smsSegments(chars.join(''));
          expect(size.units).toBe(chars.reduce((n, c) => n + (GSM_EXTENSION.includes(c) ? 2 : 1), 0));
          expect(size.segments).toBeGreaterThanOrEqual(Math.ceil(size.units / 153));
          expect(size.segments).toBeLessThanOrEqual(Math.ceil(size.units / 152));
        },
      ),
    );
  });
});

describe('smsSegments, UCS-2', () => {
  it('fits 70 Chinese characters in one segment and 67 per part beyond', () => {
    expect(smsSegments('投'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('投'.repeat(71)).segments).toBe(2);
    expect(smsSegments('投'.repeat(134)).segments).toBe(2);
    expect(smsSegments('投'.repeat(135)).segments).toBe(3);
  });

  it('switches the whole text to UCS-2 for one character outside the GSM alphabet', () => {
    expect(smsSegments(`${'a'.repeat(69)}ç`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(isGsm7('Hello `world`')).toBe(false);
    expect(isGsm7('Hello [world] €5')).toBe(true);
    expect(fitsOneSegment(`${'a'.repeat(70)}中`)).toBe(false);
  });

  it('counts a character outside the BMP as two code units and keeps the pair in one part', () => {
    expect(smsSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    // 66 units, then a surrogate pair that would straddle the 67-unit boundary: it opens the second part.
    expect(smsSegments(`${'中'.repeat(66)}😀${'中'.repeat(10)}`).segments).toBe(2);
    expect(smsSegments(`${'中'.repeat(66)}😀${'中'.repeat(66)}`).segments).toBe(3);
  });
});
