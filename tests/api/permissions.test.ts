// The permission table through HTTP, cell by cell: for every operation that has a route and every role,
// one request as that role, answered as the table says (tests/domain/permissions.test.ts checks the table
// against SPEC section 9). The customer column goes through the link routes, the only way a customer calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, PRINCIPAL_ROLES, type Operation, type PrincipalRole } from '#domain/permissions';
import { postUntilReady, type ComplaintBody, type TimelineItem } from '../support/spawned-stack.ts';
import {
  sampleComplaint,
  startTestApi,
  textedLinkToken,
  type Identity,
  type TestApi,
} from '../support/embedded.ts';

// Quiet hours off and texts at once (the link token reaches the outbox); no clock runs out during a test.
const TIME_SCALE = 60;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
});
afterAll(async () => {
  await api?.close();
});

/** The intake system registering every complaint here; other intake systems see none of them. */
const HOTLINE: Identity = { role: 'intake', user: 'hotline' };
const AGENT: Identity = { role: 'agent', user: 'agent-1' };
const SUPERVISOR: Identity = { role: 'supervisor', user: 'supervisor-1' };

const identityFor = (role: PrincipalRole): Identity =>
  role === 'intake' ? HOTLINE : { role, user: `${role}-cell` };

let phoneSeq = 0;
async function registered(): Promise<ComplaintBody> {
  phoneSeq += 1;
  const phone = `1390000${String(phoneSeq).padStart(4, '0')}`;
  const created = await api
    .as(HOTLINE)
    .post<ComplaintBody>(
      '/v1/complaints',
      sampleComplaint({ customer: { phone }, trackingNumber: `EA${String(phoneSeq).padStart(9, '0')}CN` }),
    );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function actAs(who: Identity, id: string, action: Record<string, unknown>): Promise<ComplaintBody> {
  const response = await postUntilReady(api.as(who), `/v1/complaints/${id}/actions`, action);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** A complaint in the status the operation's request needs. */
async function prepared(status: 'received' | 'pending-customer' | 'awaiting-feedback'): Promise<string> {
  const { id } = await registered();
  if (status === 'received') return id;
  await actAs(AGENT, id, { action: 'accept' });
  if (status === 'pending-customer')
    await actAs(AGENT, id, { action: 'request-info', message: '请提供照片' });
  else await actAs(AGENT, id, { action: 'resolve', resolution: '已处理' });
  return id;
}

interface Cell {
  status: 'received' | 'pending-customer' | 'awaiting-feedback' | 'none';
  send(who: Identity, id: string): Promise<{ status: number; body: unknown }>;
  /** The status a permitted request answers. */
  ok: number;
}

const post = (who: Identity, path: string, body: unknown) => postUntilReady(api.as(who), path, body);

/** One request per operation that has a route. */
const REQUESTS: Partial<Record<Operation, Cell>> = {
  register: {
    status: 'none',
    send: (who) =>
      api.as(who).post('/v1/complaints', sampleComplaint({ customer: { phone: '13900009999' } })),
    ok: 201,
  },
  read: { status: 'received', send: (who, id) => api.as(who).get(`/v1/complaints/${id}`), ok: 200 },
  work: {
    status: 'received',
    send: (who, id) => post(who, `/v1/complaints/${id}/actions`, { action: 'accept' }),
    ok: 200,
  },
  'customer-reply': {
    status: 'pending-customer',
    send: (who, id) =>
      post(who, `/v1/complaints/${id}/actions`, { action: 'customer-reply', message: '照片已上传' }),
    ok: 200,
  },
  manage: {
    status: 'received',
    send: (who, id) => post(who, `/v1/complaints/${id}/actions`, { action: 'close', reason: '重复投诉' }),
    ok: 200,
  },
  feedback: {
    status: 'awaiting-feedback',
    send: (who, id) => post(who, `/v1/complaints/${id}/feedback`, { score: 5 }),
    ok: 200,
  },
  reports: { status: 'none', send: (who) => api.as(who).get('/v1/reports/month/2026-03'), ok: 200 },
};

/** What a role's grant means for a request on a complaint the hotline registered, without X-On-Behalf-Of. */
function expected(operation: Operation, role: PrincipalRole): 'allowed' | 403 {
  const grant = PERMISSIONS[operation].grants[role];
  if (grant === 'no' || grant === 'delegated') return 403;
  return 'allowed';
}

const HTTP_CELLS = (Object.keys(REQUESTS) as Operation[]).flatMap((operation) =>
  PRINCIPAL_ROLES.map((role) => ({
    operation,
    role,
    grant: PERMISSIONS[operation].grants[role],
    outcome: expected(operation, role),
  })),
);

describe('each cell of the table, through HTTP', () => {
  it.each(HTTP_CELLS)('$operation as $role ($grant): $outcome', async ({ operation, role, outcome }) => {
    // Prepare
    const cell = REQUESTS[operation]!;
    const id = cell.status === 'none' ? '' : await prepared(cell.status);

    // Act
    const response = await cell.send(identityFor(role), id);

    // Assess
    if (outcome === 403) {
      expect(response.status, JSON.stringify(response.body)).toBe(403);
      expect(response.body).toMatchObject({ type: 'urn:complaints:problem:forbidden', status: 403 });
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(cell.ok);
    }
  });
});

describe('the grants that depend on the complaint', () => {
  const OTHER_INTAKE: Identity = { role: 'intake', user: 'web-portal' };

  it('own: an intake system reads what it registered; others read as unknown, lists leave them out', async () => {
    // Prepare
    const { id } = await registered();
    const theirs = (await api.as(OTHER_INTAKE).post<ComplaintBody>('/v1/complaints', sampleComplaint())).body;

    // Act
    const own = await api.as(HOTLINE).get(`/v1/complaints/${id}`);
    const other = await api.as(HOTLINE).get(`/v1/complaints/${theirs.id}`);
    const otherTimeline = await api.as(HOTLINE).get(`/v1/complaints/${theirs.id}/timeline`);
    const listed = await api.as(OTHER_INTAKE).get<{ items: ComplaintBody[] }>('/v1/complaints?limit=100');
    const all = await api.as(SUPERVISOR).get<{ items: ComplaintBody[] }>('/v1/complaints?limit=100');

    // Assess
    expect(own.status).toBe(200);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ type: 'urn:complaints:problem:complaint-not-found' });
    expect(otherTimeline.status).toBe(404);
    expect(listed.body.items.map((c) => c.id)).toEqual([theirs.id]);
    expect(all.body.items.map((c) => c.id)).toEqual(expect.arrayContaining([id, theirs.id]));
  });

  it('for-customer: an intake system relays only for complaints it registered', async () => {
    // Prepare
    const id = await prepared('awaiting-feedback');

    // Act
    const foreign = await post(OTHER_INTAKE, `/v1/complaints/${id}/feedback`, { score: 5 });

    // Assess
    expect(foreign.status).toBe(404);
  });

  it('delegated: a system with the delegation scope works a complaint as the agent it names', async () => {
    // Prepare
    const id = await prepared('received');
    const crm: Identity = { role: 'intake', user: 'hotline', delegation: true };

    // Act
    const unnamed = await post(crm, `/v1/complaints/${id}/actions`, { action: 'accept' });
    const undelegated = await post({ ...HOTLINE, onBehalfOf: 'agent-5' }, `/v1/complaints/${id}/actions`, {
      action: 'accept',
    });
    const named = await post({ ...crm, onBehalfOf: 'agent-5' }, `/v1/complaints/${id}/actions`, {
      action: 'accept',
    });
    const timeline = (await api.as(HOTLINE).get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`))
      .body.items;

    // Assess
    expect(unnamed.status).toBe(403);
    expect(undelegated.status).toBe(403);
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body).toMatchObject({ owner: 'agent-5', firstResponder: 'agent-5' });
    expect(timeline.find((e) => e.type === 'accepted')).toMatchObject({
      actor: 'agent-5',
      client: 'hotline',
    });
  });

  it('an agent or supervisor acts as themself; a staff user may not name someone else', async () => {
    // Prepare
    const id = await prepared('received');

    // Act
    const impersonating = await post({ ...AGENT, onBehalfOf: 'agent-9' }, `/v1/complaints/${id}/actions`, {
      action: 'accept',
    });
    const accepted = await post(AGENT, `/v1/complaints/${id}/actions`, { action: 'accept' });

    // Assess
    expect(impersonating.status).toBe(403);
    expect(accepted.body).toMatchObject({ owner: 'agent-1' });
  });
});

describe('who the timeline names', () => {
  it("a reply and a score an intake system relays are the customer's, carried by that system", async () => {
    // Prepare
    const id = await prepared('pending-customer');

    // Act
    await post(HOTLINE, `/v1/complaints/${id}/actions`, { action: 'customer-reply', message: '照片已上传' });
    await actAs(AGENT, id, { action: 'resolve', resolution: '已处理' });
    const rated = await post(HOTLINE, `/v1/complaints/${id}/feedback`, { score: 4 });
    const timeline = (await api.as(AGENT).get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`))
      .body.items;

    // Assess
    expect(rated.status).toBe(200);
    expect(timeline.find((e) => e.type === 'registered')).toMatchObject({ actor: 'hotline' });
    expect(timeline.find((e) => e.type === 'customer-replied')).toMatchObject({
      actor: 'customer',
      client: 'hotline',
    });
    expect(timeline.find((e) => e.type === 'feedback')).toMatchObject({
      actor: 'customer',
      client: 'hotline',
      data: { score: 4, via: 'intake' },
    });
  });
});

