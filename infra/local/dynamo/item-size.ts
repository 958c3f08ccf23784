// Item sizes as DynamoDB counts them, for the local DynamoDB. dynalite 4 measures strings in UTF-16 code
// units (`string.length`), DynamoDB in UTF-8 bytes, so an item of Chinese text is three times larger on
// AWS than dynalite thinks and the 400 KB item limit is never met locally. Patching dynalite's size check
// makes local writes fail exactly where DynamoDB's would, with DynamoDB's own ValidationException.
import { createRequire } from 'node:module';

/** A DynamoDB attribute value on the wire (what dynalite validates). */
export type WireValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: WireValue[] }
  | { M: Record<string, WireValue> };

/** DynamoDB's item size limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The size of an item the way DynamoDB documents it: every attribute name's UTF-8 bytes plus its value's
 * size. Strings and binaries: their bytes; numbers: one byte per two significant digits plus one (plus one
 * if negative); booleans and null: 1; lists and maps: 3 bytes plus 1 per element plus the elements (a
 * map's keys counted like attribute names); sets: the sum of their elements.
 */
export function dynamoItemSize(item: Record<string, WireValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

function valueSize(value: WireValue): number {
  if ('S' in value) return utf8(value.S);
  if ('N' in value) return numberSize(value.N);
  if ('B' in value) return Buffer.from(value.B, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if ('NS' in value) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if ('BS' in value) return value.BS.reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
  if ('L' in value) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  return 3 + dynamoItemSize(value.M) + Object.keys(value.M).length;
}

function numberSize(number: string): number {
  const [mantissa = ''] = number.trim().toLowerCase().split('e');
  const digits = mantissa
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  if (digits === '') return 1;
  return 1 + Math.ceil(digits.length / 2) + (mantissa.trim().startsWith('-') ? 1 : 0);
}

type ItemSize = (item: Record<string, WireValue>, ...rest: unknown[]) => number;

/**
 * Makes dynalite's item size checks (PutItem, UpdateItem, BatchWriteItem) measure like DynamoDB. Its
 * capacity estimates keep their own arithmetic: only the size limit check is changed. Idempotent.
 */
export function measureItemSizesLikeDynamoDb(): void {
  const db = createRequire(import.meta.url)('dynalite/db') as { itemSize: ItemSize & { utf8?: true } };
  if (db.itemSize.utf8) return;
  const original = db.itemSize;
  // dynalite calls it with extra arguments only for its own query-size accounting: leave that alone.
  const measured: ItemSize & { utf8?: true } = (item, ...rest) =>
    rest.length > 0 && rest.some((arg) => arg !== undefined) ? original(item, ...rest) : dynamoItemSize(item);
  measured.utf8 = true;
  db.itemSize = measured;
}
