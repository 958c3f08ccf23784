// The DeliveryLog port on the complaints table: one small item per message beside the complaint
// (pk COMPLAINT#{id}, sk DELIVERY#{key}), so recording a delivery never changes the complaint's version.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLog } from '#domain/ports';
import { COMPLAINT_PARTITION_PREFIX, TTL_ATTRIBUTE } from './table-design.ts';

/** Delivery records are kept this long after the last attempt (retries never outlive it). */
export const DELIVERY_RECORD_TTL_SECONDS = 400 * 24 * 3600;

const deliveryKey = (complaintId: string, key: string) => ({
  pk: `${COMPLAINT_PARTITION_PREFIX}${complaintId}`,
  sk: `DELIVERY#${key}`,
});

export class DynamoDeliveryLog implements DeliveryLog {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#tableName = tableName;
  }

  async begin(complaintId: string, key: string, at: Date): Promise<'send' | 'already-sent'> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...deliveryKey(complaintId, key),
            status: 'sending',
            attempts: 1,
            firstAttemptAt: at.toISOString(),
            [TTL_ATTRIBUTE]: ttl(at),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'send';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.#doc.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: deliveryKey(complaintId, key),
        ConsistentRead: true,
      }),
    );
    if (existing.Item?.status === 'sent' || existing.Item?.status === 'skipped') return 'already-sent';
    // An earlier attempt failed before sending (or crashed mid-send): try again and count it.
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: deliveryKey(complaintId, key),
        UpdateExpression: 'SET attempts = attempts + :one, lastAttemptAt = :at',
        ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString() },
      }),
    );
    return 'send';
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
