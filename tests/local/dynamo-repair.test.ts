// Index repair of the local DynamoDB after an unclean stop. A kill -9 inside dynalite's PutItem is reproduced
// without killing anything: dynalite's own code computes the index writes of a put (getIndexActions, what
// its PutItem runs before it stores the item) and a prefix of them is applied to the stopped LevelDB
// directory, the item write left out, exactly as a process killed at that point would leave the data.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCipher } from '../support/personal-data.ts';
import fc from 'fast-check';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { INDEXES, complaintKey, complaintTableDefinition } from '#adapters/table-design';
import { STATUSES, type Complaint, type Status } from '#domain/complaint';
import { REPAIR_JOURNAL_FILE, writeRepairJournal } from '../../infra/local/dynamo/repair.ts';
import { forgetCleanStop } from '../../infra/local/dynamo/level-store-check.ts';
import { RUNNING_MARKER_FILE, startLocalDynamo, type LocalDynamo } from '../../infra/local/dynamo/server.ts';
import { complaintFixture as fixtureWithHistory } from '../support/complaint-fixture.ts';

/**
 * The repair is about complaint items and their index entries; without timeline events to store (they
 * become items of their own, tests/store/audit-trail.test.ts), each complaint is one item.
 */
const complaintFixture = (overrides: Partial<Complaint> = {}): Complaint =>
  fixtureWithHistory({ timeline: [], ...overrides });
import { credentials, region } from './support.ts';

type Item = Record<string, AttributeValue>;

const TABLE = 'complaints';

// ---- dynalite's storage, opened directly while no server runs on the directory ----------------------------

interface IndexAction {
  index: string;
  key: string;
  item?: Item;
}
interface DynaliteTable {
  GlobalSecondaryIndexes: unknown[];
}
type Callback<T = void> = (error: Error | null | undefined, value: T) => void;
interface DynaliteStore {
  getTable(name: string, callback: Callback<DynaliteTable>): void;
  getIndexDb(
    type: 'global',
    table: string,
    index: string,
  ): {
    put(key: string, value: Item, callback: Callback): void;
    del(key: string, callback: Callback): void;
  };
  lifecycleManager: { gracefulClose(callback: Callback): void };
}
interface DynaliteDb {
  create(options: { path: string }): DynaliteStore;
  getIndexActions(
    indexes: unknown[],
    existing: Item | null,
    item: Item,
    table: DynaliteTable,
  ): { puts: IndexAction[]; deletes: IndexAction[] };
}
// dynalite's storage layer (CommonJS, untyped): the code its PutItem runs, used here to write what it writes.
const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as DynaliteDb;

/** A PutItem of `next` over `existing` killed after its first `deletes` index deletes and `puts` index puts. */
interface InterruptedPut {
  existing: Item | null;
  next: Item;
  /** How many index deletes ran; all of them before any put (dynalite runs the deletes first). */
  deletes: number;
  puts: number;
}

function callback<T>(resolve: (value: T) => void, reject: (error: Error) => void): Callback<T> {
  return (error, value) => (error ? reject(error) : resolve(value));
}

async function applyInterruptedPuts(
  path: string,
  writes: readonly InterruptedPut[],
  tableName = TABLE,
): Promise<void> {
  // This stands in for a running server: like a real start, it takes the clean-stop record away.
  forgetCleanStop(path);
  const store = dynaliteDb.create({ path });
  try {
    const table = await new Promise<DynaliteTable>((resolve, reject) =>
      store.getTable(tableName, callback(resolve, reject)),
    );
    for (const write of writes) {
      const actions = dynaliteDb.getIndexActions(
        table.GlobalSecondaryIndexes,
        write.existing,
        write.next,
        table,
      );
      for (const { index, key } of actions.deletes.slice(0, write.deletes))
        await new Promise<void>((resolve, reject) =>
          store.getIndexDb('global', tableName, index).del(key, callback(resolve, reject)),
        );
      for (const { index, key, item } of actions.puts.slice(0, write.puts))
        await new Promise<void>((resolve, reject) =>
          store.getIndexDb('global', tableName, index).put(key, item!, callback(resolve, reject)),
        );
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      store.lifecycleManager.gracefulClose(callback(resolve, reject)),
    );
  }
}

/** What a process killed while running leaves in its data directory. */
function leaveRunningMarker(path: string): void {
  writeFileSync(join(path, RUNNING_MARKER_FILE), 'killed\n');
}

