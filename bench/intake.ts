// Benchmark (not a test): how many complaints per second the embedded stack registers, next to how many
// raw PutItem calls per second the same dynalite takes, in one run. The stack (gateway, handlers, local
// Step Functions, local SNS and dynalite) runs on the main thread, as under `npm start`; autocannon runs
// in a worker thread so it does not steal that thread. Raw PutItem runs twice: from the main thread, as
// the handlers call dynalite, and from a worker, which leaves dynalite alone on the main thread.
//
//   node bench/intake.ts            both storages, one process each (in memory, then LevelDB in a temp dir)
//   BENCH_STORAGE=memory|disk  BENCH_DURATION=15  BENCH_CONNECTIONS=16  BENCH_WARMUP=3
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { ulid } from 'ulid';
import { startEmbeddedStack, type EmbeddedStack } from '../infra/local/stack.ts';
import {
  complaintBody,
  codeVersion,
  machine,
  ms,
  muteNegativeTimerWarnings,
  summarize,
  threadMeter,
  describeThread,
  type ThreadUse,
  watchStack,
  type StackTraffic,
  type StackWatch,
  type Summary,
} from './support.ts';

type Storage = 'memory' | 'disk';
type Item = Record<string, unknown>;

interface IntakeJob {
  kind: 'intake';
  url: string;
  connections: number;
  seconds: number;
  runTag: number;
  /** An intake client's access token: the API needs one. */
  token: string;
}
interface PutJob {
  kind: 'put';
  endpoint: string;
  tableName: string;
  item: Item;
  itemId: string;
  connections: number;
  seconds: number;
}
type Job = IntakeJob | PutJob;

interface IntakeResult {
  seconds: number;
  sent: number;
  accepted: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latency: { p50: number; p99: number; max: number; mean: number };
  /** Epoch ms when the first request went out (worker start-up excluded). */
  startedAt: number;
  sampleComplaintId?: string;
}
interface PutResult {
  seconds: number;
  errors: number;
  latency: Summary;
}

const TABLE_NAME = 'complaints';
// Quiet hours off and no timer due within the run (the first, a response warning, is 19.2 min away):
// the work per complaint is then the same at any hour, and every 'received' text goes out at once.
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 60);
// Bounded wait for the workflows started during the load to park in AwaitStage.
const SETTLE_LIMIT_MS = 120_000;

async function main(): Promise<void> {
  const seconds = positiveNumber('BENCH_DURATION', 15);
  const warmupSeconds = positiveNumber('BENCH_WARMUP', 3);
  const connections = positiveNumber('BENCH_CONNECTIONS', 16);
  const storage = process.env.BENCH_STORAGE;
  const header = () =>
    console.log(
      `intake benchmark on ${machine()}; ${codeVersion()}\n` +
        `${connections} connections, ${warmupSeconds} s warm-up, ${seconds} s measured, time scale ${TIME_SCALE}\n`,
    );
  if (storage !== 'memory' && storage !== 'disk') {
    header();
    // One process per storage: the handlers keep their SDK clients (and endpoints) for the process's life.
    for (const each of ['memory', 'disk'] as const) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, BENCH_STORAGE: each, BENCH_CHILD: '1' },
        stdio: 'inherit',
      });
      if (child.status !== 0) process.exit(child.status ?? 1);
    }
    return;
  }
  if (!process.env.BENCH_CHILD) header();
  muteNegativeTimerWarnings();
  await benchStorage(storage, { seconds, warmupSeconds, connections, runTag: storage === 'memory' ? 1 : 3 });
}

