// Bad input through HTTP, as a careless or hostile upstream system sends it: every request below is refused
// with the precise 4xx, an RFC 9457 problem (application/problem+json) naming each field at fault in
// errors[].path, and nothing is stored or changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintKey, INDEXES, statusPartition } from '#adapters/table-design';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';
import { httpApi, type HttpApi } from '../support/http-api.ts';
import { listAll, postUntilReady, timelineOf, type ComplaintBody } from '../support/spawned-stack.ts';

const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const DAY_MS = 24 * 3600 * 1000;

interface Fixtures {
  received: ComplaintBody;
  awaitingFeedback: ComplaintBody;
}

interface RawRequest {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Case {
  name: string;
  request: (f: Fixtures) => RawRequest;
  status: number;
  /** The problem code: type is urn:complaints:problem:{code}. */
  code: string;
  /** errors[].path, exactly (any order); absent: the problem carries no errors. */
  paths?: string[];
  /** Further members or headers the problem must carry. */
  also?: (problem: Record<string, unknown>, headers: Headers, f: Fixtures) => void;
  /** Who sends it, when not the route's usual caller (clientFor). */
  as?: 'intake';
}

const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  path,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
const raw = (method: string, path: string, body: string, contentType = 'application/json') => ({
  method,
  path,
  body,
  headers: { 'content-type': contentType },
});
const get = (path: string) => ({ method: 'GET', path });
const create = (body: unknown, headers: Record<string, string> = {}) =>
  json('POST', '/v1/complaints', body, headers);
const complaintWith = (overrides: Record<string, unknown>) => sampleComplaint(overrides);
const customerWith = (overrides: Record<string, unknown>) =>
  sampleComplaint({ customer: { phone: '13812345678', ...overrides } });
const act = (id: string, body: unknown) => json('POST', `/v1/complaints/${id}/actions`, body);
const rate = (id: string, body: unknown) => json('POST', `/v1/complaints/${id}/feedback`, body);
const { channel: _channel, ...withoutChannel } = sampleComplaint();

/** A cursor of the status=received listing as the store writes it, with the index sort key replaced. */
function tamperedStatusCursor(sortKey: string): string {
  const index = INDEXES.byStatus;
  const cursor = {
    walk: 'partition',
    // The store's query fingerprint: index, partition, then the status, category and escalated filters.
    query: JSON.stringify([index.indexName, statusPartition('received', 0), null, null, null]),
    after: {
      ...complaintKey(UNKNOWN_ID),
      [index.partitionKey]: statusPartition('received', 0),
      [index.sortKey]: sortKey,
    },
  };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const CASES: Case[] = [
  // POST /v1/complaints: syntax, media type, size
  {
    name: 'malformed JSON',
    request: () => raw('POST', '/v1/complaints', '{"channel": "hotline",'),
    status: 400,
    code: 'malformed-json',
  },
  {
    name: 'JSON that is not an object',
    request: () => raw('POST', '/v1/complaints', '[1,2]'),
    status: 400,
    code: 'validation-failed',
    paths: [''],
  },
  {
    name: 'JSON null',
    request: () => raw('POST', '/v1/complaints', 'null'),
    status: 400,
    code: 'validation-failed',
    paths: [''],
  },
  {
    name: 'empty body',
    request: () => raw('POST', '/v1/complaints', ''),
    status: 400,
    code: 'validation-failed',
    paths: [''],
  },
  {
    name: 'body over 64 KB',
    request: () => create(complaintWith({ description: '长'.repeat(30_000) })),
    status: 413,
    code: 'content-too-large',
  },
  {
    name: 'text/plain body',
    request: () => raw('POST', '/v1/complaints', JSON.stringify(sampleComplaint()), 'text/plain'),
    status: 415,
    code: 'unsupported-media-type',
    also: (_p, headers) => expect(headers.get('accept-post')).toBe('application/json'),
  },
  {
    name: 'form-encoded body',
    request: () => raw('POST', '/v1/complaints', 'channel=hotline', 'application/x-www-form-urlencoded'),
    status: 415,
    code: 'unsupported-media-type',
  },
  // POST /v1/complaints: fields
  {
    name: 'wrong types',
    request: () =>
      create(
        complaintWith({ channel: 5, description: 123, declaredValue: '100', insured: 'yes', priority: true }),
      ),
    status: 400,
    code: 'validation-failed',
    paths: ['channel', 'description', 'declaredValue', 'insured', 'priority'],
  },
  {
    name: 'customer of the wrong type',
    request: () => create(complaintWith({ customer: '13812345678' })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer'],
  },
  {
    name: 'contact channels of the wrong type',
    request: () => create(customerWith({ channels: 'sms' })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.channels'],
  },
  {
    name: 'unknown top-level fields',
    request: () => create(complaintWith({ severity: 'high', tags: ['x'] })),
    status: 400,
    code: 'validation-failed',
    paths: ['severity', 'tags'],
  },
  {
    name: 'unknown nested field',
    request: () => create(customerWith({ nickname: '小张' })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.nickname'],
  },
  {
    name: 'unknown object nested in the customer',
    request: () =>
      create({ ...sampleComplaint(), customer: { phone: '13812345678', address: { city: '北京' } } }),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.address'],
  },
  {
    name: 'missing required fields',
    request: () => create({}),
    status: 400,
    code: 'validation-failed',
    paths: ['channel', 'description', 'customer'],
    also: (p) =>
      expect((p.errors as { message: string }[]).map((e) => e.message)).toEqual([
        'required',
        'required',
        'required',
      ]),
  },
  {
    name: 'missing channel',
    request: () => create(withoutChannel),
    status: 400,
    code: 'validation-failed',
    paths: ['channel'],
  },
  {
    name: 'missing customer phone',
    request: () => create(complaintWith({ customer: { name: '张三' } })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.phone'],
  },
  {
    name: 'bad phone number',
    request: () => create(customerWith({ phone: '12345' })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.phone'],
  },
  {
    name: 'landline-length mobile number',
    request: () => create(customerWith({ phone: '1381234567' })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.phone'],
  },
  {
    name: 'description of 4001 characters',
    request: () => create(complaintWith({ description: '慢'.repeat(4001) })),
    status: 400,
    code: 'validation-failed',
    paths: ['description'],
  },
  {
    name: 'blank description',
    request: () => create(complaintWith({ description: '   ' })),
    status: 400,
    code: 'validation-failed',
    paths: ['description'],
  },
  {
    name: 'unknown channel, category and priority',
    request: () => create(complaintWith({ channel: 'fax', category: 'bogus', priority: 'high' })),
    status: 400,
    code: 'validation-failed',
    paths: ['channel', 'category', 'priority'],
  },
  {
    name: 'receivedAt in the future',
    request: () => create(complaintWith({ receivedAt: new Date(Date.now() + DAY_MS).toISOString() })),
    status: 400,
    code: 'invalid-input',
    paths: ['receivedAt'],
  },
  {
    name: 'receivedAt older than 30 days',
    request: () => create(complaintWith({ receivedAt: new Date(Date.now() - 31 * DAY_MS).toISOString() })),
    status: 400,
    code: 'invalid-input',
    paths: ['receivedAt'],
  },
  {
    name: 'receivedAt that is not an instant',
    request: () => create(complaintWith({ receivedAt: 'yesterday' })),
    status: 400,
    code: 'validation-failed',
    paths: ['receivedAt'],
  },
  {
    name: 'tracking number too short, money with three decimals, negative postage',
    request: () => create(complaintWith({ trackingNumber: 'AB1', declaredValue: 1.234, postage: -1 })),
    status: 400,
    code: 'validation-failed',
    paths: ['trackingNumber', 'declaredValue', 'postage'],
  },
  {
    name: 'push channel without an endpoint',
    request: () => create(customerWith({ channels: ['push'] })),
    status: 400,
    code: 'validation-failed',
    paths: ['customer.pushEndpointArn'],
  },
  {
    name: 'Idempotency-Key longer than 128 characters',
    request: () => create(sampleComplaint(), { 'Idempotency-Key': 'k'.repeat(129) }),
    status: 400,
    code: 'validation-failed',
    paths: ['Idempotency-Key'],
  },
  // Routes and ids
  { name: 'unknown route', request: () => get('/v1/claims'), status: 404, code: 'not-found' },
  {
    name: 'unknown nested route',
    request: () => get(`/v1/complaints/${UNKNOWN_ID}/history`),
    status: 404,
    code: 'not-found',
  },
  {
    name: 'DELETE on the collection',
    request: () => ({ method: 'DELETE', path: '/v1/complaints' }),
    status: 405,
    code: 'method-not-allowed',
    also: (_p, headers) => expect(headers.get('allow')).toBe('GET, POST'),
  },
  {
    name: 'PUT on a complaint',
    request: (f) => json('PUT', `/v1/complaints/${f.received.id}`, { status: 'closed' }),
    status: 405,
    code: 'method-not-allowed',
    also: (_p, headers) => expect(headers.get('allow')).toBe('GET'),
  },
  {
    name: 'GET on actions',
    request: (f) => get(`/v1/complaints/${f.received.id}/actions`),
    status: 405,
    code: 'method-not-allowed',
    also: (_p, headers) => expect(headers.get('allow')).toBe('POST'),
  },
  {
    name: 'unknown complaint',
    request: () => get(`/v1/complaints/${UNKNOWN_ID}`),
    status: 404,
    code: 'complaint-not-found',
  },
  {
    name: 'timeline of an unknown complaint',
    request: () => get(`/v1/complaints/${UNKNOWN_ID}/timeline`),
    status: 404,
    code: 'complaint-not-found',
  },
  {
    name: 'action on an unknown complaint',
    request: () => act(UNKNOWN_ID, { action: 'accept' }),
    status: 404,
    code: 'complaint-not-found',
  },
  {
    name: 'feedback on an unknown complaint',
    request: () => rate(UNKNOWN_ID, { score: 5 }),
    status: 404,
    code: 'complaint-not-found',
  },
  {
    name: 'malformed id',
    request: () => get('/v1/complaints/12345'),
    status: 400,
    code: 'validation-failed',
    paths: ['id'],
  },
  {
    name: 'malformed id on the timeline',
    request: () => get('/v1/complaints/not-a-ulid/timeline'),
    status: 400,
    code: 'validation-failed',
    paths: ['id'],
  },
  {
    name: 'malformed id on an action',
    request: () => act('COMPLAINT-1', { action: 'accept' }),
    status: 400,
    code: 'validation-failed',
    paths: ['id'],
  },
  // Actions
  {
    name: 'unknown action',
    request: (f) => act(f.received.id, { action: 'escalate' }),
    status: 400,
    code: 'validation-failed',
    paths: ['action'],
  },
  {
    name: 'action field missing',
    request: (f) => act(f.received.id, { actor: 'agent-1' }),
    status: 400,
    code: 'validation-failed',
    paths: ['action'],
  },
  {
    name: 'action naming an actor (who acts is the caller, never a body field)',
    request: (f) => act(f.received.id, { action: 'accept', actor: 'agent-2' }),
    status: 400,
    code: 'validation-failed',
    paths: ['actor'],
  },
  {
    name: 'resolve without resolution, compensation in another currency',
    request: (f) =>
      act(f.received.id, {
        action: 'resolve',
        compensation: { amount: 10, currency: 'USD' },
      }),
    status: 400,
    code: 'validation-failed',
    paths: ['resolution', 'compensation.currency'],
  },
  {
    name: 'field of another action',
    request: (f) => act(f.received.id, { action: 'note', text: '已致电', assignee: 'agent-2' }),
    status: 400,
    code: 'validation-failed',
    paths: ['assignee'],
  },
  {
    name: 'expectedVersion of the wrong type',
    request: (f) => act(f.received.id, { action: 'note', text: '备注', expectedVersion: 'two' }),
    status: 400,
    code: 'validation-failed',
    paths: ['expectedVersion'],
  },
  {
    name: 'action the status does not allow',
    request: (f) => act(f.received.id, { action: 'resolve', resolution: '已处理' }),
    status: 409,
    code: 'transition-not-allowed',
    also: (p, _h, f) => {
      expect(p).toMatchObject({
        action: 'resolve',
        complaintStatus: 'received',
        allowedActions: f.received.allowedActions,
      });
      expect(f.received.allowedActions).not.toContain('resolve');
    },
  },
  {
    name: 'accept while awaiting feedback',
    request: (f) => act(f.awaitingFeedback.id, { action: 'accept' }),
    status: 409,
    code: 'transition-not-allowed',
    also: (p, _h, f) => {
      expect(p).toMatchObject({
        action: 'accept',
        complaintStatus: 'awaiting-feedback',
        allowedActions: f.awaitingFeedback.allowedActions,
      });
      expect(f.awaitingFeedback.allowedActions).not.toContain('accept');
    },
  },
  {
    name: 'stale expectedVersion',
    request: (f) =>
      act(f.awaitingFeedback.id, {
        action: 'note',
        text: '备注',
        expectedVersion: f.awaitingFeedback.version - 1,
      }),
    status: 409,
    code: 'version-conflict',
    also: (p, _h, f) =>
      expect(p).toMatchObject({
        expectedVersion: f.awaitingFeedback.version - 1,
        currentVersion: f.awaitingFeedback.version,
      }),
  },
  // Personal data
  {
    name: 'personal data without a reason',
    request: (f) => json('POST', `/v1/complaints/${f.received.id}/personal-data`, {}),
    status: 400,
    code: 'validation-failed',
    paths: ['reason'],
  },
  {
    // The intake system that registered it: the permission table's `unmask` row refuses intake systems.
    name: 'personal data asked by an intake system',
    request: (f) => json('POST', `/v1/complaints/${f.received.id}/personal-data`, { reason: '回电' }),
    as: 'intake',
    status: 403,
    code: 'forbidden',
    also: (p) => expect(p).toMatchObject({ operation: 'unmask' }),
  },
  // Feedback
  {
    name: 'feedback outside awaiting-feedback',
    request: (f) => rate(f.received.id, { score: 5 }),
    status: 409,
    code: 'transition-not-allowed',
    also: (p) => expect(p).toMatchObject({ action: 'feedback', complaintStatus: 'received' }),
  },
  {
    name: 'score out of range, comment too long',
    request: (f) => rate(f.awaitingFeedback.id, { score: 6, comment: '差'.repeat(1001) }),
    status: 400,
    code: 'validation-failed',
    paths: ['score', 'comment'],
  },
  {
    name: 'score as a string, unknown field',
    request: (f) => rate(f.awaitingFeedback.id, { score: '5', stars: 5 }),
    status: 400,
    code: 'validation-failed',
    paths: ['score', 'stars'],
  },
  {
    name: 'stale expectedVersion on feedback',
    request: (f) =>
      rate(f.awaitingFeedback.id, { score: 5, expectedVersion: f.awaitingFeedback.version - 1 }),
    status: 409,
    code: 'version-conflict',
  },
  // GET /v1/complaints
  {
    name: 'limit=0',
    request: () => get('/v1/complaints?limit=0'),
    status: 400,
    code: 'validation-failed',
    paths: ['limit'],
  },
  {
    name: 'limit=101',
    request: () => get('/v1/complaints?limit=101'),
    status: 400,
    code: 'validation-failed',
    paths: ['limit'],
  },
  {
    name: 'limit=ten',
    request: () => get('/v1/complaints?limit=ten'),
    status: 400,
    code: 'validation-failed',
    paths: ['limit'],
  },
  {
    name: 'status=bogus',
    request: () => get('/v1/complaints?status=bogus'),
    status: 400,
    code: 'validation-failed',
    paths: ['status'],
  },
  {
    name: 'escalated=yes',
    request: () => get('/v1/complaints?escalated=yes'),
    status: 400,
    code: 'validation-failed',
    paths: ['escalated'],
  },
  {
    name: 'unknown query parameter',
    request: () => get('/v1/complaints?sort=asc'),
    status: 400,
    code: 'validation-failed',
    paths: ['sort'],
  },
  ...['__proto__', 'constructor', 'toString'].map((name) => ({
    name: `a query parameter named ${name}`,
    request: () => get(`/v1/complaints?${name}=1`),
    status: 400,
    code: 'validation-failed',
    paths: [name],
  })),
  ...[
    ['an empty sort key', ''],
    ['an oversized sort key', `2026-01-01T00:00:00.000Z#${'X'.repeat(1100)}`],
  ].map(([what, sortKey]) => ({
    name: `a tampered cursor with ${what}`,
    request: () => get(`/v1/complaints?status=received&cursor=${tamperedStatusCursor(sortKey!)}`),
    status: 400,
    code: 'invalid-input',
    paths: ['cursor'],
  })),
  {
    name: 'garbled cursor',
    request: () => get('/v1/complaints?cursor=bm90LWEtY3Vyc29y'),
    status: 400,
    code: 'invalid-input',
    paths: ['cursor'],
  },
  {
    name: 'cursor of garbage characters',
    request: () => get('/v1/complaints?cursor=%25%25%25'),
    status: 400,
    code: 'invalid-input',
    paths: ['cursor'],
  },
];

let api: TestApi;
let http: HttpApi;
/** Actions are an agent's: an intake system may act only for a named agent. */
let agentHttp: HttpApi;
let supervisorHttp: HttpApi;
let fixtures: Fixtures;
let countBefore = 0;
let timelinesBefore: Record<string, unknown[]> = {};

/** A complaint whose workflow waits in its stage: in real time its version no longer moves on its own. */
async function settled(id: string, status: string): Promise<ComplaintBody> {
  let previous: ComplaintBody | undefined;
  return eventually(
    async () => {
      const c = (await http.get<ComplaintBody>(`/v1/complaints/${id}`)).body;
      const steady = c.status === status && previous?.version === c.version;
      previous = c;
      return steady ? c : undefined;
    },
    10_000,
    `complaint ${id} settled in ${status}`,
    // Two reads 300 ms apart with the same version: the workflow has stopped writing it.
    300,
  );
}

beforeAll(async () => {
  // Real time: no SLA clock runs out while the matrix runs, so the fixtures only change if a request does.
  api = await startTestApi();
  http = httpApi(api.url);
  agentHttp = httpApi(api.url, { identity: { role: 'agent', user: 'agent-1' } });
  supervisorHttp = httpApi(api.url, { identity: { role: 'supervisor', user: 'sup-1' } });
  const received = (await api.post<ComplaintBody>('/v1/complaints', sampleComplaint())).body;
  const other = (
    await api.post<ComplaintBody>('/v1/complaints', sampleComplaint({ trackingNumber: 'EA123456789CN' }))
  ).body;
  await postUntilReady(api, `/v1/complaints/${other.id}/actions`, { action: 'accept', actor: 'agent-1' });
  await postUntilReady(api, `/v1/complaints/${other.id}/actions`, {
    action: 'resolve',
    actor: 'agent-1',
    resolution: '已重新派送',
  });
  fixtures = {
    received: await settled(received.id, 'received'),
    awaitingFeedback: await settled(other.id, 'awaiting-feedback'),
  };
  countBefore = (await listAll(api)).length;
  timelinesBefore = {
    [received.id]: await timelineOf(api, received.id),
    [other.id]: await timelineOf(api, other.id),
  };
});

afterAll(async () => {
  await api?.close();
});

/** Actions as an agent, unmasking as a supervisor (unless the case asks for the intake system), else intake. */
function clientFor(sent: RawRequest, as: Case['as']): HttpApi {
  if (as === 'intake') return http;
  if (sent.path.endsWith('/actions')) return agentHttp;
  if (sent.path.endsWith('/personal-data')) return supervisorHttp;
  return http;
}

describe('bad input is refused precisely', () => {
  it.each(CASES)('$name: $status $code', async ({ request, status, code, paths, also, as }) => {
    // Prepare
    const sent = request(fixtures);
    // Act
    const response = await clientFor(sent, as).send(sent);
    // Assess
    const problem = response.body;
    expect(response.status, response.text).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem).toMatchObject({
      type: `urn:complaints:problem:${code}`,
      status,
      title: expect.any(String),
      detail: expect.any(String),
      instance: sent.path.split('?')[0],
    });
    if (paths) {
      const errors = problem.errors as { path: string; message: string }[];
      expect(errors.map((e) => e.path).sort()).toEqual([...paths].sort());
      for (const e of errors) expect(e.message).not.toBe('');
    } else {
      expect(problem.errors).toBeUndefined();
    }
    expect(response.text).not.toContain('13812345678');
    also?.(problem, response.headers, fixtures);
  });

  it('stored and changed nothing', async () => {
    // Assess
    expect(await listAll(api)).toHaveLength(countBefore);
    for (const [id, items] of Object.entries(timelinesBefore)) {
      expect(await timelineOf(api, id)).toEqual(items);
    }
    for (const fixture of Object.values(fixtures)) {
      const now = (await api.get<ComplaintBody>(`/v1/complaints/${fixture.id}`)).body;
      expect({ status: now.status, version: now.version }).toEqual({
        status: fixture.status,
        version: fixture.version,
      });
    }
  });
});
