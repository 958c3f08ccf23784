// Mass incidents through HTTP on the embedded stack (SPEC section 13): a supervisor declares a flood at an
// outlet, the complaints it explains are linked by rule (retroactively and on intake), raised to HQ, told
// once per customer (an opted-out number gets no text), resolved in bulk with compensation, and counted on
// the incident; the detector proposes an incident for a spike.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, postAction, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

const DIRECTORY = {
  hq: { name: '总部', recipients: [] },
  regions: [{ id: 'EAST', name: '华东区域中心', recipients: [] }],
  outlets: [
    { id: 'SH-01', regionId: 'EAST', name: '上海浦东网点', recipients: [] },
    { id: 'SH-02', regionId: 'EAST', name: '上海徐汇网点', recipients: [] },
  ],
};

const SUPERVISOR = { role: 'supervisor', user: 'sup-li' } as const;
const OPTED_OUT = '13800000009';

interface IncidentBody {
  incident: { id: string; status: string; noticeIssuedAt?: string };
  counts: {
    linked: number;
    notified: number;
    sameCustomer: number;
    resolved: number;
    skipped: Record<string, number>;
    pendingResolution: number;
    compensationTotal: number;
  };
  progress?: { processed: number; done: boolean; nextCursor?: string; outcomes: Record<string, number> };
}

let api: TestApi;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'incident-org-')), 'directory.json');
  writeFileSync(file, JSON.stringify(DIRECTORY));
  // Time-scaled (1 SLA hour = 1 min): quiet hours are off, so notices go out whatever the hour of the run.
  api = await startTestApi({
    timeScale: 60,
    orgDirectoryFile: file,
    optedOutNumbers: [`+86${OPTED_OUT}`],
    environment: { INCIDENT_SPIKE: JSON.stringify({ windowMinutes: 60, normalPerHour: 1, minCount: 3 }) },
  });
});
afterAll(async () => {
  await api?.close();
});

async function register(outletId: string, category: string, phone: string): Promise<string> {
  const response = await api.post<{ id: string }>(
    '/v1/complaints',
    sampleComplaint({ outletId, category, customer: { phone, name: '王五' } }),
  );
  expect(response.status).toBe(201);
  return response.body.id;
}

const supervisor = () => api.as(SUPERVISOR);

async function act(id: string, body: Record<string, unknown>) {
  return supervisor().post<IncidentBody>(`/v1/incidents/${id}/actions`, body);
}

/** Calls a batch action until its progress says done; a call that failed (500) is called again. */
async function untilDone(
  id: string,
  body: Record<string, unknown>,
): Promise<IncidentBody & { failedCalls: number }> {
  let cursor: string | undefined;
  let failedCalls = 0;
  for (let calls = 0; calls < 50; calls++) {
    const response = await act(id, { ...body, ...(cursor ? { cursor } : {}) });
    if (response.status === 500) {
      failedCalls += 1;
      continue;
    }
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    if (response.body.progress?.done) return { ...response.body, failedCalls };
    cursor = response.body.progress?.nextCursor;
  }
  throw new Error(`${String(body.action)} never finished`);
}

/** The next update of an incident link item that records `field` fails: the batch call dies after the
 * complaint it was recording had been committed, as a crash would leave it. */
function crashOnLinkUpdate(field: string): void {
  api.stack.dynamo.failNext(1, {
    operation: 'UpdateItem',
    code: 'AccessDeniedException',
    matches: (request) => {
      const key = request.Key as { sk?: { S?: string } } | undefined;
      return (
        (key?.sk?.S ?? '').startsWith('LINK#') &&
        JSON.stringify(request.ExpressionAttributeNames ?? {}).includes(field)
      );
    },
  });
}

const outboxOf = (complaintId: string, event: string) =>
  api.stack.sns.outbox({ complaintId }).filter((e) => e.event === event && e.kind === 'sms');

/** Waits until the workflow has sent the received text (or found the number opted out). */
async function settled(complaintId: string): Promise<void> {
  await eventually(
    async () => {
      if (outboxOf(complaintId, 'received').length > 0) return true;
      const timeline = await supervisor().get<{ items: { type: string }[] }>(
        `/v1/complaints/${complaintId}/timeline`,
      );
      return timeline.body.items.some((e) => e.type === 'sms-opted-out') ? true : undefined;
    },
    15_000,
    `received text of ${complaintId}`,
  );
}

