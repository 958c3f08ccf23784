// The 08:00 burst (docs/spec.md, "Quiet hours and the morning release"), shared by the suite's test
// (tests/workflow/morning-burst.test.ts, 200 texts) and the benchmark (bench/burst.ts, 2,000 texts).
//
// Texts created overnight (23:00 Shanghai) are handed to delivery the way the workflow hands them over
// (DeliveryLog.schedule, then NotificationDispatcher.dispatch: one delivery execution each) with the
// send instant the domain computes for them: 08:00 plus the text's own offset in the release window.
// The night is compressed by `timeScale`: a text due at 08:00 + d waits d / timeScale from the release
// instant, and every Retry interval of the notification machine is divided by the same factor, so a
// 30-minute window and an hour of backoff run in seconds. The local SNS accepts `rate` Publish a second
// and answers Throttled above it; the send function runs at most its reserved concurrency at once.
import { getServiceDeps } from '#composition/deps';
import type { PendingNotification } from '#domain/complaint';
import { customerSendAt, releaseKeyOf } from '#domain/notifications/quiet-hours';
import type { DeliveryAttention } from '#domain/ports';
import { SEND_CONCURRENCY } from '../../functions/workflow/tasks.ts';
import type { OutboxEntry } from '../../infra/local/sns/server.ts';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

