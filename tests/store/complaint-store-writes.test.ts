// Writes against a real DynamoDB endpoint (dynalite): one conditional PutItem per state change.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { ComplaintAlreadyExists, ComplaintNotFound, VersionConflict } from '#domain/errors';
import type { Complaint } from '#domain/complaint';
import type { IdempotencyRecord } from '#domain/ports';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { closedFixture, complaintFixture } from '../support/complaint-fixture.ts';

let dynamo: LocalDynamo;
let store: DynamoComplaintStore;

beforeAll(async () => {
  dynamo = await startDynalite();
  store = new DynamoComplaintStore(dynamo.doc, dynamo.tableName);
});

afterAll(async () => {
  await dynamo.close();
});

/** The next version of a complaint, as a use case would produce it. */
function nextVersion(complaint: Complaint, changes: Partial<Complaint>): Complaint {
  return { ...complaint, ...changes, version: complaint.version + 1 };
}

describe('create and get', () => {
  test('a complaint reads back exactly as written, without the key and index attributes', async () => {
    // Prepare
    const complaint = complaintFixture({
      classification: { category: 'damage', confidence: 0.83, source: 'classifier' },
      category: 'damage',
      insured: true,
      breaches: [
        { clock: 'response', dueAt: '2026-03-03T08:00:00.000Z', at: '2026-03-03T08:00:01.000Z', level: 1 },
      ],
      resolution: {
        text: '已赔付',
        at: '2026-03-04T08:00:00.000Z',
        by: 'agent-7',
        compensation: { amount: 60.5, currency: 'CNY' },
      },
      pendingSignal: { taskToken: 'token-1', seq: 2, at: '2026-03-04T08:00:00.000Z' },
      timeline: [
        { at: '2026-03-02T08:00:00.000Z', type: 'registered', actor: 'intake:hotline', to: 'received' },
        {
          at: '2026-03-02T09:00:00.000Z',
          type: 'note',
          actor: 'agent-7',
          data: { text: '', nested: { n: [1, 2] } },
        },
      ],
    });

    // Act
    const created = await store.create(complaint);
    const stored = await store.get(complaint.id);
    const timeline = await store.timeline(complaint.id, { limit: 10 });

    // Assess: the complaint as written, its timeline moved into the audit trail (the chain's head kept)
    expect(stored).toEqual(created);
    const { timeline: _written, ...fields } = complaint;
    expect(stored).toMatchObject({ ...fields, timeline: [], chain: { seq: 2 } });
    expect(timeline?.items).toEqual(complaint.timeline);
  });

  test('an unknown id reads as undefined', async () => {
    // Act
    const stored = await store.get('01NOSUCHCOMPLAINT000000000');

    // Assess
    expect(stored).toBeUndefined();
  });

  test('a second create with the same id throws ComplaintAlreadyExists and leaves the first untouched', async () => {
    // Prepare
    const first = await store.create(complaintFixture());
    const impostor = { ...first, description: 'another text' };

    // Act
    const second = store.create(impostor);

    // Assess
    await expect(second).rejects.toBeInstanceOf(ComplaintAlreadyExists);
    expect(await store.get(first.id)).toEqual(first);
  });
});

