// The local DynamoDB (dynalite): tables created once and kept, with their items, across restarts on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynamo/server.ts';
import { credentials, region } from './support.ts';

const table: CreateTableCommandInput = {
  TableName: 'complaints-local-test',
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
};

const started: LocalDynamo[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((dynamo) => dynamo.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function start(path?: string) {
  const dynamo = await startLocalDynamo({ ...(path && { path }), tables: [table] });
  started.push(dynamo);
  return { dynamo, client: new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials }) };
}

describe('startLocalDynamo', () => {
  it('creates the tables ACTIVE with their indexes, in memory when no path is given', async () => {
    // Act
    const { client } = await start();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table.TableName }));

    // Assess
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
  });

  it('keeps tables and items on disk across a restart, creating nothing twice', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'local-dynamo-')), 'level');
    directories.push(join(path, '..'));
    const first = await start(path);
    await first.client.send(
      new PutItemCommand({
        TableName: table.TableName,
        Item: {
          pk: { S: 'COMPLAINT#C-1' },
          sk: { S: 'COMPLAINT' },
          gsi1pk: { S: 'OPEN' },
          version: { N: '3' },
        },
      }),
    );
    await first.dynamo.close();
    started.splice(0);

    // Act
    const second = await start(path);
    const { Item } = await second.client.send(
      new GetItemCommand({
        TableName: table.TableName,
        Key: { pk: { S: 'COMPLAINT#C-1' }, sk: { S: 'COMPLAINT' } },
      }),
    );
    const { Items } = await second.client.send(
      new QueryCommand({
        TableName: table.TableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :open',
        ExpressionAttributeValues: { ':open': { S: 'OPEN' } },
      }),
    );

    // Assess
    expect(Item?.version).toEqual({ N: '3' });
    expect(Items).toHaveLength(1);
  });
});
