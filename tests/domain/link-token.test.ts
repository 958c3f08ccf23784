// The customer link token: unguessable (every character uniform over 62 symbols, from a strong source),
// unique in practice, and short enough that the link fits the SMS wording's proven budget.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isLinkTokenFormat,
  LINK_TOKEN_ALPHABET,
  LINK_TOKEN_BITS,
  LINK_TOKEN_LENGTH,
  newLinkToken,
} from '#domain/link-token';
import { MAX_LINK_LENGTH, MAX_PUBLIC_BASE_URL_LENGTH } from '#domain/notifications/templates';
import { customerLink } from '#use-cases/deliver-notification';

/** A random source that hands out `bytes` in order (then zeros), as many as asked for per call. */
function scriptedSource(bytes: readonly number[]) {
  let next = 0;
  return (size: number) => Uint8Array.from({ length: size }, () => bytes[next++] ?? 0);
}

describe('newLinkToken', () => {
  it('always gives 10 letters and digits, whatever bytes the source yields', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }), (bytes) => {
        // Act
        const token = newLinkToken(scriptedSource(bytes));

        // Assess
        expect(token).toMatch(/^[0-9A-Za-z]{10}$/);
        expect(isLinkTokenFormat(token)).toBe(true);
      }),
    );
  });

  it('maps accepted bytes to characters in order and skips bytes of 248 and above (no modulo bias)', () => {
    // Prepare: 248..255 would otherwise map to '0'..'7' a fifth more often than the rest.
    const bytes = [255, 0, 248, 61, 62, 123, 250, 124, 247, 10, 35, 36, 9];

    // Act
    const token = newLinkToken(scriptedSource(bytes));

    // Assess: 0->'0', 61->'z', 62->'0', 123->'z', 124->'0', 247->'z', 10->'A', 35->'Z', 36->'a', 9->'9'
    expect(token).toBe('0z0z0zAZa9');
  });

  it('spreads characters evenly over the 62 symbols with a strong source', () => {
    // Prepare
    const counts = new Map<string, number>();
    const tokens = 50_000;

    // Act
    for (let i = 0; i < tokens; i++) {
      for (const character of newLinkToken(randomBytes)) {
        counts.set(character, (counts.get(character) ?? 0) + 1);
      }
    }

    // Assess: 500 000 characters, ~8 065 each (σ ≈ 89); a biased mapping would put '0'-'7' ~25% above.
    const expected = (tokens * LINK_TOKEN_LENGTH) / LINK_TOKEN_ALPHABET.length;
    expect([...counts.keys()].sort()).toEqual([...LINK_TOKEN_ALPHABET].sort());
    for (const [character, count] of counts) {
      expect(Math.abs(count - expected) / expected, character).toBeLessThan(0.06);
    }
  });

  it('draws 100 000 distinct tokens from a strong source', () => {
    // Act
    const tokens = new Set(Array.from({ length: 100_000 }, () => newLinkToken(randomBytes)));

    // Assess: a clash among 1e5 tokens has p ≈ 6e-9.
    expect(tokens.size).toBe(100_000);
  });

  it('carries 59.5 bits', () => {
    expect(LINK_TOKEN_BITS).toBeCloseTo(59.54, 2);
  });
});

describe('isLinkTokenFormat', () => {
  it.each([
    ['', 'empty'],
    ['aZ3kP9qL2', 'nine characters'],
    ['aZ3kP9qL2xY', 'eleven characters'],
    ['aZ3kP9qL2-', 'a dash'],
    ['aZ3kP9qL2_', 'an underscore'],
    ['K7Q2M-9X4TB', 'a short complaint number'],
    ['aZ3kP9qL2é', 'a non-ASCII letter'],
    ['../../etc/x', 'a path'],
  ])('refuses %j (%s)', (text) => {
    expect(isLinkTokenFormat(text)).toBe(false);
  });
});

describe('the link in a text', () => {
  it('fits the linked wordings’ budget for every base URL the templates allow', () => {
    // Prepare: the longest base URL the notification templates are proven with.
    const base = 'http://localhost:65535';
    expect(base).toHaveLength(MAX_PUBLIC_BASE_URL_LENGTH);

    // Act
    const link = customerLink(`${base}/`, newLinkToken(randomBytes));

    // Assess
    expect(link).toMatch(/^http:\/\/localhost:65535\/[0-9A-Za-z]{10}$/);
    expect(link.length).toBeLessThanOrEqual(MAX_LINK_LENGTH);
  });
});
