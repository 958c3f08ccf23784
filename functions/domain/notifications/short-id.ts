// The short complaint number customers see in texts and read out on the phone (SPEC section 6).
//
// It is the last 10 characters of the complaint's ULID, i.e. its 50 low random bits, in Crockford
// base32 (no I, L, O, U: nothing to confuse when read aloud), grouped 5-5: "K7Q2M-9X4TB".
// ULIDs minted in the same millisecond by a monotonic factory differ in exactly these bits.
//
// Collision odds (2^50 ≈ 1.13e15 values, birthday bound p ≈ n² / 2^51):
//   100 000 complaints: 4.4e-6;  1 million: 4.4e-4;  10 million: 4.3%.
//   A single new complaint clashes with one of n existing ones with p ≈ n / 2^50 (9e-10 at n = 1 million).
// A deployment that needs strict uniqueness claims the number when registering (a conditional put) and
// mints a new ULID on the rare clash; lookups by short number should also carry the phone hash.
import { fixULIDBase32, isValid } from 'ulid';

const RANDOM_CHARS_SHOWN = 10;
const GROUP = 5;

/** Length of a short complaint number as printed, hyphen included. */
export const SHORT_COMPLAINT_NUMBER_LENGTH = RANDOM_CHARS_SHOWN + 1;

const CANONICAL = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/** "01J9Z3K7Q2M9X4TBXXXXXXXXXX"-style ULID -> "XXXXX-XXXXX" (the id's last 10 characters). */
export function shortComplaintNumber(id: string): string {
  const ulid = id.toUpperCase();
  if (!isValid(ulid)) throw new Error(`not a ULID: ${id}`);
  const tail = ulid.slice(-RANDOM_CHARS_SHOWN);
  return `${tail.slice(0, GROUP)}-${tail.slice(GROUP)}`;
}

/** The short number without its hyphen, for links and keys. */
export function compactShortNumber(shortNumber: string): string {
  return shortNumber.replace('-', '');
}

/**
 * What a person typed or said back -> the canonical short number, or undefined when it cannot be one.
 * Case-insensitive; I/L read as 1 and O as 0 (Crockford decoding); spaces and hyphens ignored.
 */
export function parseShortComplaintNumber(text: string): string | undefined {
  const symbols = fixULIDBase32(text.replace(/\s+/g, '')).toUpperCase();
  if (symbols.length !== RANDOM_CHARS_SHOWN) return undefined;
  const candidate = `${symbols.slice(0, GROUP)}-${symbols.slice(GROUP)}`;
  return CANONICAL.test(candidate) ? candidate : undefined;
}
