// Benchmark (not a test): one scheduled reconciler pass over BENCH_OPEN (100,000) open complaints on the
// embedded stack. Measures the pass's wall time, the requests it sends per complaint (by operation, at
// the local DynamoDB and Step Functions servers) and the process's memory while it runs.
//
// Design. The complaints are written straight to the table through the DynamoDB API (BatchWriteItem, 25
// items a request), not registered through the API: a registration runs a workflow, and 100,000 of them
// would take an hour here and measure intake, not the reconciler. Each is a real complaint built by the
// domain (registerComplaint), in `received`, with its own id and phone hash. Most wait on a callback with
// their timer a day ahead, as healthy complaints do; a share (BENCH_STALLED, 1%) looks stalled: no
// callback registered ten minutes after its stage began and no execution at all, as after a start that
// never happened. The pass is the use case the reconcile Lambda runs (functions/use-cases/reconcile.ts),
// called in this process with the stack's own clients, from the first open complaint, with the Lambda's
// 900 s as its deadline. The stalled complaints' executions it starts run beside it, as they would.
//
//   npm run bench:reconcile
//   BENCH_OPEN=100000 BENCH_STALLED=0.01 BENCH_CONCURRENCY=16 BENCH_STORAGE=disk|memory
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReconcileReport } from '#use-cases/reconcile';
import { startEmbeddedStack } from '../infra/local/stack.ts';
import { complaintTemplate, seededCopy, writeComplaints, type SeedTarget } from './seed.ts';
import { codeVersion, machine, mib, muteNegativeTimerWarnings, watchStack } from './support.ts';

const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const STALLED_SHARE = Number(process.env.BENCH_STALLED ?? 0.01);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const STORAGE = process.env.BENCH_STORAGE ?? 'disk';
const LAMBDA_BUDGET_MS = 900_000;
const STALLED_AGE_MS = 10 * 60_000;

muteNegativeTimerWarnings();
console.log(`reconciler benchmark: ${OPEN} open complaints, ${STALLED_SHARE * 100}% stalled, ${STORAGE}`);
console.log(`${machine()}; ${codeVersion()}; started ${new Date().toISOString()}`);

const dataDir = STORAGE === 'disk' ? mkdtempSync(join(tmpdir(), 'bench-reconcile-')) : undefined;
const stack = await startEmbeddedStack({
  port: 0,
  ...(dataDir ? { dataDir } : {}),
  reconcileOnStart: false,
  reconcileIntervalMs: 0,
});
try {
  const seeded = await seed({
    dynamoEndpoint: stack.dynamo.endpoint,
    kmsEndpoint: stack.kms.endpoint,
    personalDataKeyArn: process.env.PERSONAL_DATA_KEY_ARN ?? '',
  });
  const { getServiceDeps } = await import('#composition/deps');
  const { reconcile } = await import('#use-cases/reconcile');
  const deps = getServiceDeps();

  const watch = watchStack(stack);
  console.log(
    `\nseeded ${seeded.open} open complaints (${seeded.stalled} stalled) in ${seeded.seconds.toFixed(0)} s`,
  );

  // Pass 1: the stalled complaints are restarted; their executions run beside the pass.
  const first = await measuredPass(
    () =>
      reconcile(deps, { concurrency: CONCURRENCY, resume: true, deadline: Date.now() + LAMBDA_BUDGET_MS }),
    watch,
  );
  print("pass 1 (finds and restarts the stalled ones; the requests include their executions' work)", first);

  // Pass 2: every complaint healthy, the steady state of the 15-minute schedule.
  const settleBy = Date.now() + 300_000;
  while (stack.sfn.waitingTasks() < first.report.restarted && Date.now() < settleBy) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  watch.take();
  const second = await measuredPass(
    () =>
      reconcile(deps, { concurrency: CONCURRENCY, resume: true, deadline: Date.now() + LAMBDA_BUDGET_MS }),
    watch,
  );
  print('pass 2 (steady state: nothing stalled)', second);
} finally {
  await stack.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

interface Measured {
  report: ReconcileReport;
  wallMs: number;
  load: number;
  memory: ReturnType<ReturnType<typeof memorySampler>['stop']>;
  requests: [string, number][];
}

async function measuredPass(
  pass: () => Promise<Measured['report']>,
  watch: ReturnType<typeof watchStack>,
): Promise<Measured> {
  watch.take();
  const memory = memorySampler();
  const load = loadavg()[0]!;
  const startedAt = performance.now();
  const report = await pass();
  const wallMs = performance.now() - startedAt;
  const used = memory.stop();
  const requests = [...watch.take().requests]
    .filter(([key]) => !key.startsWith('API '))
    .sort((a, b) => b[1] - a[1]);
  return { report, wallMs, load, memory: used, requests };
}

function print(title: string, { report, wallMs, load, memory, requests }: Measured): void {
  console.log(`\n${title}; concurrency ${CONCURRENCY}, load average ${load.toFixed(1)} at its start`);
  console.log(`  report     ${JSON.stringify(report)}`);
  console.log(
    `  wall time  ${(wallMs / 1000).toFixed(1)} s: ${(report.open / (wallMs / 1000)).toFixed(0)} open complaints/s`,
  );
  console.log(
    `  memory     RSS ${mib(memory.before.rss)} before, peak ${mib(memory.peakRss)}, after ${mib(memory.after.rss)}; ` +
      `heap used ${mib(memory.before.heapUsed)} before, peak ${mib(memory.peakHeap)}`,
  );
  console.log('  requests at the local servers (count, per open complaint):');
  let total = 0;
  for (const [key, count] of requests) {
    total += count;
    console.log(`    ${key.padEnd(40)} ${String(count).padStart(8)}  ${(count / report.open).toFixed(4)}`);
  }
  console.log(`    ${'all'.padEnd(40)} ${String(total).padStart(8)}  ${(total / report.open).toFixed(4)}`);
}

async function seed(target: SeedTarget): Promise<{ open: number; stalled: number; seconds: number }> {
  const now = Date.now();
  const healthy = complaintTemplate(new Date(now));
  const stalledTemplate = complaintTemplate(new Date(now - STALLED_AGE_MS));
  const stalledEvery = STALLED_SHARE > 0 ? Math.round(1 / STALLED_SHARE) : Number.POSITIVE_INFINITY;
  let stalled = 0;
  const seconds = await writeComplaints(
    target,
    OPEN,
    (n) => {
      const isStalled = n % stalledEvery === stalledEvery - 1;
      if (isStalled) stalled++;
      const complaint = seededCopy(isStalled ? stalledTemplate : healthy, `bench-${n}`);
      return {
        ...complaint,
        stage: isStalled ? { ...complaint.stage } : { ...complaint.stage, taskToken: `bench-token-${n}` },
      };
    },
    (written) => {
      if (written % 10_000 < 25) console.log(`  seeded ${written}`);
    },
  );
  return { open: OPEN, stalled, seconds };
}

function memorySampler() {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { before, after: process.memoryUsage(), peakRss, peakHeap };
    },
  };
}
