// Follow-up (回访) through HTTP on the embedded stack: a customer who lets the rating window pass gets a
// follow-up owned by the responsible outlet, due 3 working days later on the business calendar; the call's
// outcome is recorded once (an action with a timeline event) and counts in the month's report; a complaint
// without an open follow-up refuses the action.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDay, type Report } from '#domain/reports';
import { eventually, postAction, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

const DIRECTORY = {
  hq: { name: '总部', recipients: [] },
  regions: [{ id: 'EAST', name: '华东区域中心', recipients: [] }],
  outlets: [{ id: 'SH-01', regionId: 'EAST', name: '上海浦东网点', recipients: [] }],
};

interface FollowUpView {
  reason: string;
  owner: string;
  openedAt: string;
  dueAt: string;
  outcome: {
    at: string;
    reached: boolean;
    satisfied: boolean | null;
    score: number | null;
    onTime: boolean;
    by: string;
  } | null;
}
interface View {
  status: string;
  closeReason: string | null;
  followUp: FollowUpView | null;
  allowedActions: string[];
}

let api: TestApi;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'org-')), 'directory.json');
  writeFileSync(file, JSON.stringify(DIRECTORY));
  // 1 SLA hour = 0.1 s: the 72-hour rating window passes in about 7 s.
  api = await startTestApi({ timeScale: 36_000, orgDirectoryFile: file });
});
afterAll(async () => {
  await api?.close();
});

describe('follow-up (回访)', () => {
  it('no rating within the window: closed no-feedback, followed up by the outlet, the outcome counted', async () => {
    // Prepare: answered, then the customer never rates.
    const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint({ outletId: 'SH-01' }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await postAction(api, id, { action: 'accept', actor: 'agent-1' })).status).toBe(200);
    expect(
      (await postAction(api, id, { action: 'resolve', actor: 'agent-1', resolution: '已重新投递' })).status,
    ).toBe(200);

    // Act: the window expires.
    const expired = await eventually(
      async () => {
        const view = (await api.as({ role: 'supervisor', user: 'sup-1' }).get<View>(`/v1/complaints/${id}`))
          .body;
        return view.status === 'closed' ? view : undefined;
      },
      30_000,
      'the feedback window to expire',
    );

    // Assess: the follow-up is the outlet's, due 3 working days later, scaled as the SLA clocks are
    // (27 working hours / 36,000 = 2.7 s; in real time on cn-workdays: tests/domain/follow-up.test.ts).
    expect(expired.closeReason).toBe('no-feedback');
    expect(expired.followUp).toMatchObject({ reason: 'no-feedback', owner: 'outlet:SH-01', outcome: null });
    const opened = Date.parse(expired.followUp!.openedAt);
    expect(Date.parse(expired.followUp!.dueAt) - opened).toBe(2_700);
    expect(expired.allowedActions).toContain('follow-up');

    // Act: the outlet calls back.
    const recorded = await postAction<View>(api, id, {
      action: 'follow-up',
      actor: 'agent-2',
      reached: true,
      satisfied: true,
      score: 4,
      notes: '客户表示满意',
    });

    // Assess
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(recorded.body.followUp?.outcome).toMatchObject({
      reached: true,
      satisfied: true,
      score: 4,
      by: 'agent-2',
    });
    // In time or not is the recorded instant against dueAt (2.7 s after the close, at this scale).
    const onTime = Date.parse(recorded.body.followUp!.outcome!.at) <= Date.parse(expired.followUp!.dueAt);
    expect(recorded.body.followUp?.outcome?.onTime).toBe(onTime);
    expect(recorded.body.allowedActions).not.toContain('follow-up');
    const timeline = await api
      .as({ role: 'supervisor', user: 'sup-1' })
      .get<{ items: { type: string; actor: string }[] }>(`/v1/complaints/${id}/timeline?limit=100`);
    expect(timeline.body.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['follow-up-opened', 'follow-up-recorded']),
    );
    // Once only.
    const again = await postAction(api, id, { action: 'follow-up', actor: 'agent-2', reached: false });
    expect(again.status).toBe(409);

    // Counted in the month of the follow-up.
    const month = shanghaiDay(expired.followUp!.openedAt).slice(0, 7);
    const report = await eventually(async () => {
      const r = (await api.as({ role: 'auditor', user: 'aud-1' }).get<Report>(`/v1/reports/month/${month}`))
        .body;
      return r.overall.followUp.done >= 1 ? r : undefined;
    });
    expect(report.overall.followUp).toMatchObject({
      opened: 1,
      noFeedback: 1,
      done: 1,
      onTime: onTime ? 1 : 0,
      reached: 1,
      satisfied: 1,
    });
    expect(report.dimensions.outlet.find((e) => e.value === 'SH-01')?.followUp.done).toBe(1);
  }, 60_000);

  it('refuses a follow-up where none is open, and a malformed outcome', async () => {
    const created = await api.post<{ id: string }>(
      '/v1/complaints',
      sampleComplaint({ customer: { phone: '13912345678' } }),
    );
    const refused = await postAction(api, created.body.id, {
      action: 'follow-up',
      actor: 'agent-1',
      reached: true,
    });
    expect(refused.status).toBe(409);
    const malformed = await postAction(api, created.body.id, {
      action: 'follow-up',
      actor: 'agent-1',
      reached: 'yes',
    });
    expect(malformed.status).toBe(400);
  });
});
