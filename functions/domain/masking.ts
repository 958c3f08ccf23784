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

function maskAllButTail(digits: string, minDigits = MIN_DIGITS_TO_SHOW_TAIL): string {
  if (digits.length < minDigits) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/**
 * Text as masking reads it, with a map back to the original: every character NFKC-normalised on its own
 * (full-width digits, plus signs and brackets become ASCII) and format characters (zero-width spaces and
 * joiners, bidi marks, BOM) dropped, so "１３８\u200b1234 5678" is read as the number it shows. The
 * text itself is only changed where a number is masked.
 */
interface ReadableText {
  text: string;
  /** For each UTF-16 unit of `text`, where its character starts in the original. */
  origin: number[];
}

const FORMAT_CHARACTER = /^\p{Cf}$/u;

function readable(original: string): ReadableText {
  let text = '';
  const origin: number[] = [];
  let at = 0;
  for (const character of original) {
    if (!FORMAT_CHARACTER.test(character)) {
      const normalised = character.normalize('NFKC');
      text += normalised;
      for (let i = 0; i < normalised.length; i++) origin.push(at);
    }
    at += character.length;
  }
  return { text, origin };
}

/** Between two digits of a written number: up to three spaces, dots, dashes or brackets. */
const GAP = String.raw`[\s.\p{Pd}()]{0,3}`;
const digitsWithGaps = (count: number) => String.raw`\d(?:${GAP}\d){${count - 1}}`;

/**
 * Phone numbers as people write them, each alternative not inside a longer number or a code of letters and
 * digits (waybill numbers): a mainland mobile (optional +86 / 0086 / 86), a number in international form
 * (+ or 00 and a country code), a mainland landline with its area code (010-12345678, (0755) 1234 567).
 */
const PHONE_IN_TEXT = new RegExp(
  [
    String.raw`(?<mobile>\(?(?:(?:\+|00)?86${GAP})?\(?1${GAP}[3-9]${GAP}${digitsWithGaps(9)})`,
    String.raw`(?<international>\(?(?:\+|00)\(?[1-9]${GAP}(?:\d${GAP}){5,13}\d)`,
    String.raw`(?<landline>\(?0[1-9]\d{1,2}\)?${GAP}[1-9]${GAP}${digitsWithGaps(6)}(?:${GAP}\d)?)`,
  ]
    .map((alternative) => String.raw`(?<![A-Za-z0-9+])${alternative}(?![A-Za-z0-9])`)
    .join('|'),
  'gu',
);

/**
 * Masks every phone number written into free text: mainland mobiles as "138****5678", international numbers
 * as "+44 ******3456", landlines as "010-****5678". Reads through full-width digits, separators and
 * invisible characters (see readable); everything but the numbers is left exactly as written.
 */
export function maskPhonesIn(text: string): string {
  const { text: read, origin } = readable(text);
  let masked = '';
  let copied = 0;
  for (const found of read.matchAll(PHONE_IN_TEXT)) {
    const start = origin[found.index] ?? text.length;
    const lastUnit = found.index + found[0].length - 1;
    const end = (origin[lastUnit] ?? text.length - 1) + characterLength(text, origin[lastUnit] ?? 0);
    masked += text.slice(copied, start) + maskedNumber(found);
    copied = end;
  }
  return masked + text.slice(copied);
}

function characterLength(text: string, at: number): number {
  return (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
}

function maskedNumber(found: RegExpMatchArray): string {
  const digits = found[0].replace(/\D/g, '');
  if (found.groups?.mobile !== undefined) return maskPhone(digits.slice(-11));
  if (found.groups?.international !== undefined) {
    return maskPhone(`+${found[0].trimStart().startsWith('+') ? digits : digits.slice(2)}`);
  }
  const areaCode = digits.slice(0, /^0(?:10|2\d)/.test(digits) ? 3 : 4);
  return `${areaCode}-${maskAllButTail(digits.slice(areaCode.length), 7)}`;
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
