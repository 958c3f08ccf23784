// Masking personal data for display (SPEC sections 9-10): the customer's phone and name, and mobile numbers
// typed into free text. Pure and free of phone metadata on purpose: every read path masks, and
// libphonenumber's metadata (120-190 KB) belongs only in the bundles that validate input (phone.ts).

/** A mainland mobile in E.164 (or its 11-digit national form): 1, a network digit 3-9, nine more digits. */
const MAINLAND_MOBILE = /^(?:\+86)?(1[3-9]\d{9})$/;

/** An E.164 number: a plus, then 7 to 15 digits not starting with 0. */
const E164 = /^\+([1-9]\d{6,14})$/;

/**
 * The two-digit country calling codes (ITU-T E.164). The codes form a prefix-free set whose length is set
 * by the leading digits: 1 (NANP) and 7 are one digit, these are two, every other code is three.
 * tests/domain/masking.test.ts checks this rule against every code in libphonenumber's metadata.
 */
const TWO_DIGIT_CALLING_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48',
  '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81',
  '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
]); // prettier-ignore

/** Fewer digits than this and even the last four would say too much: everything is masked. */
const MIN_DIGITS_TO_SHOW_TAIL = 8;

/** The country calling code that starts the digits of an E.164 number (without its plus). */
export function callingCodeOf(digits: string): string {
  if (digits.startsWith('1') || digits.startsWith('7')) return digits.slice(0, 1);
  return digits.slice(0, TWO_DIGIT_CALLING_CODES.has(digits.slice(0, 2)) ? 2 : 3);
}

/**
 * "138****5678" for a mainland mobile (national form, digits 4-7 masked); "+44 ******3456" for other
 * E.164 numbers (country code and the last four digits). Anything else keeps at most its last four digits.
 */
export function maskPhone(phone: string): string {
  const mobile = MAINLAND_MOBILE.exec(phone)?.[1];
  if (mobile !== undefined) return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
  const digits = E164.exec(phone)?.[1];
  if (digits !== undefined) {
    const callingCode = callingCodeOf(digits);
    return `+${callingCode} ${maskAllButTail(digits.slice(callingCode.length))}`;
  }
  return maskAllButTail(phone.replace(/\D/g, ''));
}

function maskAllButTail(digits: string): string {
  if (digits.length < MIN_DIGITS_TO_SHOW_TAIL) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** An 11-digit mainland mobile number, optionally with +86 / 0086 / 86 and spaces or dashes, not inside a longer number. */
const MOBILE_IN_TEXT = /(?<!\d)(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g;

/** Masks every mainland mobile number written into free text ("call me on 13812345678" -> "138****5678"). */
export function maskPhonesIn(text: string): string {
  // The pattern ends in the 11 national digits, so they are the last 11 of what it found.
  return text.replace(MOBILE_IN_TEXT, (found) => maskPhone(found.replace(/\D/g, '').slice(-11)));
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
