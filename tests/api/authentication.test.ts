// Who may call at all, through the real gateway and the deployed authorizer module: a missing, expired,
// foreign, forged or unsigned token is a 401 problem; the public routes need none; idempotency keys belong
// to the principal that sent them.
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_STAFF_CLIENT_ID } from '../../infra/local/cognito/token-issuer.ts';
import { sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

let api: TestApi;

beforeAll(async () => {
  // The deployed API accepts tokens of its own app clients only; here: the staff console and the hotline.
  api = await startTestApi({
    reconcileOnStart: false,
    environment: { AUTH_CLIENT_IDS: `${LOCAL_STAFF_CLIENT_ID},hotline` },
  });
});
afterAll(async () => {
  await api?.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function listWith(authorization: string | undefined) {
  return api.anonymous.get('/v1/complaints', authorization === undefined ? {} : { authorization });
}

async function goodToken(): Promise<string> {
  return api.stack.issuer.mint({ role: 'agent', user: 'agent-7' });
}

describe('401 for a request without a usable token', () => {
  it.each([
    ['no Authorization header', async () => undefined],
    ['a scheme other than Bearer', async () => `Basic ${Buffer.from('agent:pw').toString('base64')}`],
    ['a token that is not a JWT', async () => 'Bearer not-a-token'],
    [
      'an expired token',
      async () => `Bearer ${await api.stack.issuer.mint({ role: 'agent', user: 'agent-7', expiresIn: -60 })}`,
    ],
    [
      'another issuer',
      async () =>
        `Bearer ${await api.stack.issuer.mint({ role: 'agent', user: 'agent-7', issuer: 'https://cognito-idp.example.com/pool' })}`,
    ],
    [
      'an app client this API does not accept (audience)',
      async () => `Bearer ${await api.stack.issuer.mint({ role: 'intake', user: 'rogue-system' })}`,
    ],
    [
      'a bad signature (another key under the same key id)',
      async () => {
        const real = await goodToken();
        const { kid } = decodeProtectedHeader(real);
        const { privateKey } = await generateKeyPair('RS256');
        const [, payload] = real.split('.');
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        const forged = await new SignJWT({ ...claims, 'cognito:groups': ['supervisor'] })
          .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) })
          .sign(privateKey);
        return `Bearer ${forged}`;
      },
    ],
    [
      'a signature tampered with',
      async () => {
        const [header, payload, signature = ''] = (await goodToken()).split('.');
        const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
        return `Bearer ${header}.${payload}.${flipped}`;
      },
    ],
    [
      'claims changed after signing',
      async () => {
        const [header, payload = '', signature] = (await goodToken()).split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        return `Bearer ${header}.${b64({ ...claims, 'cognito:groups': ['admin'] })}.${signature}`;
      },
    ],
    [
      'alg: none',
      async () => {
        const [header = '', payload = ''] = (await goodToken()).split('.');
        const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string };
        return `Bearer ${b64({ alg: 'none', typ: 'JWT', kid })}.${payload}.`;
      },
    ],
    [
      'an ID token instead of an access token',
      async () =>
        `Bearer ${await api.stack.issuer.mint({ role: 'agent', user: 'agent-7', overrides: { token_use: 'id' } })}`,
    ],
  ])('%s', async (_case, authorization) => {
    // Act
    const response = await listWith(await authorization());

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toMatchObject({
      type: 'urn:complaints:problem:unauthorized',
      status: 401,
      instance: '/v1/complaints',
    });
  });

  it('the same route answers 200 with a good token of an accepted client', async () => {
    expect((await listWith(`Bearer ${await goodToken()}`)).status).toBe(200);
    const hotline = await api.stack.issuer.mint({ role: 'intake', user: 'hotline' });
    expect((await listWith(`Bearer ${hotline}`)).status).toBe(200);
  });

  it('a valid token without any role is a 403, not a 401', async () => {
    const nobody = await api.stack.issuer.mint({ role: 'none', user: 'visitor' });
    const response = await listWith(`Bearer ${nobody}`);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ type: 'urn:complaints:problem:forbidden' });
  });
});

describe('public routes', () => {
  it.each(['/v1/health', '/v1/openapi.json'])('%s needs no token', async (path) => {
    expect((await api.anonymous.get(path)).status).toBe(200);
  });

  it('the customer link answers without a token (404 for a token never issued, not 401)', async () => {
    expect((await api.anonymous.get('/v1/public/complaints/AAAAAAAAAA')).status).toBe(404);
  });
});

describe('idempotency keys per principal', () => {
  it('two systems may use the same key; one system reusing it with another body gets 409', async () => {
    // Prepare
    const hotline = api.as({ role: 'intake', user: 'hotline' });
    const counter = api.as({ role: 'agent', user: 'counter-7' });
    const key = { 'Idempotency-Key': `shared-${Date.now()}` };

    // Act
    const first = await hotline.post<{ id: string }>('/v1/complaints', sampleComplaint(), key);
    const sameKeyOtherPrincipal = await counter.post<{ id: string }>(
      '/v1/complaints',
      sampleComplaint({ description: '柜台登记：包裹破损' }),
      key,
    );
    const retry = await hotline.post<{ id: string }>('/v1/complaints', sampleComplaint(), key);
    const reused = await hotline.post('/v1/complaints', sampleComplaint({ description: '另一件事' }), key);

    // Assess
    expect(first.status).toBe(201);
    expect(sameKeyOtherPrincipal.status).toBe(201);
    expect(sameKeyOtherPrincipal.body.id).not.toBe(first.body.id);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(reused.status).toBe(409);
  });
});
