// The local DynamoDB: dynalite on loopback, persisted to LevelDB when given a path, with the project's
// tables created on first start and left as they are on later starts (their data survives restarts).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { closeServer, listen } from './http-util.ts';

export interface LocalDynamoOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  /** 0 or absent: a free port. */
  port?: number;
  tables: readonly CreateTableCommandInput[];
}

export interface LocalDynamo {
  /** Base URL for AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  close(): Promise<void>;
}

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no type declarations; this is the one function of it used here.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

export async function startLocalDynamo(options: LocalDynamoOptions): Promise<LocalDynamo> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server = dynalite({
    ...(options.path && { path: options.path }),
    // Tables are usable at once: nothing local gains from DynamoDB's CREATING delay.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const endpoint = await listen(server, options.port);
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const table of options.tables) await ensureTable(client, table);
  } catch (error) {
    await closeServer(server);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, close: () => closeServer(server) };
}

async function ensureTable(client: DynamoDBClient, table: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(table));
  } catch (error) {
    // Already there from an earlier start: keep it and its items.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await untilActive(client, table.TableName!);
}

async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > giveUpAt) throw new Error(`Table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
