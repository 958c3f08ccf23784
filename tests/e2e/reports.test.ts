// The operator's numbers through HTTP on the embedded stack: complaints registered, accepted, answered with
// responsibility, rated, withdrawn and transferred by the regulator; parcel volumes put by an admin; then the
// month's report (JSON) equals its recomputation from the complaints as the API shows them, the exports and
// the page come with their types, and only supervisors, auditors and admins may read reports.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportPeriod, shanghaiDay, type Report } from '#domain/reports';
import { SHEET_NAMES } from '../../functions/api/report-render.ts';
import { oracleReport, type OracleSubject } from '../support/report-oracle.ts';
import {
  eventually,
  postAction,
  sampleComplaint,
  startTestApi,
  type Identity,
  type TestApi,
} from '../support/embedded.ts';

const DIRECTORY = {
  hq: { name: '总部', recipients: [] },
  regions: [
    { id: 'EAST', name: '华东区域中心', recipients: [] },
    { id: 'NORTH', name: '华北区域中心', recipients: [] },
  ],
  outlets: [
    { id: 'SH-01', regionId: 'EAST', name: '上海浦东网点', recipients: [] },
    { id: 'BJ-01', regionId: 'NORTH', name: '北京朝阳网点', recipients: [] },
  ],
};

const SUPERVISOR: Identity = { role: 'supervisor', user: 'sup-1' };
const ADMIN: Identity = { role: 'admin', user: 'admin-1' };

let api: TestApi;
const ids: string[] = [];
const month = shanghaiDay(new Date().toISOString()).slice(0, 7);

/** A request the test client does not offer (PUT, a binary body), with the identity's bearer token. */
async function raw(identity: Identity, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await api.tokenFor(identity)}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface View {
  type: string;
  category: string;
  channel: string;
  outletId: string | null;
  regionId: string | null;
  receivedAt: string;
  status: string;
  closeReason?: string | null;
  repeatOf: string | null;
  appeal: boolean;
  regulatoryRisk: boolean;
  escalationLevel: number;
  feedback: { score: number } | null;
  responsibility: { party: string } | null;
  followUp: {
    reason: string;
    openedAt: string;
    outcome: { onTime: boolean; reached: boolean; satisfied: boolean | null } | null;
  } | null;
  clockFacts: {
    firstResponseAt: string | null;
    resolvedAt: string | null;
    closedAt: string | null;
    clocks: Record<string, { breachedAt: string | null }>;
    breaches: { level: number }[];
  };
}

const subjectOfView = (v: View): OracleSubject => ({
  type: v.type,
  category: v.category,
  channel: v.channel,
  outletId: v.outletId,
  regionId: v.regionId,
  receivedAt: v.receivedAt,
  closedAt: v.status === 'closed' ? v.clockFacts.closedAt : null,
  closeReason: v.status === 'closed' ? (v.closeReason ?? null) : null,
  repeat: v.repeatOf !== null,
  appeal: v.appeal,
  regulatoryRisk: v.regulatoryRisk,
  escalationLevel: v.escalationLevel,
  breachLevels: v.clockFacts.breaches.map((b) => b.level),
  firstResponseAt: v.clockFacts.firstResponseAt,
  resolvedAt: v.clockFacts.resolvedAt,
  score: v.feedback?.score ?? null,
  clocks: Object.fromEntries(
    Object.entries(v.clockFacts.clocks).map(([name, clock]) => [name, clock.breachedAt !== null]),
  ),
  party: v.responsibility?.party ?? null,
  followUp: v.followUp
    ? {
        reason: v.followUp.reason,
        openedAt: v.followUp.openedAt,
        outcome: v.followUp.outcome
          ? {
              onTime: v.followUp.outcome.onTime,
              reached: v.followUp.outcome.reached,
              satisfied: v.followUp.outcome.satisfied,
            }
          : null,
      }
    : null,
});

