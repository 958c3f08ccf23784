// The one place that turns a request context into a principal: the bearer-token authorizer's context by
// default, API Gateway's IAM identity when the deployment authorizes with AWS IAM (apiAuthorization: iam).
// Both must give the handlers the same principal shape; neither may be read in the other mode.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { httpHandler } from '#commons/http';
import {
  apiAuthorizationFromEnv,
  ApiAuthorizationError,
  authorizerContextOf,
  iamKeyOfArn,
  principalFromRequestContext,
  UNMAPPED_IAM_PRINCIPAL,
  type ApiAuthorization,
} from '#commons/authorizer-context';

const ACCOUNT = '123456789012';
const mappings = [
  { arn: `arn:aws-cn:iam::${ACCOUNT}:role/integrations/hotline-intake`, id: 'hotline', roles: ['intake'] },
  {
    arn: `arn:aws-cn:iam::${ACCOUNT}:role/crm-bridge`,
    id: 'crm',
    roles: ['intake'],
    delegation: true,
  },
  {
    arn: `arn:aws-cn:iam::${ACCOUNT}:role/quality-team`,
    id: 'quality-desk',
    roles: ['supervisor', 'auditor'],
  },
  { arn: `arn:aws-cn:iam::${ACCOUNT}:user/ops/li.wei`, id: 'li.wei', roles: ['admin'] },
];
const iam: ApiAuthorization = apiAuthorizationFromEnv({
  API_AUTHORIZATION: 'iam',
  IAM_PRINCIPALS: JSON.stringify(mappings),
});
const jwt: ApiAuthorization = apiAuthorizationFromEnv({});

/** requestContext.identity as API Gateway fills it for a SigV4-signed request. */
const signedBy = (userArn: string | null) => ({
  authorizer: null,
  identity: { userArn, caller: 'AROAEXAMPLE:session', accessKey: 'ASIAEXAMPLE', sourceIp: '10.0.0.1' },
});

