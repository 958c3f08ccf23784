// How many SMS segments a text takes (3GPP TS 23.038 / GSM 03.38). A text whose every character is in
// the GSM 7-bit default alphabet travels as GSM-7 (160 septets in one segment, 153 per part when
// concatenated; extension-table characters take two septets, ESC + char). Anything else forces UCS-2
// (70 UTF-16 code units in one segment, 67 per part). Parts never split an escape pair or a surrogate pair.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSize {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/** GSM 03.38 default alphabet, in code order, without ESC (0x1B), which is not a character. */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** GSM 03.38 extension table: each costs two septets. */
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export const GSM7_SINGLE_SEGMENT = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE_SEGMENT = 70;
export const UCS2_PART = 67;

/** Cost of each character in the encoding the whole text will use. */
function characterCosts(text: string): { encoding: SmsEncoding; costs: number[] } {
  const characters = [...text];
  const gsm = characters.every((c) => BASIC.has(c) || EXTENSION.has(c));
  if (gsm) return { encoding: 'GSM-7', costs: characters.map((c) => (EXTENSION.has(c) ? 2 : 1)) };
  return { encoding: 'UCS-2', costs: characters.map((c) => c.length) };
}

/** Greedy packing into parts of `partSize` units, keeping each character whole. */
function countParts(costs: readonly number[], partSize: number): number {
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > partSize) {
      parts += 1;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

export function smsSegments(text: string): SmsSize {
  const { encoding, costs } = characterCosts(text);
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const single = encoding === 'GSM-7' ? GSM7_SINGLE_SEGMENT : UCS2_SINGLE_SEGMENT;
  const part = encoding === 'GSM-7' ? GSM7_PART : UCS2_PART;
  const segments = units <= single ? 1 : countParts(costs, part);
  return { encoding, units, segments };
}

export function fitsOneSegment(text: string): boolean {
  return smsSegments(text).segments === 1;
}

/** True when the text travels as GSM-7 (every character in the default alphabet or its extension). */
export function isGsm7(text: string): boolean {
  return smsSegments(text).encoding === 'GSM-7';
}
