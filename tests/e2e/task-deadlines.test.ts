// The follow-up (回访) and payment deadlines act, through HTTP on the embedded stack (1 SLA hour = 0.2 s, so
// a follow-up's 3 working days last 5.4 s and a claim's 7 last 12.6 s; the rating window is shortened to
// 24 hours, 4.8 s, by the SLA policy): the owning outlet is warned before
// the deadline, the outlet, its region and headquarters are alerted in turn once it passes, each alert
// exactly once and never a warning after the deadline; a task done in time silences what is left; the
// worklists list what is open and overdue. The deployment follows neutral scores (3) up here
// (FOLLOW_UP_NEUTRAL_SCORE=true).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../infra/local/sns/server.ts';
import {
  eventually,
  postAction,
  sampleComplaint,
  startTestApi,
  untilNoRunningExecutions,
  type TestApi,
} from '../support/embedded.ts';

const DIRECTORY = {
  hq: { name: '总部', recipients: [{ protocol: 'email', endpoint: 'hq-duty@example.com' }] },
  regions: [
    { id: 'EAST', name: '华东区域中心', recipients: [{ protocol: 'email', endpoint: 'east@example.com' }] },
  ],
  outlets: [
    {
      id: 'SH-01',
      regionId: 'EAST',
      name: '上海浦东网点',
      recipients: [{ protocol: 'email', endpoint: 'sh01@example.com' }],
    },
  ],
};

interface View {
  id: string;
  status: string;
  closeReason: string | null;
  version: number;
  followUp: { reason: string; dueAt: string; overdue: boolean } | null;
  claim: { status: string; payBy: string | null; paymentOverdue: boolean } | null;
}

let api: TestApi;
const SUPERVISOR = { role: 'supervisor', user: 'sup-1' } as const;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'org-')), 'directory.json');
  writeFileSync(file, JSON.stringify(DIRECTORY));
  api = await startTestApi({
    timeScale: 18_000,
    orgDirectoryFile: file,
    environment: {
      FOLLOW_UP_NEUTRAL_SCORE: 'true',
      SLA_POLICY: JSON.stringify({ feedback: { normal: { budget: { hours: 24 } } } }),
    },
  });
});
afterAll(async () => {
  await api?.close();
});

const alertsOf = (id: string, prefix: string): OutboxEntry[] =>
  api.stack.sns
    .outbox({ complaintId: id })
    .filter((e) => e.kind === 'alert' && (e.event ?? '').startsWith(prefix));

const view = async (id: string): Promise<View> =>
  (await api.as(SUPERVISOR).get<View>(`/v1/complaints/${id}`)).body;

const listed = async (query: string): Promise<string[]> => {
  const page = await api.as(SUPERVISOR).get<{ items: View[] }>(`/v1/complaints?${query}`);
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  return page.body.items.map((c) => c.id);
};

async function answered(): Promise<string> {
  const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint({ outletId: 'SH-01' }));
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await postAction(api, id, { action: 'accept', actor: 'agent-1' })).status).toBe(200);
  const resolved = await eventually(async () => {
    const r = await postAction(api, id, { action: 'resolve', actor: 'agent-1', resolution: '已重新投递' });
    return r.status === 200 ? r : undefined;
  });
  expect(resolved.status).toBe(200);
  return id;
}

