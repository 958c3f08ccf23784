// The DeliveryLog port on the complaints table: one small item per message beside the complaint
// (pk COMPLAINT#{id}, sk DELIVERY#{key}), so recording a delivery never changes the complaint's version.
// A delivery is recorded when it is scheduled, so one whose execution was lost (the embedded stack keeps
// executions in memory) can be handed over again after a restart. Deliveries an operator must look at
// (dead-lettered, uncertain, stuck in sending) are also listed under one partition (pk
// OPS#DELIVERY_ATTENTION, sk {complaintId}#{key}): the record is written first and stays the truth (a re-send
// is a conditional write on it), the listing after it, marked cleared on a re-send (no function deletes
// items); the happy path writes no listing at all.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { PendingNotification } from '#domain/complaint';
import { InvalidInput } from '#domain/errors';
import { DeliveryNotFound, DeliveryNotResendable } from '#domain/notifications/errors';
import type {
  DeliveryAttention,
  DeliveryAttentionState,
  DeliveryLog,
  ScheduledDelivery,
} from '#domain/ports';
import { COMPLAINT_PARTITION_PREFIX, TTL_ATTRIBUTE } from './table-design.ts';

/** Delivery records are kept this long after the last attempt (retries never outlive it). */
export const DELIVERY_RECORD_TTL_SECONDS = 400 * 24 * 3600;

const DELIVERY_PREFIX = 'DELIVERY#';
/** Deliveries waiting for an operator: one small item each, marked cleared when re-sent. */
export const DELIVERY_ATTENTION_PARTITION = 'OPS#DELIVERY_ATTENTION';
/** A cleared listing stays this long (what was re-sent, by whom is on the delivery record). */
const CLEARED_LISTING_TTL_SECONDS = 7 * 24 * 3600;

const attentionKey = (complaintId: string, key: string) => ({
  pk: DELIVERY_ATTENTION_PARTITION,
  sk: `${complaintId}#${key}`,
});

const deliveryKey = (complaintId: string, key: string) => ({
  pk: `${COMPLAINT_PARTITION_PREFIX}${complaintId}`,
  sk: `${DELIVERY_PREFIX}${key}`,
});

