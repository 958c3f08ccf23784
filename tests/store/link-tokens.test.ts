// Link tokens against a real DynamoDB endpoint (dynalite): each token is its own item, claimed with a
// conditional put, so no two complaints ever share one, and a clash draws again.
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCipher } from '../support/personal-data.ts';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { linkTokenKey } from '#adapters/table-design';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { complaintFixture } from '../support/complaint-fixture.ts';

let dynamo: LocalDynamo;
let store: DynamoComplaintStore;

beforeAll(async () => {
  dynamo = await startDynalite();
  store = new DynamoComplaintStore(dynamo.doc, dynamo.tableName, testCipher());
});

afterAll(async () => {
  await dynamo.close();
});

/** A source that yields `first` for the first `times` calls, then strong random bytes. */
function repeatingSource(first: Uint8Array, times: number) {
  let calls = 0;
  return (size: number) => (calls++ < times ? first.subarray(0, size) : randomBytes(size));
}

describe('issueLinkToken', () => {
  it('claims a token of 10 letters and digits that leads back to the complaint', async () => {
    // Act
    const token = await store.issueLinkToken('01JCOMPLAINTAAAAAAAAAAAAAA');

    // Assess
    expect(token).toMatch(/^[0-9A-Za-z]{10}$/);
    expect(await store.linkedComplaintId(token)).toBe('01JCOMPLAINTAAAAAAAAAAAAAA');
  });

  it('gives concurrent registrations distinct tokens', async () => {
    // Act
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.issueLinkToken(`01JCONCURRENT${String(i).padStart(13, '0')}`),
      ),
    );

    // Assess
    expect(new Set(tokens).size).toBe(50);
    for (const [i, token] of tokens.entries()) {
      expect(await store.linkedComplaintId(token)).toBe(`01JCONCURRENT${String(i).padStart(13, '0')}`);
    }
  });

  it('draws again when the token is taken, leaving the first owner untouched', async () => {
    // Prepare: both stores' first draw yields the same bytes, hence the same token.
    const bytes = Uint8Array.from({ length: 14 }, (_, i) => i * 7);
    const first = new DynamoComplaintStore(dynamo.doc, dynamo.tableName, testCipher(), {
      randomBytes: repeatingSource(bytes, 1),
    });
    const second = new DynamoComplaintStore(dynamo.doc, dynamo.tableName, testCipher(), {
      randomBytes: repeatingSource(bytes, 1),
    });
    const taken = await first.issueLinkToken('01JFIRSTOWNERAAAAAAAAAAAAA');

    // Act
    const drawnAgain = await second.issueLinkToken('01JSECONDOWNERAAAAAAAAAAAA');

    // Assess
    expect(drawnAgain).not.toBe(taken);
    expect(await store.linkedComplaintId(taken)).toBe('01JFIRSTOWNERAAAAAAAAAAAAA');
    expect(await store.linkedComplaintId(drawnAgain)).toBe('01JSECONDOWNERAAAAAAAAAAAA');
  });

  it('gives up after a few clashes in a row rather than loop on a broken random source', async () => {
    // Prepare: a source stuck on the same bytes.
    const stuck = new DynamoComplaintStore(dynamo.doc, dynamo.tableName, testCipher(), {
      randomBytes: (size) => new Uint8Array(size).fill(42),
    });
    const token = await stuck.issueLinkToken('01JSTUCKSOURCEAAAAAAAAAAAA');

    // Act
    const again = stuck.issueLinkToken('01JSTUCKSOURCEBBBBBBBBBBBB');

    // Assess
    await expect(again).rejects.toThrow(/no unclaimed link token/);
    expect(await store.linkedComplaintId(token)).toBe('01JSTUCKSOURCEAAAAAAAAAAAA');
  });

  it('stores the claim as its own item, outside every listing', async () => {
    // Prepare
    const complaint = complaintFixture({ createdAt: '2031-01-01T00:00:00.000Z' });
    await store.create(complaint);

    // Act
    const token = await store.issueLinkToken(complaint.id);
    const item = await dynamo.doc.send(
      new GetCommand({ TableName: dynamo.tableName, Key: linkTokenKey(token) }),
    );
    const everything = await store.list({ limit: 100 });
    const open = await store.listOpen();

    // Assess: the other tests here issued tokens only, so the one complaint is all a listing holds.
    expect(item.Item).toEqual({ pk: `LINK#${token}`, sk: 'LINK', complaintId: complaint.id });
    expect(everything.items.map((c) => c.id)).toEqual([complaint.id]);
    expect(open.items.map((c) => c.id)).toEqual([complaint.id]);
  });
});

describe('linkedComplaintId', () => {
  it('knows no token that was never issued', async () => {
    expect(await store.linkedComplaintId('NeverIssue')).toBeUndefined();
  });
});
