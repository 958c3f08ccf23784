// The list filters of the organisation issue against dynalite: each served by its index (or a bounded
// walk), combined with the others, and paged with cursors. Each test gets its own table.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { planWalk } from '#adapters/dynamo-complaint-store';
import { INDEXES } from '#adapters/table-design';
import type { Complaint } from '#domain/complaint';
import type { ComplaintPage, ComplaintQuery } from '#domain/ports';
import { testCipher } from '../support/personal-data.ts';
import { startDynalite, storeHolding, type LocalDynamo } from '../support/dynalite.ts';
import { closedFixture, complaintFixture } from '../support/complaint-fixture.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

const storeWith = (complaints: Complaint[]): Promise<DynamoComplaintStore> =>
  storeHolding(dynamo, testCipher(), complaints);

async function listAll(store: DynamoComplaintStore, query: Omit<ComplaintQuery, 'limit'>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page: ComplaintPage = await store.list({ ...query, limit: 2, cursor });
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined && ++pages < 50);
  return ids;
}

const day = (n: number): string =>
  new Date(Date.parse('2026-03-01T08:00:00.000Z') + n * 86_400_000).toISOString();

describe('which index serves a filter', () => {
  test.each([
    [{ shortId: 'K7Q2M-9X4TB' }, INDEXES.byShortId.indexName],
    [{ trackingNumber: 'SF1', outletId: 'o' }, INDEXES.byTracking.indexName],
    [{ overdue: true, status: 'received' as const }, INDEXES.byOverdue.indexName],
    [{ status: 'received' as const, outletId: 'o' }, INDEXES.byStatus.indexName],
    [{ closedFrom: day(0) }, INDEXES.byStatus.indexName],
    [{ owner: 'agent-7', regionId: 'r' }, INDEXES.byOwner.indexName],
    [{ outletId: 'o', category: 'loss' as const }, INDEXES.byOutlet.indexName],
    [{ regionId: 'r', channel: 'web' as const }, INDEXES.byRegion.indexName],
    [
      { channel: 'web' as const, type: 'suggestion' as const, escalationLevel: 2 as const },
      INDEXES.byCreated.indexName,
    ],
  ])('%j is served by %s', (query, indexName) => {
    expect(planWalk({ ...query, limit: 10 }).index.indexName).toBe(indexName);
  });

  test('the status queues are sharded and a received range bounds the list-all walk', () => {
    expect(planWalk({ status: 'received', limit: 1 }).partitions).toHaveLength(4);
    const walk = planWalk({ receivedFrom: day(0), receivedBefore: day(2), limit: 1 });
    expect(walk.from).toBe(day(0));
    expect(Date.parse(walk.before ?? '')).toBeGreaterThan(Date.parse(day(2)));
  });
});

describe('filters', () => {
  test('outlet and region list newest received first, with a received range and other filters', async () => {
    // Prepare
    const a = complaintFixture({
      outletId: 'SH-01',
      regionId: 'EAST',
      receivedAt: day(1),
      createdAt: day(1),
    });
    const b = complaintFixture({
      outletId: 'SH-01',
      regionId: 'EAST',
      receivedAt: day(3),
      createdAt: day(3),
      category: 'loss',
    });
    const c = complaintFixture({
      outletId: 'SH-02',
      regionId: 'EAST',
      receivedAt: day(5),
      createdAt: day(5),
    });
    const d = complaintFixture({
      outletId: 'BJ-01',
      regionId: 'NORTH',
      receivedAt: day(2),
      createdAt: day(2),
    });
    const store = await storeWith([a, b, c, d]);

    // Act / Assess
    expect(await listAll(store, { outletId: 'SH-01' })).toEqual([b.id, a.id]);
    expect(await listAll(store, { regionId: 'EAST' })).toEqual([c.id, b.id, a.id]);
    expect(await listAll(store, { regionId: 'EAST', receivedFrom: day(2), receivedBefore: day(5) })).toEqual([
      b.id,
    ]);
    expect(await listAll(store, { outletId: 'SH-01', category: 'loss' })).toEqual([b.id]);
    expect(await listAll(store, { receivedFrom: day(2), receivedBefore: day(4) })).toEqual([b.id, d.id]);
  });

  test('channel, type, owner and escalation level', async () => {
    // Prepare
    const web = complaintFixture({ channel: 'web', createdAt: day(1) });
    const suggestion = complaintFixture({ type: 'suggestion', createdAt: day(2) });
    const owned = complaintFixture({ owner: 'agent-7', escalationLevel: 2, createdAt: day(3) });
    const legacy = complaintFixture({ createdAt: day(4) });
    delete legacy.type;
    const store = await storeWith([web, suggestion, owned, legacy]);

    // Act / Assess
    expect(await listAll(store, { channel: 'web' })).toEqual([web.id]);
    expect(await listAll(store, { type: 'suggestion' })).toEqual([suggestion.id]);
    // A record stored before types existed is a complaint.
    expect(await listAll(store, { type: 'complaint' })).toEqual([legacy.id, owned.id, web.id]);
    expect(await listAll(store, { owner: 'agent-7' })).toEqual([owned.id]);
    expect(await listAll(store, { escalationLevel: 2 })).toEqual([owned.id]);
    expect(await listAll(store, { status: 'received', escalationLevel: 0 })).toHaveLength(3);
  });

  test('the short number finds the complaint', async () => {
    // Prepare
    const target = complaintFixture();
    const other = complaintFixture();
    const store = await storeWith([target, other]);

    // Act
    const page = await store.list({ shortId: target.shortId, limit: 5 });

    // Assess
    expect(page.items).toEqual([{ ...target, timeline: [] }]);
    expect((await store.list({ shortId: 'ZZZZZ-ZZZZZ', limit: 5 })).items).toEqual([]);
  });

  test('overdue lists complaints with a breached clock still running, longest overdue first', async () => {
    // Prepare
    const breachedAt = (c: Complaint, at: string): Complaint => {
      const response = c.clocks.response;
      if (response === undefined) throw new Error('the fixture has a response clock');
      return { ...c, clocks: { ...c.clocks, response: { ...response, breachedAt: at, graceUntil: day(9) } } };
    };
    const late = breachedAt(complaintFixture(), day(2));
    const later = breachedAt(complaintFixture(), day(1));
    const onTime = complaintFixture();
    const store = await storeWith([late, later, onTime]);
    const closedLate = closedFixture(late, day(3));

    // Act
    const before = await listAll(store, { overdue: true });
    await store.save(closedLate, 1);
    const after = await listAll(store, { overdue: true });

    // Assess
    expect(before).toEqual([later.id, late.id]);
    expect(after).toEqual([later.id]);
    expect(await listAll(store, { status: 'received', overdue: false })).toEqual([onTime.id]);
  });

  test('closed in a date range, most recently closed first', async () => {
    // Prepare
    const complaints = [1, 2, 3, 4].map(() => complaintFixture({ createdAt: day(0) }));
    const store = await storeWith(complaints);
    await Promise.all(complaints.map((c, n) => store.save(closedFixture(c, day(n + 1)), 1)));

    // Act
    const inRange = await listAll(store, { closedFrom: day(2), closedBefore: day(4) });

    // Assess
    expect(inRange).toEqual([complaints[2]?.id, complaints[1]?.id]);
  });
});