async function benchStorage(
  storage: Storage,
  run: { seconds: number; warmupSeconds: number; connections: number; runTag: number },
): Promise<void> {
  const dataDir = storage === 'disk' ? mkdtempSync(join(tmpdir(), 'bench-intake-')) : undefined;
  const stack = await startEmbeddedStack({
    port: 0,
    ...(dataDir ? { dataDir } : {}),
    timeScale: TIME_SCALE,
    reconcileOnStart: false,
  });
  const watch = watchStack(stack);
  const token = await stack.issuer.mint({ role: 'intake', user: 'bench-intake', expiresIn: 24 * 3600 });
  try {
    const intake = (seconds: number, runTag: number) =>
      inWorker<IntakeResult>({
        kind: 'intake',
        url: `${stack.url}/v1/complaints`,
        connections: run.connections,
        seconds,
        runTag,
        token,
      });

    const warmup = await intake(run.warmupSeconds, run.runTag);
    await settled(stack, watch);
    watch.take();

    const loadBefore = loadavg()[0]!;
    const intakeMeter = threadMeter();
    const measured = await intake(run.seconds, run.runTag + 1);
    const underLoad = intakeMeter();
    const settledAt = await settled(stack, watch);
    const intakeUse = intakeMeter();
    const traffic = watch.take();

    const sampleId = measured.sampleComplaintId ?? warmup.sampleComplaintId;
    if (!sampleId) throw new Error('no complaint was registered: nothing to size a PutItem on');
    const item = await storedItem(stack, sampleId);
    const putJob: PutJob = {
      kind: 'put',
      endpoint: stack.dynamo.endpoint,
      tableName: TABLE_NAME,
      item,
      itemId: sampleId,
      connections: run.connections,
      seconds: run.seconds,
    };
    // Like the handlers: the SDK client shares the thread (and its CPU) with dynalite.
    let putMeter = threadMeter();
    const putInThread = await runPuts(putJob);
    const putInThreadUse = putMeter();
    // dynalite alone on the thread: the most PutItem it takes.
    putMeter = threadMeter();
    const putFromWorker = await inWorker<PutResult>(putJob);
    const putFromWorkerUse = putMeter();

    report({
      storage: dataDir ? `LevelDB in ${dataDir}` : 'in memory',
      intake: measured,
      sustainedSeconds: (settledAt - measured.startedAt) / 1000,
      underLoad,
      intakeCpuMs: intakeUse.cpuMs,
      traffic,
      item,
      putInThread: { ...putInThread, use: putInThreadUse },
      putFromWorker: { ...putFromWorker, use: putFromWorkerUse },
      load: [loadBefore, loadavg()[0]!],
    });
  } finally {
    await stack.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Waits until the work the registrations started is done: no request open at DynamoDB, Step Functions or
 * SNS, a complaint workflow parked in AwaitStage and a text in the outbox for every registration, and
 * all of that still true 250 ms later. Returns when it first held.
 */
async function settled(stack: EmbeddedStack, watch: StackWatch): Promise<number> {
  const giveUpAt = Date.now() + SETTLE_LIMIT_MS;
  let quietSince: number | undefined;
  for (;;) {
    const complaints = watch.registrationsTotal();
    // Cheapest checks first: the outbox is copied only once everything else looks done.
    const quiet =
      watch.internalInFlight() === 0 &&
      stack.sfn.waitingTasks() >= complaints &&
      stack.sns.outbox().length >= complaints;
    if (!quiet) quietSince = undefined;
    else if (quietSince === undefined) quietSince = Date.now();
    else if (Date.now() - quietSince >= 250) return quietSince;
    if (Date.now() > giveUpAt) {
      throw new Error(
        `the stack did not settle within ${SETTLE_LIMIT_MS / 1000} s: ${stack.sfn.waitingTasks()} of ${complaints} workflows parked`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The complaint item exactly as stored (index attributes included), after its workflow wrote it. */
async function storedItem(stack: EmbeddedStack, complaintId: string): Promise<Item> {
  const client = documentClient(stack.dynamo.endpoint);
  try {
    const { Item: item } = await client.send(
      new GetCommand({ TableName: TABLE_NAME, Key: { pk: `COMPLAINT#${complaintId}`, sk: 'COMPLAINT' } }),
    );
    if (!item) throw new Error(`complaint ${complaintId} is not in the table`);
    return item;
  } finally {
    client.destroy();
  }
}

interface MeasuredPuts extends PutResult {
  use: ThreadUse;
}

function report(run: {
  storage: string;
  intake: IntakeResult;
  sustainedSeconds: number;
  underLoad: ThreadUse;
  intakeCpuMs: number;
  traffic: StackTraffic;
  item: Item;
  putInThread: MeasuredPuts;
  putFromWorker: MeasuredPuts;
  load: [number, number];
}): void {
  const { intake } = run;
  const acknowledged = intake.accepted / intake.seconds;
  // Server side: a request the client gave up on at the end of the run still registers a complaint.
  const { registrations: created, requests } = run.traffic;
  const sustained = created / run.sustainedSeconds;
  const cpuPerComplaint = run.intakeCpuMs / created;
  const calls = [...requests]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, count]) => `${(count / created).toFixed(2)} ${operation}`);
  const totalCalls = [...requests.values()].reduce((sum, count) => sum + count, 0);
  const lines = [
    `== dynalite ${run.storage}; 1-min load average ${run.load[0].toFixed(1)} before, ${run.load[1].toFixed(1)} after`,
    `POST /v1/complaints   ${acknowledged.toFixed(0)} complaints/s acknowledged (${intake.accepted} in ${intake.seconds.toFixed(1)} s)`,
    `                      latency p50 ${ms(intake.latency.p50, 0)}, p99 ${ms(intake.latency.p99, 0)}, max ${ms(intake.latency.max, 0)}; non-2xx ${intake.non2xx}, errors ${intake.errors}, timeouts ${intake.timeouts} ${JSON.stringify(intake.statusCodes)}`,
    `                      ${sustained.toFixed(0)} complaints/s sustained (${created} registered; all workflows parked in AwaitStage and all texts sent after ${run.sustainedSeconds.toFixed(1)} s)`,
    `                      stack thread: ${cpuPerComplaint.toFixed(2)} ms CPU per complaint, all of its work; under load ${describeThread(run.underLoad)}`,
    `                      ${(totalCalls / created).toFixed(1)} requests to the local servers per complaint: ${calls.join(', ')}`,
    putLine('PutItem, SDK client on the stack thread (as the handlers call it)', run.putInThread),
    putLine('PutItem, SDK client in a worker (dynalite alone on the stack thread)', run.putFromWorker),
    `                      item: ${Buffer.byteLength(JSON.stringify(run.item))} bytes of JSON, ${Object.keys(run.item).length} attributes, in 4 indexes (a stored complaint after its workflow's writes)`,
    `ratio (target 0.5)    ${ratio(acknowledged, run.putInThread)} acknowledged, ${ratio(sustained, run.putInThread)} sustained, against PutItem from the stack thread`,
    `                      ${ratio(acknowledged, run.putFromWorker)} acknowledged, ${ratio(sustained, run.putFromWorker)} sustained, against PutItem from a worker`,
    `                      ${(run.putInThread.use.cpuMs / run.putInThread.latency.count / cpuPerComplaint).toFixed(3)} by CPU cost: one complaint costs the stack thread as much as ${(cpuPerComplaint / (run.putInThread.use.cpuMs / run.putInThread.latency.count)).toFixed(1)} PutItem calls`,
    '',
  ];
  console.log(lines.join('\n'));
}

function putLine(what: string, put: MeasuredPuts): string {
  const rate = put.latency.count / put.seconds;
  return [
    `${what}`,
    `                      ${rate.toFixed(0)} items/s, p50 ${ms(put.latency.p50)}, p99 ${ms(put.latency.p99)}, max ${ms(put.latency.max)}, errors ${put.errors}; ${(put.use.cpuMs / put.latency.count).toFixed(2)} ms stack-thread CPU each; ${describeThread(put.use)}`,
  ].join('\n');
}

const ratio = (complaintsPerSecond: number, put: PutResult) =>
  (complaintsPerSecond / (put.latency.count / put.seconds)).toFixed(3);

// --- worker side -----------------------------------------------------------------------------------

async function runJob(job: Job): Promise<IntakeResult | PutResult> {
  return job.kind === 'intake' ? runIntake(job) : runPuts(job);
}

/** Unique callers and waybills per request; every other request carries its own Idempotency-Key. */
async function runIntake(job: IntakeJob): Promise<IntakeResult> {
  let n = 0;
  let sampleComplaintId: string | undefined;
  const startedAt = Date.now();
  const options: autocannon.Options = {
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const index = n++;
          request.body = JSON.stringify(complaintBody(index, job.runTag));
          request.headers = {
            'content-type': 'application/json',
            authorization: `Bearer ${job.token}`,
            ...(index % 2 === 0 && { 'idempotency-key': `bench-${job.runTag}-${index}` }),
          };
          return request;
        },
        onResponse: (status, body) => {
          if (sampleComplaintId === undefined && status === 201)
            sampleComplaintId = (JSON.parse(body) as { id: string }).id;
        },
      },
    ],
  };
  // In a worker thread autocannon hands back raw histograms for a parent to merge: merge them here.
  const result = aggregateResult([await autocannon(options)], options);
  const statusCodes: Record<string, number> = {};
  for (const [code, count] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = (count as { count: number }).count;
  }
  return {
    seconds: result.duration,
    sent: result.requests.sent,
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latency: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    startedAt,
    ...(sampleComplaintId && { sampleComplaintId }),
  };
}

