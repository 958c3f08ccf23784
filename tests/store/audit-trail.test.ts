// The audit trail on a real DynamoDB endpoint (dynalite): events as items beside the complaint, written
// after the complaint's conditional put (the commit point) and recovered when that write is lost.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { eventKey } from '#adapters/table-design';
import { verifyChain } from '#domain/audit-trail';
import type { Complaint, TimelineEvent } from '#domain/complaint';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { complaintFixture } from '../support/complaint-fixture.ts';

let dynamo: LocalDynamo;
let store: DynamoComplaintStore;

beforeAll(async () => {
  dynamo = await startDynalite();
  store = new DynamoComplaintStore(dynamo.doc, dynamo.tableName);
});
afterAll(() => dynamo.close());

const note = (i: number): TimelineEvent => ({
  at: new Date(Date.parse('2026-03-02T09:00:00.000Z') + i * 1000).toISOString(),
  type: 'note',
  actor: 'agent-7',
  data: { text: `第${i}条备注` },
});

/** The next version with these events appended, as saveNext would write it. */
const withNotes = (c: Complaint, ...notes: TimelineEvent[]): Complaint => ({
  ...c,
  timeline: [...c.timeline, ...notes],
  version: c.version + 1,
});

/** A document client whose writes of event items fail: the crash window after the commit point. */
function losingEventWrites(doc: DynamoDBDocumentClient): DynamoDBDocumentClient {
  return new Proxy(doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: { input: { Item?: { sk?: string } } }) => {
        if (String(command.input.Item?.sk ?? '').startsWith('EVENT#')) {
          return Promise.reject(new Error('connection reset'));
        }
        return target.send(command as never);
      };
    },
  });
}

async function allEvents(id: string): Promise<TimelineEvent[]> {
  const items: TimelineEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.timeline(id, { limit: 2, ...(cursor ? { cursor } : {}) });
    items.push(...(page?.items ?? []));
    cursor = page?.nextCursor;
  } while (cursor);
  return items;
}

describe('events as items', () => {
  test('a save appends its events as items; the timeline pages through them oldest first', async () => {
    // Prepare
    const created = await store.create(complaintFixture());

    // Act
    const saved = await store.save(withNotes(created, note(1), note(2), note(3)), 1);

    // Assess
    expect(saved.timeline).toEqual([]);
    expect(saved.chain?.seq).toBe(4);
    const types = (await allEvents(created.id)).map((e) => e.type);
    expect(types).toEqual(['registered', 'note', 'note', 'note']);
    const trail = await store.auditTrail(created.id);
    expect(verifyChain(created.id, trail!.events, trail!.head)).toMatchObject({ intact: true, events: 4 });
  });

  test('a cursor from another timeline is refused as invalid input', async () => {
    const a = await store.create(complaintFixture());
    await store.save(withNotes(a, note(1)), 1);
    const b = await store.create(complaintFixture());
    const page = await store.timeline(a.id, { limit: 1 });

    await expect(store.timeline(b.id, { limit: 1, cursor: page!.nextCursor! })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });
});

describe('the crash window after the commit point', () => {
  test('events whose items were never written are still read, then written by the next save', async () => {
    // Prepare: the complaint write commits, every event write after it is lost
    const created = await store.create(complaintFixture());
    const unlucky = new DynamoComplaintStore(losingEventWrites(dynamo.doc), dynamo.tableName);
    const saved = await unlucky.save(withNotes(created, note(1), note(2)), 1);

    // Assess: readers merge the committed events from the complaint item
    expect(saved.chain?.unflushed.map((e) => e.seq)).toEqual([2, 3]);
    expect((await allEvents(created.id)).map((e) => e.type)).toEqual(['registered', 'note', 'note']);

    // Act: the next writer flushes them first, then commits its own
    const next = await store.save(withNotes(saved, note(3)), 2);

    // Assess: every event is an item, in one unbroken chain
    expect(next.chain?.unflushed.map((e) => e.seq)).toEqual([4]);
    const trail = await store.auditTrail(created.id);
    expect(trail?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(verifyChain(created.id, trail!.events, trail!.head)).toMatchObject({ intact: true });
  });

  test('a stale complaint cannot fork the chain: the second writer gets VersionConflict', async () => {
    const created = await store.create(complaintFixture());
    await store.save(withNotes(created, note(1)), 1);

    await expect(store.save(withNotes(created, note(2)), 1)).rejects.toMatchObject({
      code: 'version-conflict',
    });
    const trail = await store.auditTrail(created.id);
    expect(trail?.events.map((e) => e.seq)).toEqual([1, 2]);
  });
});

describe('tampering through the DynamoDB API', () => {
  test('a changed event item is named as the first broken link', async () => {
    // Prepare
    const created = await store.create(complaintFixture());
    await store.save(withNotes(created, note(1), note(2)), 1);

    // Act: someone with write access to the table rewrites a note
    await dynamo.doc.send(
      new UpdateCommand({
        TableName: dynamo.tableName,
        Key: eventKey(created.id, 3),
        UpdateExpression: 'SET #actor = :actor',
        ExpressionAttributeNames: { '#actor': 'actor' },
        ExpressionAttributeValues: { ':actor': 'agent-9' },
      }),
    );

    // Assess
    const trail = await store.auditTrail(created.id);
    expect(verifyChain(created.id, trail!.events, trail!.head)).toEqual({
      intact: false,
      events: 3,
      brokenAt: { seq: 3, reason: "the event's content does not match its hash" },
    });
  });
});
