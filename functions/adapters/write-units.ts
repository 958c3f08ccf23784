// What a write costs on DynamoDB on demand, from item images: 1 write unit per started KB of the item in the
// table, and per started KB of each index entry the write adds, changes or removes. Pure: used to measure
// a run's writes (tests/e2e/write-units.test.ts) under the current and the former index design.
//
// DynamoDB's sizing rules (developer guide, "Item sizes and formats"; "Provisioned throughput
// considerations for global secondary indexes"):
// - an item is the sum of its attribute names (UTF-8 bytes) and values; a string is its UTF-8 bytes, a
//   number about one byte per two significant digits plus one, a boolean or null one byte, a list or map
//   3 bytes plus one byte per element plus the elements (map keys counted as names);
// - a PutItem or UpdateItem costs the larger of the item before and after, a DeleteItem the item before;
// - an index entry is the projected attributes plus the index and table keys plus 100 bytes;
// - an index is written only when the entry appears (one put), disappears (one delete), changes its key
//   (a delete and a put) or changes a projected attribute (one put); otherwise not at all.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type ItemImage = Record<string, AttributeValue>;

export interface IndexCostDesign {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes?: readonly string[];
}

export interface TableCostDesign {
  keyAttributes: readonly string[];
  indexes: readonly IndexCostDesign[];
}

const KB = 1024;
const INDEX_ENTRY_OVERHEAD = 100;

export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + numberSize(s), 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + valueSize(v), 0);
  if (value.M !== undefined) {
    return (
      3 +
      Object.entries(value.M).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k, 'utf8') + valueSize(v), 0)
    );
  }
  return 0;
}

function numberSize(text: string): number {
  const digits = text
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.min(21, Math.ceil(Math.max(digits.length, 1) / 2) + 1);
}

export function itemSize(item: ItemImage): number {
  return Object.entries(item).reduce(
    (n, [name, value]) => n + Buffer.byteLength(name, 'utf8') + valueSize(value),
    0,
  );
}

const units = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));

/** The index entry an item has (undefined when it lacks the index's keys: sparse). */
export function indexEntry(
  item: ItemImage | undefined,
  table: TableCostDesign,
  index: IndexCostDesign,
): ItemImage | undefined {
  if (item === undefined || item[index.partitionKey] === undefined || item[index.sortKey] === undefined)
    return undefined;
  if (index.projection === 'ALL') return item;
  const kept = new Set([
    ...table.keyAttributes,
    index.partitionKey,
    index.sortKey,
    ...(index.nonKeyAttributes ?? []),
  ]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

const same = (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

export interface WriteCost {
  table: number;
  indexes: Record<string, number>;
  total: number;
}

/** The write units one successful write costs: `before` absent for a new item, `after` absent for a delete. */
export function writeCost(
  before: ItemImage | undefined,
  after: ItemImage | undefined,
  table: TableCostDesign,
): WriteCost {
  const sizes = [before, after].flatMap((item) => (item === undefined ? [] : [itemSize(item)]));
  const tableUnits = after === undefined ? units(itemSize(before ?? {})) : units(Math.max(...sizes));
  const indexes: Record<string, number> = {};
  for (const index of table.indexes) {
    const old = indexEntry(before, table, index);
    const next = indexEntry(after, table, index);
    const size = (entry: ItemImage): number => units(itemSize(entry) + INDEX_ENTRY_OVERHEAD);
    let cost = 0;
    if (old === undefined && next !== undefined) cost = size(next);
    else if (old !== undefined && next === undefined) cost = size(old);
    else if (old !== undefined && next !== undefined) {
      const keyChanged =
        !same(old[index.partitionKey], next[index.partitionKey]) ||
        !same(old[index.sortKey], next[index.sortKey]);
      const names = new Set([...Object.keys(old), ...Object.keys(next)]);
      const projectedChanged = [...names].some((name) => !same(old[name], next[name]));
      if (keyChanged) cost = size(old) + size(next);
      else if (projectedChanged) cost = size(next);
    }
    if (cost > 0) indexes[index.indexName] = cost;
  }
  return {
    table: tableUnits,
    indexes,
    total: tableUnits + Object.values(indexes).reduce((n, c) => n + c, 0),
  };
}
