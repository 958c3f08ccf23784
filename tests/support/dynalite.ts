// A real DynamoDB wire endpoint for tests: dynalite on a free loopback port, with the complaint table
// created from the same definition the CDK stack deploys.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { complaintTableDefinition } from '#adapters/table-design';
import { measureItemSizesLikeDynamoDb } from '../../infra/local/dynamo-item-size.ts';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations; requiring it keeps its one entry point typed here.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Creates another complaint table on the same server (e.g. one per property-test run). */
  createTable(tableName: string): Promise<void>;
  close(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  tableName?: string;
}

let tableCounter = 0;

export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  // Item sizes in UTF-8 bytes, as DynamoDB counts them, so tests meet the 400 KB limit where AWS would.
  measureItemSizesLikeDynamoDb();
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const createTable = (tableName: string): Promise<void> => createComplaintTable(client, tableName);
  const tableName = options.tableName ?? `complaints-test-${process.pid}-${++tableCounter}`;
  await createTable(tableName);
  return {
    endpoint,
    client,
    doc,
    tableName,
    createTable,
    close: async () => {
      doc.destroy();
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** Creates the table unless it exists (a persisted path keeps it) and waits until it is active. */
export async function createComplaintTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(complaintTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1 }, { TableName: tableName });
}
