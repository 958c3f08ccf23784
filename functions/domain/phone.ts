// Phone numbers and names as personal information (SPEC sections 9-10): normalise what callers write to
// E.164, mask for display. Pure.
//
// libphonenumber-js with the "max" metadata: "min" validates by length only and cannot tell a mainland
// mobile from a landline (getType() is undefined for +86), yet a landline cannot receive our texts. The
// "mobile" metadata would reject every foreign landline, which the API accepts as valid E.164. "max" costs
// about 70 kB more in the bundle than "min"; a wrong number costs a customer every text.
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

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

/** Fewer digits than this and even the last four would say too much: everything is masked. */
const MIN_DIGITS_TO_SHOW_TAIL = 8;

/**
 * "138****5678" for a mainland mobile (national form, digits 4-7 masked); "+44 ******3456" for others
 * (country code and the last four digits). Anything unreadable keeps at most its last four digits.
 */
export function maskPhone(e164: string): string {
  const parsed = readable(e164);
  if (parsed && isMainlandMobile(parsed)) {
    const national = parsed.nationalNumber;
    return `${national.slice(0, 3)}****${national.slice(7)}`;
  }
  if (parsed) return `+${parsed.countryCallingCode} ${maskAllButTail(parsed.nationalNumber)}`;
  return maskAllButTail(e164.replace(/\D/g, ''));
}

/** A number of a plausible length for its country; national forms are read as mainland numbers. */
function readable(phone: string): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(phone, { defaultCountry: 'CN', extract: false });
  return parsed?.isPossible() ? parsed : undefined;
}

function isMainlandMobile(phone: PhoneNumber): boolean {
  return phone.country === 'CN' && phone.nationalNumber.length === 11 && phone.getType() === 'MOBILE';
}

function maskAllButTail(digits: string): string {
  if (digits.length < MIN_DIGITS_TO_SHOW_TAIL) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;

/**
 * "张*", "王**", "欧***" for Chinese names (the first character, usually the surname, stays; separators
 * such as "·" stay); "J*** S****" for Latin-script names (each word's first letter stays).
 */
export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  if (characters.some((character) => HAN.test(character))) {
    return characters
      .map((character, index) => (index === 0 || !LETTER.test(character) ? character : '*'))
      .join('');
  }
  let startOfWord = true;
  return characters
    .map((character) => {
      const isLetter = LETTER.test(character);
      const shown = !isLetter || startOfWord;
      startOfWord = !isLetter && !/['’]/u.test(character);
      return shown ? character : '*';
    })
    .join('');
}
