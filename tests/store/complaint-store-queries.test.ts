// Every access pattern of the store against dynalite; each test gets its own table.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testCipher } from '../support/personal-data.ts';
import { ulid } from 'ulid';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { listShard } from '#adapters/table-design';
import { InvalidInput } from '#domain/errors';
import type { Complaint, OpenStatus } from '#domain/complaint';
import type { ComplaintPage, ComplaintQuery } from '#domain/ports';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { closedFixture, complaintFixture as fixtureWithHistory } from '../support/complaint-fixture.ts';

/**
 * Listings read complaint items only; the audit trail (tests/store/audit-trail.test.ts) has its own tests.
 * Without events to store, a complaint reads back exactly as written.
 */
const complaintFixture = (overrides: Partial<Complaint> = {}): Complaint =>
  fixtureWithHistory({ timeline: [], ...overrides });

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

async function emptyStore(): Promise<DynamoComplaintStore> {
  const tableName = `${dynamo.tableName}-q${++tables}`;
  await dynamo.createTable(tableName);
  return new DynamoComplaintStore(dynamo.doc, tableName, testCipher());
}

async function createAll(store: DynamoComplaintStore, complaints: Complaint[]): Promise<void> {
  await Promise.all(complaints.map((complaint) => store.create(complaint)));
}

/** Follows nextCursor to the end and returns every page. */
async function allPages(
  fetchPage: (cursor: string | undefined) => Promise<ComplaintPage>,
): Promise<ComplaintPage[]> {
  const pages: ComplaintPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

/** A fresh complaint id that lands in the given list shard. */
function idInShard(shard: number): string {
  for (;;) {
    const id = ulid();
    if (listShard(id) === shard) return id;
  }
}

const ids = (complaints: Complaint[]): string[] => complaints.map((complaint) => complaint.id);
const hoursAfter = (instant: string, hours: number): string =>
  new Date(Date.parse(instant) + hours * 3600_000).toISOString();

function inStatus(status: OpenStatus, responseDueAt: string, overrides: Partial<Complaint> = {}): Complaint {
  const base = complaintFixture(overrides);
  const response = base.clocks.response;
  if (response === undefined) throw new Error('the fixture has a response clock');
  return {
    ...base,
    status,
    stage: { ...base.stage, name: status },
    clocks: { ...base.clocks, response: { ...response, dueAt: responseDueAt } },
  };
}

describe('status queues', () => {
  test('an open queue lists its complaints most urgent deadline first', async () => {
    // Prepare
    const store = await emptyStore();
    const t0 = '2026-03-02T08:00:00.000Z';
    const later = inStatus('received', hoursAfter(t0, 20));
    const soonest = inStatus('received', hoursAfter(t0, 2));
    const middle = inStatus('received', hoursAfter(t0, 9));
    const elsewhere = inStatus('investigating', hoursAfter(t0, 1));
    await createAll(store, [later, soonest, middle, elsewhere]);

    // Act
    const page = await store.list({ status: 'received', limit: 10 });

    // Assess
    expect(ids(page.items)).toEqual(ids([soonest, middle, later]));
    expect(page.nextCursor).toBeUndefined();
  });

  test('after a breach a complaint queues by the end of its grace period', async () => {
    // Prepare
    const store = await emptyStore();
    const t0 = '2026-03-02T08:00:00.000Z';
    const breached = inStatus('investigating', hoursAfter(t0, 1));
    const breachedResponse = breached.clocks.response;
    if (breachedResponse === undefined) throw new Error('the fixture has a response clock');
    breached.clocks.response = {
      ...breachedResponse,
      breachedAt: hoursAfter(t0, 1),
      graceUntil: hoursAfter(t0, 13),
    };
    const dueFirst = inStatus('investigating', hoursAfter(t0, 6));
    await createAll(store, [breached, dueFirst]);

    // Act
    const page = await store.list({ status: 'investigating', limit: 10 });

    // Assess
    expect(ids(page.items)).toEqual(ids([dueFirst, breached]));
  });

  test('a complaint moves queues when a save changes its status', async () => {
    // Prepare
    const store = await emptyStore();
    const complaint = inStatus('received', '2026-03-03T08:00:00.000Z');
    await store.create(complaint);
    const accepted: Complaint = {
      ...complaint,
      status: 'investigating',
      stage: { ...complaint.stage, name: 'investigating', seq: 2 },
      version: 2,
    };

    // Act
    await store.save(accepted, 1);

    // Assess
    expect(ids((await store.list({ status: 'received', limit: 10 })).items)).toEqual([]);
    expect((await store.list({ status: 'investigating', limit: 10 })).items).toEqual([accepted]);
  });

  test('the closed queue lists the most recently closed first', async () => {
    // Prepare
    const store = await emptyStore();
    const complaints = [1, 2, 3].map(() => complaintFixture());
    await createAll(store, complaints);
    const closedAt = ['2026-03-05T10:00:00.000Z', '2026-03-07T10:00:00.000Z', '2026-03-06T10:00:00.000Z'];
    const closed = complaints.map((complaint, i) => closedFixture(complaint, closedAt[i] as string));
    await Promise.all(closed.map((complaint) => store.save(complaint, 1)));

    // Act
    const page = await store.list({ status: 'closed', limit: 10 });

    // Assess
    expect(ids(page.items)).toEqual(ids([closed[1], closed[2], closed[0]] as Complaint[]));
  });

  test('a queue pages in deadline order with a limit', async () => {
    // Prepare
    const store = await emptyStore();
    const t0 = '2026-03-02T08:00:00.000Z';
    const queue = Array.from({ length: 7 }, (_, i) => inStatus('received', hoursAfter(t0, 7 - i)));
    await createAll(store, queue);

    // Act
    const pages = await allPages((cursor) => store.list({ status: 'received', limit: 3, cursor }));

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((page) => ids(page.items))).toEqual(ids([...queue].reverse()));
  });
});

