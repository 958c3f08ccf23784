// The local DynamoDB: dynalite on loopback, persisted to LevelDB when given a path, with the project's
// tables created on first start and left as they are on later starts (their data survives restarts).
// A marker file in the data directory tells a start that the last run did not close cleanly; the indexes
// are then repaired (repair.ts) before anything else reads them. A damaged store (level-store-check.ts)
// stops the start before LevelDB can open it as a new, empty one.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { REPAIR_JOURNAL_FILE, describeRepair, repairIndexes, type IndexRepairReport } from './repair.ts';
import { measureItemSizesLikeDynamoDb } from './item-size.ts';
import { closeServer, listen } from '../shared/http-util.ts';
import { checkLevelStore, forgetCleanStop, openExistingStore, recordCleanStop } from './level-store-check.ts';

/** Present in the data directory while a server runs on it; left behind by a run that did not close. */
export const RUNNING_MARKER_FILE = '.running';

export interface LocalDynamoOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  /** 0 or absent: a free port. */
  port?: number;
  tables: readonly CreateTableCommandInput[];
  /** Human-readable lines (the repair summary); silent when absent. */
  log?: (line: string) => void;
}

/** A request the next n matching calls fail with, as DynamoDB would answer it (failure injection). */
export interface DynamoFault {
  /** The operation, e.g. PutItem. */
  operation: string;
  /** AWS error code (default ConditionalCheckFailedException: another writer won the race). */
  code?: string;
  /** Only requests whose JSON body this accepts (default: every request of the operation). */
  matches?: (request: Record<string, unknown>) => boolean;
}

export interface LocalDynamo {
  /** Base URL for AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** The next `n` requests that match `fault` fail with its error code. */
  failNext(n: number, fault: DynamoFault): void;
  /** What the start repaired after an unclean stop; undefined when the last run closed cleanly (or in memory). */
  repair: IndexRepairReport | undefined;
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

type IteratorClass = { prototype: { return?: () => Promise<void>; close(): Promise<void> } };

/**
 * dynalite 4 ends every Query and Scan stream with `iterator.return()`, which abstract-level's iterators do
 * not have (they have `close()`), so each query left its iterator open for the life of the process,
 * pinning LevelDB memtables: about 0.3 MiB per complaint registered (docs/benchmarks.md). Giving the
 * iterators a `return` that closes them fixes it; the same abstract-level instance dynalite loads is patched.
 */
export function closeDynaliteQueryIterators(): void {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const level = fromDynalite('abstract-level') as Record<string, IteratorClass | undefined>;
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const iterator = level[name];
    if (iterator && !iterator.prototype.return) {
      iterator.prototype.return = function (this: { close(): Promise<void> }) {
        return this.close();
      };
    }
  }
}

export async function startLocalDynamo(options: LocalDynamoOptions): Promise<LocalDynamo> {
  closeDynaliteQueryIterators();
  measureItemSizesLikeDynamoDb();
  const log = options.log ?? (() => undefined);
  const marker = options.path ? join(options.path, RUNNING_MARKER_FILE) : undefined;
  if (options.path) {
    mkdirSync(options.path, { recursive: true });
    checkLevelStore(options.path);
    await openExistingStore(options.path);
    forgetCleanStop(options.path);
  }
  const uncleanStop = marker !== undefined && existsSync(marker);
  const server = dynalite({
    ...(options.path && { path: options.path }),
    // Tables are usable at once: nothing local gains from DynamoDB's CREATING delay.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const faults = injectFaults(server);
  let endpoint: string;
  try {
    endpoint = await listen(server, options.port);
  } catch (error) {
    // Not listening, so closeServer would skip dynalite's close, which is what closes the database.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  // Before the first write (requests only come through the port): from here on a kill can leave a write
  // half done.
  if (marker) writeFileSync(marker, `${process.pid} ${new Date().toISOString()}\n`);
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // The SDK's logger middleware copies every response through its sensitive-data filter even for the no-op
  // logger: a quarter to a third of what a repair of a few thousand items costs.
  client.middlewareStack.remove('loggerMiddleware');
  let repair: IndexRepairReport | undefined;
  try {
    for (const table of options.tables) await ensureTable(client, table);
    if (uncleanStop) {
      repair = await repairIndexes(client, join(options.path!, REPAIR_JOURNAL_FILE));
      log(describeRepair(repair));
    }
  } catch (error) {
    // The marker stays: whatever was half done is still there for the next start to repair.
    await closeServer(server);
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    repair,
    failNext: faults.arm,
    close: async () => {
      await closeServer(server);
      // dynalite's close waits for pending LevelDB writes and closes the database: nothing is half done.
      if (options.path) recordCleanStop(options.path);
      if (marker) rmSync(marker, { force: true });
    },
  };
}

interface ArmedFault extends Required<DynamoFault> {
  remaining: number;
}

/**
 * Puts a filter in front of dynalite's request listener. Unarmed it passes every request straight on;
 * armed, it reads the body, answers a matching request with the fault, and replays any other to dynalite.
 */
function injectFaults(server: Server): { arm: LocalDynamo['failNext'] } {
  const [dynaliteListener] = server.listeners('request') as RequestListener[];
  if (!dynaliteListener) throw new Error('dynalite has no request listener');
  server.removeAllListeners('request');
  let armed: ArmedFault[] = [];
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (armed.length === 0) return void dynaliteListener(request, response);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const fault = armed.find((f) => f.operation === operation && f.matches(parseRequest(body)));
      if (!fault) {
        // dynalite reads headers, method and url, and the body from 'data' and 'end' events.
        const replay = Object.assign(Readable.from([body]), {
          headers: request.headers,
          method: request.method,
          url: request.url,
        });
        return void dynaliteListener(replay as unknown as IncomingMessage, response);
      }
      fault.remaining -= 1;
      armed = armed.filter((f) => f.remaining > 0);
      const text = JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${fault.code}`,
        message: `injected failure (${fault.code})`,
      });
      response.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    });
  });
  return {
    arm: (n, fault) => {
      armed.push({
        operation: fault.operation,
        code: fault.code ?? 'ConditionalCheckFailedException',
        matches: fault.matches ?? (() => true),
        remaining: n,
      });
    },
  };
}

function parseRequest(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Creates the table unless it exists (a persisted store keeps it) and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, table: CreateTableCommandInput): Promise<void> {
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
