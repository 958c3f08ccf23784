// What both benchmarks share: order statistics, the machine they ran on, request bodies that look like
// real complaints, and a console kept free of the engine's expected timer warnings.
import { execFileSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { cpus, availableParallelism, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { EmbeddedStack } from '../infra/local/stack.ts';

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles over raw samples (no histogram buckets, so nothing is rounded away). */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    p50: rank(50),
    p99: rank(99),
    max: sorted[sorted.length - 1]!,
    mean: total / sorted.length,
  };
}

/** How a thread spent a stretch of wall time: CPU it got, and how busy its event loop was. */
export interface ThreadUse {
  cpuMs: number;
  wallMs: number;
  /** Event loop utilisation, 0..1: above the CPU share means the thread waited for a core. */
  loopBusy: number;
}

/** Starts measuring the calling thread; the returned function reads what was used since. */
export function threadMeter(): () => ThreadUse {
  const cpu = process.threadCpuUsage();
  const loop = performance.eventLoopUtilization();
  const startedAt = performance.now();
  return () => {
    const used = process.threadCpuUsage(cpu);
    return {
      cpuMs: (used.user + used.system) / 1000,
      wallMs: performance.now() - startedAt,
      loopBusy: performance.eventLoopUtilization(loop).utilization,
    };
  };
}

export const share = (fraction: number) => `${(fraction * 100).toFixed(0)}%`;

export const describeThread = (use: ThreadUse) =>
  `CPU ${share(use.cpuMs / use.wallMs)} of wall time, event loop busy ${share(use.loopBusy)}`;

/** The commit measured, and whether the shared work tree had uncommitted changes on top of it. */
export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} changed files` : ''}`;
  } catch {
    return 'commit unknown';
  }
}

export function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${availableParallelism()} cores (${model}), ${gib} GiB, Node ${process.version}, ${process.platform}`;
}

export const ms = (value: number, digits = 1) =>
  Number.isFinite(value) ? `${value.toFixed(digits)} ms` : '-';
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export { muteNegativeTimerWarnings } from '../infra/local/shared/timer-warnings.ts';

export interface StackTraffic {
  /** Requests by server and operation ("DynamoDB PutItem", "API POST /v1/complaints", ...). */
  requests: Map<string, number>;
  /**
   * Registrations the API took on and did not refuse: a request the client gave up on (autocannon
   * drops those in flight when its time is up) still registers a complaint.
   */
  registrations: number;
}

export interface StackWatch {
  /** Traffic since the last take. */
  take(): StackTraffic;
  /** Requests the stack's own servers (DynamoDB, Step Functions, SNS) have not answered yet. */
  internalInFlight(): number;
  /** Registrations since the watch began. */
  registrationsTotal(): number;
}

const REGISTRATION = 'API POST /v1/complaints';

/**
 * Watches the HTTP traffic of the stack's local servers (API routes, DynamoDB and Step Functions
 * operations, SNS calls) through Node's own http diagnostics channel: nothing is wrapped.
 */
export function watchStack(stack: EmbeddedStack): StackWatch {
  const servers = new Map<string, string>([
    [new URL(stack.dynamo.endpoint).port, 'DynamoDB'],
    [new URL(stack.sfn.endpoint).port, 'Step Functions'],
    [new URL(stack.sns.endpoint).port, 'SNS'],
    [new URL(stack.url).port, 'API'],
  ]);
  let traffic: StackTraffic = { requests: new Map(), registrations: 0 };
  let registrationsTotal = 0;
  let internalInFlight = 0;
  diagnostics.subscribe('http.server.request.start', (message) => {
    const { request, response, server } = message as {
      request: IncomingMessage;
      response: ServerResponse;
      server: Server;
    };
    const address = server.address();
    const service = servers.get(typeof address === 'object' && address ? String(address.port) : '');
    if (!service) return;
    const target = request.headers['x-amz-target'];
    const operation =
      typeof target === 'string'
        ? target.slice(target.indexOf('.') + 1)
        : service === 'API'
          ? `${request.method} ${request.url?.split('?')[0]}`
          : 'request';
    const key = `${service} ${operation}`;
    traffic.requests.set(key, (traffic.requests.get(key) ?? 0) + 1);
    if (key === REGISTRATION) {
      traffic.registrations += 1;
      registrationsTotal += 1;
      // Refused (4xx/5xx): no complaint. An abandoned request never finishes and counts as registered.
      response.once('finish', () => {
        if (response.statusCode === 201) return;
        traffic.registrations -= 1;
        registrationsTotal -= 1;
      });
    } else if (service !== 'API') {
      internalInFlight += 1;
      response.once('close', () => (internalInFlight -= 1));
    }
  });
  return {
    take: () => {
      const taken = traffic;
      traffic = { requests: new Map(), registrations: 0 };
      return taken;
    },
    internalInFlight: () => internalInFlight,
    registrationsTotal: () => registrationsTotal,
  };
}

// Delay, damage, loss, wrong delivery: normal priority unless declared otherwise.
const ORDINARY_DESCRIPTIONS = [
  '快递寄出五天了还没到，物流信息一直不更新',
  '包裹收到时外箱破损，里面的瓷碗碎了两个',
  '快递显示已签收但我根本没有收到，快递员也联系不上',
  '派送员把我的包裹送到了别人家，现在找不回来',
  'The parcel has not moved for a week and the tracking page shows nothing new',
];
// Privacy: always urgent.
const PRIVACY_DESCRIPTION = '面单上我的电话和地址被别人拍照发到了网上，担心个人信息泄露';
const DESCRIPTIONS = [...ORDINARY_DESCRIPTIONS, PRIVACY_DESCRIPTION];
const CHANNELS = ['hotline', 'web', 'app', 'wechat'] as const;

/**
 * Complaint `n` of a run: its own phone and waybill, except that one in ten reuses the phone and waybill
 * of complaint n-5, so repeat detection finds something as it does with real callers.
 */
export function complaintBody(n: number, runTag: number): Record<string, unknown> {
  const caller = n % 10 === 9 && n >= 5 ? n - 5 : n;
  return {
    channel: CHANNELS[n % CHANNELS.length],
    description: DESCRIPTIONS[n % DESCRIPTIONS.length],
    customer: { phone: mobileNumber(caller, runTag), name: '张三' },
    trackingNumber: `SF${runTag}${String(caller).padStart(10, '0')}`,
  };
}

/**
 * Complaint `n` with its own caller and waybill at the declared priority, which nothing overrides (no
 * repeat, no privacy matter, not from the regulator): every one of a priority runs on the same SLA clock.
 */
export function declaredPriorityComplaintBody(
  n: number,
  runTag: number,
  priority: 'normal' | 'urgent',
): Record<string, unknown> {
  return {
    channel: CHANNELS[n % CHANNELS.length],
    description: ORDINARY_DESCRIPTIONS[n % ORDINARY_DESCRIPTIONS.length],
    priority,
    customer: { phone: mobileNumber(n, runTag), name: '张三' },
    trackingNumber: `SF${runTag}${String(n).padStart(10, '0')}`,
  };
}

/** A valid mainland mobile number unique per (n, runTag): 13x or 15x, then eight digits. */
function mobileNumber(n: number, runTag: number): string {
  const prefix = ['139', '138', '137', '136', '150', '151', '152', '158', '159'][runTag % 9]!;
  return `${prefix}${String(n % 1e8).padStart(8, '0')}`;
}
