// Staff alerts reach the responsible unit's recipients only (SPEC 5 and 6): levels 0 and 1 the complaint's
// outlet, level 2 its region, level 3 headquarters; a complaint without an outlet (or region) is alerted one
// unit up. The directory is seeded from a file at start, its recipients subscribed to the staff topics with
// filter policies, and the local SNS delivers each alert to the subscriptions whose policy matches, which
// the outbox records per recipient.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApi, type TestApi } from '../support/embedded.ts';

const DIRECTORY = {
  hq: { name: '总部客服中心', recipients: [{ protocol: 'email', endpoint: 'hq-duty@example.com' }] },
  regions: [
    {
      id: 'EAST',
      name: '华东区域中心',
      recipients: [{ protocol: 'email', endpoint: 'east-duty@example.com' }],
    },
    {
      id: 'NORTH',
      name: '华北区域中心',
      recipients: [
        { protocol: 'email', endpoint: 'north-duty@example.com' },
        { protocol: 'email', endpoint: 'ops@example.com' },
      ],
    },
  ],
  outlets: [
    {
      id: 'SH-01',
      regionId: 'EAST',
      name: '上海浦东网点',
      recipients: [
        { protocol: 'email', endpoint: 'sh01-manager@example.com' },
        { protocol: 'sms', endpoint: '+8613900000001' },
      ],
    },
    {
      id: 'SH-02',
      regionId: 'EAST',
      name: '上海徐汇网点',
      // One person may serve several units: one subscription per topic, filtering on both.
      recipients: [{ protocol: 'email', endpoint: 'ops@example.com' }],
    },
    {
      id: 'BJ-01',
      regionId: 'NORTH',
      name: '北京朝阳网点',
      recipients: [{ protocol: 'email', endpoint: 'bj01@example.com' }],
    },
  ],
};

let api: TestApi;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'org-')), 'directory.json');
  writeFileSync(file, JSON.stringify(DIRECTORY));
  // 1 SLA hour = 3 s: an urgent complaint nobody accepts is warned at 4.8 s, 1.2 s before its deadline (a
  // warning that would arrive after it is skipped, so a tighter scale loses level 0 on a busy machine), and
  // reaches level 3 by about 12 s.
  api = await startTestApi({ timeScale: 1200, orgDirectoryFile: file });
});
afterAll(async () => {
  await api?.close();
});

/** Recipients of each level's alerts about a complaint, once level 3 has been alerted. */
async function recipientsPerLevel(complaintId: string): Promise<Record<string, string[]>> {
  const alerts = await eventually(
    async () => {
      const entries = api.stack.sns.outbox({ complaintId }).filter((e) => e.kind === 'alert');
      return entries.some((e) => e.attributes?.level === '3') ? entries : undefined;
    },
    25_000,
    `level 3 alert of ${complaintId}`,
  );
  const perLevel: Record<string, Set<string>> = {};
  for (const alert of alerts) {
    const level = alert.attributes?.level ?? '?';
    (perLevel[level] ??= new Set()).add(alert.to);
  }
  return Object.fromEntries(Object.entries(perLevel).map(([level, to]) => [level, [...to].sort()]));
}

