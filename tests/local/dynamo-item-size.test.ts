// The local DynamoDB measures item sizes as DynamoDB does (UTF-8 bytes), so the 400 KB limit bites locally
// exactly where it would on AWS: Chinese text counts three bytes a character, not one UTF-16 unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoItemSize, MAX_ITEM_BYTES } from '../../infra/local/dynamo/item-size.ts';
import { startLocalDynamo, type LocalDynamo as EmbeddedDynamo } from '../../infra/local/dynamo/server.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { credentials, region } from './support.ts';

describe('dynamoItemSize', () => {
  it('counts names and strings in UTF-8 bytes, numbers by significant digits, containers with overhead', () => {
    expect(dynamoItemSize({ a: { S: 'abc' } })).toBe(1 + 3);
    expect(dynamoItemSize({ 名: { S: '投诉' } })).toBe(3 + 6);
    expect(dynamoItemSize({ n: { N: '12345' } })).toBe(1 + 1 + 3);
    expect(dynamoItemSize({ n: { N: '-0.0100' } })).toBe(1 + 1 + 1 + 1);
    expect(dynamoItemSize({ f: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
    expect(dynamoItemSize({ l: { L: [{ S: 'ab' }, { N: '7' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(dynamoItemSize({ m: { M: { k: { S: '字' } } } })).toBe(1 + 3 + 1 + (1 + 3));
  });
});

const table = 'item-size-test';
/** An item whose one string attribute takes the rest of `bytes` (UTF-8) after the keys and its name. */
function itemOf(bytes: number, character: 'a' | '字') {
  const keys = { pk: { S: 'K' }, sk: { S: 'K' } };
  const overhead = dynamoItemSize(keys) + 'body'.length;
  const width = Buffer.byteLength(character, 'utf8');
  const body = character.repeat(Math.floor((bytes - overhead) / width));
  return { ...keys, body: { S: body } };
}

describe.each([
  ['the embedded stack', 'embedded'],
  ['the test support', 'support'],
] as const)('the local DynamoDB of %s', (_label, which) => {
  let client: DynamoDBClient;
  let close: () => Promise<void>;
  let tableName: string;

  beforeAll(async () => {
    if (which === 'embedded') {
      const dynamo: EmbeddedDynamo = await startLocalDynamo({
        tables: [
          {
            TableName: table,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: 'sk', AttributeType: 'S' },
            ],
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
          },
        ],
      });
      client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
      tableName = table;
      close = () => dynamo.close();
    } else {
      const dynamo: LocalDynamo = await startDynalite();
      client = dynamo.client;
      tableName = dynamo.tableName;
      close = () => dynamo.close();
    }
  });
  afterAll(() => close());

  const put = (item: ReturnType<typeof itemOf>) =>
    client.send(new PutItemCommand({ TableName: tableName, Item: item }));

  it('accepts a CJK item of exactly 400 KB in UTF-8 bytes', async () => {
    const item = itemOf(MAX_ITEM_BYTES, '字');
    expect(dynamoItemSize(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    await expect(put(item)).resolves.toBeDefined();
  });

  it("refuses a CJK item over 400 KB in UTF-8 (a third of that in UTF-16 units) with DynamoDB's ValidationException", async () => {
    const item = itemOf(MAX_ITEM_BYTES + 3, '字');
    expect(dynamoItemSize(item)).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(item.body.S.length).toBeLessThan(MAX_ITEM_BYTES / 2);

    await expect(put(item)).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Item size has exceeded the maximum allowed size',
    });
  });

  it('still refuses an ASCII item over 400 KB and accepts one at the limit', async () => {
    await expect(put(itemOf(MAX_ITEM_BYTES, 'a'))).resolves.toBeDefined();
    await expect(put(itemOf(MAX_ITEM_BYTES + 1, 'a'))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
