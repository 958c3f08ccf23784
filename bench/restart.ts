// Benchmark (not a test): restart of the embedded stack with BENCH_OPEN (10,000) open complaints on
// LevelDB, as `npm start` runs it. Measures, from the moment the new process is started, how long until
// the API answers (GET /v1/health, then a real authenticated read of a complaint) and until every open
// complaint's timer is armed again.
//
// "Re-armed", observably: the local Step Functions engine holds one callback task per open complaint
// (AwaitStage, whose timeout is the complaint's next SLA timer), i.e. its count of waiting callback tasks
// reaches the number of open complaints. Executions live in the process's memory: after a restart there
// are none, and the start-up pass (a deep reconcile) finds every open complaint without one and starts
// it again; its workflow runs to AwaitStage and arms the timer.
//
// Design. The stack runs in a child process (bench/embedded-process.ts: startEmbeddedStack with npm
// start's options) so it can be killed. The complaints are written straight into its table
// (bench/seed.ts) and the process is killed; the next start (the warm-up round) gives every one its first
// execution. Then each round of BENCH_STOPS (default: kill,term) stops the process that way (SIGKILL: a
// crash; SIGTERM: npm start's clean stop), starts a new one on the same data directory and times it.
//
//   npm run bench:restart
//   BENCH_OPEN=10000 BENCH_STOPS=kill,term
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EmbeddedProcessMessage } from './embedded-process.ts';
import { seedOpenComplaints } from './seed.ts';
import { codeVersion, machine, mib } from './support.ts';

const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const STOPS = (process.env.BENCH_STOPS ?? 'kill,term').split(',').map((s) => s.trim()) as ('kill' | 'term')[];
const API_TARGET_MS = 10_000;
const REARM_TARGET_MS = 60_000;
const GIVE_UP_MS = 15 * 60_000;
const POLL_MS = 100;

interface Round {
  name: string;
  load: number;
  /** From fork to each milestone, ms. */
  health?: number;
  read?: number;
  rearmed?: number;
  started?: number;
  peakRss: number;
  reconciled?: unknown;
  waitingAtEnd: number;
}