describe('the follow-up deadline', () => {
  it('warns the outlet before it, then alerts outlet, region and HQ once each; listed as open, then overdue', async () => {
    // Prepare / Act: answered, never rated: the window (4.8 s) closes it no-feedback with a follow-up.
    const id = await answered();
    const closed = await eventually(
      async () => {
        const v = await view(id);
        return v.status === 'closed' ? v : undefined;
      },
      30_000,
      'the feedback window to expire',
    );
    expect(closed.followUp?.reason).toBe('no-feedback');
    const dueAt = Date.parse(closed.followUp!.dueAt);
    expect(await listed('followUp=open&outletId=SH-01')).toContain(id);

    // Assess: the whole ladder, level 3 last.
    const alerts = await eventually(
      async () => {
        const found = alertsOf(id, 'staff-follow-up');
        return found.some((a) => a.attributes?.level === '3') ? found : undefined;
      },
      30_000,
      'the follow-up alert to reach HQ',
    );
    const perLevel = alerts.map((a) => [a.event, a.attributes?.level, a.to]);
    expect(perLevel).toEqual([
      ['staff-follow-up-due', '0', 'sh01@example.com'],
      ['staff-follow-up-overdue', '1', 'sh01@example.com'],
      ['staff-follow-up-overdue', '2', 'east@example.com'],
      ['staff-follow-up-overdue', '3', 'hq-duty@example.com'],
    ]);
    // The warning before the deadline, every overdue alert at or after it.
    expect(Date.parse(alerts[0]!.at)).toBeLessThan(dueAt);
    for (const overdue of alerts.slice(1)) expect(Date.parse(overdue.at)).toBeGreaterThanOrEqual(dueAt);
    expect(alerts[0]!.message).toContain('回访预警');

    // The worklist: overdue now, and the view says so.
    expect(await listed('followUp=overdue&regionId=EAST')).toContain(id);
    expect((await view(id)).followUp?.overdue).toBe(true);

    // Recorded late: off the worklist; nothing was sent twice.
    await untilNoRunningExecutions(api.stack, ['complaint-notifications'], 20_000);
    expect(alertsOf(id, 'staff-follow-up')).toHaveLength(4);
    const recorded = await postAction(api, id, { action: 'follow-up', actor: 'agent-2', reached: true });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(await listed('followUp=open&outletId=SH-01')).not.toContain(id);
  }, 60_000);

  it('a neutral score opens one here; recorded in time, no overdue alert goes out', async () => {
    // Prepare: answered, rated 3 through the hotline.
    const id = await answered();
    const rated = await eventually(async () => {
      const r = await api.post<View>(`/v1/complaints/${id}/feedback`, { score: 3 });
      return r.status === 200 ? r : undefined;
    });
    expect(rated.body).toMatchObject({ status: 'closed', closeReason: 'neutral' });
    expect(rated.body.followUp?.reason).toBe('neutral-score');

    // Act: the outlet calls back at once.
    const recorded = await postAction(api, id, {
      action: 'follow-up',
      actor: 'agent-2',
      reached: true,
      satisfied: true,
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);

    // Assess: once every scheduled delivery has run out its wait, none of the alerts went out.
    await untilNoRunningExecutions(api.stack, ['complaint-notifications'], 20_000);
    expect(Date.now()).toBeGreaterThan(Date.parse(rated.body.followUp!.dueAt));
    expect(alertsOf(id, 'staff-follow-up-overdue')).toEqual([]);
    // Recorded within the first second of a 5.4 s clock: the warning (at 4.3 s) had nothing to warn of.
    expect(alertsOf(id, 'staff-follow-up-due')).toEqual([]);
  }, 60_000);
});

describe('the payment clock', () => {
  it('warns before payBy, alerts the outlet after it, lists the claim as overdue; paid, the rest is silent', async () => {
    // Prepare: a money offer, accepted by the customer through the hotline.
    const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint({ outletId: 'SH-01' }));
    const id = created.body.id;
    expect((await postAction(api, id, { action: 'accept', actor: 'agent-1' })).status).toBe(200);
    const offered = await eventually(async () => {
      const r = await postAction(api, id, {
        action: 'offer-compensation',
        actor: 'agent-1',
        remedy: 'money',
        amount: { amount: 30, currency: 'CNY' },
      });
      return r.status === 200 ? r : undefined;
    });
    expect(offered.status).toBe(200);
    const accepted = await postAction<View>(api, id, { action: 'accept-compensation', actor: 'customer' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const payBy = Date.parse(accepted.body.claim!.payBy!);
    expect(await listed('payment=awaiting&outletId=SH-01')).toContain(id);

    // Act: payBy passes; the outlet is alerted.
    const overdue = await eventually(
      async () => alertsOf(id, 'staff-payment-overdue').find((a) => a.attributes?.level === '1'),
      30_000,
      'the payment overdue alert',
    );

    // Assess
    const warning = alertsOf(id, 'staff-payment-due');
    expect(warning.map((a) => a.to)).toEqual(['sh01@example.com']);
    expect(Date.parse(warning[0]!.at)).toBeLessThan(payBy);
    expect(overdue.to).toBe('sh01@example.com');
    expect(overdue.message).toContain('赔付已超期');
    expect(await listed('payment=overdue')).toContain(id);
    expect((await view(id)).claim?.paymentOverdue).toBe(true);

    // Act: paid before the region's turn (6.3 s later).
    const paid = await postAction(api, id, {
      action: 'record-payment',
      actor: 'agent-1',
      paymentReference: 'PAY-9',
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);

    // Assess: off the list; once the remaining deliveries ran out their waits, no level 2 or 3 alert.
    expect(await listed('payment=awaiting')).not.toContain(id);
    await untilNoRunningExecutions(api.stack, ['complaint-notifications'], 30_000);
    expect(alertsOf(id, 'staff-payment').map((a) => a.attributes?.level)).toEqual(['0', '1']);
  }, 60_000);

  it('refuses two worklists at once and dueBefore without one', async () => {
    const both = await api.as(SUPERVISOR).get('/v1/complaints?followUp=open&payment=awaiting');
    expect(both.status).toBe(400);
    const alone = await api.as(SUPERVISOR).get('/v1/complaints?dueBefore=2026-10-01T00:00:00Z');
    expect(alone.status).toBe(400);
  });
});
