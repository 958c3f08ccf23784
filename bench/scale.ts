// Benchmark (not a test): 50,000 open complaints waiting on their timers in the embedded stack. Measures
// the stack's resident memory with every workflow parked on its callback, then how late timers fire.
//
// Design. Two groups of complaints, all with a priority nothing overrides:
//   1. BENCH_COMPLAINTS - BENCH_TIMED normal-priority complaints, the waiting crowd. With BENCH_CROWD=seed
//      (the default) they are written straight into the table (bench/seed.ts) and the start-up pass of
//      the embedded stack (a deep reconcile, as after a restart) starts each one's workflow, which runs to
//      AwaitStage and waits on its timer; with BENCH_CROWD=api they are registered through the API as fast
//      as the stack takes them (a worker thread sends them). Registering 50,000 runs their whole intake,
//      about 17 minutes at the rates bench:intake measures, which is not what this benchmark is about.
//   2. BENCH_TIMED urgent complaints registered through the API at BENCH_RATE per second.
// A complaint's first timer is its response-clock warning, due a fixed time after registration; its
// second is the breach of that clock. The urgent budget is 1/12 of the normal one, so the time scale is
// chosen to put the urgent warnings in a window that opens GAP_SECONDS after the last registration, at
// the pace they were registered, then the urgent breaches, while every normal complaint's warning is
// still far off. The SLA policy moves the warning to half the budget (warningRatio 0.5) so the urgent
// breaches fall due only after the last urgent warning. Every registration still runs its workflow to
// AwaitStage, so all of them wait on a callback while the urgent timers fire. The callback's timeout is
// whole seconds rounded down, and the workflow then waits (WaitUntilDue) for the timer's exact instant, so
// the report splits the lateness into the engine's timeout, the wait and the StageTimer handler.
//
// The stack runs as npm start runs it: LevelDB, dynalite on its own thread (BENCH_DYNAMO_WORKER=false: not).
//
//   node bench/scale.ts
//   BENCH_COMPLAINTS=50000 BENCH_TIMED=1000 BENCH_RATE=20 BENCH_CONCURRENCY=16 BENCH_STORAGE=disk|memory
//   BENCH_CROWD=seed|api
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { unpackItem } from '#adapters/dynamo-complaint-store';
import { startEmbeddedStack, type EmbeddedStack } from '../infra/local/stack.ts';
import { seedOpenComplaints } from './seed.ts';
import {
  declaredPriorityComplaintBody,
  codeVersion,
  machine,
  mib,
  ms,
  muteNegativeTimerWarnings,
  summarize,
  type Summary,
} from './support.ts';

type Priority = 'normal' | 'urgent';

interface RegisterJob {
  url: string;
  first: number;
  count: number;
  priority: Priority;
  /** Registrations per second; undefined: as fast as `concurrency` requests in flight allow. */
  rate?: number;
  concurrency: number;
  runTag: number;
  /** An intake client's access token. */
  token: string;
}
interface Registered {
  kind: 'done';
  created: number;
  failed: number;
  failures: Record<string, number>;
  startedAt: number;
  finishedAt: number;
  latency: Summary;
  behindSchedule: Summary;
}
type RegisterMessage = { kind: 'progress'; created: number } | Registered;

interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number;
}

type TimerKind = 'warning' | 'breach';

interface TimerFiring {
  kind: TimerKind;
  priority: Priority;
  /** Scheduled instant (warnAt, or the breached clock's dueAt), epoch ms. */
  dueAt: number;
  /** When the stage-timer handler applied it (warnedAt, or the breach's `at`: the handler's clock). */
  appliedAt: number;
  /** When the engine's task timeout fired (AwaitStage failed with States.Timeout). */
  timedOutAt?: number;
  /** AwaitStage entered + its whole-second TimeoutSeconds (rounded down): when the engine should time out. */
  timeoutAt?: number;
}

const TABLE_NAME = 'complaints';
const HOUR_S = 3600;
const URGENT_RESPONSE_HOURS = 2; // DEFAULT_SLA_POLICY.response.urgent (normal: 24)
const WARNING_RATIO = 0.5;
/**
 * The crowd's response budget: a month, so that no normal complaint's timer falls due while 50,000 are
 * started (the start-up pass takes most of an hour here) and the urgent timers fire.
 */
const CROWD_RESPONSE_HOURS = 30 * 24;
/** Seconds between the last registration and the first timer due. */
const GAP_SECONDS = 30;
/** How long past the last warning's due time the run waits for stragglers. */
const FIRING_GRACE_MS = 120_000;
const PARK_LIMIT_MS = 300_000;
const PROGRESS_EVERY_MS = 10_000;

