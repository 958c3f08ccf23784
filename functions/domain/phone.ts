// Phone numbers as callers write them (SPEC section 10), normalised to E.164. Pure. Masking for display
// lives in masking.ts, which needs no metadata, so only the functions that validate input bundle this one.
//
// libphonenumber-js with the "max" metadata: "min" validates by length only and cannot tell a mainland
// mobile from a landline (getType() is undefined for +86), yet a landline cannot receive our texts. The
// "mobile" metadata would reject every foreign landline, which the API accepts as valid E.164. "max" costs
// about 70 kB more in the bundle than "min"; a wrong number costs a customer every text.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * E.164 for a mainland mobile number in any common written form (13812345678, 138 1234 5678,
 * +86 138-1234-5678, 008613812345678, full-width digits) or any other valid international number
 * (+ or 00 prefix). undefined for landlines in mainland China, invalid numbers, extensions and text around
 * the number.
 */
export function normalizePhone(raw: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), { defaultCountry: 'CN', extract: false });
  if (!parsed || !parsed.isValid() || parsed.ext) return undefined;
  if (parsed.country === 'CN' && parsed.getType() !== 'MOBILE') return undefined;
  return parsed.number;
}

// Transitional: presenters.ts still imports the masks from here until it imports masking.ts.
export { maskName, maskPhone } from './masking.ts';
