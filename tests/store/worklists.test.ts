// The follow-up (回访) and payment worklists against dynalite: each served by its sparse index (only open
// tasks are in it), earliest due first, filtered by outlet or region on the projection, bounded by
// dueBefore and, for overdue, by the instant asked at; paged with cursors that stay valid while that
// instant moves on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { planWalk } from '#adapters/dynamo-complaint-store';
import { INDEXES } from '#adapters/table-design';
import type { Claim } from '#domain/claims';
import type { Complaint, FollowUp } from '#domain/complaint';
import type { ComplaintQuery } from '#domain/ports';
import { closedFixture, complaintFixture } from '../support/complaint-fixture.ts';
import { startDynalite, storeHolding, type LocalDynamo } from '../support/dynalite.ts';
import { testCipher } from '../support/personal-data.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

const at = (hours: number): string =>
  new Date(Date.parse('2026-03-05T02:00:00.000Z') + hours * 3_600_000).toISOString();

function withFollowUp(outletId: string, dueAt: string, recorded = false): Complaint {
  const c = closedFixture(complaintFixture({ outletId, regionId: 'EAST' }), '2026-03-02T08:00:00.000Z');
  const followUp: FollowUp = {
    reason: 'no-feedback',
    owner: `outlet:${outletId}`,
    openedAt: c.closedAt!,
    dueAt,
  };
  if (recorded) followUp.outcome = { reached: true, at: dueAt, by: 'agent-1', onTime: true };
  return { ...c, followUp, version: 1 };
}

function withClaim(outletId: string, payBy: string, status: Claim['status']): Complaint {
  const c = complaintFixture({ outletId, regionId: 'EAST', status: 'investigating' });
  const claim: Claim = {
    number: 1,
    remedy: 'money',
    amount: { amount: 30, currency: 'CNY' },
    kind: 'goodwill',
    status,
    offeredAt: c.createdAt,
    offeredBy: 'agent-1',
    ...(status === 'offered' ? {} : { payBy }),
  };
  return { ...c, claim };
}

const storeWith = (complaints: Complaint[]): Promise<DynamoComplaintStore> =>
  storeHolding(dynamo, testCipher(), complaints);

/** Every page of a listing, one item a page; `asOf` moves on by an hour between pages. */
async function pages(store: DynamoComplaintStore, query: Omit<ComplaintQuery, 'limit'>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let asOf = query.asOf;
  for (let n = 0; n < 20; n++) {
    const page = await store.list({
      ...query,
      ...(asOf ? { asOf } : {}),
      limit: 1,
      ...(cursor ? { cursor } : {}),
    });
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
    if (cursor === undefined) break;
    if (asOf) asOf = new Date(Date.parse(asOf) + 3_600_000).toISOString();
  }
  return ids;
}

describe('the follow-up worklist', () => {
  it('is served by byFollowUp and the payment list by byPayment', () => {
    expect(planWalk({ followUp: 'open', outletId: 'SH-01', limit: 5 }).index.indexName).toBe(
      INDEXES.byFollowUp.indexName,
    );
    expect(planWalk({ payment: 'overdue', status: 'closed', limit: 5 }).index.indexName).toBe(
      INDEXES.byPayment.indexName,
    );
  });

  it('lists open follow-ups earliest due first, by outlet, before a time, and the overdue ones', async () => {
    // Prepare
    const a = withFollowUp('SH-01', at(5));
    const b = withFollowUp('SH-01', at(1));
    const c = withFollowUp('SH-02', at(3));
    const done = withFollowUp('SH-01', at(0), true);
    const none = complaintFixture({ outletId: 'SH-01' });
    const store = await storeWith([a, b, c, done, none]);

    // Act + Assess
    expect(await pages(store, { followUp: 'open' })).toEqual([b.id, c.id, a.id]);
    expect(await pages(store, { followUp: 'open', outletId: 'SH-01' })).toEqual([b.id, a.id]);
    expect(await pages(store, { followUp: 'open', dueBefore: at(5) })).toEqual([b.id, c.id]);
    // Overdue at at(1): b (due at at(1) exactly) only. At at(3), b then c, the second page judged an hour
    // later (a not yet due): the cursor stays valid as the instant moves on, nothing skipped or repeated.
    expect(await pages(store, { followUp: 'overdue', asOf: at(1) })).toEqual([b.id]);
    expect(await pages(store, { followUp: 'overdue', asOf: at(3) })).toEqual([b.id, c.id]);
    expect(await pages(store, { followUp: 'overdue', asOf: at(0.5) })).toEqual([]);
    // A follow-up recorded leaves the worklist.
    const stored = (await store.get(a.id))!;
    await store.save(
      {
        ...stored,
        followUp: { ...stored.followUp!, outcome: { reached: false, at: at(2), by: 'x', onTime: true } },
        version: stored.version + 1,
      },
      stored.version,
    );
    expect(await pages(store, { followUp: 'open' })).toEqual([b.id, c.id]);
  });
});

describe('the awaiting-payment list', () => {
  it('lists accepted, unpaid claims earliest payBy first; offered and paid ones are not in it', async () => {
    const late = withClaim('SH-01', at(10), 'accepted');
    const soon = withClaim('SH-02', at(2), 'accepted');
    const offered = withClaim('SH-01', at(1), 'offered');
    const paid = withClaim('SH-01', at(1), 'paid');
    const store = await storeWith([late, soon, offered, paid]);

    expect(await pages(store, { payment: 'awaiting' })).toEqual([soon.id, late.id]);
    expect(await pages(store, { payment: 'awaiting', regionId: 'EAST', outletId: 'SH-01' })).toEqual([
      late.id,
    ]);
    expect(await pages(store, { payment: 'overdue', asOf: at(3) })).toEqual([soon.id]);
  });
});
