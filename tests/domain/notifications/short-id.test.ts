import fc from 'fast-check';
import { monotonicFactory, ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  SHORT_COMPLAINT_NUMBER_LENGTH,
  compactShortNumber,
  parseShortComplaintNumber,
  shortComplaintNumber,
} from '#domain/notifications/short-id';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulidArbitrary = fc
  .tuple(
    fc.constantFrom(...'01234567'),
    fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 25, maxLength: 25 }),
  )
  .map(([first, rest]) => first + rest);

describe('shortComplaintNumber', () => {
  it('shows the last ten characters of any ULID, grouped 5-5, in Crockford symbols only', () => {
    fc.assert(
      fc.property(ulidArbitrary, (id) => {
        // Act
        const short = shortComplaintNumber(id);
        // Assess
        expect(short).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
        expect(short).toHaveLength(SHORT_COMPLAINT_NUMBER_LENGTH);
        expect(compactShortNumber(short)).toBe(id.slice(-10));
      }),
    );
  });

  it('accepts lower-case ids and rejects what is not a ULID', () => {
    // Prepare
    const id = ulid();
    // Act / Assess
    expect(shortComplaintNumber(id.toLowerCase())).toBe(shortComplaintNumber(id));
    expect(() => shortComplaintNumber('complaint-1')).toThrow(/not a ULID/);
    expect(() => shortComplaintNumber(`${id.slice(0, 25)}U`)).toThrow(/not a ULID/);
  });

  it('gives distinct numbers to ids minted in the same millisecond', () => {
    // Prepare
    const next = monotonicFactory();
    const at = Date.parse('2026-10-01T08:00:00Z');
    // Act
    const numbers = new Set(Array.from({ length: 2000 }, () => shortComplaintNumber(next(at))));
    // Assess
    expect(numbers.size).toBe(2000);
  });
});

describe('parseShortComplaintNumber', () => {
  it('reads back every short number however it was typed', () => {
    fc.assert(
      fc.property(ulidArbitrary, fc.boolean(), fc.boolean(), (id, lower, spaced) => {
        // Prepare
        const short = shortComplaintNumber(id);
        let typed = lower ? short.toLowerCase() : short;
        if (spaced) typed = ` ${typed.replace('-', ' ')} `;
        // Act / Assess
        expect(parseShortComplaintNumber(typed)).toBe(short);
      }),
    );
  });

  it('reads I and L as 1 and O as 0, as Crockford decoding does', () => {
    expect(parseShortComplaintNumber('iLo23-45678')).toBe('11023-45678');
  });

  it('refuses text that cannot be a short number', () => {
    expect(parseShortComplaintNumber('ABCD-1234')).toBeUndefined();
    expect(parseShortComplaintNumber('ABCDE-1234U')).toBeUndefined();
    expect(parseShortComplaintNumber('')).toBeUndefined();
  });
});
