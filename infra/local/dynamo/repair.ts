// Index repair for the local DynamoDB after an unclean stop. dynalite applies one write as separate LevelDB
// writes (the old item's index entries deleted, the new ones put, then the item), so a kill -9 mid-write can
// leave an index entry whose item was never written (a ghost), an entry of a write that never landed (stale),
// or a stored item missing from an index. The repair uses the DynamoDB API only, since dynalite keeps each
// completed request consistent, and the index entries as they are stored are only reachable through it.
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import {
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type GlobalSecondaryIndexDescription,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

export interface IndexRepairReport {
  tables: number;
  /** Items in the tables, each compared with the entries its indexes should hold. */
  itemsChecked: number;
  /** Index entries read and compared with their items. */
  entriesChecked: number;
  /** Entries whose item does not exist (an interrupted create), removed. */
  ghostEntriesRemoved: number;
  /** Entries under index keys their item does not have (an interrupted change of those keys), removed. */
  staleEntriesRemoved: number;
  /** Items written again because an index lacked them, held another version of them or a stale entry. */
  itemsReindexed: number;
  /** Writes of a repair that was itself interrupted, applied again first. */
  journalWritesReplayed: number;
  durationMs: number;
}

/**
 * What the repair must leave behind for each item it temporarily replaces: the committed item, or null when
 * no item exists there. Removing an entry dynalite does not derive from the stored item means putting the
 * entry's copy as the item for a moment; a kill in that moment must not promote the copy to committed data.
 */
export interface JournalEntry {
  table: string;
  key: Item;
  committed: Item | null;
}

export const REPAIR_JOURNAL_FILE = '.index-repair-journal.json';

export async function repairIndexes(client: DynamoDBClient, journalPath: string): Promise<IndexRepairReport> {
  const startedAt = performance.now();
  const report: IndexRepairReport = {
    tables: 0,
    itemsChecked: 0,
    entriesChecked: 0,
    ghostEntriesRemoved: 0,
    staleEntriesRemoved: 0,
    itemsReindexed: 0,
    journalWritesReplayed: await replayRepairJournal(client, journalPath),
    durationMs: 0,
  };
  for (const table of await describeTables(client)) {
    report.tables++;
    const findings = await inspectTable(client, table);
    report.itemsChecked += findings.itemsChecked;
    report.entriesChecked += findings.entriesChecked;
    await fixTable(client, table, findings, journalPath, report);
  }
  report.durationMs = Math.round(performance.now() - startedAt);
  return report;
}

export function describeRepair(report: IndexRepairReport): string {
  const replayed = report.journalWritesReplayed
    ? `, ${report.journalWritesReplayed} write(s) of an interrupted repair replayed`
    : '';
  return (
    `dynamo: unclean stop, index repair checked ${report.entriesChecked} entries of ${report.itemsChecked} ` +
    `items in ${report.tables} table(s): ${report.ghostEntriesRemoved} ghost entr(ies) removed, ` +
    `${report.staleEntriesRemoved} stale entr(ies) removed, ${report.itemsReindexed} item(s) re-indexed` +
    `${replayed} (${report.durationMs} ms)`
  );
}

// ---- Journal ------------------------------------------------------------------------------------------------

/** Writes the journal whole or not at all (temporary file, fsync, rename), so a replay never reads half. */
export function writeRepairJournal(journalPath: string, entries: readonly JournalEntry[]): void {
  const temporary = `${journalPath}.${randomUUID()}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(entries, binaryAsBase64));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, journalPath);
}

/**
 * Binary attributes (`B`, `BS`: a complaint's packed fields) are bytes; plain JSON would write a
 * Uint8Array as an object of numbered keys and read it back as an empty binary. The journal writes them as
 * `{"$base64": "..."}` and reads them back as bytes.
 */
function binaryAsBase64(this: unknown, _key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value;
}

function binaryFromBase64(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const encoded = (value as { $base64?: unknown }).$base64;
    if (typeof encoded === 'string' && Object.keys(value).length === 1) {
      return new Uint8Array(Buffer.from(encoded, 'base64'));
    }
  }
  return value;
}

/** Restores every committed item a killed repair may have left replaced by an entry's copy. */
async function replayRepairJournal(client: DynamoDBClient, journalPath: string): Promise<number> {
  if (!existsSync(journalPath)) return 0;
  const entries = JSON.parse(readFileSync(journalPath, 'utf8'), binaryFromBase64) as JournalEntry[];
  for (const entry of entries) await restore(client, entry);
  rmSync(journalPath);
  return entries.length;
}

async function restore(client: DynamoDBClient, entry: JournalEntry): Promise<void> {
  if (entry.committed) await put(client, entry.table, entry.committed);
  else await client.send(new DeleteItemCommand({ TableName: entry.table, Key: entry.key }));
}

// ---- Inspection ---------------------------------------------------------------------------------------------

interface IndexShape {
  name: string;
  keyAttributes: string[];
  /** The attributes an entry of this index holds for an item; undefined: all of them. */
  project: ((item: Item) => Item) | undefined;
}

interface TableShape {
  name: string;
  keyAttributes: string[];
  indexes: IndexShape[];
}

/** What one index should hold for one item. */
interface ExpectedEntry {
  indexKey: string;
  fingerprint: string;
}

interface TableFindings {
  itemsChecked: number;
  entriesChecked: number;
  ghostEntries: number;
  staleEntries: number;
  /** Entries without an item, one per distinct content (a copy removes every entry equal to it). */
  ghosts: Map<string, { key: Item; entry: Item }>;
  /** Entries under index keys their item does not have. */
  staleContents: Map<string, { key: Item; entry: Item }>;
  /** Items an index lacks or holds another version of, by table key. */
  toReindex: Map<string, Item>;
}

async function describeTables(client: DynamoDBClient): Promise<TableShape[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  const shapes: TableShape[] = [];
  for (const name of names) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table) shapes.push(tableShape(Table));
  }
  return shapes;
}

function tableShape(table: TableDescription): TableShape {
  const keyAttributes = (table.KeySchema ?? []).map((key) => key.AttributeName!);
  return {
    name: table.TableName!,
    keyAttributes,
    indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => indexShape(index, keyAttributes)),
  };
}

function indexShape(index: GlobalSecondaryIndexDescription, tableKey: string[]): IndexShape {
  const keyAttributes = (index.KeySchema ?? []).map((key) => key.AttributeName!);
  const projection = index.Projection ?? {};
  if (projection.ProjectionType === 'ALL')
    return { name: index.IndexName!, keyAttributes, project: undefined };
  const kept = new Set([...keyAttributes, ...tableKey, ...(projection.NonKeyAttributes ?? [])]);
  return {
    name: index.IndexName!,
    keyAttributes,
    project: (item) => Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name))),
  };
}

async function inspectTable(client: DynamoDBClient, table: TableShape): Promise<TableFindings> {
  const expected = new Map<string, Map<string, ExpectedEntry>>();
  const findings: TableFindings = {
    itemsChecked: 0,
    entriesChecked: 0,
    ghostEntries: 0,
    staleEntries: 0,
    ghosts: new Map(),
    staleContents: new Map(),
    toReindex: new Map(),
  };
  for await (const item of scan(client, table.name)) {
    findings.itemsChecked++;
    expected.set(valuesKey(item, table.keyAttributes), expectedEntries(item, table.indexes));
  }
  for (const index of table.indexes) {
    const found = new Set<string>();
    for await (const entry of scan(client, table.name, index.name)) {
      findings.entriesChecked++;
      const itemKey = valuesKey(entry, table.keyAttributes);
      const verdict = judgeEntry(entry, index, expected.get(itemKey));
      if (verdict === 'matches') found.add(itemKey);
      else recordMismatch(findings, verdict, itemKey, pick(entry, table.keyAttributes), entry);
    }
    // An item this index should hold but does not: dynalite deleted its entry and died before the new one.
    for (const [itemKey, entries] of expected)
      if (entries.has(index.name) && !found.has(itemKey))
        findings.toReindex.set(itemKey, keyOf(itemKey, table));
  }
  return findings;
}

type Verdict = 'matches' | 'ghost' | 'stale' | 'outdated';

/** ghost: no item; stale: the item has other (or no) keys in this index; outdated: same keys, other content. */
function judgeEntry(
  entry: Item,
  index: IndexShape,
  itemEntries: Map<string, ExpectedEntry> | undefined,
): Verdict {
  if (!itemEntries) return 'ghost';
  const wanted = itemEntries.get(index.name);
  if (!wanted || wanted.indexKey !== valuesKey(entry, index.keyAttributes)) return 'stale';
  return wanted.fingerprint === fingerprint(entry, index.project !== undefined) ? 'matches' : 'outdated';
}

function recordMismatch(
  findings: TableFindings,
  verdict: Exclude<Verdict, 'matches'>,
  itemKey: string,
  key: Item,
  entry: Item,
): void {
  const byContent = `${itemKey} ${fingerprint(entry, true)}`;
  if (verdict === 'ghost') {
    findings.ghostEntries++;
    findings.ghosts.set(byContent, { key, entry });
  } else if (verdict === 'stale') {
    findings.staleEntries++;
    findings.staleContents.set(byContent, { key, entry });
  }
  // Putting the item again overwrites an entry under the same index key.
  else findings.toReindex.set(itemKey, key);
}

function expectedEntries(item: Item, indexes: readonly IndexShape[]): Map<string, ExpectedEntry> {
  const entries = new Map<string, ExpectedEntry>();
  let whole: string | undefined;
  for (const index of indexes) {
    // An item without every key attribute of a (sparse) index is not in it.
    if (!index.keyAttributes.every((name) => item[name] !== undefined)) continue;
    entries.set(index.name, {
      indexKey: valuesKey(item, index.keyAttributes),
      fingerprint: index.project
        ? fingerprint(index.project(item), true)
        : (whole ??= fingerprint(item, false)),
    });
  }
  return entries;
}

async function* scan(client: DynamoDBClient, tableName: string, indexName?: string): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, IndexName: indexName, ExclusiveStartKey: start }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

// ---- Fixing -------------------------------------------------------------------------------------------------

async function fixTable(
  client: DynamoDBClient,
  table: TableShape,
  findings: TableFindings,
  journalPath: string,
  report: IndexRepairReport,
): Promise<void> {
  const ghosts = [...findings.ghosts.values()];
  const stale = [...findings.staleContents.values()];
  const committed = new Map<string, Item | null>();
  for (const { key } of [...ghosts, ...stale]) {
    const itemKey = valuesKey(key, table.keyAttributes);
    if (!committed.has(itemKey)) committed.set(itemKey, await getItem(client, table.name, key));
  }
  if (committed.size > 0) {
    writeRepairJournal(
      journalPath,
      [...committed].map(([itemKey, item]) => ({
        table: table.name,
        key: keyOf(itemKey, table),
        committed: item,
      })),
    );
  }
  // dynalite removes only the entries it derives from the stored item, so each foreign entry is removed by
  // storing its copy as the item (its entries replace the foreign ones) and then restoring what was committed.
  const reindexed = new Set<string>();
  for (const { key, entry } of [...ghosts, ...stale]) {
    const itemKey = valuesKey(key, table.keyAttributes);
    const item = committed.get(itemKey) ?? null;
    await put(client, table.name, entry);
    await restore(client, { table: table.name, key, committed: item });
    if (item) reindexed.add(itemKey);
  }
  for (const [itemKey, key] of findings.toReindex) {
    if (reindexed.has(itemKey)) continue;
    // A put of the item as it is (re)writes every index entry dynalite derives from it.
    const item = await getItem(client, table.name, key);
    if (item) await put(client, table.name, item);
    reindexed.add(itemKey);
  }
  if (committed.size > 0) rmSync(journalPath);
  report.ghostEntriesRemoved += findings.ghostEntries;
  report.staleEntriesRemoved += findings.staleEntries;
  report.itemsReindexed += reindexed.size;
}

async function getItem(client: DynamoDBClient, tableName: string, key: Item): Promise<Item | null> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  return Item ?? null;
}

async function put(client: DynamoDBClient, tableName: string, item: Item): Promise<void> {
  await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
}

// ---- Values -------------------------------------------------------------------------------------------------

function pick(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(names.map((name) => [name, item[name]!]));
}

/** A map key for the values of some attributes (a table key or an index key). */
function valuesKey(item: Item, names: readonly string[]): string {
  return canonicalJson(names.map((name) => item[name] ?? null));
}

function keyOf(itemKey: string, table: TableShape): Item {
  const values = JSON.parse(itemKey) as AttributeValue[];
  return Object.fromEntries(table.keyAttributes.map((name, i) => [name, values[i]!]));
}

/**
 * Equal for equal attributes and values, hashed so 10,000s fit in memory. dynalite stores an ALL entry from
 * the very object it stores as the item, so their attribute order matches and plain JSON suffices (another
 * order would only cost a needless re-put); a projected entry lists its attributes in another order.
 */
function fingerprint(item: Item, sortAttributes: boolean): string {
  const attributes = sortAttributes ? Object.fromEntries(Object.entries(item).sort(byName)) : item;
  return createHash('sha256').update(JSON.stringify(attributes)).digest('base64');
}

function byName([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(byName))
      : nested,
  );
}
