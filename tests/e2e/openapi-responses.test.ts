// Real answers of the running embedded stack, checked against the document it serves: every response's
// status must be documented for its operation and its body must validate (ajv, JSON Schema 2020-12 as
// OpenAPI 3.1 writes it) against the schema of its media type. Every operation of the document must be
// exercised: the last test enumerates them and fails on one no request reached.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  sampleComplaint,
  startTestApi,
  textedLinkToken,
  TEST_INTAKE,
  type Identity,
  type TestApi,
} from '../support/embedded.ts';

// 1 SLA hour = 0.1 s and quiet hours off: texts go out at once.
const TIME_SCALE = 36_000;

interface Media {
  schema?: unknown;
}
interface DocumentedResponse {
  headers?: Record<string, unknown>;
  content?: Record<string, Media>;
}
interface Operation {
  operationId: string;
  responses: Record<string, DocumentedResponse>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let api: TestApi;
let doc: Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default export arrives as the module object under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
/** operationId -> statuses seen (and validated). */
const exercised = new Map<string, Set<number>>();

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
  const served = await fetch(`${api.url}/v1/openapi.json`);
  doc = (await served.json()) as Document;
});
afterAll(async () => {
  await api?.close();
});

/** The document's components as $defs of each schema, so `#/components/schemas/X` resolves inside it. */
function validatorFor(key: string, schema: unknown): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    const local = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/')) as object;
    validate = ajv.compile({ ...local(schema), $defs: local(doc.components.schemas) });
    validators.set(key, validate);
  }
  return validate;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/**
 * Sends the request, then checks the answer against the operation `method template`: the status is one
 * the operation documents, and a body validates against the documented schema of its media type.
 */
