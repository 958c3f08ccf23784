// The API's middy chain, driven through the local gateway with real HTTP requests: body parsing, zod
// validation, and the one mapping from errors to RFC 9457 problem details.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import * as domainErrors from '#domain/errors';
import {
  ComplaintAlreadyExists,
  ComplaintNotFound,
  DomainError,
  IdempotencyKeyReused,
  InvalidInput,
  TransitionNotAllowed,
  VersionConflict,
  WorkflowNotReady,
} from '#domain/errors';
import { httpHandler, MAX_BODY_BYTES } from '#commons/http';
import { DOMAIN_PROBLEM_RULES, problemType } from '#commons/http-problem';
import { authorizerContextOf } from '#commons/authorizer-context';
import { startGateway, type RunningGateway, type TokenAuthorizer } from '../../infra/local/gateway/server.ts';

const failures: Record<string, () => Error> = {
  'not-found': () => new ComplaintNotFound('01JD5Q8W4ZK3V9B7N2M6R0T1XY'),
  exists: () => new ComplaintAlreadyExists('01JD5Q8W4ZK3V9B7N2M6R0T1XY'),
  transition: () => new TransitionNotAllowed('accept', 'closed', ['note']),
  version: () => new VersionConflict(3, 4),
  'not-ready': () => new WorkflowNotReady('01JD5Q8W4ZK3V9B7N2M6R0T1XY'),
  'key-reused': () => new IdempotencyKeyReused('anonymous:k1'),
  invalid: () =>
    new InvalidInput('receivedAt is in the future', [
      { path: 'receivedAt', message: 'must not be in the future' },
    ]),
  unexpected: () => new Error('connection to +8613812345678 refused'),
};

const orderBody = z.strictObject({
  customer: z.strictObject({ phone: z.string(), name: z.string().optional() }),
  items: z.array(z.strictObject({ sku: z.string() })).optional(),
});

const failing = httpHandler(
  async ({ path }) => {
    throw (failures[path.kind] ?? failures.unexpected!)();
  },
  { path: z.object({ kind: z.string() }) },
);

const echo = httpHandler(
  async ({ body, query, caller }) => ({ statusCode: 200, body: { body, query, caller } }),
  {
    body: orderBody,
    query: z.strictObject({ limit: z.coerce.number<string>().int().min(1).max(100).default(20) }),
  },
);

let gateway: RunningGateway;

// This file is about the chain after authentication: an authorizer that lets one fixed token through as an
// agent (the real authorizer and its refusals: tests/api/authentication.test.ts).
const TOKEN = 'Bearer chain-test';
const authorizer: TokenAuthorizer = async (event) => {
  if (event.authorizationToken !== TOKEN) throw new Error('Unauthorized');
  return {
    principalId: 'tester',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    context: authorizerContextOf({ id: 'tester', kind: 'user', roles: ['agent'], mayDelegate: false }),
  };
};

beforeAll(async () => {
  gateway = await startGateway({
    port: 0,
    authorizer,
    routes: [
      { method: 'GET', resource: '/fail/{kind}', handler: failing },
      { method: 'POST', resource: '/echo', handler: echo },
    ],
  });
});
afterAll(() => gateway.close());