async function main(): Promise<void> {
  muteNegativeTimerWarnings();
  const total = wholeNumber('BENCH_COMPLAINTS', 50_000);
  const seedCrowd = process.env.BENCH_CROWD !== 'api';
  const timed = Math.min(total, wholeNumber('BENCH_TIMED', 1_000));
  const rate = positiveNumber('BENCH_RATE', 20);
  const concurrency = wholeNumber('BENCH_CONCURRENCY', 16);
  const storage = process.env.BENCH_STORAGE === 'memory' ? 'memory' : 'disk';

  const warningAfterSeconds = timed / rate + GAP_SECONDS;
  const urgentBudgetSeconds = warningAfterSeconds / WARNING_RATIO;
  const timeScale = (URGENT_RESPONSE_HOURS * HOUR_S) / urgentBudgetSeconds;
  const dataDir = storage === 'disk' ? mkdtempSync(join(tmpdir(), 'bench-scale-')) : undefined;

  console.log(
    `scale benchmark on ${machine()}; ${codeVersion()}; 1-min load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `${total - timed} normal complaints ${seedCrowd ? 'written into the table and started by the start-up pass' : `registered as fast as taken (${concurrency} in flight)`}, then ${timed} urgent at ${rate}/s; ` +
      `time scale ${timeScale.toFixed(2)}: urgent warnings ${warningAfterSeconds.toFixed(0)} s and breaches ${urgentBudgetSeconds.toFixed(0)} s after registration, ` +
      `normal ones ${((CROWD_RESPONSE_HOURS * HOUR_S * WARNING_RATIO) / timeScale).toFixed(0)} s after; dynalite ${dataDir ? `LevelDB in ${dataDir}` : 'in memory'}`,
  );

  const memory: MemorySample[] = [];
  const sampleMemory = () => {
    const { rss, heapUsed } = process.memoryUsage();
    memory.push({ at: Date.now(), rss, heapUsed });
  };
  sampleMemory();
  const sampler = setInterval(sampleMemory, 1000);
  const startedAt = Date.now();

  const stack = await startEmbeddedStack({
    port: 0,
    ...(dataDir ? { dataDir } : {}),
    timeScale,
    reconcileOnStart: false,
    environment: {
      SLA_POLICY: JSON.stringify({
        warningRatio: WARNING_RATIO,
        response: { normal: { budget: { hours: CROWD_RESPONSE_HOURS } } },
      }),
    },
    dynamoWorker: process.env.BENCH_DYNAMO_WORKER !== 'false',
  });
  try {
    sampleMemory();
    const idle = memory.at(-1)!;
    const progress = progressReporter(stack, startedAt);
    const url = `${stack.url}/v1/complaints`;
    const token = await stack.issuer.mint({ role: 'intake', user: 'bench-scale', expiresIn: 24 * 3600 });

    // 1. The waiting crowd, then the complaints whose timers are measured.
    const crowd = seedCrowd
      ? await seedAndStart(stack, total - timed, (created) => progress.tick('normal', created))
      : await register(
          { url, first: 0, count: total - timed, priority: 'normal', concurrency, runTag: 7, token },
          (created) => progress.tick('normal', created),
        );
    const measured = await register(
      { url, first: total - timed, count: timed, priority: 'urgent', rate, concurrency, runTag: 7, token },
      (created) => progress.tick('urgent', crowd.created + created),
    );
    const created = crowd.created + measured.created;

    // 2. Every workflow parked on its callback: the state the memory target is about.
    await until(() => stack.sfn.waitingTasks() >= created, PARK_LIMIT_MS, 'every workflow to park');
    sampleMemory();
    const parked = { ...memory.at(-1)!, waiting: stack.sfn.waitingTasks() };
    const firedBeforeParked = alertsSent(stack, 'staff-warning');
    progress.line('all parked');

    // 3. Let the urgent warnings, then the urgent breaches, fire.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const lastDueAt = measured.finishedAt + urgentBudgetSeconds * 1000;
    const allFired = await until(
      () => alertsSent(stack, 'staff-escalation') >= measured.created,
      Math.max(0, lastDueAt - Date.now()) + FIRING_GRACE_MS,
      'every urgent breach to fire',
      () => progress.tick('firing'),
    ).then(
      () => true,
      () => false,
    );
    loopDelay.disable();
    sampleMemory();
    clearInterval(sampler);
    progress.line('done');

    // 4. Read back what happened to each complaint.
    const firings = await timerFirings(stack);
    report({
      crowd,
      measured,
      rate,
      firedBeforeParked,
      idle,
      parked,
      memory,
      firings,
      allFired,
      loopDelayMs: {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
      totalSeconds: (Date.now() - startedAt) / 1000,
    });
  } finally {
    clearInterval(sampler);
    await stack.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The crowd written into the table, then the start-up pass (deep reconcile, as after a restart) starting
 * every one's workflow; done once all of them wait on their callback.
 */
async function seedAndStart(
  stack: EmbeddedStack,
  count: number,
  onProgress: (created: number) => void,
): Promise<Registered> {
  const startedAt = Date.now();
  const seeded = await seedOpenComplaints(
    {
      dynamoEndpoint: stack.dynamo.endpoint,
      kmsEndpoint: stack.kms.endpoint,
      personalDataKeyArn: process.env.PERSONAL_DATA_KEY_ARN!,
    },
    count,
    { onProgress },
  );
  console.log(
    `seeded ${seeded.ids.length} in ${seeded.seconds.toFixed(0)} s; the start-up pass starts their workflows`,
  );
  const { reconcile } = await import('#use-cases/reconcile');
  const { getServiceDeps } = await import('#composition/deps');
  const poll = setInterval(() => onProgress(stack.sfn.waitingTasks()), 1000);
  const report = await reconcile(getServiceDeps(), { deep: true, resume: false });
  await until(() => stack.sfn.waitingTasks() >= count, PARK_LIMIT_MS, 'the crowd to park');
  clearInterval(poll);
  console.log(`start-up pass: ${JSON.stringify(report)}`);
  const none = summarize([]);
  return {
    kind: 'done',
    created: count - report.errors,
    failed: report.errors,
    failures: {},
    startedAt,
    finishedAt: Date.now(),
    latency: none,
    behindSchedule: none,
  };
}

function register(job: RegisterJob, onProgress: (created: number) => void): Promise<Registered> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.on('message', (message: RegisterMessage) => {
      if (message.kind === 'done') resolve(message);
      else onProgress(message.created);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`registration worker exited with ${code}`));
    });
  });
}

/** Staff alerts delivered: one staff-warning per warning, one staff-escalation per breach (quiet hours are off). */
function alertsSent(stack: EmbeddedStack, event: 'staff-warning' | 'staff-escalation'): number {
  let sent = 0;
  for (const entry of stack.sns.outbox()) if (entry.event === event) sent += 1;
  return sent;
}

function progressReporter(stack: EmbeddedStack, startedAt: number) {
  let lastAt = 0;
  let created = 0;
  const line = (phase: string) => {
    const { rss, heapUsed } = process.memoryUsage();
    console.log(
      `+${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s  ${phase.padEnd(10)} registered ${created}, ` +
        `waiting ${stack.sfn.waitingTasks()}, warnings ${alertsSent(stack, 'staff-warning')}, ` +
        `breaches ${alertsSent(stack, 'staff-escalation')}, ` +
        `RSS ${mib(rss)}, heap used ${mib(heapUsed)}, load ${loadavg()[0]!.toFixed(1)}`,
    );
  };
  return {
    line,
    tick: (phase: string, registered?: number) => {
      if (registered !== undefined) created = registered;
      if (Date.now() - lastAt < PROGRESS_EVERY_MS) return;
      lastAt = Date.now();
      line(phase);
    },
  };
}

/**
 * For every complaint, each response-clock timer that fired: when it was due (warnAt; the breach's
 * dueAt), when the stage-timer handler applied it (warnedAt; the breach's `at`), and from the engine's
 * event log when AwaitStage was entered with which whole-second timeout and when that timeout fired.
 */
async function timerFirings(stack: EmbeddedStack): Promise<TimerFiring[]> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const firings: TimerFiring[] = [];
  const pages = paginateScan(
    { client },
    {
      TableName: TABLE_NAME,
      FilterExpression: 'sk = :complaint',
      ExpressionAttributeValues: { ':complaint': 'COMPLAINT' },
      // Clocks, breaches and priority are packed fields of the item now (items before packing: plain).
      ProjectionExpression: 'id, priority, clocks, breaches, packed',
    },
  );
  for await (const page of pages) {
    for (const stored of page.Items ?? []) {
      const item = unpackItem(stored);
      const priority = item.priority as Priority;
      // The crowd's executions (started by the start-up pass) have another name; none of their timers is measured.
      const timeouts = priority === 'urgent' ? engineTimeouts(stack, item.id as string) : [];
      const response = (item.clocks as { response?: { warnAt?: string; warnedAt?: string } }).response;
      if (response?.warnAt && response.warnedAt) {
        const due = { kind: 'warning' as const, priority, dueAt: Date.parse(response.warnAt) };
        firings.push({ ...due, appliedAt: Date.parse(response.warnedAt), ...timeouts[0] });
      }
      const breach = (item.breaches as { clock: string; dueAt: string; at: string }[]).find(
        (b) => b.clock === 'response',
      );
      if (breach) {
        const due = { kind: 'breach' as const, priority, dueAt: Date.parse(breach.dueAt) };
        firings.push({ ...due, appliedAt: Date.parse(breach.at), ...timeouts[1] });
      }
    }
  }
  client.destroy();
  return firings;
}

type EngineEvent = ReturnType<EmbeddedStack['sfn']['events']>[number];
type StateEvent = Extract<EngineEvent, { state: unknown }>;

/** Each AwaitStage that timed out, in order: entered when, with what TimeoutSeconds, timed out when. */
function engineTimeouts(
  stack: EmbeddedStack,
  complaintId: string,
): Pick<Required<TimerFiring>, 'timedOutAt' | 'timeoutAt'>[] {
  const executionArn = `arn:aws:states:us-east-1:000000000000:execution:complaints:${complaintId}`;
  const timeouts: Pick<Required<TimerFiring>, 'timedOutAt' | 'timeoutAt'>[] = [];
  let entered: StateEvent | undefined;
  for (const event of stack.sfn.events(executionArn)) {
    if (!('state' in event) || event.state.name !== 'AwaitStage') continue;
    if (event.type === 'StateEntered') entered = event;
    else if (event.type === 'StateFailed' && event.Error === 'States.Timeout' && entered) {
      const input = entered.state.input as { Payload: { stage: { timeoutSeconds: number } } };
      timeouts.push({
        timedOutAt: event.timestamp,
        timeoutAt: entered.timestamp + input.Payload.stage.timeoutSeconds * 1000,
      });
    }
  }
  return timeouts;
}

function report(run: {
  crowd: Registered;
  measured: Registered;
  rate: number;
  firedBeforeParked: number;
  idle: MemorySample;
  parked: MemorySample & { waiting: number };
  memory: MemorySample[];
  firings: TimerFiring[];
  allFired: boolean;
  loopDelayMs: { p50: number; p99: number; max: number };
  totalSeconds: number;
}): void {
  const { crowd, measured } = run;
  const urgent = run.firings.filter((f) => f.priority === 'urgent');
  const strays = run.firings.length - urgent.length;
  const peak = run.memory.reduce((top, sample) => (sample.rss > top.rss ? sample : top));
  const peakHeap = Math.max(...run.memory.map((sample) => sample.heapUsed));
  const verdict = (value: number, limit: number) => (value < limit ? 'met' : 'MISSED');
  const phase = (what: string, r: Registered) => {
    const seconds = (r.finishedAt - r.startedAt) / 1000;
    return (
      `${what}: ${r.created} in ${seconds.toFixed(0)} s (${(r.created / seconds).toFixed(1)}/s), ${r.failed} failed ${JSON.stringify(r.failures)}; ` +
      `request latency p50 ${ms(r.latency.p50, 0)}, p99 ${ms(r.latency.p99, 0)}, max ${ms(r.latency.max, 0)}`
    );
  };
  const lines = [
    '',
    `registration   ${phase('normal', crowd)}`,
    `               ${phase(`urgent (asked ${run.rate}/s)`, measured)}; behind schedule p99 ${ms(measured.behindSchedule.p99, 0)}`,
    `memory         RSS ${mib(run.idle.rss)} with the stack started and empty; ${mib(run.parked.rss)} (heap used ${mib(run.parked.heapUsed)}) with ${run.parked.waiting} executions waiting on callbacks`,
    `               peak RSS ${mib(peak.rss)} at +${((peak.at - run.memory[0]!.at) / 1000).toFixed(0)} s, peak heap used ${mib(peakHeap)}; target RSS under 2048 MiB: ${verdict(peak.rss, 2 * 2 ** 30)}`,
    `timers         ${run.allFired ? '' : 'THE RUN GAVE UP BEFORE EVERY BREACH FIRED; '}${run.firedBeforeParked} warnings fired before every workflow had parked, ${strays} normal-priority timers fired (both should be 0)`,
    `               stack event loop delay while they fired: p50 ${ms(run.loopDelayMs.p50)}, p99 ${ms(run.loopDelayMs.p99)}, max ${ms(run.loopDelayMs.max)}`,
  ];
  for (const kind of ['warning', 'breach'] as const) {
    lines.push(
      ...timerLines(
        kind,
        urgent.filter((f) => f.kind === kind),
        measured,
        verdict,
      ),
    );
  }
  lines.push(`run            ${run.totalSeconds.toFixed(0)} s in all`);
  console.log(lines.join('\n'));
}

function timerLines(
  kind: TimerKind,
  firings: TimerFiring[],
  measured: Registered,
  verdict: (value: number, limit: number) => string,
): string[] {
  if (firings.length === 0) return [`${kind.padEnd(15)}none fired`];
  const engine = firings.filter(
    (f): f is Required<TimerFiring> => f.timedOutAt !== undefined && f.timeoutAt !== undefined,
  );
  const vsDeadline = summarize(firings.map((f) => f.appliedAt - f.dueAt));
  const after = (instant: number) => `+${((instant - measured.startedAt) / 1000).toFixed(0)} s`;
  return [
    `${kind.padEnd(15)}${firings.length} of ${measured.created} urgent ${kind === 'breach' ? 'breaches' : 'warnings'} applied between ${after(Math.min(...firings.map((f) => f.dueAt)))} and ${after(Math.max(...firings.map((f) => f.appliedAt)))} after the first urgent registration; ${engine.length} matched to their engine timeout`,
    `  lateness     vs the deadline (due -> handler applied it): ${lateness(vsDeadline)}; target p99 < 1 s: ${verdict(vsDeadline.p99, 1000)}`,
    `  made of      callback timeout before the deadline (whole seconds, rounded down, from AwaitStage entered): ${lateness(summarize(engine.map((f) => f.timeoutAt - f.dueAt)))}`,
    `               engine timeout after its instant (timer and event loop): ${lateness(summarize(engine.map((f) => f.timedOutAt - f.timeoutAt)))}`,
    `               WaitUntilDue to the exact instant, then the StageTimer handler applying it: ${lateness(summarize(engine.map((f) => f.appliedAt - f.timedOutAt)))}`,
  ];
}

const lateness = (s: Summary) =>
  `p50 ${ms(s.p50, 0)}, p99 ${ms(s.p99, 0)}, max ${ms(s.max, 0)} (n=${s.count})`;

async function until(
  done: () => boolean,
  timeoutMs: number,
  what: string,
  onPoll: () => void = () => undefined,
): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    onPoll();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// --- worker side: registrations ---------------------------------------------------------------------

async function registerInWorker(job: RegisterJob): Promise<void> {
  const latencies: number[] = [];
  const behind: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  let created = 0;
  let failed = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  const progress = setInterval(() => parentPort!.postMessage({ kind: 'progress', created }), 1000);
  const slot = async () => {
    for (let offset = next++; offset < job.count; offset = next++) {
      if (job.rate) {
        const scheduled = t0 + (offset * 1000) / job.rate;
        const wait = scheduled - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        behind.push(performance.now() - scheduled);
      }
      const index = job.first + offset;
      const sentAt = performance.now();
      try {
        const response = await fetch(job.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${job.token}`,
            'idempotency-key': `scale-${job.runTag}-${index}`,
          },
          body: JSON.stringify(declaredPriorityComplaintBody(index, job.runTag, job.priority)),
        });
        await response.arrayBuffer();
        if (response.status === 201) created += 1;
        else {
          failed += 1;
          failures[response.status] = (failures[response.status] ?? 0) + 1;
        }
      } catch (error) {
        failed += 1;
        const name = error instanceof Error ? error.name : 'error';
        failures[name] = (failures[name] ?? 0) + 1;
      }
      latencies.push(performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, slot));
  clearInterval(progress);
  parentPort!.postMessage({
    kind: 'done',
    created,
    failed,
    failures,
    startedAt,
    finishedAt: Date.now(),
    latency: summarize(latencies),
    behindSchedule: summarize(behind),
  } satisfies RegisterMessage);
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return value;
}

function wholeNumber(name: string, fallback: number): number {
  const value = positiveNumber(name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, not '${value}'`);
  return value;
}

// Last, so every declaration above is initialised before either side runs.
if (isMainThread) {
  await main();
} else {
  await registerInWorker(workerData as RegisterJob);
}
