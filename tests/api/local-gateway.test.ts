// The local gateway produces the API Gateway REST (v1) proxy event the deployed API produces, routes by
// method and resource template, and answers unknown routes and methods like an API would.
import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../functions/api/routes.ts';
import { MAX_PAYLOAD_BYTES, startGateway, type RunningGateway } from '../../infra/local/gateway/server.ts';

interface Seen {
  event: APIGatewayProxyEvent;
  context: { functionName: string; awsRequestId: string; remainingMs: number };
}

const echo = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json', 'X-Echo': 'yes' },
  multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
  body: JSON.stringify({
    event,
    context: {
      functionName: context.functionName,
      awsRequestId: context.awsRequestId,
      remainingMs: context.getRemainingTimeInMillis(),
    },
  } satisfies Seen),
});

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({
    port: 0,
    routes: [
      { method: 'POST', resource: '/v1/complaints/{id}/actions', handler: echo, functionName: 'post-action' },
      { method: 'GET', resource: '/v1/complaints/{id}', handler: echo },
      { method: 'GET', resource: '/v1/complaints/special', handler: echo },
      { method: 'GET', resource: '/v1/binary', handler: binary },
      { method: 'GET', resource: '/v1/broken', handler: broken },
    ],
    extraRoutes: [{ method: 'GET', resource: '/_local/outbox', handler: echo }],
  });
});
afterAll(() => gateway.close());

