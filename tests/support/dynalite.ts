// A real DynamoDB wire endpoint for tests: the same local DynamoDB `npm start` runs (infra/local/
// dynamo/server.ts: dynalite with its iterator fix, DynamoDB's UTF-8 item sizes, instant tables), on a free
// loopback port, with the complaint table created from the definition the CDK stack deploys.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { complaintTableDefinition } from '#adapters/table-design';
import type { Complaint } from '#domain/complaint';
import type { PersonalDataCipher } from '#domain/ports';
import { ensureTable, startLocalDynamo } from '../../infra/local/dynamo/server.ts';

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
  const tableName = options.tableName ?? `complaints-test-${process.pid}-${++tableCounter}`;
  const server = await startLocalDynamo({
    ...(options.path ? { path: options.path } : {}),
    tables: [complaintTableDefinition(tableName)],
  });
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint: server.endpoint,
    client,
    doc,
    tableName,
    createTable: (name) => createComplaintTable(client, name),
    close: async () => {
      doc.destroy();
      client.destroy();
      await server.close();
    },
  };
}

/** Creates the table unless it exists (a persisted path keeps it) and waits until it is active. */
export function createComplaintTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return ensureTable(client, complaintTableDefinition(tableName));
}

let storeCounter = 0;

/**
 * A complaint store on a table of its own on the server, holding the given complaints without their
 * registration events (listings never read the audit trail, and a stored item then equals the complaint
 * as given).
 */
export async function storeHolding(
  dynamo: LocalDynamo,
  cipher: PersonalDataCipher,
  complaints: readonly Complaint[] = [],
): Promise<DynamoComplaintStore> {
  const tableName = `${dynamo.tableName}-s${++storeCounter}`;
  await dynamo.createTable(tableName);
  const store = new DynamoComplaintStore(dynamo.doc, tableName, cipher);
  await Promise.all(complaints.map((complaint) => store.create({ ...complaint, timeline: [] })));
  return store;
}
