// Delivery of texts and alerts through the notification workflow on the embedded stack: quiet hours are
// the workflow's own waiting, a retried send never texts twice, and a failing SMS provider never stalls
// a complaint (messages are retried, then dead-lettered).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { getServiceDeps } from '#composition/deps';
import { deliverNotification } from '#use-cases/deliver-notification';
import {
  eventually,
  sampleComplaint,
  splitActor,
  startTestApi,
  untilNoRunningExecutions,
  type TestApi,
} from '../support/embedded.ts';
import type { OutboxItem } from '../../infra/local/cli/outbox.ts';

const NOTIFICATION_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:complaint-notifications';
type Complaint = { id: string; status: string; closeReason: string | null };

let api: TestApi;

beforeAll(async () => {
  // Send retries every 50 ms instead of 2 s, 4 s, ... so the dead-letter path runs in a second.
  api = await startTestApi({ timeScale: 36_000, retryIntervalOverrides: { Send: 50 } });
});
afterAll(async () => {
  await api?.close();
});

const outbox = async (id: string) =>
  (await api.get<{ items: OutboxItem[] }>(`/_local/outbox?complaintId=${id}`)).body.items;
const sfn = () =>
  new SFNClient({
    endpoint: api.stack.sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

async function register(): Promise<Complaint> {
  const response = await api.post<Complaint>('/v1/complaints', sampleComplaint());
  expect(response.status).toBe(201);
  return response.body;
}

async function act(id: string, body: Record<string, unknown>, path = 'actions'): Promise<Complaint> {
  return eventually(
    async () => {
      // Actions are the named person's; feedback is the intake system's (it registered the complaint).
      const r =
        path === 'actions'
          ? await api
              .as(splitActor(body).as)
              .post<Complaint>(`/v1/complaints/${id}/${path}`, splitActor(body).action)
          : await api.post<Complaint>(`/v1/complaints/${id}/${path}`, body);
      return r.status === 200 ? r.body : undefined;
    },
    30_000,
    `${path} ${String(body.action ?? '')}`,
  );
}

describe('notification delivery', () => {
  it('holds a text until its send time: the workflow waits, no Lambda sleeps', async () => {
    // Prepare: a complaint whose texts have gone out, and one more owed, due in 2 s.
    const { id } = await register();
    await eventually(async () => ((await outbox(id)).length > 0 ? true : undefined), 10_000, 'received text');
    const sendAt = new Date(Date.now() + 2_000).toISOString();
    const notification = {
      key: 'closed.99',
      audience: 'customer',
      event: 'closed',
      createdAt: new Date().toISOString(),
      data: { reason: 'withdrawn' },
    };
    // Act
    await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: NOTIFICATION_MACHINE,
        name: `${id}.closed.99`,
        input: JSON.stringify({ complaintId: id, notification, sendAt }),
      }),
    );
    // Assess: sent once, and not before its send time (the SNS stand-in stamps when it took the text).
    const sent = await eventually(
      async () => {
        const items = (await outbox(id)).filter((m) => m.key === 'closed.99');
        return items.length ? items : undefined;
      },
      5_000,
      'deferred text',
    );
    expect(sent).toHaveLength(1);
    expect(Date.parse(sent[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(sendAt));
  });

  it('sends one text per complaint and event however often the send step or the start is retried', async () => {
    const { id } = await register();
    await eventually(
      async () => ((await outbox(id)).some((m) => m.key === 'received.1') ? true : undefined),
      10_000,
    );
    const request = {
      complaintId: id,
      notification: {
        key: 'received.1',
        audience: 'customer' as const,
        event: 'received' as const,
        createdAt: new Date().toISOString(),
      },
    };
    // A Lambda retry of the send step, twice.
    expect(await deliverNotification(getServiceDeps(), request)).toBe('already-sent');
    expect(await deliverNotification(getServiceDeps(), request)).toBe('already-sent');
    // A second start of the same delivery execution.
    await getServiceDeps().dispatcher.dispatch(id, request.notification, new Date());
    // Every delivery of the complaint has ended: a second text would be in the outbox by now.
    await untilNoRunningExecutions(api.stack, ['complaint-notifications'], 20_000, `${id}.`);
    expect((await outbox(id)).filter((m) => m.key === 'received.1')).toHaveLength(1);
  });

  it('never sends twice after an attempt was cut off between sending and recording', async () => {
    // Prepare: an attempt that began (status 'sending') and never finished, as after a crash mid-send.
    const { id } = await register();
    const deps = getServiceDeps();
    const notification = {
      key: 'closed.77',
      audience: 'customer' as const,
      event: 'closed' as const,
      createdAt: new Date().toISOString(),
      data: { reason: 'withdrawn' },
    };
    expect(await deps.deliveries.begin(id, notification.key, new Date())).toBe('send');
    // Act: the step runs again.
    const outcome = await deliverNotification(deps, { complaintId: id, notification });
    // Assess: nothing sent, and the delivery is settled so no later retry sends it either.
    expect(outcome).toBe('uncertain');
    expect((await outbox(id)).filter((m) => m.key === 'closed.77')).toHaveLength(0);
    expect(await deliverNotification(deps, { complaintId: id, notification })).toBe('already-sent');
    expect(await deps.deliveries.unsent(id)).toEqual([]);
  });

  it('keeps complaints moving while the SMS provider fails: retried, then dead-lettered, none stalled', async () => {
    // Prepare: the provider fails every request.
    api.stack.sns.setFailureRate(1, 'InternalError');
    const complaints: Complaint[] = [];
    try {
      for (let i = 0; i < 5; i++) complaints.push(await register());
      // Act: every complaint runs its whole lifecycle.
      await Promise.all(
        complaints.map(async ({ id }) => {
          await act(id, { action: 'accept', actor: 'agent-1' });
          await act(id, { action: 'resolve', actor: 'agent-1', resolution: '已处理' });
          await act(id, { score: 4 }, 'feedback');
        }),
      );
      // Assess: all closed, and every message they owed (4 texts each) dead-lettered once, none sent.
      const statuses = await Promise.all(
        complaints.map(async ({ id }) => (await api.get<Complaint>(`/v1/complaints/${id}`)).body.status),
      );
      expect(statuses).toEqual(complaints.map(() => 'closed'));
      const deadLetters = await eventually(
        async () => {
          const all = (await Promise.all(complaints.map(({ id }) => outbox(id)))).flat();
          const keys = all.filter((m) => m.status === 'failed').map((m) => m.key);
          return keys.filter((k) => (k ?? '').startsWith('closed')).length === complaints.length
            ? all
            : undefined;
        },
        20_000,
        'dead letters',
      );
      const failed = deadLetters.filter((m) => m.status === 'failed');
      console.log(
        `failure injection: ${complaints.length} complaints, ${failed.length} messages dead-lettered, ` +
          `${deadLetters.length - failed.length} sent, ${statuses.filter((s) => s !== 'closed').length} stalled`,
      );
      expect(deadLetters.filter((m) => m.status === 'sent')).toHaveLength(0);
      // Each message dead-lettered exactly once.
      const perMessage = new Map<string, number>();
      for (const m of failed)
        perMessage.set(`${m.complaintId}/${m.key}`, (perMessage.get(`${m.complaintId}/${m.key}`) ?? 0) + 1);
      expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
      expect(perMessage.size).toBeGreaterThanOrEqual(complaints.length * 4);
    } finally {
      api.stack.sns.setFailureRate(0);
    }
  }, 120_000);

  it('retries a send that failed once and delivers it exactly once', async () => {
    const { id } = await register();
    await eventually(
      async () => ((await outbox(id)).some((m) => m.key === 'received.1') ? true : undefined),
      10_000,
    );
    api.stack.sns.failNext(2, 'Throttling');
    await act(id, { action: 'accept', actor: 'agent-1' });
    const accepted = await eventually(
      async () => {
        const items = (await outbox(id)).filter((m) => (m.key ?? '').startsWith('accepted'));
        return items.length ? items : undefined;
      },
      10_000,
      'accepted text',
    );
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.status).toBe('sent');
  });
});
