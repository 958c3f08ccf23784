// The OperationsLedger port on the complaints table: the needs-operator list (one small item per parked
// complaint under one partition, pk OPS#NEEDS_OPERATOR, sk the complaint id) and where each reconciler
// walk stopped (pk OPS#RECONCILER, sk the walk's name). Neither touches a complaint item or its version.
// No function deletes items: a cleared entry is marked and left to TTL.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { OperationsLedger } from '#domain/ports';
import {
  needsOperatorKey,
  NEEDS_OPERATOR_PARTITION,
  reconcileCursorKey,
  TTL_ATTRIBUTE,
} from './table-design.ts';

/** A cleared needs-operator entry stays this long (for the record) before TTL removes it. */
const CLEARED_ENTRY_TTL_SECONDS = 30 * 24 * 3600;

export class DynamoOperationsLedger implements OperationsLedger {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#tableName = tableName;
  }

  async markNeedsOperator(complaintId: string, since: string): Promise<void> {
    await this.#doc.send(
      new PutCommand({ TableName: this.#tableName, Item: { ...needsOperatorKey(complaintId), since } }),
    );
  }

  async clearNeedsOperator(complaintId: string): Promise<void> {
    const now = new Date();
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: needsOperatorKey(complaintId),
        UpdateExpression: 'SET clearedAt = :at, #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':at': now.toISOString(),
          ':ttl': Math.floor(now.getTime() / 1000) + CLEARED_ENTRY_TTL_SECONDS,
        },
      }),
    );
  }

  async needsOperator(): Promise<string[]> {
    const listed: { id: string; since: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'attribute_not_exists(clearedAt)',
          ExpressionAttributeValues: { ':pk': NEEDS_OPERATOR_PARTITION },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) listed.push({ id: String(item.sk), since: String(item.since) });
      start = page.LastEvaluatedKey;
    } while (start);
    return listed.sort((a, b) => a.since.localeCompare(b.since)).map((entry) => entry.id);
  }

  async reconcileCursor(walk: string): Promise<string | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tableName, Key: reconcileCursorKey(walk), ConsistentRead: true }),
    );
    return typeof Item?.cursor === 'string' ? Item.cursor : undefined;
  }

  /** Without a cursor the record says "start from the beginning". */
  async saveReconcileCursor(walk: string, cursor: string | undefined): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          ...reconcileCursorKey(walk),
          ...(cursor ? { cursor } : {}),
          savedAt: new Date().toISOString(),
        },
      }),
    );
  }
}
