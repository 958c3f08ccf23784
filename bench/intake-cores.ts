// Benchmark (not a test): does intake use the machine? Complaints per second through POST /v1/complaints
// with the embedded stack allowed both cores, against the same stack limited to one, in one run.
//
// Design. The stack runs as `npm start` runs it (bench/embedded-process.ts: LevelDB, dynalite on its own
// thread unless LOCAL_DYNAMODB_WORKER=false) in a child process, time-scaled (x60: quiet hours off, no
// timer due within the run). Between rounds the child's CPU affinity, all its threads, is switched with
// `taskset -a -p` between core 0 and cores 0-1, alternating which goes first, so both see the same
// machine load, the same warm caches and the same table size. The load generator (autocannon, 16
// connections, authenticated as an intake client) runs in this process on whatever core is free. A round
// is BENCH_DURATION seconds of load, then a wait until every complaint registered has its workflow parked
// on its callback (the work intake started is done), so no round inherits another's backlog; complaints/s
// is registrations over that whole time (sustained), and the acknowledged rate is shown beside it.
// BENCH_VARIANTS runs the comparison for dynalite on its own thread ("worker", as npm start) and on the
// stack's thread ("thread", as before), one child process each.
//
//   npm run bench:intake-cores
//   BENCH_VARIANTS=worker,thread  BENCH_ROUNDS=3  BENCH_DURATION=12  BENCH_CONNECTIONS=16
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { EmbeddedProcessMessage } from './embedded-process.ts';
import { codeVersion, complaintBody, machine } from './support.ts';

type Variant = 'worker' | 'thread';
type Cores = '0' | '0,1';

interface RoundResult {
  variant: Variant;
  cores: Cores;
  load: number;
  accepted: number;
  otherStatus: number;
  errors: number;
  /** Load seconds. */
  seconds: number;
  /** From the first request until every registration's workflow waited on its callback. */
  sustainedSeconds: number;
  p50: number;
  p99: number;
  /** CPU the stack's process used over the round, and its main thread (the gateway, handlers, engine). */
  cpuMs: number;
  stackThreadCpuMs: number;
}

const VARIANTS = (process.env.BENCH_VARIANTS ?? 'worker,thread').split(',').map((v) => v.trim()) as Variant[];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 12);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TIME_SCALE = '60';
const SETTLE_LIMIT_MS = 180_000;

console.log(
  `intake on 1 core vs 2 cores: ${machine()}; ${codeVersion()}; ${new Date().toISOString()}\n` +
    `${CONNECTIONS} connections, ${DURATION} s a round, ${ROUNDS} rounds of each, alternating; variants ${VARIANTS.join(', ')}`,
);
const results: RoundResult[] = [];
for (const variant of VARIANTS) results.push(...(await runVariant(variant)));
report();

