// An opted-out number (SPEC section 6, issue 5): the provider refuses the text, the opt-out is recorded on
// the complaint and respected afterwards, and the complaint moves on as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getComplaint, readTimeline } from '#use-cases/queries';
import { getServiceDeps } from '#composition/deps';
import {
  eventually,
  sampleComplaint,
  startTestApi,
  untilNoRunningExecutions,
  type TestApi,
} from '../support/embedded.ts';

const OPTED_OUT = '+8613900009999';
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ timeScale: 36_000, optedOutNumbers: [OPTED_OUT] });
});
afterAll(async () => {
  await api?.close();
});

describe('SMS opt-out', () => {
  it('records the opt-out on the complaint, sends no text, and keeps the complaint moving', async () => {
    // Prepare / Act
    const created = await api.post<{ id: string }>(
      '/v1/complaints',
      sampleComplaint({ customer: { phone: '13900009999' } }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Assess: the opt-out is recorded with a timeline event.
    const complaint = await eventually(
      async () => {
        const c = await getComplaint(getServiceDeps(), id);
        return c.customer.smsOptedOutAt ? c : undefined;
      },
      15_000,
      'opt-out recorded',
    );
    const timeline = await readTimeline(getServiceDeps(), complaint.id, { limit: 100 });
    expect(timeline.items.map((e) => e.type)).toContain('sms-opted-out');
    const accepted = await eventually(
      async () => {
        const r = await api
          .as({ role: 'agent', user: 'agent-1' })
          .post<{ status: string }>(`/v1/complaints/${id}/actions`, { action: 'accept' });
        return r.status === 200 ? r.body : undefined;
      },
      10_000,
      'accept',
    );
    expect(accepted.status).toBe('investigating');
    // No text reached the customer, before or after the opt-out was recorded: once the complaint owes no
    // text (its outbox handed over) and every delivery of it has ended, none is in the outbox.
    await eventually(
      async () => ((await getComplaint(getServiceDeps(), id)).outbox.length === 0 ? true : undefined),
      15_000,
      'texts handed over',
    );
    await untilNoRunningExecutions(api.stack, ['complaint-notifications'], 20_000, `${id}.`);
    const outbox = (await api.get<{ items: { kind: string }[] }>(`/_local/outbox?complaintId=${id}`)).body
      .items;
    expect(outbox.filter((m) => m.kind === 'sms')).toEqual([]);
  });
});