// ---- Servers and clients ----------------------------------------------------------------------------------

interface Running {
  dynamo: LocalDynamo;
  client: DynamoDBClient;
  store: DynamoComplaintStore;
  log: string[];
  close(): Promise<void>;
}

// One wrapping key for the whole file: a restarted server must read what the previous one wrote.
const WRAPPING_KEY = randomBytes(32);
const running = new Set<Running>();
const directories: string[] = [];
afterEach(async () => {
  await Promise.all([...running].map((server) => server.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function dataDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'dynamo-repair-'));
  directories.push(directory);
  return join(directory, 'dynamo');
}

async function start(path: string, tables = [complaintTableDefinition(TABLE)]): Promise<Running> {
  const log: string[] = [];
  const dynamo = await startLocalDynamo({
    path,
    tables,
    log: (line) => log.push(line),
  });
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const server: Running = {
    dynamo,
    client,
    store: new DynamoComplaintStore(doc, TABLE, testCipher(WRAPPING_KEY)),
    log,
    close: async () => {
      running.delete(server);
      client.destroy();
      await dynamo.close();
    },
  };
  running.add(server);
  return server;
}

async function rawItem(client: DynamoDBClient, id: string): Promise<Item | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: TABLE, Key: rawKey(id), ConsistentRead: true }),
  );
  return Item;
}

function rawKey(id: string): Item {
  const { pk, sk } = complaintKey(id);
  return { pk: { S: pk }, sk: { S: sk } };
}

async function scanAll(client: DynamoDBClient, indexName?: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: TABLE, IndexName: indexName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function listedIds(store: DynamoComplaintStore, status?: Status): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 50, ...(status && { status }), ...(cursor && { cursor }) });
    ids.push(...page.items.map((complaint) => complaint.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids.sort();
}

/** The complaint one status change later, as the store would save it. */
function changedStatus(complaint: Complaint, status: Status): Complaint {
  const at = new Date(Date.parse(complaint.updatedAt) + 60_000).toISOString();
  return {
    ...complaint,
    status,
    updatedAt: at,
    ...(status === 'closed' && { closedAt: at, closeReason: 'satisfied' as const }),
    version: complaint.version + 1,
    revision: complaint.revision + 1,
  };
}

/**
 * The stored item of a complaint's next version, without keeping it: saved through the store, read raw,
 * and the previous version put back (a complete put, so dynalite's indexes follow it back).
 */
async function nextVersionItem(server: Running, complaint: Complaint, next: Complaint): Promise<Item> {
  const current = (await rawItem(server.client, complaint.id))!;
  await server.store.save(next, complaint.version);
  const item = (await rawItem(server.client, complaint.id))!;
  await server.client.send(new PutItemCommand({ TableName: TABLE, Item: current }));
  return item;
}

/** The stored item a registration would write, without keeping it. */
async function unwrittenItem(server: Running, complaint: Complaint): Promise<Item> {
  await server.store.create(complaint);
  const item = (await rawItem(server.client, complaint.id))!;
  await server.client.send(new DeleteItemCommand({ TableName: TABLE, Key: rawKey(complaint.id) }));
  return item;
}

type Index = (typeof INDEXES)[keyof typeof INDEXES];

/** Which attributes each index copies, as the table definition declares them (KEYS_ONLY or INCLUDE). */
const PROJECTED = new Map(
  (complaintTableDefinition(TABLE).GlobalSecondaryIndexes ?? []).map((gsi) => [
    gsi.IndexName!,
    gsi.Projection?.ProjectionType === 'ALL'
      ? undefined
      : new Set([
          'pk',
          'sk',
          ...(gsi.KeySchema ?? []).map((key) => key.AttributeName!),
          ...(gsi.Projection?.NonKeyAttributes ?? []),
        ]),
  ]),
);

function inIndex(item: Item, index: Index): boolean {
  return item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined;
}

/** Each index as the design says it should be: the projection of every stored item with both its keys. */
function expectedIndex(items: readonly Item[], index: Index): Item[] {
  const kept = PROJECTED.get(index.indexName);
  return sortByKey(
    items
      .filter((item) => inIndex(item, index))
      .map((item) =>
        kept === undefined
          ? item
          : Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name))),
      ),
  );
}

/** How many index entries a stored item has. */
function entriesOf(item: Item): number {
  return Object.values(INDEXES).filter((index) => inIndex(item, index)).length;
}