describe('the customer column: the link routes', () => {
  const linkToken = (id: string) => textedLinkToken(api.stack, id);

  it('read (reduced) and feedback (yes) through the link; the link token is no bearer token', async () => {
    // Prepare
    const id = await prepared('awaiting-feedback');
    const token = await linkToken(id);

    // Act
    const view = await api.anonymous.get(`/v1/public/complaints/${token}`);
    const asBearer = await api.anonymous.get(`/v1/complaints/${id}`, { authorization: `Bearer ${token}` });
    const rated = await postUntilReady(
      { post: (path, body) => api.anonymous.post(path, body), as: () => api.anonymous },
      `/v1/public/complaints/${token}/feedback`,
      { score: 5 },
    );

    // Assess
    expect(view.status).toBe(200);
    expect(view.body).not.toHaveProperty('customer');
    expect(asBearer.status).toBe(401);
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
  });

  it('customer-reply (yes) through the link: recorded as the customer’s own, no system named', async () => {
    // Prepare
    expect(PERMISSIONS['customer-reply'].grants.customer).toBe('yes');
    const id = await prepared('pending-customer');
    const token = await linkToken(id);

    // Act
    const replied = await postUntilReady(
      { post: (path, body) => api.anonymous.post(path, body), as: () => api.anonymous },
      `/v1/public/complaints/${token}/reply`,
      { message: '外包装照片稍后补上' },
    );
    const timeline = (await api.as(AGENT).get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`))
      .body.items;

    // Assess
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(replied.body).toMatchObject({ status: 'investigating' });
    const reply = timeline.find((e) => e.type === 'customer-replied');
    expect(reply).toMatchObject({ actor: 'customer', data: { message: '外包装照片稍后补上' } });
    expect(reply).not.toHaveProperty('client');
  });
});
