// The audit trail on DynamoDB: each timeline event is its own item beside its complaint
// (`COMPLAINT#{id}` / `EVENT#{seq}`), hash-chained (functions/domain/audit-trail.ts). dynalite has no
// transactions, so the complaint's conditional write stays the one commit point: it carries the events of
// its change (`chain.unflushed`) with the new head, and the event items are written after it, each
// idempotently (same key, same content, `attribute_not_exists`). A crash or a failed event write in between
// loses nothing: the events stay in the complaint item, the next writer writes them first, and readers merge
// them in by sequence number. docs/data-model.md has the crash windows.
import {
  BatchGetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { redactEvent, timelineEventOf, type ChainedEvent, type ChainHead } from '#domain/audit-trail';
import type { Complaint, Instant } from '#domain/complaint';
import { InvalidInput } from '#domain/errors';
import type { TimelinePage } from '#domain/ports';
import { EVENT_SORT_PREFIX, TABLE_KEY, eventKey } from './table-design.ts';

type Item = Record<string, unknown>;

/** Events one Query reads when the whole trail is wanted (verification, erasure, the customer view). */
const FULL_READ_BATCH = 500;

export class DynamoAuditTrail {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  /**
   * Writes the events a committed change carried, each only if its item is missing. Best effort: whatever
   * fails stays in the complaint item (`chain.unflushed`) for the next writer or reader.
   */
  async writeCommitted(events: readonly ChainedEvent[]): Promise<void> {
    await Promise.allSettled(events.map((event) => this.putIfMissing(event)));
  }

  /**
   * Makes sure the events of the last committed change exist as items before the next change replaces
   * them in the complaint item: one consistent BatchGet, then a conditional put for each one missing.
   */
  async flush(unflushed: readonly ChainedEvent[]): Promise<void> {
    if (unflushed.length === 0) return;
    const keys = unflushed.map((event) => eventKey(event.complaintId, event.seq));
    const found = await this.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: keys,
            ConsistentRead: true,
            ProjectionExpression: '#sk',
            ExpressionAttributeNames: { '#sk': TABLE_KEY.sortKey },
          },
        },
      }),
    );
    const present = new Set((found.Responses?.[this.tableName] ?? []).map((item) => String(item.sk)));
    const missing = unflushed.filter((event) => !present.has(eventKey(event.complaintId, event.seq).sk));
    if (missing.length === 0) return;
    // Unlike writeCommitted, a failure here must stop the next write: it would drop these events.
    await Promise.all(missing.map((event) => this.putIfMissing(event, true)));
  }

  /** One page of the timeline, oldest first: the event items, then any events not yet written as items. */
  async page(
    complaint: Complaint,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<TimelinePage> {
    const after = options.cursor === undefined ? 0 : decodeTimelineCursor(options.cursor, complaint.id);
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey, '#sk': TABLE_KEY.sortKey },
        ExpressionAttributeValues: {
          ':pk': eventKey(complaint.id, 0).pk,
          ':from': eventKey(complaint.id, after + 1).sk,
          ':to': `${EVENT_SORT_PREFIX}~`,
        },
        ConsistentRead: true,
        Limit: options.limit + 1,
      }),
    );
    const stored = (page.Items ?? []).map(eventFromItem);
    const events = mergeUnflushed(stored, complaint.chain?.unflushed ?? [], after);
    const shown = events.slice(0, options.limit);
    const more = events.length > options.limit || page.LastEvaluatedKey !== undefined;
    const last = shown.at(-1);
    return {
      items: shown.map(timelineEventOf),
      ...(more && last ? { nextCursor: encodeTimelineCursor(complaint.id, last.seq) } : {}),
    };
  }

  /** Every event of the complaint with its chain fields, oldest first (items merged with unflushed ones). */
  async all(complaint: Complaint): Promise<ChainedEvent[]> {
    const stored: ChainedEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :events)',
          ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey, '#sk': TABLE_KEY.sortKey },
          ExpressionAttributeValues: { ':pk': eventKey(complaint.id, 0).pk, ':events': EVENT_SORT_PREFIX },
          ConsistentRead: true,
          Limit: FULL_READ_BATCH,
          ExclusiveStartKey: startKey,
        }),
      );
      stored.push(...(page.Items ?? []).map(eventFromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return mergeUnflushed(stored, complaint.chain?.unflushed ?? [], 0);
  }

  /**
   * Removes the personal text of every stored event of the complaint (erasure), each write conditional on
   * the event still being the one read. Returns how many events were redacted now.
   */
  async redact(complaint: Complaint, reference: string, at: Instant): Promise<number> {
    let redacted = 0;
    for (const event of await this.all(complaint)) {
      const erased = redactEvent(event, reference, at);
      if (erased === event) continue;
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventItem(erased),
          ConditionExpression: '#hash = :hash',
          ExpressionAttributeNames: { '#hash': 'hash' },
          ExpressionAttributeValues: { ':hash': event.hash },
        }),
      );
      redacted++;
    }
    return redacted;
  }

  private async putIfMissing(event: ChainedEvent, rethrow = false): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventItem(event),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey },
        }),
      );
    } catch (error) {
      // There already: written by an earlier attempt, or redacted since. Never overwritten.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
      if (rethrow) throw error;
    }
  }
}

export function eventItem(event: ChainedEvent): Item {
  return { ...event, ...eventKey(event.complaintId, event.seq) };
}

function eventFromItem(item: Item): ChainedEvent {
  const { pk: _pk, sk: _sk, ...event } = item;
  return event as unknown as ChainedEvent;
}

/** Stored events and the last change's events (possibly not yet items), by sequence number, once each. */
function mergeUnflushed(
  stored: readonly ChainedEvent[],
  unflushed: readonly ChainedEvent[],
  after: number,
): ChainedEvent[] {
  const bySeq = new Map<number, ChainedEvent>();
  for (const event of unflushed) if (event.seq > after) bySeq.set(event.seq, event);
  // An item wins over its copy in the complaint: it may have been redacted since.
  for (const event of stored) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The chain head a complaint item keeps (none for a complaint stored before the audit trail). */
export function chainHead(complaint: Complaint): ChainHead | undefined {
  return complaint.chain ? { seq: complaint.chain.seq, hash: complaint.chain.hash } : undefined;
}

// ---- timeline cursors ------------------------------------------------------------------------------------

const TimelineCursorSchema = z.strictObject({
  walk: z.literal('events'),
  complaint: z.string().min(1).max(64),
  after: z.int().min(0).max(9_999_999_999),
});

function encodeTimelineCursor(complaintId: string, after: number): string {
  const cursor = { walk: 'events', complaint: complaintId, after };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeTimelineCursor(cursor: string, complaintId: string): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = TimelineCursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.complaint !== complaintId) {
    const message = 'the cursor is not one this API issued for this timeline';
    throw new InvalidInput(message, [{ path: 'cursor', message }]);
  }
  return parsed.data.after;
}
