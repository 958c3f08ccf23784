// Undelivered texts on the embedded stack: a message the provider rejects is dead-lettered without
// retries and listed for an operator (GET /v1/deliveries), as are uncertain and stuck ones; a supervisor
// re-sends it (POST /v1/deliveries/{id}/{key}/resend) and it goes out once, however often the re-send
// is asked for, concurrently or not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServiceDeps } from '#composition/deps';
import type { PendingNotification } from '#domain/complaint';
import type { DeliveryAttention } from '#domain/ports';
import { deliverNotification } from '#use-cases/deliver-notification';
import type { OutboxItem } from '../../infra/local/cli/outbox.ts';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({
    timeScale: 36_000,
    retryIntervalOverrides: { Send: 50, RecordUndelivered: 50 },
    reconcileIntervalMs: 0,
  });
});
afterAll(async () => {
  await api?.close();
});

const supervisor = () => api.as({ role: 'supervisor', user: 'sup-ops' });
const outbox = async (id: string, key: string) =>
  (await api.get<{ items: OutboxItem[] }>(`/_local/outbox?complaintId=${id}`)).body.items.filter(
    (m) => m.key === key,
  );
const listed = async (state?: string) =>
  (
    await supervisor().get<{ items: DeliveryAttention[] }>(
      `/v1/deliveries?limit=100${state ? `&state=${state}` : ''}`,
    )
  ).body.items;
const resendPath = (id: string, key: string) => `/v1/deliveries/${id}/${encodeURIComponent(key)}/resend`;

/** A registered complaint whose received text went out, and a closing text it owes. */
async function complaintOwing(key: string): Promise<{ id: string; notification: PendingNotification }> {
  const { body } = await api.post<{ id: string }>('/v1/complaints', sampleComplaint());
  await eventually(async () => ((await outbox(body.id, 'received.1')).length ? true : undefined), 10_000);
  const notification: PendingNotification = {
    key,
    audience: 'customer',
    event: 'closed',
    createdAt: new Date().toISOString(),
    data: { reason: 'withdrawn' },
  };
  return { id: body.id, notification };
}

async function handOver(id: string, notification: PendingNotification): Promise<void> {
  const deps = getServiceDeps();
  await deps.deliveries.schedule(id, notification, new Date());
  await deps.dispatcher.dispatch(id, notification, new Date());
}

describe('undelivered texts', () => {
  it('dead-letters a rejected text at once, lists it, and re-sends it exactly once', async () => {
    // Prepare: the provider rejects the next request for good.
    const { id, notification } = await complaintOwing('closed.41');
    api.stack.sns.failNext(1, 'InvalidParameter');
    // Act
    await handOver(id, notification);
    const entry = await eventually(
      async () => (await listed('dead-lettered')).find((d) => d.complaintId === id),
      15_000,
      'listed dead letter',
    );
    // Assess: one attempt only (no retries of a rejection), dead-lettered once, nothing sent.
    expect(entry).toMatchObject({ key: 'closed.41', state: 'dead-lettered', attempts: 1, redrive: 0 });
    expect(entry.lastError).toBe('SendRejected');
    expect((await outbox(id, 'closed.41')).map((m) => m.status)).toEqual(['failed']);
    // An agent may not list or re-send.
    expect((await api.as({ role: 'agent', user: 'agent-1' }).get('/v1/deliveries')).status).toBe(403);
    expect(
      (await api.as({ role: 'agent', user: 'agent-1' }).post(resendPath(id, 'closed.41'), {})).status,
    ).toBe(403);

    // Act: the operator re-sends it, then asks again.
    const first = await supervisor().post<{ redrive: number }>(resendPath(id, 'closed.41'), {});
    const second = await supervisor().post<{ code?: string }>(resendPath(id, 'closed.41'), {});
    // Assess
    expect(first.status).toBe(202);
    expect(first.body.redrive).toBe(1);
    expect(second.status).toBe(409);
    const sent = await eventually(
      async () => {
        const items = (await outbox(id, 'closed.41')).filter((m) => m.status === 'sent');
        return items.length ? items : undefined;
      },
      10_000,
      're-sent text',
    );
    expect(sent).toHaveLength(1);
    expect((await listed()).filter((d) => d.complaintId === id)).toEqual([]);
    // Once sent, a further re-send is refused too, and nothing more goes out.
    expect((await supervisor().post(resendPath(id, 'closed.41'), {})).status).toBe(409);
    expect((await outbox(id, 'closed.41')).filter((m) => m.status === 'sent')).toHaveLength(1);
  });

  it('lists an uncertain text, and of two concurrent re-sends lets exactly one through', async () => {
    // Prepare: an attempt cut off between sending and recording, then the step runs again.
    const { id, notification } = await complaintOwing('closed.42');
    const deps = getServiceDeps();
    await deps.deliveries.schedule(id, notification, new Date());
    expect(await deps.deliveries.begin(id, notification.key, new Date())).toBe('send');
    expect(await deliverNotification(deps, { complaintId: id, notification })).toBe('uncertain');
    expect((await listed('uncertain')).filter((d) => d.complaintId === id)).toHaveLength(1);
    // Act
    const answers = await Promise.all([
      supervisor().post(resendPath(id, 'closed.42'), {}),
      supervisor().post(resendPath(id, 'closed.42'), {}),
    ]);
    // Assess
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const sent = await eventually(
      async () => {
        const items = (await outbox(id, 'closed.42')).filter((m) => m.status === 'sent');
        return items.length ? items : undefined;
      },
      10_000,
      're-sent text',
    );
    expect(sent).toHaveLength(1);
  });

  it('lists a text stuck in sending after a deep reconciler pass, and re-sends it', async () => {
    // Prepare: an attempt that began 20 minutes ago and never finished, its execution gone.
    const { id, notification } = await complaintOwing('closed.43');
    const deps = getServiceDeps();
    await deps.deliveries.schedule(id, notification, new Date());
    await deps.deliveries.begin(id, notification.key, new Date(Date.now() - 20 * 60_000));
    // Act
    await api.stack.runOps({ command: 'reconcile', deep: true, fromStart: true });
    // Assess
    const stuck = (await listed('sending')).filter((d) => d.complaintId === id);
    expect(stuck).toMatchObject([{ key: 'closed.43', state: 'sending' }]);
    expect((await supervisor().post(resendPath(id, 'closed.43'), {})).status).toBe(202);
    await eventually(
      async () => ((await outbox(id, 'closed.43')).some((m) => m.status === 'sent') ? true : undefined),
      10_000,
      're-sent text',
    );
    expect((await outbox(id, 'closed.43')).filter((m) => m.status === 'sent')).toHaveLength(1);
  });

  it('answers 404 for a delivery never recorded, 400 for a malformed key, state or cursor', async () => {
    const { id } = await complaintOwing('closed.44');
    expect((await supervisor().post(resendPath(id, 'closed.99'), {})).status).toBe(404);
    expect((await supervisor().post(resendPath(id, 'closed 99!'), {})).status).toBe(400);
    expect((await supervisor().get('/v1/deliveries?state=lost')).status).toBe(400);
    expect((await supervisor().get('/v1/deliveries?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });
});
