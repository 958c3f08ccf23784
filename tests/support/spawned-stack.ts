// The embedded stack as its own process (`node infra/local/main.ts`, what `npm start` runs), so a test can
// kill it like an operator or a crash would (SIGTERM, SIGKILL) and start it again on the same data
// directory and port. Its HTTP client is the tests' one (http-api.ts); below, helpers any test uses with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitActor, type ApiResponse, type Identity } from './embedded.ts';
import { eventually } from './eventually.ts';
import { httpApi, type HttpApi } from './http-api.ts';
import type { OutboxItem } from '../../infra/local/cli/outbox.ts';
import { SERVICE_PORT_VARIABLES } from '../../infra/local/startup-failure.ts';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = 'infra/local/main.ts';
/** Keeps failure messages readable: only the tail of a chatty process's output is kept. */
const MAX_OUTPUT_CHARS = 200_000;

export interface SpawnOptions {
  /** COMPLAINTS_TIME_SCALE; unset runs in real time. */
  timeScale?: number;
  /** Reuse a data directory (respawn); a fresh temporary one by default. */
  dataDir?: string;
  /** Reuse a port (respawn); a free one by default. */
  port?: number;
  readyTimeoutMs?: number;
  /** Extra variables for the process (e.g. SMS_PROVIDER). */
  environment?: Record<string, string>;
}

export interface SpawnedStack extends HttpApi {
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  /** The count on the start banner's "resumed N open complaint(s)" line. */
  readonly resumed: number;
  /** Of those, the ones whose execution was taken back from the journal ("C carried on where they were"). */
  readonly carriedOn: number;
  /** The banner's "M undelivered message(s)" on the same line (0 when the banner does not say). */
  readonly resumedDeliveries: number;
  /** Everything the process wrote to stdout and stderr so far (its tail). */
  output(): string;
  /** Sends the signal and waits for the process to end. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A new process on the same data directory, port and time scale (after stop). */
  respawn(): Promise<SpawnedStack>;
}

/** A port free right now: the OS picks it, the probe releases it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

export const temporaryDataDir = (): string => mkdtempSync(join(tmpdir(), 'complaints-e2e-'));

export const removeDataDir = (dataDir: string): void => rmSync(dataDir, { recursive: true, force: true });

/** LOCAL_<SERVICE>_PORT=0 for every local server: each takes a free port. */
export function anyFreeServicePorts(): Record<string, string> {
  return Object.fromEntries(Object.values(SERVICE_PORT_VARIABLES).map(({ variable }) => [variable, '0']));
}

/** Only what the process needs: variables the test runner or an in-process stack set must not leak in. */
function childEnvironment(
  port: number,
  dataDir: string,
  timeScale: number | undefined,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT'];
  return {
    ...Object.fromEntries(keep.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    // Free ports for the local servers: the default (PORT + 1..9) could meet another test's stack.
    ...anyFreeServicePorts(),
    // A test's outcome must not depend on the hour it runs at: customer texts go out at once unless the
    // test sets its own window (the README test keeps the real 21-08).
    CUSTOMER_QUIET_HOURS: 'off',
    ...(timeScale ? { COMPLAINTS_TIME_SCALE: String(timeScale) } : {}),
    ...extra,
  };
}

export async function spawnStack(options: SpawnOptions = {}): Promise<SpawnedStack> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? temporaryDataDir();
  // process.execPath is the Node the tests run on (24 under vitest), the one `npm start` uses.
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPOSITORY_ROOT,
    env: childEnvironment(port, dataDir, options.timeScale, options.environment),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const url = `http://127.0.0.1:${port}`;
  const resumed = await untilReady(child, exited, () => output, url, options.readyTimeoutMs ?? 30_000);
  const resumedDeliveries = Number(/(\d+) undelivered message/.exec(output)?.[1] ?? 0);
  const carriedOn = Number(/(\d+) carried on where they were/.exec(output)?.[1] ?? 0);
  const stack: SpawnedStack = {
    ...httpApi(url),
    pid: child.pid ?? -1,
    port,
    dataDir,
    resumed,
    carriedOn,
    resumedDeliveries,
    output: () => output,
    stop: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    respawn: () =>
      spawnStack({
        ...options,
        port,
        dataDir,
      }),
  };
  return stack;
}