export interface BurstOptions {
  texts: number;
  /** Texts per complaint (the complaints are registered through the API). */
  perComplaint: number;
  timeScale: number;
  /** Publish requests a second the local SNS accepts. */
  rate: number;
  /** How long to wait for the last text (ms). */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface BurstFigures {
  texts: number;
  complaints: number;
  rate: number;
  timeScale: number;
  /** From the (compressed) 08:00 to the last text out, in ms, and that span in real minutes. */
  drainMs: number;
  drainRealMinutes: number;
  delivered: number;
  deliveredTwice: number;
  deadLettered: number;
  awaitingOperator: DeliveryAttention[];
  /** Publish requests the provider answered Throttled. */
  snsThrottled: number;
  /** Send invocations refused for reserved concurrency, and the most that ran at once. */
  lambdaThrottled: number;
  lambdaPeak: number;
  /** Most texts out in any rolling second, against `rate`. */
  busiestSecond: number;
}

const NIGHT = new Date('2026-03-09T15:00:00Z'); // 23:00 Shanghai
const MORNING = new Date('2026-03-10T00:00:00Z'); // 08:00 Shanghai

export async function runMorningBurst(options: BurstOptions): Promise<BurstFigures> {
  const log = options.log ?? (() => undefined);
  const api = await startTestApi({
    timeScale: options.timeScale,
    retryTimeScale: options.timeScale,
    snsMaxRate: options.rate,
    reservedConcurrency: true,
    reconcileOnStart: false,
    reconcileIntervalMs: 0,
  });
  try {
    return await burst(api, options, log);
  } finally {
    await api.close();
  }
}

async function burst(
  api: TestApi,
  options: BurstOptions,
  log: (line: string) => void,
): Promise<BurstFigures> {
  // Prepare: the complaints, registered while the provider is unlimited (their 'received' texts go out).
  api.stack.sns.setMaxRate(0);
  const complaints = Math.ceil(options.texts / options.perComplaint);
  const ids: string[] = [];
  for (let i = 0; i < complaints; i++) {
    const response = await api.post<{ id: string }>('/v1/complaints', sampleComplaint());
    if (response.status !== 201) throw new Error(`registration answered ${response.status}`);
    ids.push(response.body.id);
  }
  log(`registered ${ids.length} complaints`);
  const deps = getServiceDeps();
  const handOvers: { id: string; notification: PendingNotification; sendAt: Date }[] = [];
  for (const [c, id] of ids.entries()) {
    for (let n = 0; n < options.perComplaint && handOvers.length < options.texts; n++) {
      const notification: PendingNotification = {
        key: `closed.${c}.${n}`,
        audience: 'customer',
        event: 'closed',
        createdAt: NIGHT.toISOString(),
        data: { reason: 'withdrawn' },
      };
      const due = customerSendAt(NIGHT, { quietHours: true, releaseKey: releaseKeyOf(id, notification.key) });
      handOvers.push({ id, notification, sendAt: due });
    }
  }
  // The compressed morning starts once every execution is waiting.
  const handOverBudgetMs = 2_000 + handOvers.length * 3;
  const release = Date.now() + handOverBudgetMs;
  const realInstant = (due: Date) =>
    new Date(release + (due.getTime() - MORNING.getTime()) / options.timeScale);
  api.stack.sns.setMaxRate(options.rate);
  for (let i = 0; i < handOvers.length; i += 50) {
    await Promise.all(
      handOvers.slice(i, i + 50).map(async ({ id, notification, sendAt }) => {
        await deps.deliveries.schedule(id, notification, realInstant(sendAt));
        await deps.dispatcher.dispatch(id, notification, realInstant(sendAt));
      }),
    );
  }
  if (Date.now() > release) log(`hand-over overran the release instant by ${Date.now() - release} ms`);
  log(`handed over ${handOvers.length} texts; release at ${new Date(release).toISOString()}`);

  // Act: the morning runs. Assess: wait until every text is out or given up.
  const wanted = new Set(handOvers.map(({ id, notification }) => `${id}/${notification.key}`));
  const burstEntries = (): OutboxEntry[] =>
    api.stack.sns
      .outbox()
      .filter((m) => m.complaintId !== undefined && wanted.has(`${m.complaintId}/${m.key ?? ''}`));
  const settled = await eventually(
    async () => {
      const entries = burstEntries();
      const done = new Set(entries.map((m) => `${m.complaintId}/${m.key ?? ''}`));
      return done.size === wanted.size ? entries : undefined;
    },
    options.timeoutMs,
    `${wanted.size} burst texts sent or dead-lettered`,
  );
  const sent = settled.filter((m) => m.status === 'sent');
  const perText = new Map<string, number>();
  for (const m of sent)
    perText.set(`${m.complaintId}/${m.key}`, (perText.get(`${m.complaintId}/${m.key}`) ?? 0) + 1);
  // The most texts out in any rolling second.
  const instants = sent.map((m) => Date.parse(m.at)).sort((a, b) => a - b);
  let busiestSecond = 0;
  for (let first = 0, last = 0; last < instants.length; last++) {
    while (instants[last]! - instants[first]! >= 1000) first++;
    busiestSecond = Math.max(busiestSecond, last - first + 1);
  }
  const lastOut = Math.max(...sent.map((m) => Date.parse(m.at)));
  const stats = Object.entries(api.stack.sfn.lambdaStats()).find(([name]) =>
    name.endsWith('send-notification'),
  )?.[1];
  const awaiting = await api
    .as({ role: 'supervisor', user: 'sup-burst' })
    .get<{ items: DeliveryAttention[] }>('/v1/deliveries?limit=100');
  return {
    texts: wanted.size,
    complaints: ids.length,
    rate: options.rate,
    timeScale: options.timeScale,
    drainMs: lastOut - release,
    drainRealMinutes: ((lastOut - release) * options.timeScale) / 60_000,
    delivered: perText.size,
    deliveredTwice: [...perText.values()].filter((n) => n > 1).length,
    deadLettered: settled.filter((m) => m.status === 'failed').length,
    awaitingOperator: awaiting.body.items.filter((d) => wanted.has(`${d.complaintId}/${d.key}`)),
    snsThrottled: api.stack.sns.throttledCount(),
    lambdaThrottled: stats?.throttled ?? 0,
    lambdaPeak: stats?.peak ?? 0,
    busiestSecond,
  };
}

export function describeFigures(f: BurstFigures): string {
  return [
    `morning burst: ${f.texts} texts of ${f.complaints} complaints, SNS limited to ${f.rate}/s, time x${f.timeScale}`,
    `  drained ${(f.drainMs / 1000).toFixed(1)} s after the release (${f.drainRealMinutes.toFixed(1)} min of real time)`,
    `  delivered ${f.delivered}, twice ${f.deliveredTwice}, dead-lettered ${f.deadLettered}, awaiting an operator ${f.awaitingOperator.length}`,
    `  SNS Throttled answers ${f.snsThrottled}; busiest second ${f.busiestSecond} texts (limit ${f.rate})`,
    `  send function: peak ${f.lambdaPeak} at once (reserved ${SEND_CONCURRENCY}), ${f.lambdaThrottled} invocations throttled`,
  ].join('\n');
}