describe('a mass incident', () => {
  it('links, escalates, tells each customer once and resolves every linked complaint once', async () => {
    // Prepare: five customers at SH-01 with delays (one of them twice, one opted out of texts), one
    // damage at SH-01 and one delay at SH-02 that the incident does not explain.
    const phones = ['13800000001', '13800000002', '13800000003', '13800000004', OPTED_OUT];
    const linkedIds: string[] = [];
    for (const phone of phones) linkedIds.push(await register('SH-01', 'delay', phone));
    linkedIds.push(await register('SH-01', 'delay', phones[0]!));
    const otherCategory = await register('SH-01', 'damage', '13800000005');
    const otherOutlet = await register('SH-02', 'delay', '13800000006');
    for (const id of [...linkedIds, otherCategory, otherOutlet]) await settled(id);
    // One complaint waits for the customer: the bulk resolution leaves it to its owner.
    const waiting = linkedIds[1]!;
    expect((await postAction(api, waiting, { action: 'accept', actor: 'agent-zhao' })).status).toBe(200);
    expect(
      (await postAction(api, waiting, { action: 'request-info', actor: 'agent-zhao', message: '请提供照片' }))
        .status,
    ).toBe(200);

    // Act: declare, link by rule.
    const declared = await supervisor().post<IncidentBody>('/v1/incidents', {
      cause: { kind: 'flood', summary: '浦东分拨中心进水，邮件滞留' },
      area: { outletIds: ['SH-01'] },
      categories: ['delay'],
      window: { from: new Date(Date.now() - 3_600_000).toISOString() },
      escalateToHq: true,
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    const incidentId = declared.body.incident.id;
    const linked = await untilDone(incidentId, { action: 'link-matching' });

    // Assess: the six delays at SH-01, at level 3, with the link on their timelines.
    expect(linked.counts.linked).toBe(6);
    for (const id of linkedIds) {
      const complaint = await supervisor().get<{ escalationLevel: number; incident: { id: string } | null }>(
        `/v1/complaints/${id}`,
      );
      expect(complaint.body.escalationLevel).toBe(3);
      expect(complaint.body.incident?.id).toBe(incidentId);
      const timeline = await supervisor().get<{ items: { type: string }[] }>(`/v1/complaints/${id}/timeline`);
      expect(timeline.body.items.map((e) => e.type)).toContain('incident-linked');
    }
    expect(
      (await supervisor().get<{ escalationLevel: number }>(`/v1/complaints/${otherOutlet}`)).body
        .escalationLevel,
    ).toBe(0);

    // Act: the notice, cut off by a crash once, then called again (a repeated call sends nothing more).
    crashOnLinkUpdate('notice');
    const notified = await untilDone(incidentId, { action: 'notify' });
    await untilDone(incidentId, { action: 'notify' });
    // A complaint registered now is linked at intake and told at once.
    const late = await register('SH-01', 'delay', '13800000007');

    // Assess: one notice per customer: the repeat customer's second complaint and the opted-out number get none.
    expect(notified.failedCalls).toBe(1);
    expect(notified.counts.notified).toBe(5);
    expect(notified.counts.sameCustomer).toBe(1);
    const texted = [...linkedIds, late].filter((id) => id !== linkedIds[4]);
    await eventually(
      async () => {
        const sent = [...linkedIds, late].flatMap((id) => outboxOf(id, 'incident-notice'));
        return sent.length >= 5 ? sent : undefined;
      },
      15_000,
      'incident notices',
    );
    const notices = [...linkedIds, late].map((id) => outboxOf(id, 'incident-notice').length);
    expect(notices).toEqual([1, 1, 1, 1, 0, 0, 1]);
    expect(outboxOf(texted[0]!, 'incident-notice')[0]?.message).toContain('洪涝灾害');
    const lateView = await supervisor().get<{ escalationLevel: number }>(`/v1/complaints/${late}`);
    expect(lateView.body.escalationLevel).toBe(3);
    await settled(late);

    // Act: resolve in bulk with 20 CNY each, cut off by a crash once; a different answer is refused.
    crashOnLinkUpdate('outcome');
    const resolved = await untilDone(incidentId, {
      action: 'resolve',
      resolution: '受洪涝影响的邮件已全部转运派送，向您致歉。',
      compensation: { kind: 'fixed', amount: 20 },
    });
    const other = await act(incidentId, { action: 'resolve', resolution: '另一种答复' });

    // Assess: six resolved (the five at SH-01 not waiting and the late one), one left to its owner.
    expect(resolved.counts).toMatchObject({
      linked: 7,
      resolved: 6,
      skipped: { 'waiting-for-customer': 1 },
      pendingResolution: 0,
      compensationTotal: 120,
    });
    expect(resolved.failedCalls).toBe(1);
    expect(other.status).toBe(409);
    for (const id of [...linkedIds, late].filter((id) => id !== waiting)) {
      const complaint = await supervisor().get<{
        status: string;
        resolution: { compensation: { amount: number } };
      }>(`/v1/complaints/${id}`);
      expect(complaint.body.status).toBe('awaiting-feedback');
      expect(complaint.body.resolution.compensation.amount).toBe(20);
    }
    const answered = await eventually(
      async () => {
        const counts = [...linkedIds, late].map((id) => outboxOf(id, 'answered').length);
        return counts.filter((n) => n > 0).length >= 5 ? counts : undefined;
      },
      15_000,
      'answered texts',
    );
    // Every resolved complaint answered once (the opted-out number: no text), the waiting one not at all;
    // no "accepted" text for the complaints the bulk resolution accepted.
    expect(answered).toEqual([1, 0, 1, 1, 0, 1, 1]);
    expect([...linkedIds, late].map((id) => outboxOf(id, 'accepted').length)).toEqual([0, 1, 0, 0, 0, 0, 0]);

    // The incident's own timeline.
    const timeline = await supervisor().get<{ items: { type: string }[] }>(
      `/v1/incidents/${incidentId}/timeline`,
    );
    expect(timeline.body.items.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'declared',
        'linked',
        'notice-issued',
        'resolution-started',
        'resolution-completed',
      ]),
    );
    const closed = await act(incidentId, { action: 'close' });
    expect(closed.status).toBe(200);
    expect(closed.body.incident.status).toBe('closed');
  }, 120_000);

  it('is for supervisors and admins only, and names units the directory has', async () => {
    // Act
    const byAgent = await api.as({ role: 'agent', user: 'agent-x' }).get('/v1/incidents');
    const unknownUnit = await supervisor().post('/v1/incidents', {
      cause: { kind: 'severe-weather', summary: '台风' },
      area: { regionIds: ['NOWHERE'] },
      window: { from: new Date().toISOString() },
    });
    const byAdmin = await api.as({ role: 'admin', user: 'admin-1' }).get('/v1/incidents');

    // Assess
    expect(byAgent.status).toBe(403);
    expect(unknownUnit.status).toBe(400);
    expect(byAdmin.status).toBe(200);
  });

  it('is proposed by the detector when one category spikes at one outlet, once', async () => {
    // Prepare: the rule is at most 1 an hour, at least 3: three wrong deliveries at SH-02.
    for (const phone of ['13900000001', '13900000002', '13900000003'])
      await register('SH-02', 'wrong-delivery', phone);

    // Act
    const first = await supervisor().post<{
      items: { id: string; status: string; proposal: { count: number } }[];
    }>('/v1/incidents/detect', {});
    const second = await supervisor().post<{ items: unknown[] }>('/v1/incidents/detect', {});
    const proposals = await supervisor().get<{ items: { id: string }[] }>('/v1/incidents?status=proposed');

    // Assess
    const spike = first.body.items.find((i) => i.id.includes('SH-02') && i.id.includes('wrong-delivery'));
    expect(spike?.status).toBe('proposed');
    expect(spike?.proposal.count).toBe(3);
    expect(second.body.items).toEqual([]);
    expect(proposals.body.items.map((i) => i.id)).toContain(spike?.id);
    const confirmed = await act(spike!.id, { action: 'confirm' });
    expect(confirmed.body.incident.status).toBe('open');
  });
});