// Exported by autocannon but missing from its type declarations.
const aggregateResult = (
  autocannon as unknown as {
    aggregateResult(results: autocannon.Result[], options: autocannon.Options): autocannon.Result;
  }
).aggregateResult;

/** `connections` loops of PutItem of copies of the real item, each under a fresh id, for `seconds`. */
async function runPuts(job: PutJob): Promise<PutResult> {
  const client = documentClient(job.endpoint);
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = performance.now();
  const endAt = startedAt + job.seconds * 1000;
  const loop = async () => {
    while (performance.now() < endAt) {
      const item = withId(job.item, job.itemId, ulid());
      const sentAt = performance.now();
      try {
        await client.send(new PutCommand({ TableName: job.tableName, Item: item }));
        latencies.push(performance.now() - sentAt);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, loop));
  const seconds = (performance.now() - startedAt) / 1000;
  client.destroy();
  return { seconds, errors, latency: summarize(latencies) };
}

/** The item with every occurrence of its id (key, index keys, attributes) replaced: same size, new item. */
function withId(value: Item, from: string, to: string): Item {
  return JSON.parse(JSON.stringify(value).replaceAll(from, to)) as Item;
}

function documentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

function inWorker<T>(job: Job): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', (message: T) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`benchmark worker exited with ${code}`));
    });
  });
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return value;
}

// Last, so every declaration above is initialised before either side runs.
if (isMainThread) {
  await main();
} else {
  parentPort!.postMessage(await runJob(workerData as Job));
}
