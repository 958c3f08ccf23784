// The local DynamoDB (dynamo-server.ts) on its own thread: dynalite, its LevelDB store and its HTTP server
// run in a worker thread, so the handlers' requests are parsed, checked and stored on the second core
// while the stack's thread runs the gateway, the handlers and the workflows. The start is the same
// (damage check, repair after an unclean stop, tables); the worker lives and dies with the process, so a
// kill leaves the store exactly as the in-thread server would, and a close waits for dynalite's close.
// Failure injection (failNext) takes a predicate, which cannot cross threads: it needs the in-thread server.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { IndexRepairReport } from './repair.ts';
import { startLocalDynamo, type LocalDynamo, type LocalDynamoOptions } from './server.ts';
import { StoreDamaged } from './level-store-check.ts';

type WorkerOptions = Omit<LocalDynamoOptions, 'log'>;
type FromWorker =
  | { kind: 'started'; endpoint: string; repair: IndexRepairReport | undefined }
  | { kind: 'failed'; error: { name: string; message: string; props: Record<string, unknown> } }
  | { kind: 'log'; line: string }
  | { kind: 'closed' };
type ToWorker = { kind: 'close' };

export async function startLocalDynamoInWorker(options: LocalDynamoOptions): Promise<LocalDynamo> {
  const log = options.log ?? (() => undefined);
  const { log: _omitted, ...serializable } = options;
  const worker = new Worker(new URL(import.meta.url), { workerData: serializable satisfies WorkerOptions });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const started = await new Promise<Extract<FromWorker, { kind: 'started' }>>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'log') log(message.line);
      else if (message.kind === 'started') resolve(message);
      else if (message.kind === 'failed') reject(rebuildError(message.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the DynamoDB worker exited (${code}) before it started`)),
    );
  });
  return {
    endpoint: started.endpoint,
    repair: started.repair,
    failNext: () => {
      throw new Error('failure injection needs the local DynamoDB on the stack thread (dynamoWorker: false)');
    },
    close: async () => {
      const closed = new Promise<void>((resolve) =>
        worker.on('message', (message: FromWorker) => {
          if (message.kind === 'closed') resolve();
        }),
      );
      worker.postMessage({ kind: 'close' } satisfies ToWorker);
      await Promise.race([closed, exited]);
      await worker.terminate();
    },
  };
}

/**
 * The worker's error with its name and own fields (a port's `code`), and a damaged store's as StoreDamaged,
 * so the start-up's one-line messages (startup-failure.ts) recognise it as they do in the thread.
 */
function rebuildError(shape: { name: string; message: string; props: Record<string, unknown> }): Error {
  const error = Object.assign(new Error(shape.message), shape.props, { name: shape.name });
  if (shape.name === 'StoreDamaged') Object.setPrototypeOf(error, StoreDamaged.prototype);
  return error;
}

async function runInWorker(options: WorkerOptions): Promise<void> {
  const post = (message: FromWorker) => parentPort!.postMessage(message);
  let dynamo: LocalDynamo;
  try {
    dynamo = await startLocalDynamo({ ...options, log: (line) => post({ kind: 'log', line }) });
  } catch (error) {
    const props: Record<string, unknown> = {};
    if (error && typeof error === 'object') {
      for (const [key, value] of Object.entries(error)) {
        try {
          props[key] = structuredClone(value);
        } catch {
          // A field that cannot cross threads is left out.
        }
      }
    }
    post({
      kind: 'failed',
      error: {
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
        props,
      },
    });
    return;
  }
  parentPort!.on('message', (message: ToWorker) => {
    if (message.kind !== 'close') return;
    void dynamo.close().then(() => {
      post({ kind: 'closed' });
      parentPort!.close();
    });
  });
  post({ kind: 'started', endpoint: dynamo.endpoint, repair: dynamo.repair });
}

if (!isMainThread && (workerData as { tables?: unknown } | undefined)?.tables) {
  await runInWorker(workerData as WorkerOptions);
}