async function registerUrgent(routing: Record<string, string>): Promise<string> {
  const response = await api.post<{ id: string; outletId: string | null; regionId: string | null }>(
    '/v1/complaints',
    {
      channel: 'hotline',
      priority: 'urgent',
      description: '快递寄出五天了还没到',
      customer: { phone: '13812345678' },
      ...routing,
    },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id;
}

describe('alerts per level go to the responsible unit only', () => {
  it('outlet SH-01: levels 0-1 its outlet, level 2 region EAST, level 3 HQ', async () => {
    // Prepare / Act: nobody accepts the complaint; it is warned, then climbs the ladder.
    const id = await registerUrgent({ outletId: 'SH-01' });

    // Assess
    const perLevel = await recipientsPerLevel(id);
    expect(perLevel['0']).toEqual(['+8613900000001', 'sh01-manager@example.com']);
    expect(perLevel['1']).toEqual(['+8613900000001', 'sh01-manager@example.com']);
    expect(perLevel['2']).toEqual(['east-duty@example.com']);
    expect(perLevel['3']).toEqual(['hq-duty@example.com']);
    // The region came from the directory, and no other unit's people heard of it.
    const complaint = await api.get<{ regionId: string }>(`/v1/complaints/${id}`);
    expect(complaint.body.regionId).toBe('EAST');
    const everyone = Object.values(perLevel).flat();
    for (const other of ['ops@example.com', 'bj01@example.com', 'north-duty@example.com']) {
      expect(everyone).not.toContain(other);
    }
  });

  it('region NORTH without an outlet: levels 0-2 the region (a shared recipient included), level 3 HQ', async () => {
    const id = await registerUrgent({ regionId: 'NORTH' });

    const perLevel = await recipientsPerLevel(id);
    for (const level of ['0', '1', '2']) {
      expect(perLevel[level]).toEqual(['north-duty@example.com', 'ops@example.com']);
    }
    expect(perLevel['3']).toEqual(['hq-duty@example.com']);
  });

  it('no outlet and no region: every level goes to HQ', async () => {
    const id = await registerUrgent({});

    const perLevel = await recipientsPerLevel(id);
    expect(Object.keys(perLevel).sort()).toEqual(['0', '1', '2', '3']);
    for (const recipients of Object.values(perLevel)) expect(recipients).toEqual(['hq-duty@example.com']);
  });

  it('refuses an outlet or region the directory does not list', async () => {
    const unknownOutlet = await api.post('/v1/complaints', {
      channel: 'hotline',
      description: '快递还没到',
      customer: { phone: '13812345678' },
      outletId: 'NOWHERE',
    });
    const mismatch = await api.post('/v1/complaints', {
      channel: 'hotline',
      description: '快递还没到',
      customer: { phone: '13812345678' },
      outletId: 'SH-01',
      regionId: 'NORTH',
    });
    expect(unknownOutlet.status).toBe(400);
    expect(mismatch.status).toBe(400);
  });
});

describe('the directory through the API', () => {
  const admin = () => api.as({ role: 'admin', user: 'ops-admin' });

  it('lists units without recipients to a caller without the directory permission, and refuses changes (403)', async () => {
    const directory = await api.get<{
      hq: { name: string; recipients: unknown[] };
      regions: { id: string }[];
      outlets: { id: string; regionId: string }[];
    }>('/v1/org');
    expect(directory.status).toBe(200);
    expect(directory.body.hq.name).toBe('总部客服中心');
    expect(directory.body.hq.recipients).toEqual([]);
    expect(directory.body.outlets.map((o) => [o.id, o.regionId])).toEqual([
      ['BJ-01', 'NORTH'],
      ['SH-01', 'EAST'],
      ['SH-02', 'EAST'],
    ]);
    const supervisor = api.as({ role: 'supervisor', user: 'sup-1' });
    const change = await supervisor.post('/v1/org/units', {
      kind: 'region',
      id: 'WEST',
      name: '西部区域中心',
    });
    expect(change.status).toBe(403);
  });

  it('lets an admin add a unit and see every recipient', async () => {
    // Act
    const stored = await admin().post<{ kind: string; id: string; version: number }>('/v1/org/units', {
      kind: 'region',
      id: 'WEST',
      name: '西部区域中心',
      recipients: [{ protocol: 'email', endpoint: 'west-duty@example.com' }],
    });

    // Assess
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body).toMatchObject({ kind: 'region', id: 'WEST', version: 1 });
    const directory = await admin().get<{
      hq: { recipients: { endpoint: string }[] };
      regions: { id: string; recipients: { endpoint: string }[] }[];
    }>('/v1/org');
    expect(directory.body.hq.recipients.map((r) => r.endpoint)).toEqual(['hq-duty@example.com']);
    expect(directory.body.regions.find((r) => r.id === 'WEST')?.recipients).toEqual([
      { protocol: 'email', endpoint: 'west-duty@example.com' },
    ]);
  });

  it('validates a unit an admin sends', async () => {
    const bad = await admin().post<{ errors: { path: string }[] }>('/v1/org/units', {
      kind: 'outlet',
      id: 'has space',
      name: '',
      recipients: [{ protocol: 'sms', endpoint: 'not-a-number' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path).sort()).toEqual([
      'id',
      'name',
      'recipients[0].endpoint',
      'regionId',
    ]);
  });
});

describe('reclassify and route: the manage permission', () => {
  const supervisor = () => api.as({ role: 'supervisor', user: 'sup-1' });
  const agent = () => api.as({ role: 'agent', user: 'agent-1' });

  async function registerPlain(): Promise<string> {
    const response = await api.post<{ id: string }>('/v1/complaints', {
      channel: 'hotline',
      description: '快递寄出五天了还没到',
      customer: { phone: '13812345678' },
      outletId: 'SH-01',
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }

  it('refuses an agent (403) and routes for a supervisor, the region following the outlet', async () => {
    const id = await registerPlain();
    const body = { action: 'route', reason: '实际揽收网点为 BJ-01', outletId: 'BJ-01' };

    const refused = await agent().post(`/v1/complaints/${id}/actions`, body);
    const routed = await supervisor().post<{ outletId: string; regionId: string }>(
      `/v1/complaints/${id}/actions`,
      body,
    );

    expect(refused.status).toBe(403);
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    expect(routed.body).toMatchObject({ outletId: 'BJ-01', regionId: 'NORTH' });
  });

  it('refuses an agent (403) and reclassifies for a supervisor', async () => {
    const id = await registerPlain();
    const body = { action: 'reclassify', reason: '客户实为咨询', type: 'enquiry' };

    const refused = await agent().post(`/v1/complaints/${id}/actions`, body);
    const changed = await supervisor().post<{ type: string }>(`/v1/complaints/${id}/actions`, body);

    expect(refused.status).toBe(403);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.type).toBe('enquiry');
  });
});