async function call(
  method: string,
  template: string,
  path: string,
  options: {
    as?: Identity | 'nobody';
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const as = options.as ?? TEST_INTAKE;
  if (as !== 'nobody') headers.authorization = `Bearer ${await api.tokenFor(as)}`;
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.text();
  const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
  const isJson = mediaType === 'application/json' || mediaType === 'application/problem+json';
  const answer = {
    status: response.status,
    headers: response.headers,
    text,
    body: isJson && text !== '' ? JSON.parse(text) : text,
  };

  // A 405 is the gateway's, for a method the path does not serve: documented on every operation of the path.
  const operations =
    response.status === 405
      ? Object.values(doc.paths[template] ?? {})
      : [doc.paths[template]?.[method.toLowerCase()]].filter((op) => op !== undefined);
  expect(operations.length, `${method} ${template} is not in the document`).toBeGreaterThan(0);
  for (const op of operations) {
    const documented = op.responses[String(response.status)];
    expect(
      documented,
      `${op.operationId} does not document ${response.status}: ${text.slice(0, 200)}`,
    ).toBeDefined();
    if (text !== '') {
      expect(mediaType, `${op.operationId} ${response.status} has a body without a media type`).toBeDefined();
      const media = documented?.content?.[mediaType ?? ''];
      expect(media, `${op.operationId} ${response.status} does not document ${mediaType}`).toBeDefined();
      if (isJson && media?.schema !== undefined) {
        const validate = validatorFor(`${op.operationId} ${response.status} ${mediaType}`, media.schema);
        expect(
          validate(answer.body) ? [] : validate.errors,
          `${op.operationId} ${response.status}: ${text.slice(0, 300)}`,
        ).toEqual([]);
      }
    }
    for (const name of Object.keys(documented?.headers ?? {})) {
      // Location on 201/302, Allow on 405: the headers a client acts on must come as documented.
      if (['Location', 'Allow'].includes(name))
        expect(response.headers.get(name), `${op.operationId} ${name}`).not.toBeNull();
    }
    if (!exercised.has(op.operationId)) exercised.set(op.operationId, new Set());
    exercised.get(op.operationId)!.add(response.status);
  }
  return answer;
}

/** A client's patience with "409, Retry-After: 1" while the workflow is between stages. */
async function callWhenReady(
  method: string,
  template: string,
  path: string,
  options: Parameters<typeof call>[3],
): Promise<Answer> {
  return eventually(
    async () => {
      const answer = await call(method, template, path, options);
      return answer.status === 409 && answer.headers.get('retry-after') ? undefined : answer;
    },
    15_000,
    `${method} ${path} past the workflow's stage change`,
  );
}

const AGENT: Identity = { role: 'agent', user: 'agent-7' };
const SUPERVISOR: Identity = { role: 'supervisor', user: 'sup-1' };
const AUDITOR: Identity = { role: 'auditor', user: 'auditor-1' };
const ADMIN: Identity = { role: 'admin', user: 'admin-1' };
const UNKNOWN_ID = ulid();

async function register(phone: string): Promise<string> {
  const created = await call('POST', '/v1/complaints', '/v1/complaints', {
    body: sampleComplaint({ customer: { phone, name: '王小明' }, trackingNumber: `EA${Date.now() % 1e9}CN` }),
  });
  expect(created.status, created.text).toBe(201);
  return (created.body as { id: string }).id;
}

const act = (id: string, as: Identity, body: Record<string, unknown>) =>
  callWhenReady('POST', '/v1/complaints/{id}/actions', `/v1/complaints/${id}/actions`, { as, body });

/** Accepted by agent-7 and answered: awaiting the customer's rating, with its link texted. */
async function answered(phone: string): Promise<string> {
  const id = await register(phone);
  expect((await act(id, AGENT, { action: 'accept' })).status).toBe(200);
  const resolved = await act(id, AGENT, { action: 'resolve', resolution: '已协调转运中心优先发运。' });
  expect(resolved.status, resolved.text).toBe(200);
  return id;
}

const linkTokenOf = (id: string) => textedLinkToken(api.stack, id, 'answered');

describe('answers of the running stack match the document', () => {
  it('open routes: health, this document, and 405 / 404 from the gateway', async () => {
    expect((await call('GET', '/v1/health', '/v1/health', { as: 'nobody' })).status).toBe(200);
    expect((await call('GET', '/v1/openapi.json', '/v1/openapi.json', { as: 'nobody' })).status).toBe(200);
    const notServed = await call('DELETE', '/v1/health', '/v1/health', { as: 'nobody' });
    expect(notServed.status).toBe(405);
    expect(notServed.headers.get('allow')).toBe('GET');
    const unknown = await fetch(`${api.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'urn:complaints:problem:not-found', status: 404 });
  });

  it('registration: 201, then 400, 401, 403, 409, 413, 415', async () => {
    const key = `openapi-${ulid()}`;
    const path = '/v1/complaints';
    const first = await call('POST', path, path, {
      body: sampleComplaint(),
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).toBe(201);
    const statuses = [
      (await call('POST', path, path, { body: { channel: 'fax' } })).status,
      (await call('POST', path, path, { as: 'nobody', body: sampleComplaint() })).status,
      (await call('POST', path, path, { as: AUDITOR, body: sampleComplaint() })).status,
      (
        await call('POST', path, path, {
          body: sampleComplaint({ description: '另一件事' }),
          headers: { 'Idempotency-Key': key },
        })
      ).status,
      (await call('POST', path, path, { raw: JSON.stringify({ description: 'x'.repeat(70_000) }) })).status,
      (await call('POST', path, path, { raw: 'hello', headers: { 'content-type': 'text/plain' } })).status,
    ];
    expect(statuses).toEqual([400, 401, 403, 409, 413, 415]);
  });

  it('reads: list, complaint, timeline, audit verdict (200, 400, 404)', async () => {
    const id = await register('13800001111');
    const list = '/v1/complaints';
    expect((await call('GET', list, `${list}?limit=5`, { as: SUPERVISOR })).status).toBe(200);
    expect((await call('GET', list, `${list}?limit=0`, { as: SUPERVISOR })).status).toBe(400);
    for (const [template, suffix] of [
      ['/v1/complaints/{id}', ''],
      ['/v1/complaints/{id}/timeline', '/timeline'],
      ['/v1/complaints/{id}/audit', '/audit'],
    ] as const) {
      expect(
        (await call('GET', template, `/v1/complaints/${id}${suffix}`, { as: AUDITOR })).status,
        template,
      ).toBe(200);
      expect(
        (await call('GET', template, `/v1/complaints/${UNKNOWN_ID}${suffix}`, { as: AUDITOR })).status,
      ).toBe(404);
      expect((await call('GET', template, `/v1/complaints/not-an-id${suffix}`, { as: AUDITOR })).status).toBe(
        400,
      );
    }
  });

  it('actions (200, 400, 409) and the unmasked phone (200, 400, 403)', async () => {
    const id = await register('13800002222');
    const actions = '/v1/complaints/{id}/actions';
    expect((await act(id, AGENT, { action: 'accept' })).status).toBe(200);
    expect((await act(id, AGENT, { action: 'accept' })).status).toBe(409);
    expect(
      (await call('POST', actions, `/v1/complaints/${id}/actions`, { as: AGENT, body: { action: 'dance' } }))
        .status,
    ).toBe(400);

    const reveal = '/v1/complaints/{id}/personal-data';
    const path = `/v1/complaints/${id}/personal-data`;
    const revealed = await call('POST', reveal, path, { as: SUPERVISOR, body: { reason: '客户要求回电' } });
    expect(revealed.status, revealed.text).toBe(200);
    expect(revealed.body).toMatchObject({ phone: '+8613800002222' });
    expect((await call('POST', reveal, path, { as: SUPERVISOR, body: {} })).status).toBe(400);
    expect((await call('POST', reveal, path, { as: ADMIN, body: { reason: 'x' } })).status).toBe(403);
  });

  it('a score collected by the intake system (200, then 409), and erasure (200, 400, 403)', async () => {
    const id = await answered('13800003333');
    const feedback = '/v1/complaints/{id}/feedback';
    const path = `/v1/complaints/${id}/feedback`;
    const rated = await callWhenReady('POST', feedback, path, { body: { score: 4 } });
    expect(rated.status, rated.text).toBe(200);
    expect((await call('POST', feedback, path, { body: { score: 4 } })).status).toBe(409);

    const erasure = '/v1/erasure-requests';
    const erased = await call('POST', erasure, erasure, {
      as: SUPERVISOR,
      body: { phone: '13800003333', reference: 'PIPL-OPENAPI-1' },
    });
    expect(erased.status, erased.text).toBe(200);
    expect((await call('POST', erasure, erasure, { as: SUPERVISOR, body: { phone: '' } })).status).toBe(400);
    expect(
      (await call('POST', erasure, erasure, { as: AGENT, body: { phone: '1', reference: 'r' } })).status,
    ).toBe(403);
  });

  it('the directory (200 for admin and agent, 400 and 403 on a unit), the SLA preview (200, 400)', async () => {
    expect((await call('GET', '/v1/org', '/v1/org', { as: ADMIN })).status).toBe(200);
    expect((await call('GET', '/v1/org', '/v1/org', { as: AGENT })).status).toBe(200);
    const units = '/v1/org/units';
    const unit = {
      kind: 'region',
      id: 'SH',
      name: '上海',
      recipients: [{ protocol: 'email', endpoint: 'sh@example.com' }],
    };
    const stored = await call('POST', units, units, { as: ADMIN, body: unit });
    expect(stored.status, stored.text).toBe(200);
    expect((await call('POST', units, units, { as: ADMIN, body: { kind: 'moon' } })).status).toBe(400);
    expect((await call('POST', units, units, { as: AGENT, body: unit })).status).toBe(403);

    const preview = '/v1/sla/preview';
    const at = encodeURIComponent('2026-09-30T17:30:00+08:00');
    expect((await call('GET', preview, `${preview}?category=delay&at=${at}`, { as: AGENT })).status).toBe(
      200,
    );
    expect((await call('GET', preview, `${preview}?category=delay`, { as: AGENT })).status).toBe(400);
  });

  it("the customer's link: 302, the view as JSON and as a page, a rating, 400, 404 and 410", async () => {
    const id = await answered('13800004444');
    const token = await linkTokenOf(id);
    const redirect = await call('GET', '/{token}', `/${token}`, { as: 'nobody' });
    expect(redirect.status).toBe(302);
    // Any token-shaped path redirects (the view tells); one that is no token at all is a 404 here.
    expect((await call('GET', '/{token}', '/AAAAAAAAAA', { as: 'nobody' })).status).toBe(302);
    expect((await call('GET', '/{token}', '/no-token', { as: 'nobody' })).status).toBe(404);

    const view = '/v1/public/complaints/{token}';
    expect((await call('GET', view, `/v1/public/complaints/${token}`, { as: 'nobody' })).status).toBe(200);
    const page = await call('GET', view, `/v1/public/complaints/${token}`, {
      as: 'nobody',
      headers: { accept: 'text/html' },
    });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await call('GET', view, '/v1/public/complaints/AAAAAAAAAA', { as: 'nobody' })).status).toBe(404);

    const rate = '/v1/public/complaints/{token}/feedback';
    const ratePath = `/v1/public/complaints/${token}/feedback`;
    expect((await call('POST', rate, ratePath, { as: 'nobody', body: { score: 9 } })).status).toBe(400);
    const rated = await callWhenReady('POST', rate, ratePath, { as: 'nobody', body: { score: 5 } });
    expect(rated.status, rated.text).toBe(200);
    // Satisfied: the complaint closes; its link keeps showing the outcome, and refuses another rating.
    await eventually(
      async () => {
        const answer = await call('GET', view, `/v1/public/complaints/${token}`, { as: 'nobody' });
        return (answer.body as { status?: string }).status === 'closed' ? answer : undefined;
      },
      15_000,
      'the closed outcome on the link',
    );
    expect((await call('POST', rate, ratePath, { as: 'nobody', body: { score: 4 } })).status).toBe(410);
    // Link previews ask with HEAD: the GET's status and headers, no body.
    expect((await call('HEAD', '/{token}', `/${token}`, { as: 'nobody' })).status).toBe(302);
    const head = await call('HEAD', view, `/v1/public/complaints/${token}`, { as: 'nobody' });
    expect([head.status, head.text]).toEqual([200, '']);
    // A reply or a photo is taken only while the complaint waits for the customer.
    const reply = '/v1/public/complaints/{token}/reply';
    const replied = await call('POST', reply, `/v1/public/complaints/${token}/reply`, {
      as: 'nobody',
      body: { message: '补充：包裹外箱有破损。' },
    });
    expect(replied.status).toBe(410);
    const uploads = '/v1/public/complaints/{token}/uploads';
    const upload = await call('POST', uploads, `/v1/public/complaints/${token}/uploads`, {
      as: 'nobody',
      body: { contentType: 'image/png', size: 2048 },
    });
    expect(upload.status).toBe(410);
  });

  it('evidence and a compensation suggestion (201, 200, 400, 403)', async () => {
    const id = await register('13800005555');
    const suggestion = '/v1/complaints/{id}/compensation/suggestion';
    const suggested = await call('POST', suggestion, `/v1/complaints/${id}/compensation/suggestion`, {
      as: AGENT,
      body: {},
    });
    expect(suggested.status, suggested.text).toBe(200);
    expect(
      (
        await call('POST', suggestion, `/v1/complaints/${id}/compensation/suggestion`, {
          as: AUDITOR,
          body: {},
        })
      ).status,
    ).toBe(403);

    const attachments = '/v1/complaints/{id}/attachments';
    const requested = await call('POST', attachments, `/v1/complaints/${id}/attachments`, {
      as: AGENT,
      body: { contentType: 'application/pdf', size: 4096 },
    });
    expect(requested.status, requested.text).toBe(201);
    expect(
      (await call('POST', attachments, `/v1/complaints/${id}/attachments`, { as: AGENT, body: { size: -1 } }))
        .status,
    ).toBe(400);
    // Accepting an upload that never happened is refused, and the file is not listed.
    const { attachmentId } = requested.body as { attachmentId: string };
    const accept = '/v1/complaints/{id}/attachments/{attachmentId}';
    const accepted = await call('POST', accept, `/v1/complaints/${id}/attachments/${attachmentId}`, {
      as: AGENT,
    });
    expect(accepted.status, accepted.text).toBe(400);
    const listed = await call('GET', attachments, `/v1/complaints/${id}/attachments`, { as: AGENT });
    expect(listed.status).toBe(200);
    expect((listed.body as { items: unknown[] }).items).toEqual([]);
  });

  it('undelivered messages (200, 403, 404) and the reports (200, 400, 403, 404)', async () => {
    const deliveries = '/v1/deliveries';
    expect((await call('GET', deliveries, deliveries, { as: SUPERVISOR })).status).toBe(200);
    expect((await call('GET', deliveries, deliveries, { as: AGENT })).status).toBe(403);
    const resend = '/v1/deliveries/{id}/{key}/resend';
    expect(
      (await call('POST', resend, `/v1/deliveries/${UNKNOWN_ID}/received.1/resend`, { as: SUPERVISOR }))
        .status,
    ).toBe(404);

    const month = new Date().toISOString().slice(0, 7);
    const report = '/v1/reports/{granularity}/{period}';
    expect((await call('GET', report, `/v1/reports/month/${month}`, { as: SUPERVISOR })).status).toBe(200);
    expect((await call('GET', report, '/v1/reports/month/13-2026', { as: SUPERVISOR })).status).toBe(400);
    expect((await call('GET', report, `/v1/reports/month/${month}`, { as: AGENT })).status).toBe(403);
    const exported = await call('GET', `${report}/export`, `/v1/reports/month/${month}/export?format=csv`, {
      as: SUPERVISOR,
    });
    expect([exported.status, exported.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'text/csv']);
    const page = await call('GET', `${report}/page`, `/v1/reports/month/${month}/page`, { as: SUPERVISOR });
    expect(page.status).toBe(200);

    const volumes = '/v1/parcel-volumes/{outlet}/{month}';
    const unknownOutlet = await call('PUT', volumes, `/v1/parcel-volumes/NO-SUCH-OUTLET/${month}`, {
      as: ADMIN,
      body: { parcels: 1000 },
    });
    expect(unknownOutlet.status, unknownOutlet.text).toBe(404);
  });

  it('a mass incident: declared, listed, read, its timeline, closed, detection (201, 200, 400, 403, 404)', async () => {
    const units = '/v1/org/units';
    const region = { kind: 'region', id: 'GD', name: '广东', recipients: [] };
    const unit = await call('POST', units, units, { as: ADMIN, body: region });
    expect(unit.status, unit.text).toBe(200);

    const incidents = '/v1/incidents';
    const declaration = {
      cause: { kind: 'flood', summary: '广州分拣中心进水' },
      area: { regionIds: ['GD'] },
      window: { from: new Date(Date.now() - 3_600_000).toISOString() },
    };
    const declared = await call('POST', incidents, incidents, { as: SUPERVISOR, body: declaration });
    expect(declared.status, declared.text).toBe(201);
    expect((await call('POST', incidents, incidents, { as: SUPERVISOR, body: { cause: {} } })).status).toBe(
      400,
    );
    expect((await call('POST', incidents, incidents, { as: AGENT, body: declaration })).status).toBe(403);
    const { id } = (declared.body as { incident: { id: string } }).incident;

    expect((await call('GET', incidents, incidents, { as: SUPERVISOR })).status).toBe(200);
    const one = '/v1/incidents/{id}';
    expect((await call('GET', one, `/v1/incidents/${id}`, { as: SUPERVISOR })).status).toBe(200);
    expect((await call('GET', one, '/v1/incidents/no-such-incident', { as: SUPERVISOR })).status).toBe(404);
    const timeline = '/v1/incidents/{id}/timeline';
    expect((await call('GET', timeline, `/v1/incidents/${id}/timeline`, { as: SUPERVISOR })).status).toBe(
      200,
    );
    const actions = '/v1/incidents/{id}/actions';
    const closed = await call('POST', actions, `/v1/incidents/${id}/actions`, {
      as: SUPERVISOR,
      body: { action: 'close', reason: '积水已排除' },
    });
    expect(closed.status, closed.text).toBe(200);
    const detect = '/v1/incidents/detect';
    expect((await call('POST', detect, detect, { as: SUPERVISOR })).status).toBe(200);
  });

  it('exercised every operation of the document', () => {
    const operations = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    const missed = operations.filter((op) => !exercised.has(op));

    expect(operations.length).toBeGreaterThan(0);
    expect(missed).toEqual([]);
    // The validation is not vacuous: a complaint without its fields fails the document's schema.
    const complaint = validatorFor('probe', { $ref: '#/components/schemas/Complaint' });
    expect(complaint({ id: '01JD5Q8W4ZK3V9B7N2M6R0T1XY' })).toBe(false);
  });
});
