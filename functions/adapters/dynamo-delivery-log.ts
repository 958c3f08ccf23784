// The DeliveryLog port on the complaints table: one small item per message beside the complaint
// (pk COMPLAINT#{id}, sk DELIVERY#{key}), so recording a delivery never changes the complaint's version.
// A delivery is recorded when it is scheduled, so one whose execution was lost (the embedded stack keeps
// executions in memory) can be handed over again after a restart.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { PendingNotification } from '#domain/complaint';
import type { DeliveryLog, ScheduledDelivery } from '#domain/ports';
import { COMPLAINT_PARTITION_PREFIX, TTL_ATTRIBUTE } from './table-design.ts';

/** Delivery records are kept this long after the last attempt (retries never outlive it). */
export const DELIVERY_RECORD_TTL_SECONDS = 400 * 24 * 3600;

const DELIVERY_PREFIX = 'DELIVERY#';

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
