// Phone numbers as callers write them (SPEC section 10), normalised to E.164. Pure. Masking for display
// lives in masking.ts, which needs no metadata, so only the functions that validate input bundle this one.
//
// libphonenumber-js with the "min" metadata (80 KB) rather than "max" (152 KB), to keep create-complaint
// under its bundle budget. "min" validates by length and leading digits only and gives no number type for
// China, so it cannot tell a mainland mobile from a landline, which cannot receive our texts: the one
// pattern "max" was bought for is MAINLAND_MOBILE below. Foreign numbers are checked by "min"'s rules,
// which accept any number of a valid length for its country ("mobile" would refuse foreign landlines).
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * The national numbers of mainland mobiles: libphonenumber's CN mobile pattern (metadata "max").
 * tests/domain/phone.test.ts compares it with the installed "max" metadata for every 5-digit prefix, so a
 * library update that changes the ranges fails there rather than refusing customers here.
 */
const MAINLAND_MOBILE = /^1(?:610\d|740[0-5])\d{6}$|^1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}$/;

/**
 * E.164 for a mainland mobile number in any common written form (13812345678, 138 1234 5678,
 * +86 138-1234-5678, 008613812345678, full-width digits) or any other valid international number
 * (+ or 00 prefix). undefined for landlines in mainland China, invalid numbers, extensions and text around
 * the number.
 */
export function normalizePhone(raw: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), { defaultCountry: 'CN', extract: false });
  if (!parsed || !parsed.isValid() || parsed.ext) return undefined;
  if (parsed.countryCallingCode === '86' && !MAINLAND_MOBILE.test(parsed.nationalNumber)) return undefined;
  return parsed.number;
}
