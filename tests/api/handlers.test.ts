// Every API route over real HTTP against the embedded stack (dynalite, the local Step Functions engine,
// the local SNS sink, the local gateway): status codes, headers and bodies as SPEC section 10 states them.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStack, type EmbeddedStack } from '../../infra/local/stack.ts';
import { eventually, splitActor, TEST_INTAKE } from '../support/embedded.ts';
import { httpApi, type HttpApi } from '../support/http-api.ts';

let stack: EmbeddedStack;
let api: HttpApi;

beforeAll(async () => {
  stack = await startEmbeddedStack({
    port: 0,
    reconcileOnStart: false,
    environment: { PUBLIC_BASE_URL: 'http://127.0.0.1' },
  });
  api = httpApi(stack.url, { mint: (identity) => stack.issuer.mint(identity) });
});
afterAll(() => stack?.close());

interface Json {
  [key: string]: unknown;
}

/**
 * As the intake system that registers the complaints; an action body's `actor` names the staff member
 * who signs in to send the rest of it.
 */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const { as, action } =
    body !== null && typeof body === 'object' && 'actor' in body
      ? splitActor(body as Record<string, unknown>)
      : { as: TEST_INTAKE, action: body };
  const response = await api.as(as).send({
    method,
    path,
    headers: action === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    ...(action === undefined ? {} : { body: JSON.stringify(action) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (response.text ? response.body : null) as Json,
  };
}

/** What a well-behaved client does with "409, Retry-After": the workflow is between stages, so wait and retry. */
async function callPatiently(method: string, path: string, body: unknown) {
  return eventually(
    async () => {
      const response = await call(method, path, body);
      return response.status === 409 && response.headers.get('retry-after') !== null ? undefined : response;
    },
    10_000,
    `${method} ${path} taken (not 409 with Retry-After)`,
  );
}

/** A different tracking number per complaint, so repeat detection and list filters see one complaint each. */
const trackingNumber = () => `EA${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}CN`;

function newComplaint(overrides: Json = {}): Json {
  return {
    channel: 'hotline',
    description: '快递五天了还没到，请尽快处理，电话 13812345678',
    trackingNumber: trackingNumber(),
    customer: { phone: '138 1234 5678', name: '张三' },
    declaredValue: 200,
    postage: 12,
    ...overrides,
  };
}

async function register(overrides: Json = {}) {
  const created = await call('POST', '/v1/complaints', newComplaint(overrides));
  expect(created.status).toBe(201);
  return created.body as Json & { id: string; version: number };
}

describe('POST /v1/complaints', () => {
  it('registers a complaint: 201, Location, masked personal data, the deadlines and the next actions', async () => {
    // Act
    const created = await call('POST', '/v1/complaints', newComplaint());

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.headers.get('location')).toBe(`/v1/complaints/${created.body.id as string}`);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    expect(created.body).toMatchObject({
      status: 'received',
      channel: 'hotline',
      category: 'delay',
      priority: 'normal',
      escalationLevel: 0,
      customer: { phone: '138****5678', name: '张*', locale: 'zh-CN', channels: ['sms'] },
      allowedActions: ['accept', 'assign', 'close', 'note', 'reclassify', 'route'],
    });
    expect(created.body.deadlines).toMatchObject({
      response: expect.any(String),
      resolution: expect.any(String),
    });
    expect(JSON.stringify(created.body)).not.toContain('13812345678');
  });

  it('answers a retry with the same key and body with the same complaint, marked as a replay', async () => {
    // Prepare
    const key = `retry-${ulid()}`;
    const body = newComplaint();
    const first = await call('POST', '/v1/complaints', body, { 'Idempotency-Key': key });

    // Act: the same body with its keys in another order
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const retry = await call('POST', '/v1/complaints', reordered, { 'Idempotency-Key': key });

    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
  });

  it('refuses the same key with another body with 409', async () => {
    // Prepare
    const key = `reuse-${ulid()}`;
    await call('POST', '/v1/complaints', newComplaint(), { 'Idempotency-Key': key });

    // Act
    const reused = await call('POST', '/v1/complaints', newComplaint({ channel: 'web' }), {
      'Idempotency-Key': key,
    });

    // Assess
    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toBe('application/problem+json');
    expect(reused.body).toMatchObject({ type: 'urn:complaints:problem:idempotency-key-reused', status: 409 });
  });

  it('refuses an Idempotency-Key longer than 128 characters', async () => {
    const response = await call('POST', '/v1/complaints', newComplaint(), {
      'Idempotency-Key': 'k'.repeat(129),
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
  });

  it('refuses a receivedAt older than 30 days, naming the field', async () => {
    // Act
    const response = await call(
      'POST',
      '/v1/complaints',
      newComplaint({ receivedAt: new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString() }),
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'receivedAt', message: expect.any(String) }]);
  });

  it('refuses an invalid phone and an unknown field in one answer', async () => {
    // Act
    const response = await call('POST', '/v1/complaints', {
      ...newComplaint(),
      customer: { phone: '010-12345678' },
      address: '北京市',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'customer.phone', message: expect.any(String) },
        { path: 'address', message: 'unknown field' },
      ]),
    );
  });
});

describe('GET /v1/complaints/{id} and its timeline', () => {
  it('reads the complaint back', async () => {
    // Prepare
    const created = await register();

    // Act
    const read = await call('GET', `/v1/complaints/${created.id}`);

    // Assess
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.id, customer: { phone: '138****5678' } });
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const unknown = await call('GET', `/v1/complaints/${ulid()}`);
    const malformed = await call('GET', '/v1/complaints/not-an-id');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ type: 'urn:complaints:problem:complaint-not-found' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ path: 'id', message: expect.any(String) }]);
  });

  it('lists the timeline, starting with the registration', async () => {
    // Prepare
    const created = await register();

    // Act
    const timeline = await call('GET', `/v1/complaints/${created.id}/timeline`);

    // Assess
    expect(timeline.status).toBe(200);
    expect((timeline.body.items as Json[])[0]).toMatchObject({
      type: 'registered',
      from: null,
      to: 'received',
    });
    expect((await call('GET', `/v1/complaints/${ulid()}/timeline`)).status).toBe(404);
  });
});