const post = (body: string, contentType = 'application/json', query = '') =>
  fetch(`${gateway.url}/echo${query}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, Authorization: TOKEN },
    body,
  });

describe('domain errors become problem details', () => {
  it.each([
    ['not-found', 404, 'complaint-not-found'],
    ['exists', 409, 'complaint-already-exists'],
    ['transition', 409, 'transition-not-allowed'],
    ['version', 409, 'version-conflict'],
    ['not-ready', 409, 'workflow-not-ready'],
    ['key-reused', 409, 'idempotency-key-reused'],
    ['invalid', 400, 'invalid-input'],
  ])('%s -> %i', async (kind, status, code) => {
    // Act
    const response = await fetch(`${gateway.url}/fail/${kind}`, { headers: { Authorization: TOKEN } });
    const body = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(body).toMatchObject({ type: problemType(code), status, instance: `/fail/${kind}` });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    expect(typeof body.requestId).toBe('string');
  });

  it('lists the allowed actions when a transition is refused', async () => {
    const body = await (
      await fetch(`${gateway.url}/fail/transition`, { headers: { Authorization: TOKEN } })
    ).json();
    expect(body).toMatchObject({ action: 'accept', complaintStatus: 'closed', allowedActions: ['note'] });
  });

  it('reports both versions on a version conflict', async () => {
    const body = await (
      await fetch(`${gateway.url}/fail/version`, { headers: { Authorization: TOKEN } })
    ).json();
    expect(body).toMatchObject({ expectedVersion: 3, currentVersion: 4 });
  });

  it('asks the client to retry after a second when the workflow is between stages', async () => {
    const response = await fetch(`${gateway.url}/fail/not-ready`, { headers: { Authorization: TOKEN } });
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('carries the invalid fields of a domain rule in errors', async () => {
    const body = await (
      await fetch(`${gateway.url}/fail/invalid`, { headers: { Authorization: TOKEN } })
    ).json();
    expect(body).toMatchObject({ errors: [{ path: 'receivedAt', message: 'must not be in the future' }] });
  });

  it('answers anything else with a generic 500 and logs the error without the phone number', async () => {
    // Prepare: watch what the logger writes (errors go to stderr)
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;

    // Act
    let text: string;
    let status: number;
    try {
      const response = await fetch(`${gateway.url}/fail/unexpected`, { headers: { Authorization: TOKEN } });
      status = response.status;
      text = await response.text();
    } finally {
      process.stderr.write = write;
    }

    // Assess
    expect(status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ type: problemType('internal-error'), status: 500 });
    expect(text).not.toContain('refused');
    const logged = written.join('');
    expect(logged).toContain('connection to [phone] refused');
    expect(logged).not.toContain('13812345678');
    const line = written
      .flatMap((chunk) => chunk.split('\n'))
      .find((entry) => entry.includes('request failed'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ correlation_id: JSON.parse(text).requestId });
  });

  it('has a rule for every domain error class', () => {
    // Prepare
    const classes = Object.values(domainErrors).filter(
      (value) => typeof value === 'function' && value.prototype instanceof DomainError,
    );

    // Assess
    expect(classes.length).toBeGreaterThanOrEqual(7);
    for (const errorClass of classes) {
      expect(
        DOMAIN_PROBLEM_RULES.some((rule) => rule.error === errorClass),
        String(errorClass.name),
      ).toBe(true);
    }
  });
});

describe('request bodies', () => {
  it('hands the validated body, query and caller to the route', async () => {
    // Act
    const response = await post(
      JSON.stringify({ customer: { phone: '123' } }),
      'application/json; charset=utf-8',
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      body: { customer: { phone: '123' } },
      query: { limit: 20 },
      caller: { id: 'tester', kind: 'user', roles: ['agent'], mayDelegate: false },
    });
  });

  it('names each invalid field with a dotted path', async () => {
    // Act
    const response = await post(JSON.stringify({ customer: { name: 7 }, items: [{ sku: 'a' }, {}] }));
    const body = (await response.json()) as { errors: { path: string; message: string }[] };

    // Assess
    expect(response.status).toBe(400);
    expect(body.errors.map((e) => e.path).sort()).toEqual([
      'customer.name',
      'customer.phone',
      'items[1].sku',
    ]);
    expect(body.errors.find((e) => e.path === 'customer.phone')?.message).toBe('required');
  });

  it('rejects unknown fields, one error per field, at any depth', async () => {
    // Act
    const response = await post(JSON.stringify({ customer: { phone: '1', extra: 1 }, other: true }));
    const body = (await response.json()) as { errors: { path: string; message: string }[] };

    // Assess
    expect(response.status).toBe(400);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'customer.extra', message: 'unknown field' },
        { path: 'other', message: 'unknown field' },
      ]),
    );
    expect(body.errors).toHaveLength(2);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await post('{"customer": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: problemType('malformed-json') });
  });

  it('answers a missing body with 400', async () => {
    const response = await post('');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ path: '', message: 'a JSON body is required' }],
    });
  });

  it('answers another media type with 415', async () => {
    const response = await post('customer=1', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('accepts exactly 64 KB and answers one byte more with 413', async () => {
    // Prepare: a valid body padded with spaces to the limit
    const json = JSON.stringify({ customer: { phone: '1' } });
    const atLimit = json + ' '.repeat(MAX_BODY_BYTES - json.length);

    // Act
    const accepted = await post(atLimit);
    const refused = await post(`${atLimit} `);

    // Assess
    expect(accepted.status).toBe(200);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ type: problemType('content-too-large'), status: 413 });
  });

  it('validates the query string too, and rejects unknown parameters', async () => {
    // Act
    const tooMany = await post(
      JSON.stringify({ customer: { phone: '1' } }),
      'application/json',
      '?limit=500',
    );
    const unknown = await post(JSON.stringify({ customer: { phone: '1' } }), 'application/json', '?sort=asc');

    // Assess
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ errors: [{ path: 'limit' }] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ errors: [{ path: 'sort', message: 'unknown field' }] });
  });
});