describe('IAM mode: the calling IAM principal mapped to a product principal', () => {
  it('maps a session of a mapped role (assumed-role ARN, path dropped) to its system principal', () => {
    const principal = principalFromRequestContext(
      signedBy(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/hotline-intake/i-0abc123`),
      iam,
    );

    expect(principal).toEqual({ id: 'hotline', kind: 'client', roles: ['intake'], mayDelegate: false });
  });

  it('gives a mapped intake system the delegation it was configured with', () => {
    const principal = principalFromRequestContext(
      signedBy(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/crm-bridge/sync`),
      iam,
    );

    expect(principal).toEqual({ id: 'crm', kind: 'client', roles: ['intake'], mayDelegate: true });
  });

  it('maps staff roles to a user principal, as a token with those groups would', () => {
    const principal = principalFromRequestContext(
      signedBy(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/quality-team/zhang.san`),
      iam,
    );

    expect(principal).toEqual({
      id: 'quality-desk',
      kind: 'user',
      roles: ['supervisor', 'auditor'],
      mayDelegate: false,
    });
  });

  it('maps an IAM user by its whole ARN', () => {
    expect(principalFromRequestContext(signedBy(`arn:aws-cn:iam::${ACCOUNT}:user/ops/li.wei`), iam)).toEqual({
      id: 'li.wei',
      kind: 'user',
      roles: ['admin'],
      mayDelegate: false,
    });
    // The same name under another path is another user.
    expect(
      principalFromRequestContext(signedBy(`arn:aws-cn:iam::${ACCOUNT}:user/li.wei`), iam)?.roles,
    ).toEqual([]);
  });

  it.each([
    ['a role of another account', `arn:aws-cn:sts::210987654321:assumed-role/hotline-intake/s`],
    ['a role of another partition', `arn:aws:sts::${ACCOUNT}:assumed-role/hotline-intake/s`],
    ['an unmapped role', `arn:aws-cn:sts::${ACCOUNT}:assumed-role/someone-else/s`],
    ['a federated user', `arn:aws-cn:sts::${ACCOUNT}:federated-user/bob`],
  ])('authenticates %s with no role at all (403 on every operation)', (_case, userArn) => {
    expect(principalFromRequestContext(signedBy(userArn), iam)).toEqual({
      id: UNMAPPED_IAM_PRINCIPAL,
      kind: 'client',
      roles: [],
      mayDelegate: false,
    });
  });

  it('fails closed without a signed caller, and ignores an authorizer context in IAM mode', () => {
    const tokenContext = {
      principalId: 'agent-7',
      ...authorizerContextOf({ id: 'agent-7', kind: 'user', roles: ['admin'], mayDelegate: false }),
    };

    expect(principalFromRequestContext(signedBy(null), iam)).toBeUndefined();
    expect(principalFromRequestContext(undefined, iam)).toBeUndefined();
    expect(
      principalFromRequestContext({ authorizer: tokenContext, identity: { userArn: null } }, iam),
    ).toBeUndefined();
  });
});

describe('JWT mode (the default, and the only mode locally)', () => {
  it('reads the authorizer context and never the IAM identity', () => {
    const context = {
      principalId: 'agent-7',
      ...authorizerContextOf({ id: 'agent-7', kind: 'user', roles: ['agent'], mayDelegate: false }),
    };
    const mappedRole = `arn:aws-cn:sts::${ACCOUNT}:assumed-role/quality-team/x`;

    expect(
      principalFromRequestContext({ authorizer: context, identity: { userArn: mappedRole } }, jwt),
    ).toEqual({
      id: 'agent-7',
      kind: 'user',
      roles: ['agent'],
      mayDelegate: false,
    });
    expect(principalFromRequestContext(signedBy(mappedRole), jwt)).toBeUndefined();
  });
});

describe('the configuration the functions read', () => {
  it('defaults to jwt, without any mapping', () => {
    expect(apiAuthorizationFromEnv({})).toEqual({ mode: 'jwt', iamPrincipals: [] });
    expect(apiAuthorizationFromEnv({ API_AUTHORIZATION: 'jwt', IAM_PRINCIPALS: 'ignored' })).toEqual({
      mode: 'jwt',
      iamPrincipals: [],
    });
  });

  it.each([
    [{ API_AUTHORIZATION: 'cognito' }, 'API_AUTHORIZATION must be jwt or iam'],
    [{ API_AUTHORIZATION: 'iam', IAM_PRINCIPALS: '{' }, 'IAM_PRINCIPALS is not valid JSON'],
    [
      {
        API_AUTHORIZATION: 'iam',
        IAM_PRINCIPALS: JSON.stringify([{ arn: 'arn:aws:s3:::bucket', id: 'x', roles: ['agent'] }]),
      },
      'IAM_PRINCIPALS[0.arn]',
    ],
    [
      {
        API_AUTHORIZATION: 'iam',
        IAM_PRINCIPALS: JSON.stringify([
          { arn: `arn:aws:iam::${ACCOUNT}:role/a`, id: 'a', roles: ['intake', 'admin'] },
        ]),
      },
      'intake is a system role',
    ],
    [
      {
        API_AUTHORIZATION: 'iam',
        IAM_PRINCIPALS: JSON.stringify([
          { arn: `arn:aws:iam::${ACCOUNT}:role/a`, id: 'a', roles: ['agent'] },
          { arn: `arn:aws:iam::${ACCOUNT}:role/path/a`, id: 'b', roles: ['admin'] },
        ]),
      },
      'each IAM principal may be mapped once',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => apiAuthorizationFromEnv(env)).toThrow(ApiAuthorizationError);
    expect(() => apiAuthorizationFromEnv(env)).toThrow(message);
  });

  it('matches a role by partition, account and name, whatever its path', () => {
    expect(iamKeyOfArn(`arn:aws:iam::${ACCOUNT}:role/a/b/intake`)).toBe(
      iamKeyOfArn(`arn:aws:sts::${ACCOUNT}:assumed-role/intake/session-1`),
    );
    expect(iamKeyOfArn(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)).toBeUndefined();
  });
});

describe("the handlers' chain in IAM mode (API_AUTHORIZATION=iam, as the deployment sets it)", () => {
  const whoAmI = httpHandler(async ({ caller }) => ({ statusCode: 200, body: caller }), {
    operation: 'register',
  });
  const context = {
    functionName: 'create-complaint',
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => 10_000,
  } as Context;
  /** The proxy event API Gateway sends for a SigV4-signed request (no authorizer ran). */
  const iamEvent = (userArn: string, headers: Record<string, string> = {}) =>
    ({
      httpMethod: 'POST',
      path: '/v1/complaints',
      resource: '/v1/complaints',
      headers,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        authorizer: null,
        identity: { userArn, caller: 'AROAEXAMPLE:s', accessKey: 'ASIAEXAMPLE', sourceIp: '10.0.0.1' },
      },
    }) as unknown as APIGatewayProxyEvent;
  const saved = { mode: process.env.API_AUTHORIZATION, mapping: process.env.IAM_PRINCIPALS };
  const useIam = () => {
    process.env.API_AUTHORIZATION = 'iam';
    process.env.IAM_PRINCIPALS = JSON.stringify(mappings);
  };
  afterEach(() => {
    for (const [name, value] of [
      ['API_AUTHORIZATION', saved.mode],
      ['IAM_PRINCIPALS', saved.mapping],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('gives the handler the mapped principal, with the agent a delegating system names', async () => {
    useIam();
    const result = await whoAmI(
      iamEvent(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/crm-bridge/sync`, { 'X-On-Behalf-Of': 'agent-7' }),
      context,
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      id: 'crm',
      kind: 'client',
      roles: ['intake'],
      mayDelegate: true,
      onBehalfOf: 'agent-7',
    });
  });

  it('answers 403 to an unmapped IAM principal, and 401 to the same event in JWT mode', async () => {
    useIam();
    const unmapped = await whoAmI(iamEvent(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/someone/s`), context);
    delete process.env.API_AUTHORIZATION;
    const asJwt = await whoAmI(iamEvent(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/crm-bridge/s`), context);

    expect(unmapped.statusCode).toBe(403);
    expect(asJwt.statusCode).toBe(401);
  });
});