async function runVariant(variant: Variant): Promise<RoundResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-cores-'));
  const port = 20_000 + ((process.pid + (variant === 'worker' ? 0 : 1)) % 20_000);
  const child = fork(new URL('./embedded-process.ts', import.meta.url), {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      COMPLAINTS_TIME_SCALE: TIME_SCALE,
      LOCAL_DYNAMODB_WORKER: variant === 'worker' ? 'true' : 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let waiting = 0;
  let cpu = { cpuMs: 0, stackThreadCpuMs: 0 };
  const started = new Promise<void>((resolve, reject) => {
    child.on('message', (message: EmbeddedProcessMessage) => {
      if (message.kind === 'sample') {
        waiting = message.waiting;
        cpu = { cpuMs: message.cpuMs, stackThreadCpuMs: message.stackThreadCpuMs };
      }
      if (message.kind === 'started') resolve();
      if (message.kind === 'failed') reject(new Error(message.error));
    });
    child.once('exit', (code) => reject(new Error(`stack exited (${code})`)));
  });
  const rounds: RoundResult[] = [];
  try {
    await started;
    const url = `http://127.0.0.1:${port}`;
    const token = await mint(url);
    let registered = 0;
    let runTag = 10 + (variant === 'worker' ? 0 : 50);
    const round = async (cores: Cores, seconds: number): Promise<RoundResult> => {
      pin(child, cores);
      const load = loadavg()[0]!;
      const startedAt = Date.now();
      const cpuBefore = cpu;
      const result = await load_(url, token, seconds, runTag++);
      registered += result.accepted;
      // Every registration's workflow parked on its callback: the work intake started is done.
      const giveUpAt = Date.now() + SETTLE_LIMIT_MS;
      while (waiting < registered && Date.now() < giveUpAt) await sleep(100);
      await sleep(300); // one more sample: the CPU up to the settled instant
      const sustainedSeconds = (Date.now() - startedAt) / 1000;
      const used = {
        cpuMs: cpu.cpuMs - cpuBefore.cpuMs,
        stackThreadCpuMs: cpu.stackThreadCpuMs - cpuBefore.stackThreadCpuMs,
      };
      return { variant, cores, load, ...result, seconds, sustainedSeconds, ...used };
    };
    await round('0,1', 4); // warm-up: modules, clients, JIT
    for (let i = 0; i < ROUNDS; i++) {
      const order: Cores[] = i % 2 === 0 ? ['0', '0,1'] : ['0,1', '0'];
      for (const cores of order) {
        const r = await round(cores, DURATION);
        rounds.push(r);
        console.log(
          `  ${variant} round ${i + 1}, ${cores === '0' ? '1 core ' : '2 cores'}: ${(r.accepted / r.sustainedSeconds).toFixed(1)} complaints/s sustained ` +
            `(${(r.accepted / r.seconds).toFixed(1)}/s acknowledged, p50 ${r.p50} ms, p99 ${r.p99} ms, other ${r.otherStatus}, errors ${r.errors}); ` +
            `CPU per complaint ${(r.cpuMs / r.accepted).toFixed(1)} ms, of it the stack thread ${(r.stackThreadCpuMs / r.accepted).toFixed(1)} ms; load ${r.load.toFixed(1)}`,
        );
      }
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rounds;
}

/** Every thread of the stack's process (the stack thread, dynalite's worker, LevelDB's, libuv's) on `cores`. */
function pin(child: ChildProcess, cores: Cores): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(child.pid)], { stdio: 'ignore' });
}

async function mint(url: string): Promise<string> {
  const response = await fetch(`${url}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'intake', user: 'bench-intake', expiresIn: 24 * 3600 }),
  });
  if (response.status !== 200) throw new Error(`token: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function load_(url: string, token: string, seconds: number, runTag: number) {
  let n = 0;
  const result = await autocannon({
    url: `${url}/v1/complaints`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (request) => {
          const index = n++;
          request.body = JSON.stringify(complaintBody(index, runTag));
          request.headers = {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            ...(index % 2 === 0 && { 'idempotency-key': `cores-${runTag}-${index}` }),
          };
          return request;
        },
      },
    ],
  });
  const created =
    (result.statusCodeStats as Record<string, { count: number }> | undefined)?.['201']?.count ?? 0;
  return {
    accepted: created,
    otherStatus: result.requests.sent - created - result.errors,
    errors: result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

function report(): void {
  console.log('\nsustained complaints/s (registrations over load + settle time), by variant');
  for (const variant of VARIANTS) {
    const of = (cores: Cores) => results.filter((r) => r.variant === variant && r.cores === cores);
    const rate = (rs: RoundResult[]) =>
      rs.reduce((a, r) => a + r.accepted, 0) / rs.reduce((a, r) => a + r.sustainedSeconds, 0);
    const one = of('0');
    const two = of('0,1');
    const pairs = one.map(
      (r, i) => two[i]!.accepted / two[i]!.sustainedSeconds / (r.accepted / r.sustainedSeconds),
    );
    const all = [...one, ...two];
    const loads = all.map((r) => r.load);
    const cpu = all.reduce((a, r) => a + r.cpuMs, 0);
    const thread = all.reduce((a, r) => a + r.stackThreadCpuMs, 0);
    console.log(
      `  ${variant === 'worker' ? 'dynalite on its own thread (npm start)' : 'dynalite on the stack thread'}: ` +
        `1 core ${rate(one).toFixed(1)}/s, 2 cores ${rate(two).toFixed(1)}/s, ratio ${(rate(two) / rate(one)).toFixed(2)} ` +
        `(per round pair ${pairs.map((p) => p.toFixed(2)).join(', ')}; target 1.6); load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
    );
    // The stack thread is the serial part: with the rest on the other core, 2 cores go at most this much faster.
    console.log(
      `    CPU per complaint ${(cpu / all.reduce((a, r) => a + r.accepted, 0)).toFixed(1)} ms, ${((thread / cpu) * 100).toFixed(0)}% of it on the stack thread: ` +
        `2 cores can be at most ${Math.min(2, cpu / thread).toFixed(2)}x one (CPU split, independent of the machine's load)`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
