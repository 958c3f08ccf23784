// The attachment index on a real DynamoDB wire endpoint (dynalite, the deployed table definition): the
// count per complaint is bounded by slots under racing reservations, accepting is idempotent, removal
// never touches an accepted item, and a full complaint reclaims the place of an abandoned reservation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAttachmentIndex } from '#adapters/dynamo-attachment-index';
import type { Attachment } from '#domain/attachments';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';

let dynamo: LocalDynamo;
let index: DynamoAttachmentIndex;

beforeAll(async () => {
  dynamo = await startDynalite();
  index = new DynamoAttachmentIndex(dynamo.doc, dynamo.tableName);
});
afterAll(async () => {
  await dynamo?.close();
});

const NEVER = '1970-01-01T00:00:00.000Z';
let seq = 0;
const attachment = (complaintId: string, requestedAt = '2026-10-01T08:00:00.000Z'): Attachment => {
  seq += 1;
  return {
    complaintId,
    id: `A${String(seq).padStart(25, '0')}`,
    source: 'customer',
    contentType: 'image/png',
    size: 100,
    uploadedBy: { actor: 'customer' },
    status: 'pending',
    requestedAt,
  };
};

describe('DynamoAttachmentIndex', () => {
  it('gives racing reservations at most max places', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 8 }, () => index.reserve(attachment('race'), 5, NEVER)),
    );

    // Assess
    expect(results.filter((r) => r.reserved)).toHaveLength(5);
    expect(await index.list('race')).toHaveLength(5);
  });

  it('accepts idempotently, and never removes an accepted attachment', async () => {
    // Prepare
    const a = attachment('accept');
    await index.reserve(a, 3, NEVER);

    // Act
    const first = await index.accept('accept', a.id, 120, '2026-10-01T08:01:00.000Z');
    const again = await index.accept('accept', a.id, 999, '2026-10-01T09:00:00.000Z');
    await index.remove('accept', a.id);

    // Assess
    expect(first).toMatchObject({ status: 'accepted', size: 120, acceptedAt: '2026-10-01T08:01:00.000Z' });
    expect(again).toEqual(first);
    expect(await index.get('accept', a.id)).toEqual(first);
  });

  it('when full, reclaims the oldest abandoned reservation, never an accepted or a recent one', async () => {
    // Prepare: two places; an accepted one and an old pending one fill them.
    const accepted = attachment('full', '2026-10-01T07:00:00.000Z');
    const old = attachment('full', '2026-10-01T07:30:00.000Z');
    await index.reserve(accepted, 2, NEVER);
    await index.reserve(old, 2, NEVER);
    await index.accept('full', accepted.id, 100, '2026-10-01T07:01:00.000Z');

    // Act
    const tooEarly = await index.reserve(attachment('full'), 2, '2026-10-01T07:00:00.000Z');
    const later = await index.reserve(attachment('full'), 2, '2026-10-01T08:00:00.000Z');

    // Assess
    expect(tooEarly).toEqual({ reserved: false, reclaimed: [] });
    expect(later.reserved).toBe(true);
    expect(later.reclaimed).toEqual([old]);
    expect((await index.list('full')).map((a) => a.status)).toEqual(['accepted', 'pending']);
  });
});
