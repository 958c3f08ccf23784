// The OpenAPI 3.1 document: every route of SPEC section 10 with its methods, request shapes and the
// problem responses the handlers can produce, all resolvable within the document. No OpenAPI validator
// package is installed, so the structure is checked here.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi-document.ts';
import { API_ROUTES } from '../../functions/api/routes.ts';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> }
  >;
}

const doc = openApiDocument() as unknown as {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { type?: string; additionalProperties?: unknown }>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
};

const operation = (method: string, path: string): Operation => {
  const op = doc.paths[path]?.[method];
  if (!op) throw new Error(`no ${method} ${path} in the document`);
  return op;
};

/** Every `$ref` in the document, wherever it is. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) =>
      key === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
    );
  }
  return [];
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a title and version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
  });

  it('documents exactly the routes the API serves', () => {
    // Prepare
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

    // Assess
    expect(documented.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.resource}`).sort());
  });

  it.each([
    ['post', '/v1/complaints', ['201', '400', '401', '403', '409', '413', '415', '500']],
    ['get', '/v1/complaints', ['200', '400', '401', '403', '500']],
    ['get', '/v1/complaints/{id}', ['200', '400', '401', '403', '404', '500']],
    ['get', '/v1/complaints/{id}/timeline', ['200', '400', '401', '403', '404', '500']],
    ['post', '/v1/complaints/{id}/actions', ['200', '400', '401', '403', '404', '409', '413', '415', '500']],
    ['post', '/v1/complaints/{id}/feedback', ['200', '400', '401', '403', '404', '409', '413', '415', '500']],
    ['get', '/v1/org', ['200', '401', '403', '500']],
    ['post', '/v1/org/units', ['200', '400', '401', '403', '409', '415', '500']],
    ['get', '/v1/health', ['200', '500']],
    ['get', '/v1/openapi.json', ['200']],
    ['get', '/{token}', ['302', '404', '500']],
    ['get', '/v1/public/complaints/{token}', ['200', '404', '500']],
    ['post', '/v1/public/complaints/{token}/reply', ['200', '400', '404', '409', '410', '413', '415', '500']],
    [
      'post',
      '/v1/public/complaints/{token}/uploads',
      ['201', '400', '404', '409', '410', '413', '415', '500'],
    ],
    [
      'post',
      '/v1/complaints/{id}/attachments',
      ['201', '400', '401', '403', '404', '409', '413', '415', '500'],
    ],
    ['post', '/v1/complaints/{id}/attachments/{attachmentId}', ['200', '400', '401', '403', '404', '500']],
    ['get', '/v1/complaints/{id}/attachments', ['200', '400', '401', '403', '404', '500']],
    [
      'post',
      '/v1/public/complaints/{token}/feedback',
      ['200', '400', '404', '409', '410', '413', '415', '500'],
    ],
  ])('%s %s answers %j', (method, path, statuses) => {
    // Act
    const op = operation(method, path);

    // Assess
    // Plus the gateway's 405 for a method the path does not serve, on every path.
    expect(Object.keys(op.responses).sort()).toEqual([...statuses, '405'].sort());
    expect(op.responses['405']?.headers).toHaveProperty('Allow');
    expect(op.operationId).toBeTruthy();
    for (const [status, response] of Object.entries(op.responses)) {
      expect(response.description).toBeTruthy();
      if (Number(status) >= 400) {
        expect(response.content?.['application/problem+json']).toEqual({
          schema: { $ref: '#/components/schemas/Problem' },
        });
      }
    }
  });

  it('asks for the bearer token everywhere but health, this document and the customer link', () => {
    // Prepare
    const open = new Set(
      API_ROUTES.filter((r) => 'public' in r && r.public).map((r) => `${r.method} ${r.resource}`),
    );

    // Assess
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect([...open].sort()).toEqual(
      [
        'GET /v1/health',
        'GET /v1/openapi.json',
        'GET /{token}',
        'GET /v1/public/complaints/{token}',
        'POST /v1/public/complaints/{token}/feedback',
        'HEAD /{token}',
        'HEAD /v1/public/complaints/{token}',
        'POST /v1/public/complaints/{token}/reply',
        'POST /v1/public/complaints/{token}/uploads',
      ].sort(),
    );
    for (const route of API_ROUTES) {
      const op = operation(route.method.toLowerCase(), route.resource);
      const key = `${route.method} ${route.resource}`;
      expect(op.security, key).toEqual(open.has(key) ? [] : [{ bearer: [] }]);
    }
  });

  it('asks for a SigV4 signature instead where the deployment authorizes with IAM (API_AUTHORIZATION=iam)', () => {
    // Prepare
    const iam = openApiDocument('iam') as unknown as typeof doc;

    // Assess: one scheme, on the same operations; API Gateway refuses unsigned requests with 403, never 401
    expect(Object.keys(iam.components.securitySchemes ?? {})).toEqual(['sigv4']);
    expect(iam.components.securitySchemes?.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    for (const route of API_ROUTES) {
      const op = iam.paths[route.resource]?.[route.method.toLowerCase()];
      const open = 'public' in route && route.public;
      expect(op?.security, route.resource).toEqual(open ? [] : [{ sigv4: [] }]);
      if (!open) expect(Object.keys(op?.responses ?? {}), route.resource).not.toContain('401');
    }
  });

  it('lists, per operation, the roles the permission table lets through', () => {
    const roles = (method: string, path: string) =>
      (operation(method, path) as unknown as { 'x-permissions': Record<string, Record<string, string>> })[
        'x-permissions'
      ];
    expect(roles('post', '/v1/complaints')).toEqual({
      register: { intake: 'yes', agent: 'yes', supervisor: 'yes' },
    });
    expect(roles('get', '/v1/complaints/{id}')).toEqual({
      read: { intake: 'own', agent: 'yes', supervisor: 'yes', auditor: 'yes', customer: 'reduced' },
    });
    expect(roles('post', '/v1/complaints/{id}/actions')).toMatchObject({
      work: { intake: 'delegated', agent: 'yes', supervisor: 'yes' },
      manage: { supervisor: 'yes' },
    });
    expect(roles('post', '/v1/complaints/{id}/feedback')).toEqual({
      feedback: { intake: 'for-customer', customer: 'yes' },
    });
    expect(operation('post', '/v1/complaints/{id}/actions').parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'X-On-Behalf-Of', in: 'header' })]),
    );
  });

  it('describes the bodies of the three POST routes as required JSON', () => {
    for (const path of ['/v1/complaints', '/v1/complaints/{id}/actions', '/v1/complaints/{id}/feedback']) {
      const body = operation('post', path).requestBody;
      expect(body?.required).toBe(true);
      expect(body?.content['application/json']?.schema).toBeDefined();
    }
  });

  it('declares the complaint id as a required path parameter wherever it appears', () => {
    for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.includes('{id}'))) {
      for (const op of Object.values(item)) {
        expect(op.parameters, path).toEqual(
          expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', required: true })]),
        );
      }
    }
  });

  it('documents the Idempotency-Key header and the replay and Location headers', () => {
    const create = operation('post', '/v1/complaints');
    expect(create.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
      ]),
    );
    expect(Object.keys(create.responses['201']?.headers ?? {}).sort()).toEqual([
      'Idempotent-Replayed',
      'Location',
    ]);
  });

  it('documents the list filters as optional query parameters', () => {
    const names = operation('get', '/v1/complaints').parameters?.filter((p) => p.in === 'query');
    expect(names?.map((p) => p.name).sort()).toEqual(
      [
        'category',
        'channel',
        'closedBefore',
        'closedFrom',
        'cursor',
        'dueBefore',
        'escalated',
        'escalationLevel',
        'followUp',
        'limit',
        'outletId',
        'overdue',
        'owner',
        'payment',
        'receivedBefore',
        'receivedFrom',
        'regionId',
        'shortId',
        'status',
        'trackingNumber',
        'type',
      ].sort(),
    );
    expect(names?.every((p) => !p.required)).toBe(true);
  });

  it('declares the link token as a required path parameter of the customer link routes, open to anyone', () => {
    for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.includes('{token}'))) {
      for (const op of Object.values(item) as (Operation & { security?: unknown[] })[]) {
        expect(op.parameters, path).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              name: 'token',
              in: 'path',
              required: true,
              schema: expect.objectContaining({ pattern: '^[0-9A-Za-z]{10}$' }),
            }),
          ]),
        );
        expect(op.security, path).toEqual([]);
      }
    }
    expect(Object.keys(doc.paths).filter((p) => p.includes('{token}'))).toHaveLength(5);
  });

  it('says request bodies reject unknown fields', () => {
    for (const name of ['NewComplaint', 'Feedback', 'PublicFeedback']) {
      expect(doc.components.schemas[name]?.additionalProperties, name).toBe(false);
    }
  });

  it('spells out enums of numbers and booleans-as-text', () => {
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(schemas.Feedback?.properties.score).toMatchObject({ type: 'integer', enum: [1, 2, 3, 4, 5] });
    expect(schemas.Complaint?.properties.escalationLevel).toMatchObject({
      type: 'integer',
      enum: [0, 1, 2, 3],
    });
    const escalated = operation('get', '/v1/complaints').parameters?.find((p) => p.name === 'escalated') as
      { schema: unknown } | undefined;
    expect(escalated?.schema).toMatchObject({ enum: ['true', 'false'] });
  });

  it('says money is a whole number of fen (multipleOf 0.01), the rule the handlers apply', () => {
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, unknown> }>;
    for (const amount of [
      schemas.NewComplaint?.properties.declaredValue,
      schemas.NewComplaint?.properties.postage,
      schemas.Money?.properties.amount,
    ]) {
      expect(amount).toMatchObject({ type: 'number', minimum: 0, multipleOf: 0.01 });
    }
  });

  it('uses only patterns an ECMA-262 validator can compile', () => {
    const patterns = JSON.stringify(doc).match(/"pattern":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(patterns.length).toBeGreaterThan(0);
    for (const entry of patterns) {
      const pattern = JSON.parse(`{${entry}}`).pattern as string;
      expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
      expect(pattern.endsWith('$'), pattern).toBe(true);
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop() ?? ''], ref).toBeDefined();
    }
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