async function binary(): Promise<APIGatewayProxyResult> {
  return { statusCode: 200, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
}
async function broken(): Promise<APIGatewayProxyResult> {
  throw new Error('handler bug');
}

function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${gateway.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

describe('proxy events', () => {
  it('carries method, resource, path, headers, query, path parameters, body and request context', async () => {
    // Act
    const response = await fetch(
      `${gateway.url}/v1/complaints/01JD5Q8W4ZK3V9B7N2M6R0T1XY/actions?x=1&tag=a&tag=b&empty=`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1', 'X-Trace': 'one' },
        body: '{"action":"accept","actor":"张三"}',
      },
    );
    const { event, context } = (await response.json()) as Seen;

    // Assess
    expect(response.status).toBe(200);
    expect(event).toMatchObject({
      resource: '/v1/complaints/{id}/actions',
      path: '/v1/complaints/01JD5Q8W4ZK3V9B7N2M6R0T1XY/actions',
      httpMethod: 'POST',
      pathParameters: { id: '01JD5Q8W4ZK3V9B7N2M6R0T1XY' },
      queryStringParameters: { x: '1', tag: 'b', empty: '' },
      multiValueQueryStringParameters: { x: ['1'], tag: ['a', 'b'], empty: [''] },
      stageVariables: null,
      body: '{"action":"accept","actor":"张三"}',
      isBase64Encoded: false,
      requestContext: {
        resourcePath: '/v1/complaints/{id}/actions',
        httpMethod: 'POST',
        path: '/v1/complaints/01JD5Q8W4ZK3V9B7N2M6R0T1XY/actions',
        stage: 'local',
        identity: { sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers['Idempotency-Key']).toBe('k-1');
    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['one']);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.awsRequestId).toBe(event.requestContext.requestId);
    expect(context.functionName).toBe('post-action');
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(response.headers.get('x-amzn-requestid')).toBe(event.requestContext.requestId);
  });

  it('sends null query parameters, path parameters and body when there are none', async () => {
    const { event } = (await (await fetch(`${gateway.url}/_local/outbox`)).json()) as Seen;
    expect(event).toMatchObject({
      resource: '/_local/outbox',
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      body: null,
    });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'passes a query parameter and a header named %s as their own properties',
    async (name) => {
      // Act: node:http, because fetch silently drops a header named __proto__.
      const { status, body } = await rawGet(`/v1/complaints/special?${name}=1&${name}=2&x=3`, {
        [name]: 'value',
      });
      const { event } = JSON.parse(body) as Seen;

      // Assess
      expect(status).toBe(200);
      expect(Object.hasOwn(event.queryStringParameters!, name)).toBe(true);
      expect(event.queryStringParameters).toMatchObject({ x: '3' });
      expect(event.multiValueQueryStringParameters![name]).toEqual(['1', '2']);
      expect(Object.hasOwn(event.headers, name)).toBe(true);
      expect(event.multiValueHeaders[name]).toEqual(['value']);
    },
  );

  it('decodes path parameters', async () => {
    const { event } = (await (await fetch(`${gateway.url}/v1/complaints/a%20b%2Fc`)).json()) as Seen;
    expect(event.pathParameters).toEqual({ id: 'a b/c' });
  });

  it('prefers a literal resource over a parameter', async () => {
    const { event } = (await (await fetch(`${gateway.url}/v1/complaints/special`)).json()) as Seen;
    expect(event.resource).toBe('/v1/complaints/special');
    expect(event.pathParameters).toBeNull();
  });
});

describe('proxy results', () => {
  it('writes status, headers and multi-value headers back', async () => {
    const response = await fetch(`${gateway.url}/v1/complaints/x`);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('decodes base64 bodies', async () => {
    const response = await fetch(`${gateway.url}/v1/binary`);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('answers 502 when the handler throws', async () => {
    const response = await fetch(`${gateway.url}/v1/broken`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('unknown routes', () => {
  it('answers an unknown path with a 404 problem', async () => {
    // Act
    const response = await fetch(`${gateway.url}/v2/complaints`);

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, instance: '/v2/complaints' });
  });

  it('answers a known path with another method with 405 and Allow', async () => {
    // Act
    const response = await fetch(`${gateway.url}/v1/complaints/01JD5Q8W4ZK3V9B7N2M6R0T1XY`, {
      method: 'DELETE',
    });

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toMatchObject({ status: 405 });
  });

  it('refuses bodies over API Gateway’s 10 MB with 413', async () => {
    const response = await fetch(`${gateway.url}/v1/complaints/x/actions`, {
      method: 'POST',
      body: 'x'.repeat(MAX_PAYLOAD_BYTES + 1),
    });
    expect(response.status).toBe(413);
  });
});

describe('the route list', () => {
  it('names every route of SPEC section 10 (the SLA preview, the customer link, the audit trail and erasure too) once, each with its own handler module', () => {
    // Prepare
    const expected = [
      'POST /v1/complaints',
      'GET /v1/complaints',
      'GET /v1/complaints/{id}',
      'GET /v1/complaints/{id}/timeline',
      'GET /v1/complaints/{id}/audit',
      'POST /v1/erasure-requests',
      'POST /v1/complaints/{id}/actions',
      'POST /v1/complaints/{id}/feedback',
      'POST /v1/complaints/{id}/personal-data',
      'GET /v1/org',
      'POST /v1/org/units',
      'GET /v1/sla/preview',
      'GET /v1/reports/{granularity}/{period}',
      'GET /v1/reports/{granularity}/{period}/export',
      'GET /v1/reports/{granularity}/{period}/page',
      'PUT /v1/parcel-volumes/{outlet}/{month}',
      'GET /v1/health',
      'GET /v1/openapi.json',
      'GET /{token}',
      'GET /v1/public/complaints/{token}',
      'POST /v1/public/complaints/{token}/feedback',
      'POST /v1/public/complaints/{token}/reply',
      'POST /v1/public/complaints/{token}/uploads',
      'HEAD /{token}',
      'HEAD /v1/public/complaints/{token}',
      'POST /v1/complaints/{id}/attachments',
      'POST /v1/complaints/{id}/attachments/{attachmentId}',
      'GET /v1/complaints/{id}/attachments',
      'POST /v1/complaints/{id}/compensation/suggestion',
      'GET /v1/deliveries',
      'POST /v1/deliveries/{id}/{key}/resend',
      'POST /v1/incidents',
      'GET /v1/incidents',
      'POST /v1/incidents/detect',
      'GET /v1/incidents/{id}',
      'GET /v1/incidents/{id}/timeline',
      'POST /v1/incidents/{id}/actions',
    ];
    const [heads, others] = [
      API_ROUTES.filter((r) => r.method === 'HEAD'),
      API_ROUTES.filter((r) => r.method !== 'HEAD'),
    ];

    // Assess
    expect(API_ROUTES.map((r) => `${r.method} ${r.resource}`).sort()).toEqual(expected.sort());
    expect(new Set(others.map((r) => r.entry)).size).toBe(others.length);
    for (const route of API_ROUTES) expect(route.entry).toBe(`functions/api/${route.functionName}.ts`);
    // HEAD is the GET's own handler (status and headers, no body).
    for (const head of heads) {
      expect(others.find((r) => r.method === 'GET' && r.resource === head.resource)?.entry).toBe(head.entry);
    }
  });
});