console.log(`restart benchmark on ${machine()}; ${codeVersion()}; started ${new Date().toISOString()}`);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-restart-'));
const port = 20_000 + (process.pid % 20_000);
const rounds: Round[] = [];
let child: ChildProcess | undefined;
try {
  // Seed: a stack with an empty table, the complaints written into it, then killed.
  const first = await startStack();
  await first.started;
  const endpoints = readEndpoints(dataDir);
  const seeded = await seedOpenComplaints(
    {
      dynamoEndpoint: endpoints.AWS_ENDPOINT_URL_DYNAMODB!,
      kmsEndpoint: endpoints.AWS_ENDPOINT_URL_KMS!,
      personalDataKeyArn: endpoints.PERSONAL_DATA_KEY_ARN!,
    },
    OPEN,
    {
      onProgress: (n) => {
        if (n % 2_000 < 25) console.log(`  seeded ${n}`);
      },
    },
  );
  console.log(`seeded ${seeded.ids.length} open complaints in ${seeded.seconds.toFixed(0)} s`);
  const sampleId = seeded.ids[Math.floor(seeded.ids.length / 2)]!;
  await stop(first.process, 'kill');

  // Warm-up: the first start gives every complaint its first execution.
  rounds.push(await measuredStart('after seeding (first executions)', sampleId));
  for (const how of STOPS) {
    await stop(child!, how);
    rounds.push(await measuredStart(how === 'kill' ? 'after SIGKILL' : 'after SIGTERM', sampleId));
  }
  await stop(child!, 'term');
  report();
} finally {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

function startStack(): {
  process: ChildProcess;
  started: Promise<EmbeddedProcessMessage & { kind: 'started' }>;
} {
  const spawned = fork(new URL('./embedded-process.ts', import.meta.url), {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child = spawned;
  const started = new Promise<EmbeddedProcessMessage & { kind: 'started' }>((resolve, reject) => {
    spawned.on('message', (message: EmbeddedProcessMessage) => {
      if (message.kind === 'started') resolve(message);
      if (message.kind === 'failed') reject(new Error(`stack failed to start: ${message.error}`));
    });
    spawned.once('exit', (code, signal) =>
      reject(new Error(`stack exited (${code ?? signal}) before it started`)),
    );
  });
  started.catch(() => undefined);
  return { process: spawned, started };
}

async function stop(stack: ChildProcess, how: 'kill' | 'term'): Promise<void> {
  if (stack.exitCode !== null || stack.signalCode !== null) return;
  const exited = new Promise((resolve) => stack.once('exit', resolve));
  stack.kill(how === 'kill' ? 'SIGKILL' : 'SIGTERM');
  await exited;
}

async function measuredStart(name: string, sampleId: string): Promise<Round> {
  const load = loadavg()[0]!;
  const forkedAt = performance.now();
  const epochAtFork = Date.now();
  const { process: spawned, started } = startStack();
  const round: Round = { name, load, peakRss: 0, waitingAtEnd: 0 };
  const since = () => performance.now() - forkedAt;
  spawned.on('message', (message: EmbeddedProcessMessage) => {
    if (message.kind !== 'sample') return;
    round.peakRss = Math.max(round.peakRss, message.rss);
    round.waitingAtEnd = message.waiting;
    if (round.rearmed === undefined && message.waiting >= OPEN) round.rearmed = message.at - epochAtFork;
  });
  void started.then(
    (message) => {
      round.started = message.at - epochAtFork;
      round.reconciled = message.reconciled;
    },
    () => undefined,
  );
  const base = `http://127.0.0.1:${port}`;
  const giveUpAt = forkedAt + GIVE_UP_MS;
  // 1. Health.
  while ((await status(`${base}/v1/health`)) !== 200) await pause(giveUpAt, 'the health route');
  round.health = since();
  // 2. A real authenticated read: a token from the Cognito stand-in, then the complaint.
  let token: string | undefined;
  for (;;) {
    token ??= await mint(base);
    if (token && (await status(`${base}/v1/complaints/${sampleId}`, token)) === 200) break;
    await pause(giveUpAt, 'an authenticated read');
  }
  round.read = since();
  console.log(
    `  ${name}: health ${seconds(round.health)}, authenticated read ${seconds(round.read)}; waiting for the timers`,
  );
  // 3. Every open complaint's timer armed again, and the start-up pass finished.
  let lastPrint = performance.now();
  while (round.rearmed === undefined || round.started === undefined) {
    await pause(giveUpAt, 'every timer to be re-armed');
    if (performance.now() - lastPrint > 10_000) {
      lastPrint = performance.now();
      console.log(
        `    +${seconds(since())}: ${round.waitingAtEnd} of ${OPEN} waiting, load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  console.log(
    `  ${name}: all ${OPEN} re-armed ${seconds(round.rearmed)}, start-up pass done ${seconds(round.started)}, ` +
      `peak RSS ${mib(round.peakRss)}, load ${load.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} now`,
  );
  return round;
}

async function status(url: string, token?: string): Promise<number> {
  try {
    const response = await fetch(url, {
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

async function mint(base: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${base}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'agent', user: 'bench-agent' }),
      signal: AbortSignal.timeout(2_000),
    });
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { access_token: string }).access_token;
  } catch {
    return undefined;
  }
}

async function pause(giveUpAt: number, what: string): Promise<void> {
  if (performance.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
  await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

function readEndpoints(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'endpoints.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_0-9]+)=(.*)$/.exec(line);
    if (match) entries[match[1]!] = match[2]!;
  }
  return entries;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;
}

function report(): void {
  const verdict = (value: number | undefined, limit: number) =>
    value !== undefined && value < limit ? 'met' : 'MISSED';
  console.log(`\nrestart with ${OPEN} open complaints on LevelDB (times from the new process's start)`);
  for (const r of rounds) {
    console.log(
      `  ${r.name.padEnd(34)} load ${r.load.toFixed(1)}: health ${seconds(r.health)}, authenticated read ${seconds(r.read)} ` +
        `(target < 10 s: ${verdict(r.read, API_TARGET_MS)}); all re-armed ${seconds(r.rearmed)} ` +
        `(target < 60 s: ${verdict(r.rearmed, REARM_TARGET_MS)}); start-up pass done ${seconds(r.started)}; peak RSS ${mib(r.peakRss)}`,
    );
    console.log(`    start-up pass: ${JSON.stringify(r.reconciled)}`);
  }
}