describe('GET /v1/complaints', () => {
  it('filters by tracking number', async () => {
    // Prepare
    const waybill = trackingNumber();
    const created = await register({ trackingNumber: waybill });

    // Act
    const page = await call('GET', `/v1/complaints?trackingNumber=${waybill.toLowerCase()}`);

    // Assess
    expect(page.status).toBe(200);
    expect((page.body.items as Json[]).map((c) => c.id)).toEqual([created.id]);
    expect(page.body.nextCursor).toBeNull();
  });

  it('pages with limit and cursor', async () => {
    // Prepare
    await register();
    await register();

    // Act
    const first = await call('GET', '/v1/complaints?status=received&limit=1');
    const second = await call(
      'GET',
      `/v1/complaints?status=received&limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
    );

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(typeof first.body.nextCursor).toBe('string');
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect((second.body.items as Json[])[0]?.id).not.toBe((first.body.items as Json[])[0]?.id);
  });

  it('refuses an out-of-range limit and unknown parameters', async () => {
    expect((await call('GET', '/v1/complaints?limit=101')).status).toBe(400);
    expect((await call('GET', '/v1/complaints?sort=asc')).status).toBe(400);
  });
});

const note = (id: string, expectedVersion: number) =>
  call('POST', `/v1/complaints/${id}/actions`, {
    action: 'note',
    actor: 'agent-7',
    text: '客户来电催促',
    expectedVersion,
  });

describe('POST /v1/complaints/{id}/actions and /feedback', () => {
  it('walks a complaint from accept to a satisfied close', async () => {
    // Prepare
    const created = await register();
    const path = `/v1/complaints/${created.id}`;

    // Act
    const accepted = await callPatiently('POST', `${path}/actions`, { action: 'accept', actor: 'agent-7' });
    const resolved = await callPatiently('POST', `${path}/actions`, {
      action: 'resolve',
      actor: 'agent-7',
      resolution: '已联系网点加急投递，退还邮费',
      compensation: { amount: 12, currency: 'CNY' },
    });
    const rated = await callPatiently('POST', `${path}/feedback`, { score: 5, comment: '谢谢' });

    // Assess
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'investigating',
      owner: 'agent-7',
      firstResponder: 'agent-7',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'awaiting-feedback',
      resolution: { compensation: { amount: 12, currency: 'CNY' } },
    });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ status: 'closed', closeReason: 'satisfied', feedback: { score: 5 } });
    const events = ((await call('GET', `${path}/timeline`)).body.items as Json[]).map((e) => e.to);
    expect(events).toEqual(
      expect.arrayContaining(['received', 'investigating', 'awaiting-feedback', 'closed']),
    );
  });

  it('refuses an action the status does not allow with 409 and the allowed actions', async () => {
    // Prepare
    const created = await register();

    // Act
    const refused = await call('POST', `/v1/complaints/${created.id}/actions`, {
      action: 'resolve',
      actor: 'agent-7',
      resolution: 'x',
    });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: 'urn:complaints:problem:transition-not-allowed',
      complaintStatus: 'received',
      allowedActions: ['accept', 'assign', 'close', 'note', 'reclassify', 'route'],
    });
  });

  it('refuses a stale expectedVersion with 409', async () => {
    // Prepare
    const created = await register();

    // Act
    const stale = await call('POST', `/v1/complaints/${created.id}/actions`, {
      action: 'note',
      actor: 'agent-7',
      text: '已致电客户',
      expectedVersion: created.version + 1000,
    });

    // Assess
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ type: 'urn:complaints:problem:version-conflict' });
  });

  it('applies a note at the version the client read, without changing the status', async () => {
    // Prepare
    const created = await register();

    // Act: like a client, re-read and retry while the workflow's own bookkeeping moves the version on
    let read = await call('GET', `/v1/complaints/${created.id}`);
    let noted = await note(created.id, read.body.version as number);
    for (let attempt = 1; noted.status === 409 && attempt < 10; attempt++) {
      read = await call('GET', `/v1/complaints/${created.id}`);
      noted = await note(created.id, read.body.version as number);
    }

    // Assess
    expect(noted.status).toBe(200);
    expect(noted.body).toMatchObject({ status: 'received', version: (read.body.version as number) + 1 });
  });

  it('refuses feedback outside awaiting-feedback with 409', async () => {
    const created = await register();
    const early = await call('POST', `/v1/complaints/${created.id}/feedback`, { score: 4 });
    expect(early.status).toBe(409);
  });

  it('answers actions and feedback on an unknown complaint with 404', async () => {
    const id = ulid();
    expect(
      (await call('POST', `/v1/complaints/${id}/actions`, { action: 'accept', actor: 'a' })).status,
    ).toBe(404);
    expect((await call('POST', `/v1/complaints/${id}/feedback`, { score: 5 })).status).toBe(404);
  });
});

describe('GET /v1/health and /v1/openapi.json', () => {
  it('answers health', async () => {
    const health = await call('GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document', async () => {
    const document = await call('GET', '/v1/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths as Json)).toContain('/v1/complaints/{id}/actions');
  });

  it('answers an unknown route with 404 and a wrong method with 405', async () => {
    expect((await call('GET', '/v1/complaint')).status).toBe(404);
    const wrong = await call('DELETE', '/v1/complaints');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
  });
});
