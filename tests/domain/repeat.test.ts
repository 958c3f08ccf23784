import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, type Complaint } from '#domain/complaint';
import { findRepeat, REPEAT_WINDOW_DAYS, type RepeatCandidate } from '#domain/repeat';
import { complaintFixture } from '../support/complaint-fixture.ts';

const DAY_MS = 24 * 3600 * 1000;
const RECEIVED = '2026-05-31T10:00:00.000Z';

function daysBefore(days: number, extraMs = 0): string {
  return new Date(Date.parse(RECEIVED) - days * DAY_MS - extraMs).toISOString();
}

function candidate(overrides: Partial<RepeatCandidate> = {}): RepeatCandidate {
  return {
    phoneHash: 'customer-a',
    trackingNumber: 'SF1403928475610',
    category: 'delay',
    receivedAt: RECEIVED,
    ...overrides,
  };
}

function earlier(id: string, overrides: Partial<Complaint>): Complaint {
  const receivedAt = overrides.receivedAt ?? daysBefore(1);
  return complaintFixture({
    id,
    phoneHash: 'customer-a',
    trackingNumber: 'YT2039485712345',
    category: 'fees',
    createdAt: receivedAt,
    receivedAt,
    ...overrides,
  });
}

describe('findRepeat', () => {
  it('finds nothing without earlier complaints', () => {
    // Act
    const repeat = findRepeat(candidate(), []);

    // Assess
    expect(repeat).toBeUndefined();
  });

  it('matches the same customer and the same tracking number, whatever the category', () => {
    // Prepare
    const first = earlier('first', { trackingNumber: 'SF1403928475610', category: 'damage' });

    // Act
    const repeat = findRepeat(candidate(), [first]);

    // Assess
    expect(repeat?.id).toBe('first');
  });

  it('matches the same customer and the same category, whatever the tracking number', () => {
    // Prepare
    const first = earlier('first', { category: 'delay' });

    // Act
    const repeat = findRepeat(candidate(), [first]);

    // Assess
    expect(repeat?.id).toBe('first');
  });

  it('matches on category when the candidate names no tracking number', () => {
    // Prepare
    const first = earlier('first', { category: 'delay', trackingNumber: undefined });

    // Act
    const repeat = findRepeat(candidate({ trackingNumber: undefined }), [first]);

    // Assess
    expect(repeat?.id).toBe('first');
  });

  it('ignores another customer, even about the same parcel and category', () => {
    // Prepare
    const other = earlier('other', {
      phoneHash: 'customer-b',
      trackingNumber: 'SF1403928475610',
      category: 'delay',
    });

    // Act
    const repeat = findRepeat(candidate(), [other]);

    // Assess
    expect(repeat).toBeUndefined();
  });

  it('ignores the same customer with another parcel and another category', () => {
    // Prepare
    const unrelated = earlier('unrelated', { category: 'attitude' });

    // Act
    const repeat = findRepeat(candidate(), [unrelated]);

    // Assess
    expect(repeat).toBeUndefined();
  });

  it('prefers a tracking-number match over a more recent category match', () => {
    // Prepare
    const sameParcel = earlier('same-parcel', {
      trackingNumber: 'SF1403928475610',
      receivedAt: daysBefore(20),
    });
    const sameCategory = earlier('same-category', { category: 'delay', receivedAt: daysBefore(2) });

    // Act
    const repeat = findRepeat(candidate(), [sameCategory, sameParcel]);

    // Assess
    expect(repeat?.id).toBe('same-parcel');
  });

  it('returns the most recent of several matches', () => {
    // Prepare
    const older = earlier('older', { category: 'delay', receivedAt: daysBefore(10) });
    const newest = earlier('newest', { category: 'delay', receivedAt: daysBefore(3) });
    const middle = earlier('middle', { category: 'delay', receivedAt: daysBefore(6) });

    // Act
    const repeat = findRepeat(candidate(), [older, newest, middle]);

    // Assess
    expect(repeat?.id).toBe('newest');
  });

  it('compares tracking numbers without case, spaces or dashes', () => {
    // Prepare
    const first = earlier('first', { trackingNumber: 'sf 1403-9284-75610' });

    // Act
    const repeat = findRepeat(candidate({ category: 'other' }), [first]);

    // Assess
    expect(repeat?.id).toBe('first');
  });

  describe(`the ${REPEAT_WINDOW_DAYS}-day window`, () => {
    it('includes a complaint received exactly 30 days before', () => {
      // Prepare
      const first = earlier('first', { category: 'delay', receivedAt: daysBefore(30) });

      // Act
      const repeat = findRepeat(candidate(), [first]);

      // Assess
      expect(repeat?.id).toBe('first');
    });

    it('excludes a complaint received 30 days and one millisecond before', () => {
      // Prepare
      const first = earlier('first', { category: 'delay', receivedAt: daysBefore(30, 1) });

      // Act
      const repeat = findRepeat(candidate(), [first]);

      // Assess
      expect(repeat).toBeUndefined();
    });

    it('includes a complaint received at the same instant', () => {
      // Prepare
      const first = earlier('first', { category: 'delay', receivedAt: RECEIVED });

      // Act
      const repeat = findRepeat(candidate(), [first]);

      // Assess
      expect(repeat?.id).toBe('first');
    });

    it('excludes a complaint received after the candidate', () => {
      // Prepare
      const later = earlier('later', { category: 'delay', receivedAt: daysBefore(0, -1) });

      // Act
      const repeat = findRepeat(candidate(), [later]);

      // Assess
      expect(repeat).toBeUndefined();
    });

    it('falls back to a category match when the tracking match is outside the window', () => {
      // Prepare
      const oldParcel = earlier('old-parcel', {
        trackingNumber: 'SF1403928475610',
        receivedAt: daysBefore(31),
      });
      const sameCategory = earlier('same-category', { category: 'delay', receivedAt: daysBefore(29) });

      // Act
      const repeat = findRepeat(candidate(), [oldParcel, sameCategory]);

      // Assess
      expect(repeat?.id).toBe('same-category');
    });
  });

  it('only ever returns a complaint of the same customer, in the window, about the same parcel or category', () => {
    const earlierComplaint = fc.record({
      phoneHash: fc.constantFrom('customer-a', 'customer-b'),
      trackingNumber: fc.option(fc.constantFrom('SF1403928475610', 'YT2039485712345'), { nil: undefined }),
      category: fc.constantFrom(...CATEGORIES),
      ageMs: fc.integer({ min: -2 * DAY_MS, max: 40 * DAY_MS }),
    });
    fc.assert(
      fc.property(
        fc.array(earlierComplaint, { maxLength: 12 }),
        fc.constantFrom(...CATEGORIES),
        (specs, category) => {
          // Prepare
          const complaints = specs.map((spec, index) =>
            earlier(`c${index}`, {
              phoneHash: spec.phoneHash,
              trackingNumber: spec.trackingNumber,
              category: spec.category,
              receivedAt: daysBefore(0, spec.ageMs),
            }),
          );
          const ageOf = (complaint: Complaint) => Date.parse(RECEIVED) - Date.parse(complaint.receivedAt);
          const eligible = complaints.filter(
            (complaint) =>
              complaint.phoneHash === 'customer-a' &&
              ageOf(complaint) >= 0 &&
              ageOf(complaint) <= REPEAT_WINDOW_DAYS * DAY_MS,
          );
          const parcelMatches = eligible.filter(
            (complaint) => complaint.trackingNumber === 'SF1403928475610',
          );
          const categoryMatches = eligible.filter((complaint) => complaint.category === category);

          // Act
          const repeat = findRepeat(candidate({ category }), complaints);

          // Assess
          const expectedPool = parcelMatches.length > 0 ? parcelMatches : categoryMatches;
          if (expectedPool.length === 0) {
            expect(repeat).toBeUndefined();
            return;
          }
          expect(expectedPool).toContain(repeat);
          expect(Math.min(...expectedPool.map(ageOf))).toBe(ageOf(repeat!));
        },
      ),
    );
  });
});