/** The complaint id of an index entry. */
const idOf = (entry: Item): string => entry.pk!.S!.slice(complaintKey('').pk.length);

function sortByKey(items: readonly Item[]): Item[] {
  return [...items].sort((a, b) => (a.pk!.S! < b.pk!.S! ? -1 : a.pk!.S! > b.pk!.S! ? 1 : 0));
}

// ---- The scenario of the restart test ---------------------------------------------------------------------

interface Scenario {
  path: string;
  /** Registered and never touched. */
  kept: Complaint;
  /** Its registration was killed after the index writes: only index entries exist. */
  ghost: Complaint;
  /** The client's retry of the ghost's registration (same request, a new id): stored completely. */
  retried: Complaint;
  /** A move to investigating killed after the index writes: item received, byStatus entry investigating. */
  moved: Complaint;
  /** A move to investigating killed after the index deletes: item received, in no status queue. */
  dropped: Complaint;
  /** The committed items, as they were before the kill. */
  committed: Item[];
  /** The index entries the ghost's registration left. */
  ghostEntries: number;
}

async function crashedScenario(): Promise<Scenario> {
  const path = dataDirectory();
  const server = await start(path);
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 8, minute)).toISOString();
  const kept = complaintFixture({ createdAt: at(1) });
  const ghost = complaintFixture({ createdAt: at(2), description: '寄出一周了，物流一直没有更新' });
  const retried = complaintFixture({ createdAt: at(3), description: ghost.description });
  const moved = complaintFixture({ createdAt: at(4) });
  const dropped = complaintFixture({ createdAt: at(5) });
  for (const complaint of [kept, retried, moved, dropped]) await server.store.create(complaint);
  const ghostItem = await unwrittenItem(server, ghost);
  const movedItem = await nextVersionItem(server, moved, changedStatus(moved, 'investigating'));
  const droppedItem = await nextVersionItem(server, dropped, changedStatus(dropped, 'investigating'));
  const committed = await scanAll(server.client);
  const before = (id: string) => committed.find((item) => item.pk!.S === complaintKey(id).pk)!;
  await server.close();
  await applyInterruptedPuts(path, [
    { existing: null, next: ghostItem, deletes: 0, puts: Infinity },
    { existing: before(moved.id), next: movedItem, deletes: Infinity, puts: Infinity },
    { existing: before(dropped.id), next: droppedItem, deletes: Infinity, puts: 0 },
  ]);
  return { path, kept, ghost, retried, moved, dropped, committed, ghostEntries: entriesOf(ghostItem) };
}

