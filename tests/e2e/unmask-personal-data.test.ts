// Unmasking over HTTP with bearer tokens: the permission table's `unmask` row decides (an agent only on a
// complaint they own, supervisors and auditors on any), the answer carries the full number, a refusal is a
// 403 problem, and each answered read is a `personal-data-read` event in the timeline (read through the
// timeline route: events are their own items).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';
import { postUntilReady } from '../support/spawned-stack.ts';

interface TimelineItem {
  at: string;
  type: string;
  actor: string;
  data?: Record<string, unknown>;
}

let api: TestApi;
let id: string;

beforeAll(async () => {
  api = await startTestApi({ timeScale: 3600, reconcileOnStart: false });
  const created = await api.post('/v1/complaints', {
    ...sampleComplaint({ trackingNumber: 'SF2026120201' }),
    customer: { phone: '13812345678', name: '张三丰' },
  });
  expect(created.status).toBe(201);
  id = String(created.body.id);
  const assigned = await postUntilReady(
    api.as({ role: 'supervisor', user: 'sup-1' }),
    `/v1/complaints/${id}/actions`,
    {
      action: 'assign',
      assignee: 'agent-7',
    },
  );
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
});

afterAll(async () => {
  await api?.close();
});

const unmask = (as: { role: 'agent' | 'supervisor' | 'auditor' | 'intake'; user: string }, reason: string) =>
  api.as(as).post(`/v1/complaints/${id}/personal-data`, { reason });

const readEvents = async () => {
  const timeline = await api
    .as({ role: 'auditor', user: 'aud-1' })
    .get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`);
  expect(timeline.status).toBe(200);
  return timeline.body.items.filter((e) => e.type === 'personal-data-read');
};

describe('POST /v1/complaints/{id}/personal-data', () => {
  it('answers a supervisor the full phone and name, and records the read in the timeline', async () => {
    // Act
    const revealed = await unmask({ role: 'supervisor', user: 'sup-2' }, '客户要求回电');

    // Assess
    expect(revealed.status, JSON.stringify(revealed.body)).toBe(200);
    expect(revealed.body).toMatchObject({ complaintId: id, phone: '+8613812345678', name: '张三丰' });
    expect(await readEvents()).toEqual([
      expect.objectContaining({
        at: revealed.body.recordedAt,
        actor: 'sup-2',
        data: expect.objectContaining({ reason: '客户要求回电', role: 'supervisor' }),
      }),
    ]);
    // The read is an audit event like any other: in the hash chain, which verifies intact with it (the
    // workflow may append later events between the two reads, never fewer).
    const timeline = await api
      .as({ role: 'auditor', user: 'aud-1' })
      .get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`);
    const audit = await api
      .as({ role: 'auditor', user: 'aud-1' })
      .get<{ intact: boolean; events: number }>(`/v1/complaints/${id}/audit`);
    expect(timeline.body.items.map((e) => e.type)).toContain('personal-data-read');
    expect(audit.body).toMatchObject({ intact: true, brokenAt: null });
    expect(audit.body.events).toBeGreaterThanOrEqual(timeline.body.items.length);
  });

  it('answers the owning agent, and refuses with 403 an agent who does not own the complaint', async () => {
    // Act
    const owner = await unmask({ role: 'agent', user: 'agent-7' }, '核实收件地址');
    const other = await unmask({ role: 'agent', user: 'agent-8' }, '好奇');

    // Assess
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    expect(owner.body.phone).toBe('+8613812345678');
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ status: 403, operation: 'unmask' });
    expect(JSON.stringify(other.body)).not.toContain('13812345678');
    const reads = await readEvents();
    expect(reads.map((e) => e.actor)).toEqual(['sup-2', 'agent-7']);
    expect(reads[1]?.data).toMatchObject({ reason: '核实收件地址', role: 'agent' });
  });

  it('refuses the intake system that registered it (403), and the complaint read stays masked', async () => {
    // Act
    const refused = await unmask({ role: 'intake', user: 'test-intake' }, '客户要求回电');
    const shown = await api.get<{ customer: { phone: string } }>(`/v1/complaints/${id}`);

    // Assess
    expect(refused.status).toBe(403);
    expect(shown.body.customer.phone).toBe('138****5678');
    expect((await readEvents()).map((e) => e.actor)).toEqual(['sup-2', 'agent-7']);
  });
});