describe('by tracking number', () => {
  test('lists the complaints about one item, newest received first, optionally by status', async () => {
    // Prepare
    const store = await emptyStore();
    const tracking = 'SF1400012345678';
    const oldest = complaintFixture({ trackingNumber: tracking, receivedAt: '2026-02-01T08:00:00.000Z' });
    const newest = complaintFixture({ trackingNumber: tracking, receivedAt: '2026-02-20T08:00:00.000Z' });
    const between = inStatus('investigating', '2026-02-12T08:00:00.000Z', {
      trackingNumber: tracking,
      receivedAt: '2026-02-10T08:00:00.000Z',
    });
    const otherItem = complaintFixture({ trackingNumber: 'SF1400099999999' });
    const noItem = complaintFixture({ trackingNumber: undefined });
    await createAll(store, [oldest, newest, between, otherItem, noItem]);

    // Act
    const all = await store.list({ trackingNumber: tracking, limit: 10 });
    const investigating = await store.list({ trackingNumber: tracking, status: 'investigating', limit: 10 });

    // Assess
    expect(ids(all.items)).toEqual(ids([newest, between, oldest]));
    expect(ids(investigating.items)).toEqual([between.id]);
  });
});

describe('by phone hash', () => {
  test('finds a customer’s complaints received at or after `since`, newest first', async () => {
    // Prepare
    const store = await emptyStore();
    const phoneHash = 'hmac-of-13900001111';
    const at = (receivedAt: string): Complaint => complaintFixture({ phoneHash, receivedAt });
    const tooOld = at('2026-02-28T23:59:59.999Z');
    const onTheBound = at('2026-03-01T00:00:00.000Z');
    const recent = at('2026-03-15T08:00:00.000Z');
    const latest = at('2026-03-20T08:00:00.000Z');
    const otherCustomer = complaintFixture({
      phoneHash: 'hmac-of-someone-else',
      receivedAt: latest.receivedAt,
    });
    await createAll(store, [tooOld, onTheBound, recent, latest, otherCustomer]);

    // Act
    const found = await store.findByPhoneHash(phoneHash, '2026-03-01T00:00:00.000Z');
    const foundWithoutMillis = await store.findByPhoneHash(phoneHash, '2026-03-01T00:00:00Z');

    // Assess
    expect(ids(found)).toEqual(ids([latest, recent, onTheBound]));
    expect(ids(foundWithoutMillis)).toEqual(ids(found));
    expect(found[0]).toEqual(latest);
  });

  test('a `since` that is not an instant is invalid input', async () => {
    // Prepare
    const store = await emptyStore();

    // Act
    const attempt = store.findByPhoneHash('hmac', 'last tuesday');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('listing everything', () => {
  test('pages newest created first across months with no gap or repeat', async () => {
    // Prepare
    const store = await emptyStore();
    const months = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
    const complaints = months.flatMap((month, m) =>
      Array.from({ length: 5 }, (_, day) =>
        complaintFixture({
          createdAt: `${month}-${String(27 - day * 5 - m).padStart(2, '0')}T08:00:00.000Z`,
        }),
      ),
    );
    await createAll(store, complaints);
    const expected = [...complaints].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

    // Act
    const pages = await allPages((cursor) => store.list({ limit: 7, cursor }));

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([7, 7, 7, 4]);
    expect(pages.flatMap((page) => ids(page.items))).toEqual(ids(expected));
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  test('an empty table lists nothing and no cursor', async () => {
    // Prepare
    const store = await emptyStore();

    // Act
    const page = await store.list({ limit: 5 });

    // Assess
    expect(page).toEqual({ items: [] });
  });

  test('category and escalated filters return up to `limit` matching complaints per page', async () => {
    // Prepare
    const store = await emptyStore();
    const complaints = Array.from({ length: 30 }, (_, i) =>
      complaintFixture({
        createdAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 86_400_000).toISOString(),
        category: i % 3 === 0 ? 'loss' : 'delay',
        escalationLevel: i % 2 === 0 ? 1 : 0,
      }),
    );
    await createAll(store, complaints);
    const newestFirst = [...complaints].reverse();
    const escalatedLoss = newestFirst.filter((c) => c.category === 'loss' && c.escalationLevel > 0);
    const calmDelay = newestFirst.filter((c) => c.category === 'delay' && c.escalationLevel === 0);

    // Act
    const lossPages = await allPages((cursor) =>
      store.list({ category: 'loss', escalated: true, limit: 2, cursor }),
    );
    const delayPages = await allPages((cursor) =>
      store.list({ category: 'delay', escalated: false, limit: 4, cursor }),
    );

    // Assess
    expect(escalatedLoss).toHaveLength(5);
    expect(lossPages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(lossPages.flatMap((page) => ids(page.items))).toEqual(ids(escalatedLoss));
    expect(delayPages.flatMap((page) => ids(page.items))).toEqual(ids(calmDelay));
    expect(delayPages.every((page) => page.items.length <= 4)).toBe(true);
  });

  test('a filter on a status queue keeps the queue order and the limit', async () => {
    // Prepare
    const store = await emptyStore();
    const t0 = '2026-03-02T08:00:00.000Z';
    const queue = Array.from({ length: 12 }, (_, i) =>
      inStatus('received', hoursAfter(t0, i), { category: i % 4 === 0 ? 'privacy' : 'fees' }),
    );
    await createAll(store, queue);

    // Act
    const pages = await allPages((cursor) =>
      store.list({ status: 'received', category: 'privacy', limit: 2, cursor }),
    );

    // Assess
    expect(pages.flatMap((page) => ids(page.items))).toEqual(
      ids([queue[0], queue[4], queue[8]] as Complaint[]),
    );
    expect(pages[0]?.items).toHaveLength(2);
  });

  test('a page with a tight read budget may be short but the walk still finds every match once', async () => {
    // Prepare
    const tableName = `${dynamo.tableName}-budget`;
    await dynamo.createTable(tableName);
    const store = new DynamoComplaintStore(dynamo.doc, tableName, testCipher(), {
      maxQueriesPerPage: 4,
      filteredBatchSize: 2,
    });
    const complaints = Array.from({ length: 40 }, (_, i) =>
      complaintFixture({
        createdAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 3_600_000).toISOString(),
        category: i === 3 || i === 37 ? 'privacy' : 'delay',
      }),
    );
    await createAll(store, complaints);

    // Act
    const pages = await allPages((cursor) => store.list({ category: 'privacy', limit: 1, cursor }));

    // Assess
    expect(pages.flatMap((page) => ids(page.items))).toEqual(
      ids([complaints[37], complaints[3]] as Complaint[]),
    );
    expect(pages.some((page) => page.items.length === 0 && page.nextCursor !== undefined)).toBe(true);
  });

  test('when the newest complaints all sit in one list shard, it is read again before older ones show', async () => {
    // Prepare
    const store = await emptyStore();
    const createdAt = (hour: number): string =>
      new Date(Date.parse('2026-02-01T00:00:00.000Z') + hour * 3_600_000).toISOString();
    const crowdedShard = Array.from({ length: 8 }, (_, i) =>
      complaintFixture({ id: idInShard(0), createdAt: createdAt(100 - i) }),
    );
    const others = [1, 2, 3].flatMap((shard) =>
      Array.from({ length: 3 }, (_, i) =>
        complaintFixture({ id: idInShard(shard), createdAt: createdAt(50 - shard * 5 - i) }),
      ),
    );
    await createAll(store, [...crowdedShard, ...others]);
    const expected = [...crowdedShard, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

    // Act
    const pages = await allPages((cursor) => store.list({ limit: 5, cursor }));

    // Assess
    expect(pages[0]?.items).toEqual(crowdedShard.slice(0, 5));
    expect(pages.flatMap((page) => ids(page.items))).toEqual(ids(expected));
  });
});

describe('cursors', () => {
  async function storeWithPages(): Promise<{
    store: DynamoComplaintStore;
    statusCursor: string;
    allCursor: string;
  }> {
    const store = await emptyStore();
    await createAll(
      store,
      Array.from({ length: 4 }, () => complaintFixture()),
    );
    const statusPage = await store.list({ status: 'received', limit: 1 });
    const allPage = await store.list({ limit: 1 });
    if (statusPage.nextCursor === undefined || allPage.nextCursor === undefined)
      throw new Error('expected more pages');
    return { store, statusCursor: statusPage.nextCursor, allCursor: allPage.nextCursor };
  }

  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const decode = (cursor: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;

  async function expectInvalidCursor(attempt: Promise<unknown>): Promise<void> {
    await expect(attempt).rejects.toSatisfy(
      (error) => error instanceof InvalidInput && error.errors.some((e) => e.path === 'cursor'),
    );
  }

  test('a garbled cursor is invalid input on the cursor', async () => {
    // Prepare
    const { store } = await storeWithPages();
    const query: ComplaintQuery = { limit: 2 };

    // Act / Assess
    await expectInvalidCursor(store.list({ ...query, cursor: 'not a cursor at all' }));
    await expectInvalidCursor(store.list({ ...query, cursor: encode({ walk: 'created' }) }));
    await expectInvalidCursor(store.list({ ...query, cursor: encode([1, 2, 3]) }));
  });

  test('a cursor from one query is refused by another', async () => {
    // Prepare
    const { store, statusCursor, allCursor } = await storeWithPages();

    // Act / Assess
    await expectInvalidCursor(store.list({ limit: 2, cursor: statusCursor }));
    await expectInvalidCursor(store.list({ status: 'investigating', limit: 2, cursor: statusCursor }));
    await expectInvalidCursor(
      store.list({ status: 'received', category: 'loss', limit: 2, cursor: statusCursor }),
    );
    await expectInvalidCursor(store.list({ status: 'received', limit: 2, cursor: allCursor }));
    await expectInvalidCursor(store.listOpen(allCursor));
  });

  test('a cursor whose position was edited is refused before it reaches DynamoDB', async () => {
    // Prepare
    const { store, statusCursor } = await storeWithPages();
    const decoded = decode(statusCursor);
    const after = decoded.after as string;
    const injected = encode({ ...decoded, after: `${after}" OR 1=1` });
    const notAPosition = encode({ ...decoded, after: 'IDEMPOTENCY#x' });
    const asKey = encode({ ...decoded, after: { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' } });

    // Act / Assess
    for (const cursor of [injected, notAPosition, asKey]) {
      await expectInvalidCursor(store.list({ status: 'received', limit: 2, cursor }));
    }
  });

  test('a cursor carries on where its page ended', async () => {
    // Prepare
    const { store, statusCursor } = await storeWithPages();
    const first = await store.list({ status: 'received', limit: 1 });

    // Act
    const rest = await store.list({ status: 'received', limit: 10, cursor: statusCursor });

    // Assess
    expect(rest.items).toHaveLength(3);
    expect(ids(rest.items)).not.toContain(first.items[0]?.id);
  });
});

describe('open complaints for the reconciler', () => {
  test('listOpen pages through every complaint not closed, each once', async () => {
    // Prepare
    const store = await emptyStore();
    const statuses: OpenStatus[] = [
      'received',
      'investigating',
      'pending-customer',
      'awaiting-feedback',
      'review',
    ];
    const open = Array.from({ length: 130 }, (_, i) =>
      inStatus(statuses[i % statuses.length] as OpenStatus, hoursAfter('2026-03-02T08:00:00.000Z', i)),
    );
    const toClose = Array.from({ length: 5 }, () => complaintFixture());
    await createAll(store, [...open, ...toClose]);
    await Promise.all(toClose.map((c) => store.save(closedFixture(c, '2026-03-04T08:00:00.000Z'), 1)));

    // Act
    const pages = await allPages((cursor) => store.listOpen(cursor));

    // Assess
    const listed = pages.flatMap((page) => ids(page.items));
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(ids(open).sort());
  });

  test('listOpen on a table of closed complaints returns nothing', async () => {
    // Prepare
    const store = await emptyStore();
    const complaint = complaintFixture();
    await store.create(complaint);
    await store.save(closedFixture(complaint, '2026-03-04T08:00:00.000Z'), 1);

    // Act
    const page = await store.listOpen();

    // Assess
    expect(page).toEqual({ items: [] });
  });
});