export class DynamoDeliveryLog implements DeliveryLog {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#tableName = tableName;
  }

  async schedule(complaintId: string, notification: PendingNotification, sendAt: Date): Promise<void> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...deliveryKey(complaintId, notification.key),
            status: 'scheduled',
            notification,
            sendAt: sendAt.toISOString(),
            attempts: 0,
            [TTL_ATTRIBUTE]: ttl(sendAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Scheduled (or sent) before: the first schedule stands.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async unsent(complaintId: string): Promise<ScheduledDelivery[]> {
    const found: ScheduledDelivery[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: '#status IN (:scheduled, :failed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': `${COMPLAINT_PARTITION_PREFIX}${complaintId}`,
            ':prefix': DELIVERY_PREFIX,
            ':scheduled': 'scheduled',
            ':failed': 'attempt-failed',
          },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.notification && item.sendAt) {
          found.push({
            notification: item.notification as PendingNotification,
            sendAt: new Date(String(item.sendAt)),
            ...(typeof item.redrive === 'number' && item.redrive > 0 ? { redrive: item.redrive } : {}),
          });
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async begin(complaintId: string, key: string, at: Date): Promise<'send' | 'already-sent' | 'uncertain'> {
    // One conditional write claims the attempt: never attempted, scheduled, or last refused by the provider.
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: deliveryKey(complaintId, key),
          UpdateExpression:
            'SET #status = :sending, attempts = if_not_exists(attempts, :zero) + :one, lastAttemptAt = :at, ' +
            'firstAttemptAt = if_not_exists(firstAttemptAt, :at), #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#status) OR #status IN (:scheduled, :failed)',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':scheduled': 'scheduled',
            ':failed': 'attempt-failed',
            ':zero': 0,
            ':one': 1,
            ':at': at.toISOString(),
            ':ttl': ttl(at),
          },
        }),
      );
      return 'send';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: deliveryKey(complaintId, key),
        ConsistentRead: true,
      }),
    );
    return Item?.status === 'sending' ? 'uncertain' : 'already-sent';
  }

  async markAttemptFailed(complaintId: string, key: string, at: Date, error: string): Promise<void> {
    await this.#finish(complaintId, key, at, { status: 'attempt-failed', lastError: error });
  }

  async markSent(complaintId: string, key: string, at: Date, messageIds: string[]): Promise<void> {
    await this.#finish(complaintId, key, at, { status: 'sent', messageIds });
  }

  async markSkipped(complaintId: string, key: string, at: Date, reason: string): Promise<void> {
    await this.#finish(complaintId, key, at, { status: 'skipped', reason });
  }

  async markUncertain(complaintId: string, key: string, at: Date): Promise<void> {
    const record = await this.#record(complaintId, key);
    await this.#finish(complaintId, key, at, { status: 'uncertain', reason: 'interrupted-mid-send' });
    await this.#list(complaintId, key, record, 'uncertain', at, undefined);
  }

  async markDeadLettered(complaintId: string, key: string, at: Date, error: string): Promise<void> {
    const record = await this.#record(complaintId, key);
    // No record: nothing was ever scheduled or attempted (e.g. the complaint was erased first).
    if (!record || record.status === 'sent' || record.status === 'skipped') return;
    // An attempt cut off mid-send that then ran out of retries may have sent the text: uncertain, not failed.
    const state =
      record.status === 'sending' || record.status === 'uncertain' ? 'uncertain' : 'dead-lettered';
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: deliveryKey(complaintId, key),
          UpdateExpression: 'SET #status = :state, finishedAt = :at, lastError = :error',
          ConditionExpression: 'attribute_not_exists(#status) OR NOT #status IN (:sent, :skipped)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':state': state,
            ':at': at.toISOString(),
            ':error': error,
            ':sent': 'sent',
            ':skipped': 'skipped',
          },
        }),
      );
    } catch (failure) {
      // Sent in the meantime (a re-send won the race): nothing to list.
      if (failure instanceof ConditionalCheckFailedException) return;
      throw failure;
    }
    await this.#list(complaintId, key, record, state, at, error);
  }

  async flagStuck(complaintId: string, olderThan: Date, at: Date): Promise<number> {
    let flagged = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression:
            '#status = :sending AND lastAttemptAt < :before AND attribute_not_exists(stuckSince)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': `${COMPLAINT_PARTITION_PREFIX}${complaintId}`,
            ':prefix': DELIVERY_PREFIX,
            ':sending': 'sending',
            ':before': olderThan.toISOString(),
          },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const key = String(item.sk).slice(DELIVERY_PREFIX.length);
        try {
          await this.#doc.send(
            new UpdateCommand({
              TableName: this.#tableName,
              Key: deliveryKey(complaintId, key),
              UpdateExpression: 'SET stuckSince = :at',
              ConditionExpression: '#status = :sending AND lastAttemptAt = :seen',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':at': at.toISOString(),
                ':sending': 'sending',
                ':seen': item.lastAttemptAt,
              },
            }),
          );
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) continue; // it moved on meanwhile
          throw error;
        }
        await this.#list(complaintId, key, item, 'sending', at, undefined);
        flagged++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return flagged;
  }

  async attention(query: {
    state?: DeliveryAttentionState;
    limit: number;
    cursor?: string;
  }): Promise<{ items: DeliveryAttention[]; cursor?: string }> {
    const items: DeliveryAttention[] = [];
    let start = query.cursor ? decodeCursor(query.cursor) : undefined;
    // A filtered page may come back short: read on until the page is full or the list ends.
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          ...(query.state
            ? {
                FilterExpression: '#state = :state AND attribute_not_exists(clearedAt)',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':pk': DELIVERY_ATTENTION_PARTITION, ':state': query.state },
              }
            : {
                FilterExpression: 'attribute_not_exists(clearedAt)',
                ExpressionAttributeValues: { ':pk': DELIVERY_ATTENTION_PARTITION },
              }),
          Limit: query.limit - items.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) items.push(attentionOf(item));
      start = page.LastEvaluatedKey;
    } while (start && items.length < query.limit);
    return { items, ...(start ? { cursor: encodeCursor(start) } : {}) };
  }

  async redrive(
    complaintId: string,
    key: string,
    at: Date,
    by: string,
    sendAts: { customer: Date; staff: Date },
  ): Promise<ScheduledDelivery> {
    const record = await this.#record(complaintId, key);
    if (!record) throw new DeliveryNotFound(complaintId, key);
    const notification = record.notification as PendingNotification | undefined;
    const sendAt = notification?.audience === 'staff' ? sendAts.staff : sendAts.customer;
    const seen = typeof record.redrive === 'number' ? record.redrive : 0;
    const status = String(record.status ?? 'unknown');
    const listed =
      status === 'dead-lettered' || status === 'uncertain' || (status === 'sending' && record.stuckSince);
    if (!listed || !notification) throw new DeliveryNotResendable(complaintId, key, status);
    try {
      // The gate: of two re-sends of the same failure, only the one that still sees it moves it on.
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: deliveryKey(complaintId, key),
          UpdateExpression:
            'SET #status = :scheduled, redrive = :next, redriveAt = :at, redriveBy = :by, sendAt = :sendAt ' +
            'REMOVE finishedAt, stuckSince, reason',
          ConditionExpression: '#status = :seenStatus AND (attribute_not_exists(redrive) OR redrive = :seen)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':scheduled': 'scheduled',
            ':next': seen + 1,
            ':at': at.toISOString(),
            ':by': by,
            ':sendAt': sendAt.toISOString(),
            ':seenStatus': status,
            ':seen': seen,
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new DeliveryNotResendable(complaintId, key, 're-sent already');
      throw error;
    }
    // Cleared, not deleted (no function may delete items): hidden from the listing, gone with its TTL.
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: attentionKey(complaintId, key),
          UpdateExpression: 'SET clearedAt = :at, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(redrive) OR redrive = :seen)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':ttl': Math.floor(at.getTime() / 1000) + CLEARED_LISTING_TTL_SECONDS,
            ':seen': seen,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return { notification, sendAt, redrive: seen + 1 };
  }

  async #record(complaintId: string, key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: deliveryKey(complaintId, key),
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** Lists the delivery for an operator (replacing an earlier listing of it). */
  async #list(
    complaintId: string,
    key: string,
    record: Record<string, unknown> | undefined,
    state: DeliveryAttentionState,
    at: Date,
    error: string | undefined,
  ): Promise<void> {
    const notification = record?.notification as PendingNotification | undefined;
    const lastError = error ?? (typeof record?.lastError === 'string' ? record.lastError : undefined);
    await this.#doc.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          ...attentionKey(complaintId, key),
          complaintId,
          key,
          event: notification?.event ?? key.split(/[.:]/)[0] ?? key,
          state,
          since: at.toISOString(),
          attempts: typeof record?.attempts === 'number' ? record.attempts : 0,
          redrive: typeof record?.redrive === 'number' ? record.redrive : 0,
          ...(lastError ? { lastError } : {}),
          [TTL_ATTRIBUTE]: ttl(at),
        },
      }),
    );
  }

  async #finish(complaintId: string, key: string, at: Date, fields: Record<string, unknown>): Promise<void> {
    const names = Object.keys(fields);
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: deliveryKey(complaintId, key),
        UpdateExpression: `SET finishedAt = :at, ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ':at': at.toISOString(),
          ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
        },
      }),
    );
  }
}

function ttl(at: Date): number {
  return Math.floor(at.getTime() / 1000) + DELIVERY_RECORD_TTL_SECONDS;
}

function attentionOf(item: Record<string, unknown>): DeliveryAttention {
  return {
    complaintId: String(item.complaintId),
    key: String(item.key),
    event: String(item.event),
    state: item.state as DeliveryAttentionState,
    since: String(item.since),
    attempts: Number(item.attempts ?? 0),
    redrive: Number(item.redrive ?? 0),
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
  };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && (key as { pk?: unknown }).pk === DELIVERY_ATTENTION_PARTITION)
      return key as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new InvalidInput('the cursor is not one this list handed out', [
    { path: 'cursor', message: 'must be the nextCursor of a previous page' },
  ]);
}