describe('save', () => {
  test('a save over the current version replaces the complaint', async () => {
    // Prepare
    const complaint = await store.create(complaintFixture());
    const accepted = nextVersion(complaint, { status: 'investigating', owner: 'agent-7' });

    // Act
    const saved = await store.save(accepted, 1);

    // Assess: the last change's events are items now, so the complaint no longer carries them
    expect(saved).toEqual({ ...accepted, chain: { ...complaint.chain, unflushed: [] } });
    expect(await store.get(complaint.id)).toEqual(saved);
  });

  test('a save over a stale version throws VersionConflict with the current version and changes nothing', async () => {
    // Prepare
    const complaint = await store.create(complaintFixture());
    const winner = await store.save(nextVersion(complaint, { owner: 'agent-1' }), 1);
    const late = nextVersion(complaint, { owner: 'agent-2' });

    // Act
    const attempt = store.save(late, 1);

    // Assess
    await expect(attempt).rejects.toSatisfy(
      (error) => error instanceof VersionConflict && error.details.currentVersion === 2,
    );
    expect(await store.get(complaint.id)).toEqual(winner);
  });

  test('of 20 concurrent saves from the same version exactly one wins', async () => {
    // Prepare
    const complaint = await store.create(complaintFixture());
    const contenders = Array.from({ length: 20 }, (_, i) => nextVersion(complaint, { owner: `agent-${i}` }));

    // Act
    const outcomes = await Promise.allSettled(contenders.map((contender) => store.save(contender, 1)));

    // Assess
    const winners = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) expect(loser).toBeInstanceOf(VersionConflict);
    expect(await store.get(complaint.id)).toEqual(winners[0]);
    expect(contenders.map((c) => c.owner)).toContain(winners[0]?.owner);
  });

  test('a save of a complaint that was never created throws ComplaintNotFound', async () => {
    // Prepare
    const ghost = nextVersion(complaintFixture(), {});

    // Act
    const attempt = store.save(ghost, 1);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ComplaintNotFound);
    expect(await store.get(ghost.id)).toBeUndefined();
  });

  test('a save whose version does not follow the expected one is refused before writing', async () => {
    // Prepare
    const complaint = await store.create(complaintFixture());
    const skipping = { ...complaint, owner: 'agent-3', version: 5 };

    // Act
    const attempt = store.save(skipping, 1);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(RangeError);
    expect(await store.get(complaint.id)).toEqual(complaint);
  });

  test('closing a complaint appends its events to the audit trail, not to the item', async () => {
    // Prepare
    const complaint = await store.create(complaintFixture());
    const closed = closedFixture(complaint, '2026-03-05T10:00:00.000Z');

    // Act
    const saved = await store.save(closed, 1);

    // Assess
    const stored = await store.get(complaint.id);
    const timeline = await store.timeline(complaint.id, { limit: 10 });
    expect(timeline?.items.map((event) => event.type)).toEqual(['registered', 'closed']);
    expect(stored).toEqual(saved);
    expect(stored).toMatchObject({ status: 'closed', timeline: [], chain: { seq: 2 } });
  });
});

describe('idempotency keys', () => {
  function claim(
    key: string,
    requestHash: string,
    createdAt = '2026-03-02T08:00:00.000Z',
  ): IdempotencyRecord {
    return {
      key,
      requestHash,
      complaintId: `complaint-for-${requestHash}`,
      createdAt,
      expiresAt: Math.floor(Date.parse(createdAt) / 1000) + 24 * 3600,
    };
  }

  test('the first claim is recorded and every later claim gets the first record back', async () => {
    // Prepare
    const first = claim('intake:web:key-1', 'hash-a');
    const later = claim('intake:web:key-1', 'hash-b', '2026-03-02T09:00:00.000Z');

    // Act
    const claimedFirst = await store.claimIdempotencyKey(first);
    const claimedLater = await store.claimIdempotencyKey(later);
    const claimedAgain = await store.claimIdempotencyKey(first);

    // Assess
    expect(claimedFirst).toEqual(first);
    expect(claimedLater).toEqual(first);
    expect(claimedAgain).toEqual(first);
  });

  test('of 10 concurrent claims of one key, one is recorded and all get that record', async () => {
    // Prepare
    const claims = Array.from({ length: 10 }, (_, i) => claim('intake:app:key-2', `hash-${i}`));

    // Act
    const results = await Promise.all(claims.map((record) => store.claimIdempotencyKey(record)));

    // Assess
    const recorded = results[0];
    expect(claims).toContainEqual(recorded);
    for (const result of results) expect(result).toEqual(recorded);
  });

  test('a record past its expiry can be claimed anew (TTL deletes lazily)', async () => {
    // Prepare
    const expired = {
      ...claim('intake:web:key-3', 'hash-old'),
      expiresAt: Date.parse('2026-03-02T09:00:00.000Z') / 1000,
    };
    await store.claimIdempotencyKey(expired);
    const fresh = claim('intake:web:key-3', 'hash-new', '2026-03-02T10:00:00.000Z');

    // Act
    const claimed = await store.claimIdempotencyKey(fresh);
    const afterwards = await store.claimIdempotencyKey(
      claim('intake:web:key-3', 'hash-x', '2026-03-02T11:00:00.000Z'),
    );

    // Assess
    expect(claimed).toEqual(fresh);
    expect(afterwards).toEqual(fresh);
  });

  test('keys are separate from complaints: a key named like a complaint id does not collide', async () => {
    // Prepare
    const complaint = await store.create(complaintFixture());

    // Act
    const claimed = await store.claimIdempotencyKey(claim(complaint.id, 'hash-c'));

    // Assess
    expect(claimed.requestHash).toBe('hash-c');
    expect(await store.get(complaint.id)).toEqual(complaint);
  });
});