async function register(overrides: Record<string, unknown>): Promise<string> {
  const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint(overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ids.push(created.body.id);
  return created.body.id;
}

async function act(id: string, body: Record<string, unknown>): Promise<void> {
  const response = await postAction(api, id, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

async function answered(id: string, party: string, rootCause: string): Promise<void> {
  await act(id, { action: 'accept', actor: 'agent-1' });
  await act(id, {
    action: 'resolve',
    actor: 'agent-1',
    resolution: '已联系网点重新投递',
    responsibility: { party, rootCause, correctiveAction: '网点培训' },
  });
}

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'org-')), 'directory.json');
  writeFileSync(file, JSON.stringify(DIRECTORY));
  api = await startTestApi({ orgDirectoryFile: file });

  const rated = async (overrides: Record<string, unknown>, score: number, party: string, cause: string) => {
    const id = await register(overrides);
    await answered(id, party, cause);
    const feedback = await api.post(`/v1/complaints/${id}/feedback`, { score });
    expect(feedback.status, JSON.stringify(feedback.body)).toBe(200);
    return id;
  };
  await rated({ outletId: 'SH-01', category: 'delay' }, 5, 'outlet', 'no-delivery-attempt');
  await rated(
    { outletId: 'SH-01', category: 'damage', channel: 'app', customer: { phone: '13812345679' } },
    4,
    'sorting-centre',
    'handling-damage',
  );
  const lowScore = await rated(
    { outletId: 'BJ-01', category: 'loss', channel: 'wechat', customer: { phone: '13812345670' } },
    2,
    'carrier-partner',
    'loss-in-transit',
  );
  // The low score is called back by the outlet (回访): reached, still not satisfied.
  await act(lowScore, {
    action: 'follow-up',
    actor: 'agent-3',
    reached: true,
    satisfied: false,
    notes: '客户希望赔偿',
  });
  // Answered, awaiting the rating.
  const waiting = await register({ outletId: 'BJ-01', channel: 'web', customer: { phone: '13812345671' } });
  await answered(waiting, 'no-fault', 'weather');
  // Accepted only; received only; withdrawn.
  await act(await register({ regionId: 'NORTH', customer: { phone: '13812345672' } }), {
    action: 'accept',
    actor: 'agent-2',
  });
  await register({ category: 'fees', channel: 'counter', customer: { phone: '13812345673' } });
  await act(await register({ outletId: 'SH-01', customer: { phone: '13812345674' } }), {
    action: 'close',
    actor: 'sup-1',
    reason: '客户撤诉',
  });
  // A suggestion, answered by the short flow; a regulator transfer; a repeat of the first customer.
  const suggestion = await register({
    type: 'suggestion',
    description: '希望周末也派送',
    outletId: 'SH-01',
    customer: { phone: '13812345675' },
  });
  await act(suggestion, { action: 'accept', actor: 'agent-1' });
  await act(suggestion, { action: 'resolve', actor: 'agent-1', resolution: '已转交网点研究' });
  await register({
    channel: 'regulator',
    outletId: 'BJ-01',
    regulator: {
      reference: '12305-2026-0001',
      replyDueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    },
    customer: { phone: '13812345676' },
  });
  await register({ outletId: 'SH-01', category: 'delay' });

  expect((await raw(ADMIN, 'PUT', `/v1/parcel-volumes/SH-01/${month}`, { parcels: 2_000_000 })).status).toBe(
    200,
  );
  expect((await raw(ADMIN, 'PUT', `/v1/parcel-volumes/BJ-01/${month}`, { parcels: 500_000 })).status).toBe(
    200,
  );
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('reports through HTTP', () => {
  it("the month's report equals its recomputation from the complaints the API shows", async () => {
    const reader = api.as(SUPERVISOR);
    const views = await Promise.all(
      ids.map(async (id) => (await reader.get<View>(`/v1/complaints/${id}`)).body),
    );
    const expected = oracleReport(views.map(subjectOfView), reportPeriod('month', month), [
      { month, outletId: 'SH-01', regionId: 'EAST', parcels: 2_000_000 },
      { month, outletId: 'BJ-01', regionId: 'NORTH', parcels: 500_000 },
    ]);

    // The workflow's own saves follow each action: wait until the counters settle on the same figures.
    const report = await eventually(
      async () => {
        const response = await reader.get<Report>(`/v1/reports/month/${month}`);
        expect(response.status).toBe(200);
        const r = response.body;
        return JSON.stringify(r.overall) === JSON.stringify(expected.overall) ? r : undefined;
      },
      20_000,
      'report equal to the recomputation',
    );

    expect(report.overall).toEqual(expected.overall);
    for (const [dimension, entries] of Object.entries(report.dimensions)) {
      const byValue = Object.fromEntries(entries.map(({ value, ...figures }) => [value, figures]));
      expect(byValue, dimension).toEqual(expected.dimensions[dimension as keyof typeof expected.dimensions]);
    }
    for (const { day, ...figures } of report.byDay) expect(figures, day).toEqual(expected.byDay[day]);
    // What the month holds: 10 received, 9 of them complaints (one suggestion), one appeal, one repeat.
    expect(report.overall.received).toBe(10);
    expect(report.overall.complaints).toBe(9);
    expect(report.overall.appeals).toBe(1);
    expect(report.overall.repeats).toBe(1);
    expect(report.overall.satisfaction.rated).toBe(2);
    expect(report.overall.followUp).toMatchObject({ opened: 1, lowScore: 1, done: 1, onTime: 1, reached: 1 });
    expect(report.dimensions.outlet.find((e) => e.value === 'SH-01')?.complaintsPerMillionParcels).toBe(
      (4 / 2_000_000) * 1e6,
    );
    console.info(`reports: HTTP month ${month}: ${report.source.readRequests} read requests`);
  });

  it('exports CSV and XLSX and serves the page, to supervisors, auditors and admins only', async () => {
    const csv = await raw(
      { role: 'auditor', user: 'aud-1' },
      'GET',
      `/v1/reports/month/${month}/export?format=csv`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')[1]).toMatch(new RegExp(`^overall,${month},10,9,`));

    const xlsx = await raw(ADMIN, 'GET', `/v1/reports/month/${month}/export?format=xlsx`);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(Object.values(SHEET_NAMES));

    const page = await raw(SUPERVISOR, 'GET', `/v1/reports/month/${month}/page`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html).toContain(`投诉月报 ${month}`);

    for (const role of ['agent', 'intake'] as const) {
      expect((await raw({ role, user: `${role}-1` }, 'GET', `/v1/reports/month/${month}`)).status).toBe(403);
    }
    expect((await raw(SUPERVISOR, 'PUT', `/v1/parcel-volumes/SH-01/${month}`, { parcels: 1 })).status).toBe(
      403,
    );
    expect((await raw(ADMIN, 'PUT', `/v1/parcel-volumes/XX-99/${month}`, { parcels: 1 })).status).toBe(404);
    expect((await raw(SUPERVISOR, 'GET', '/v1/reports/week/2026-W60')).status).toBe(400);
    expect((await raw(SUPERVISOR, 'GET', `/v1/reports/month/${month}/export?format=pdf`)).status).toBe(400);
  });
});