describe('index repair after an unclean stop', () => {
  it('reproduces the damage, and a start after a clean stop leaves the data as it is', async () => {
    // Prepare
    const scenario = await crashedScenario();

    // Act
    const server = await start(scenario.path);
    const created = (await scanAll(server.client, INDEXES.byCreated.indexName)).map(idOf);
    const queues = await scanAll(server.client, INDEXES.byStatus.indexName);
    const queue = (status: Status) => queues.filter((entry) => entry.status?.S === status).map(idOf);
    const ghost = await server.store.get(scenario.ghost.id);
    const listed = await listedIds(server.store);
    const investigating = await listedIds(server.store, 'investigating');

    // Assess: the indexes are damaged; listings, which read whole items by key, do not show it.
    expect(server.dynamo.repair).toBeUndefined();
    expect(server.log).toEqual([]);
    expect(ghost).toBeUndefined();
    expect(created).toContain(scenario.ghost.id);
    expect(queue('investigating')).toEqual([scenario.moved.id]);
    expect(queue('received')).not.toContain(scenario.moved.id);
    expect(queue('received')).not.toContain(scenario.dropped.id);
    expect(listed).not.toContain(scenario.ghost.id);
    expect(investigating).toEqual([]);
  });

  it('after an unclean stop removes ghosts and stale entries, re-indexes what is missing, and touches no item', async () => {
    // Prepare
    const scenario = await crashedScenario();
    leaveRunningMarker(scenario.path);
    const stored = [scenario.kept, scenario.retried, scenario.moved, scenario.dropped]
      .map((c) => c.id)
      .sort();

    // Act
    const server = await start(scenario.path);
    const listed = await listedIds(server.store);
    const received = await listedIds(server.store, 'received');
    const investigating = await listedIds(server.store, 'investigating');
    const moved = await server.store.get(scenario.moved.id);
    const items = await scanAll(server.client);
    const indexes = await Promise.all(
      Object.values(INDEXES).map(async (index) => sortByKey(await scanAll(server.client, index.indexName))),
    );

    // Assess
    expect(listed).toEqual(stored);
    expect(received).toEqual(stored);
    expect(investigating).toEqual([]);
    expect(moved).toEqual(scenario.moved);
    expect(sortByKey(items)).toEqual(sortByKey(scenario.committed));
    expect(indexes).toEqual(Object.values(INDEXES).map((index) => expectedIndex(scenario.committed, index)));
    // The ghost had an entry in each index it belongs to; moved's one stale byStatus entry; moved and dropped re-indexed.
    expect(server.dynamo.repair).toMatchObject({
      tables: 1,
      itemsChecked: 4,
      ghostEntriesRemoved: scenario.ghostEntries,
      staleEntriesRemoved: 1,
      itemsReindexed: 2,
      journalWritesReplayed: 0,
    });
    expect(server.log).toHaveLength(1);
    expect(server.log[0]).toMatch(
      new RegExp(
        `unclean stop.* ${scenario.ghostEntries} ghost entr\\(ies\\) removed, 1 stale entr\\(ies\\) removed, 2 item`,
      ),
    );
  });

  it('marks the directory while running and clears the mark on close, so the start after a repair repairs nothing', async () => {
    // Prepare
    const scenario = await crashedScenario();
    leaveRunningMarker(scenario.path);
    const repairing = await start(scenario.path);
    const markedWhileRunning = existsSync(join(scenario.path, RUNNING_MARKER_FILE));
    await repairing.close();
    const markedAfterClose = existsSync(join(scenario.path, RUNNING_MARKER_FILE));

    // Act
    const server = await start(scenario.path);

    // Assess
    expect(markedWhileRunning).toBe(true);
    expect(markedAfterClose).toBe(false);
    expect(repairing.dynamo.repair?.ghostEntriesRemoved).toBe(scenario.ghostEntries);
    expect(server.dynamo.repair).toBeUndefined();
    expect(server.log).toEqual([]);
    expect(await listedIds(server.store)).not.toContain(scenario.ghost.id);
  });

  it('finds nothing to repair after an unclean stop that interrupted no write', async () => {
    // Prepare
    const path = dataDirectory();
    const first = await start(path);
    for (let n = 0; n < 3; n++) await first.store.create(complaintFixture());
    const entries = (await scanAll(first.client)).reduce((sum, item) => sum + entriesOf(item), 0);
    await first.close();
    leaveRunningMarker(path);

    // Act
    const server = await start(path);

    // Assess
    expect(server.dynamo.repair).toMatchObject({
      itemsChecked: 3,
      entriesChecked: entries,
      ghostEntriesRemoved: 0,
      staleEntriesRemoved: 0,
      itemsReindexed: 0,
    });
  });

  it('finishes a repair that was itself killed: the committed item comes back, a ghost copy goes', async () => {
    // Prepare: the repair's first writes are done (each entry's copy stored as the item), its last are not.
    const path = dataDirectory();
    const first = await start(path);
    const moved = complaintFixture();
    const ghost = complaintFixture();
    await first.store.create(moved);
    const committed = (await rawItem(first.client, moved.id))!;
    await first.store.save(changedStatus(moved, 'investigating'), moved.version);
    await first.store.create(ghost);
    writeRepairJournal(join(path, REPAIR_JOURNAL_FILE), [
      { table: TABLE, key: rawKey(moved.id), committed },
      { table: TABLE, key: rawKey(ghost.id), committed: null },
    ]);
    await first.close();
    leaveRunningMarker(path);

    // Act
    const server = await start(path);

    // Assess
    expect(await rawItem(server.client, moved.id)).toEqual(committed);
    expect(await rawItem(server.client, ghost.id)).toBeUndefined();
    expect(await listedIds(server.store)).toEqual([moved.id]);
    expect(await listedIds(server.store, 'investigating')).toEqual([]);
    expect(await listedIds(server.store, 'received')).toEqual([moved.id]);
    expect(server.dynamo.repair?.journalWritesReplayed).toBe(2);
    expect(existsSync(join(path, REPAIR_JOURNAL_FILE))).toBe(false);
  });

  it('compares what a projecting index holds (KEYS_ONLY, INCLUDE), so only the ghost is repaired', async () => {
    // Prepare
    const path = dataDirectory();
    const tasks: CreateTableCommandInput = {
      TableName: 'tasks',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'owner', 'kind'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byOwner',
          KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
        },
        {
          IndexName: 'byKind',
          KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    };
    const task = (n: number): Item => ({
      title: { S: `task ${n}` },
      pk: { S: `TASK#${n}` },
      notes: { L: [{ S: 'a' }, { M: { z: { N: '1' }, a: { BOOL: true } } }] },
      sk: { S: 'TASK' },
      kind: { S: 'chore' },
      owner: { S: `owner-${n % 2}` },
    });
    const first = await start(path, [tasks]);
    for (const n of [1, 2, 3])
      await first.client.send(new PutItemCommand({ TableName: 'tasks', Item: task(n) }));
    await first.close();
    await applyInterruptedPuts(
      path,
      [{ existing: null, next: task(4), deletes: 0, puts: Infinity }],
      'tasks',
    );
    leaveRunningMarker(path);

    // Act
    const server = await start(path, [tasks]);
    const byOwner = await server.client.send(new ScanCommand({ TableName: 'tasks', IndexName: 'byOwner' }));

    // Assess
    expect(server.dynamo.repair).toMatchObject({
      itemsChecked: 3,
      entriesChecked: 8,
      ghostEntriesRemoved: 2,
      staleEntriesRemoved: 0,
      itemsReindexed: 0,
    });
    expect(byOwner.Items?.map((entry) => entry.pk!.S).sort()).toEqual(['TASK#1', 'TASK#2', 'TASK#3']);
  });

  it('leaves every index equal to its items, whatever point each interrupted write was killed at', async () => {
    const OPEN_STATUSES = STATUSES.filter((status) => status !== 'received');
    // Per complaint: registered cleanly or not at all, then maybe one status change, each killed anywhere.
    const complaintPlan = fc.record({
      registration: fc.option(fc.record({ puts: fc.nat(Object.keys(INDEXES).length) }), { nil: undefined }),
      change: fc.option(
        fc.record({
          status: fc.constantFrom(...OPEN_STATUSES),
          deletes: fc.nat(Object.keys(INDEXES).length),
          puts: fc.nat(Object.keys(INDEXES).length),
        }),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(complaintPlan, { minLength: 1, maxLength: 5 }), async (plans) => {
        // Prepare
        const path = dataDirectory();
        const first = await start(path);
        const writes: InterruptedPut[] = [];
        for (const plan of plans) {
          const complaint = complaintFixture();
          if (plan.registration) {
            writes.push({
              existing: null,
              next: await unwrittenItem(first, complaint),
              deletes: 0,
              ...plan.registration,
            });
            continue;
          }
          await first.store.create(complaint);
          if (!plan.change) continue;
          const existing = (await rawItem(first.client, complaint.id))!;
          const next = await nextVersionItem(first, complaint, changedStatus(complaint, plan.change.status));
          // dynalite starts the puts only once every delete is done.
          const deleteCount = dynaliteDeleteCount(existing, next);
          const deletes = Math.min(plan.change.deletes, deleteCount);
          writes.push({ existing, next, deletes, puts: deletes < deleteCount ? 0 : plan.change.puts });
        }
        const committed = await scanAll(first.client);
        await first.close();
        await applyInterruptedPuts(path, writes);
        leaveRunningMarker(path);

        // Act
        const server = await start(path);
        const items = await scanAll(server.client);
        const indexes = await Promise.all(
          Object.values(INDEXES).map(async (index) =>
            sortByKey(await scanAll(server.client, index.indexName)),
          ),
        );
        await server.close();

        // Assess
        expect(sortByKey(items)).toEqual(sortByKey(committed));
        expect(indexes).toEqual(Object.values(INDEXES).map((index) => expectedIndex(committed, index)));
      }),
      { numRuns: 12 },
    );
  });
});

/** Index entries a put of `next` over `existing` deletes: those whose index key changes (here: byStatus). */
function dynaliteDeleteCount(existing: Item, next: Item): number {
  return Object.values(INDEXES).filter(
    (index) =>
      existing[index.partitionKey]?.S !== next[index.partitionKey]?.S ||
      existing[index.sortKey]?.S !== next[index.sortKey]?.S,
  ).length;
}