/** Waits for the start banner (printed after the reconciler ran) and a healthy API; fails with the output. */
async function untilReady(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  output: () => string,
  url: string,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((result) => (ended = result));
  for (;;) {
    if (ended) {
      throw new Error(`the stack exited (${JSON.stringify(ended)}) before it was ready:\n${output()}`);
    }
    const resumed = /resumed\s+(\d+) open complaint/.exec(output());
    if (resumed && (await isHealthy(url))) return Number(resumed[1]);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the stack was not ready within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/v1/health`)).status === 200;
  } catch {
    return false;
  }
}

/** The fields of a complaint response the e2e tests read. */
export interface ComplaintBody {
  id: string;
  shortId: string;
  status: string;
  closeReason: string | null;
  category: string;
  priority: string;
  version: number;
  escalationLevel: number;
  trackingNumber: string | null;
  deadlines: { response: string | null; resolution: string | null; stage: string | null };
  customer: { name: string | null; phone: string; locale: string };
  allowedActions: string[];
}

export interface TimelineItem {
  at: string;
  type: string;
  actor: string;
  client?: string;
  from: string | null;
  to: string | null;
  data: Record<string, unknown> | null;
}

/** An item of GET /_local/outbox, as the CLI reads it. */
export type { OutboxItem } from '../../infra/local/cli/outbox.ts';

/**
 * An action or feedback as a careful client sends it: a 409 with Retry-After means the workflow is between
 * stages (right after registration, a stage change or a restart), so wait and send it again. A body that
 * names an `actor` is sent by that person (identityOf), without the field.
 */
export async function postUntilReady<T = ComplaintBody>(
  api: Pick<HttpApi, 'post'> & { as(identity: Identity): Pick<HttpApi, 'post'> },
  path: string,
  body: unknown,
  timeoutMs = 15_000,
): Promise<ApiResponse<T>> {
  const named = body !== null && typeof body === 'object' && 'actor' in body;
  const { as, action } = named
    ? splitActor(body as Record<string, unknown>)
    : { as: undefined, action: body };
  const sender = as ? api.as(as) : api;
  let last: ApiResponse<T> | undefined;
  try {
    return await eventually(
      async () => {
        last = await sender.post<T>(path, action);
        return last.status === 409 && last.headers.get('retry-after') ? undefined : last;
      },
      timeoutMs,
      `${path} taken (not 409 with Retry-After)`,
      200,
    );
  } catch (error) {
    // Past the deadline: the last answer (still 409), for the caller's assertion to show.
    if (last) return last;
    throw error;
  }
}

/** Every complaint the list endpoint returns for a query, following nextCursor to the end. */
export async function listAll(
  api: Pick<HttpApi, 'get'>,
  query: Record<string, string> = {},
): Promise<ComplaintBody[]> {
  const items: ComplaintBody[] = [];
  let cursor: string | null = null;
  do {
    const params: URLSearchParams = new URLSearchParams({
      limit: '100',
      ...query,
      ...(cursor ? { cursor } : {}),
    });
    const page: ApiResponse<{ items: ComplaintBody[]; nextCursor: string | null }> = await api.get(
      `/v1/complaints?${params.toString()}`,
    );
    if (page.status !== 200) throw new Error(`list answered ${page.status}: ${JSON.stringify(page.body)}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

export async function outboxOf(api: Pick<HttpApi, 'get'>, complaintId?: string): Promise<OutboxItem[]> {
  const query = complaintId ? `?complaintId=${complaintId}` : '';
  return (await api.get<{ items: OutboxItem[] }>(`/_local/outbox${query}`)).body.items;
}

export async function timelineOf(api: Pick<HttpApi, 'get'>, complaintId: string): Promise<TimelineItem[]> {
  return (await api.get<{ items: TimelineItem[] }>(`/v1/complaints/${complaintId}/timeline`)).body.items;
}
