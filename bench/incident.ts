// Benchmark and evidence (not a test): a mass incident of BENCH_INCIDENT_SIZE (500) complaints on the
// embedded stack, through HTTP as staff would drive it: register the complaints at one outlet, declare a
// flood there (escalated to HQ), link them by rule, send the notice, resolve them all in bulk with 20 CNY
// each. Twice during the run a batch is cut off after complaints were committed (the local DynamoDB
// refuses the link item's update, so the call fails as a crash would leave it) and the call is repeated,
// as the CLI does. At the end it counts, per complaint, the texts the local SNS sent and the `resolved`
// events on the timeline: the claim is exactly one notice and one answer each.
//
//   npm run bench:incident
//   BENCH_INCIDENT_SIZE=500 BENCH_CONCURRENCY=8
import { performance } from 'node:perf_hooks';
import { startEmbeddedStack } from '../infra/local/stack.ts';
import { codeVersion, machine, muteNegativeTimerWarnings } from './support.ts';

const SIZE = Number(process.env.BENCH_INCIDENT_SIZE ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

muteNegativeTimerWarnings();
console.log(`incident benchmark: ${SIZE} complaints; ${machine()}; ${codeVersion()}`);
console.log(`started ${new Date().toISOString()}`);

// Time-scaled (1 SLA hour = 1 min) so that quiet hours are off and the run does not wait for 08:00.
const stack = await startEmbeddedStack({
  port: 0,
  timeScale: 60,
  reconcileOnStart: false,
  reconcileIntervalMs: 0,
});

interface Response<T> {
  status: number;
  body: T;
}

const tokens = new Map<string, string>();
async function call<T>(
  role: 'intake' | 'supervisor',
  method: string,
  path: string,
  body?: unknown,
): Promise<Response<T>> {
  let token = tokens.get(role);
  if (!token) {
    token = await stack.issuer.mint({ role, user: role === 'intake' ? 'bench-intake' : 'sup-bench' });
    tokens.set(role, token);
  }
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function until(what: string, probe: () => boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface IncidentAnswer {
  incident: { id: string };
  counts: Record<string, unknown>;
  progress?: { done: boolean; processed: number; nextCursor?: string; outcomes: Record<string, number> };
}

/** A batch action, called until done; failed calls (the injected crashes) are called again. */
async function batches(
  id: string,
  body: Record<string, unknown>,
): Promise<{ calls: number; failed: number; last: IncidentAnswer }> {
  let calls = 0;
  let failed = 0;
  let cursor: string | undefined;
  for (;;) {
    calls += 1;
    const answer = await call<IncidentAnswer>('supervisor', 'POST', `/v1/incidents/${id}/actions`, {
      ...body,
      ...(cursor ? { cursor } : {}),
    });
    if (answer.status !== 200) {
      failed += 1;
      continue;
    }
    if (answer.body.progress?.done) return { calls, failed, last: answer.body };
    cursor = answer.body.progress?.nextCursor;
  }
}

/** Makes the next n updates of incident link items with `field` fail: the batch call dies mid-way. */
function crashLinkUpdates(n: number, field: string): void {
  stack.dynamo.failNext(n, {
    operation: 'UpdateItem',
    code: 'AccessDeniedException',
    matches: (request) => {
      const key = request.Key as { sk?: { S?: string } } | undefined;
      const names = JSON.stringify(request.ExpressionAttributeNames ?? {});
      return (key?.sk?.S ?? '').startsWith('LINK#') && names.includes(field);
    },
  });
}

try {
  await call('supervisor', 'GET', '/v1/health');
  const admin = await stack.issuer.mint({ role: 'admin', user: 'bench-admin' });
  for (const unit of [
    { kind: 'region', id: 'EAST', name: '华东区域中心', recipients: [] },
    { kind: 'outlet', id: 'SH-01', regionId: 'EAST', name: '上海浦东网点', recipients: [] },
  ]) {
    const put = await fetch(`${stack.url}/v1/org/units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(unit),
    });
    if (put.status !== 200) throw new Error(`org unit: ${put.status} ${await put.text()}`);
  }

  // Register.
  const from = new Date(Date.now() - 60_000).toISOString();
  const ids: string[] = [];
  let started = performance.now();
  await inParallel(
    Array.from({ length: SIZE }, (_, i) => i),
    async (i) => {
      const phone = `139${String(10_000_000 + i).padStart(8, '0')}`;
      const answer = await call<{ id: string }>('intake', 'POST', '/v1/complaints', {
        channel: 'hotline',
        category: 'delay',
        description: '暴雨后快递滞留在浦东分拨中心，一直没有派送',
        outletId: 'SH-01',
        customer: { phone },
        postage: 12,
      });
      if (answer.status !== 201) throw new Error(`register: ${answer.status} ${JSON.stringify(answer.body)}`);
      ids.push(answer.body.id);
    },
  );
  const registerMs = performance.now() - started;
  const sms = (event: string) => stack.sns.outbox().filter((e) => e.kind === 'sms' && e.event === event);
  await until('received texts', () => sms('received').length >= SIZE);

  // Declare and link.
  const declared = await call<IncidentAnswer>('supervisor', 'POST', '/v1/incidents', {
    cause: { kind: 'flood', summary: '浦东分拨中心进水，邮件滞留' },
    area: { outletIds: ['SH-01'] },
    categories: ['delay'],
    window: { from },
    escalateToHq: true,
  });
  if (declared.status !== 201)
    throw new Error(`declare: ${declared.status} ${JSON.stringify(declared.body)}`);
  const id = declared.body.incident.id;
  started = performance.now();
  const link = await batches(id, { action: 'link-matching' });
  const linkMs = performance.now() - started;

  // Notify, with a crash after some notices were handed to delivery.
  crashLinkUpdates(3, 'notice');
  started = performance.now();
  const notify = await batches(id, { action: 'notify' });
  const notifyMs = performance.now() - started;
  await until('incident notices', () => sms('incident-notice').length >= SIZE);

  // Resolve, with a crash after some complaints were resolved.
  crashLinkUpdates(3, 'outcome');
  started = performance.now();
  const resolve = await batches(id, {
    action: 'resolve',
    resolution: '受暴雨影响滞留的邮件已全部转运派送，向您致歉，并补偿20元。',
    compensation: { kind: 'fixed', amount: 20 },
  });
  const resolveMs = performance.now() - started;
  await until('answered texts', () => sms('answered').length >= SIZE);
  // Give any duplicate a chance to show up before counting.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  // Count.
  const perComplaint = (event: string) => {
    const counts = new Map<string, number>();
    for (const entry of sms(event))
      counts.set(entry.complaintId ?? '?', (counts.get(entry.complaintId ?? '?') ?? 0) + 1);
    return ids.map((complaintId) => counts.get(complaintId) ?? 0);
  };
  const histogram = (values: number[]) =>
    JSON.stringify(
      Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length])),
    );
  const resolvedEvents: number[] = [];
  const levels: number[] = [];
  await inParallel(ids, async (complaintId) => {
    const timeline = await call<{ items: { type: string }[] }>(
      'supervisor',
      'GET',
      `/v1/complaints/${complaintId}/timeline?limit=500`,
    );
    resolvedEvents.push(timeline.body.items.filter((e) => e.type === 'resolved').length);
    const complaint = await call<{ escalationLevel: number }>(
      'supervisor',
      'GET',
      `/v1/complaints/${complaintId}`,
    );
    levels.push(complaint.body.escalationLevel);
  });
  const final = await call<IncidentAnswer>('supervisor', 'GET', `/v1/incidents/${id}`);

  console.log('');
  console.log(`registered ${ids.length} complaints in ${(registerMs / 1000).toFixed(1)} s`);
  console.log(`link-matching: ${link.calls} calls, ${(linkMs / 1000).toFixed(1)} s`);
  console.log(
    `notify: ${notify.calls} calls (${notify.failed} cut off by an injected crash), ${(notifyMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `resolve: ${resolve.calls} calls (${resolve.failed} cut off by an injected crash), ${(resolveMs / 1000).toFixed(1)} s`,
  );
  console.log(`incident counts: ${JSON.stringify(final.body.counts)}`);
  console.log(`escalation levels (level: complaints): ${histogram(levels)}`);
  console.log(`texts sent (SMS in the local SNS outbox):`);
  for (const event of ['received', 'accepted', 'incident-notice', 'answered']) {
    console.log(
      `  ${event.padEnd(16)} ${String(sms(event).length).padStart(5)}  per complaint: ${histogram(perComplaint(event))}`,
    );
  }
  console.log(`'resolved' timeline events per complaint: ${histogram(resolvedEvents)}`);
  const exactlyOnce =
    perComplaint('incident-notice').every((n) => n === 1) &&
    perComplaint('answered').every((n) => n === 1) &&
    resolvedEvents.every((n) => n === 1);
  console.log(`exactly once per complaint: ${exactlyOnce ? 'yes' : 'NO'}`);
  if (!exactlyOnce) process.exitCode = 1;
} finally {
  await stack.close();
}
