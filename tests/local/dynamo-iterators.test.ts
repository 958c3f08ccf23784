// dynalite closes its query iterators through `return()`; without the fix in dynamo-server.ts no query
// iterator was ever closed and the embedded stack's memory grew with every complaint.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { complaintTableDefinition } from '#adapters/table-design';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynamo/server.ts';

type Closable = { prototype: { close(): Promise<void> } };
const level = createRequire(createRequire(import.meta.url).resolve('dynalite'))('abstract-level') as Record<
  string,
  Closable
>;

const ITERATOR_CLASSES = ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator'];
let dynamo: LocalDynamo;
let closed = 0;
const originals = new Map(ITERATOR_CLASSES.map((name) => [name, level[name]!.prototype.close]));

beforeAll(async () => {
  // Observe (not replace) iterator closing: count, then call the real close.
  for (const [name, close] of originals) {
    level[name]!.prototype.close = function (this: unknown) {
      closed++;
      return close.call(this);
    };
  }
  dynamo = await startLocalDynamo({ tables: [complaintTableDefinition('complaints')] });
});
afterAll(async () => {
  for (const [name, close] of originals) level[name]!.prototype.close = close;
  await dynamo?.close();
});

describe('local DynamoDB query iterators', () => {
  it('closes the iterator of every Query', async () => {
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
    );
    await doc.send(new PutCommand({ TableName: 'complaints', Item: { pk: 'P#1', sk: 'S#1' } }));
    const before = closed;
    for (let i = 0; i < 20; i++) {
      await doc.send(
        new QueryCommand({
          TableName: 'complaints',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'P#1' },
        }),
      );
    }
    expect(closed - before).toBeGreaterThanOrEqual(20);
  });
});
