// The embedded stack as `npm start` runs it (LevelDB in DATA_DIR, real time unless COMPLAINTS_TIME_SCALE,
// the start-up pass that restarts every open complaint's workflow, dynalite on its own thread unless
// LOCAL_DYNAMODB_WORKER=false), in a child process of a benchmark
// that must kill it. It tells its parent over IPC what only the process can see:
//   { kind: 'started', at, reconciled }  the start-up pass has finished (run here, after
//                                         startEmbeddedStack, exactly as it runs it, so that the engine
//                                         can be sampled while the pass runs)
//   { kind: 'sample', at, waiting, rss, cpuMs, stackThreadCpuMs }  every 200 ms: callback tasks whose
//                                         timeout timer is armed, memory, CPU of the process and of its
//                                         main thread
// The parent times everything else (the API answering) from outside, over HTTP.
//
//   fork('bench/embedded-process.ts', { env: { DATA_DIR, PORT } })
import { startEmbeddedStack } from '../infra/local/stack.ts';
import { muteNegativeTimerWarnings } from './support.ts';

export type EmbeddedProcessMessage =
  | { kind: 'started'; at: number; url: string; reconciled: unknown }
  | {
      kind: 'sample';
      at: number;
      waiting: number;
      rss: number;
      /** CPU used so far (user + system), ms: the whole process, and the stack's own thread. */
      cpuMs: number;
      stackThreadCpuMs: number;
    }
  | { kind: 'failed'; error: string };

const send = (message: EmbeddedProcessMessage) => process.send?.(message);

muteNegativeTimerWarnings();
let waiting = () => 0;
const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const sampler = setInterval(
  () =>
    send({
      kind: 'sample',
      at: Date.now(),
      waiting: waiting(),
      rss: process.memoryUsage().rss,
      cpuMs: ms(process.cpuUsage()),
      stackThreadCpuMs: ms(process.threadCpuUsage()),
    }),
  200,
);
// The parent going away (it was killed, or it is done) ends this process too.
process.on('disconnect', () => process.exit(0));

try {
  const timeScale = process.env.COMPLAINTS_TIME_SCALE ? Number(process.env.COMPLAINTS_TIME_SCALE) : undefined;
  const stack = await startEmbeddedStack({
    port: Number(process.env.PORT ?? 0),
    dataDir: process.env.DATA_DIR ?? '.data',
    // As infra/local/main.ts decides them.
    ...(timeScale ? { timeScale } : {}),
    reservedConcurrency: timeScale === undefined,
    dynamoWorker: process.env.LOCAL_DYNAMODB_WORKER !== 'false',
    // The start-up pass is run below, as startEmbeddedStack runs it, so the engine can be sampled during it.
    reconcileOnStart: false,
    log: (line) => {
      if (process.env.BENCH_STACK_LOG === '1') console.log(`[stack] ${line}`);
    },
  });
  waiting = () => stack.sfn.waitingTasks();
  // What startEmbeddedStack does last when reconcileOnStart is on (its executions are gone: ask about
  // every open complaint, from the first); it returns only after, which would hide the engine till then.
  const { reconcile } = await import('#use-cases/reconcile');
  const { getServiceDeps } = await import('#composition/deps');
  const reconciled = await reconcile(getServiceDeps(), { deep: true, resume: false });
  send({ kind: 'started', at: Date.now(), url: stack.url, reconciled });
  process.on('SIGTERM', () => {
    clearInterval(sampler);
    void stack.close().then(() => process.exit(0));
  });
} catch (error) {
  send({ kind: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  clearInterval(sampler);
  process.exitCode = 1;
}
