// IAM stays possible (SPEC section 9): with `-c apiAuthorization=iam` API Gateway checks SigV4 signatures
// itself, no token authorizer or user pool is deployed, and the API functions get the mapping from calling
// IAM principals to product identities (IAM_PRINCIPALS), read in one place by the handlers' chain. The
// default stays bearer tokens. Both modes synthesise clean under cdk-nag.
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiAuthorizationFromEnv } from '#commons/authorizer-context';
import { API_ROUTES } from '../../functions/api/routes.ts';
import { createComplaintsApp, type ComplaintsDeployment } from '../../infra/stacks/complaints-app.ts';
import { DeploymentConfigError } from '../../infra/stacks/deployment-config.ts';
import { functionSpecs } from '../../infra/stacks/function-catalog.ts';
import { CHINA_SMS_CONTEXT } from '../support/sms-context.ts';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

const ACCOUNT = '123456789012';
const IAM_PRINCIPALS = [
  { arn: `arn:aws-cn:iam::${ACCOUNT}:role/hotline-intake`, id: 'hotline', roles: ['intake'] },
  { arn: `arn:aws-cn:iam::${ACCOUNT}:role/ops/quality-team`, id: 'quality-desk', roles: ['supervisor'] },
];
// As `-c iamPrincipals='[...]'` passes it: a string.
const IAM_CONTEXT = { apiAuthorization: 'iam', iamPrincipals: JSON.stringify(IAM_PRINCIPALS) };

const resourcesOf = (deployment: ComplaintsDeployment, stack: 'data' | 'service') =>
  Template.fromStack(deployment[stack]).toJSON().Resources as Record<string, CfnResource>;
const ofType = (resources: Record<string, CfnResource>, type: string) =>
  Object.values(resources).filter((resource) => resource.Type === type);

function nagFindings(scope: IConstruct): string[] {
  return new AwsSolutionsChecks(scope)
    .validateScope(scope)
    .violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
}

// Public methods (a resource may serve GET and HEAD, both open).
const OPEN = new Set<string>(
  API_ROUTES.filter((r) => 'public' in r && r.public).map((r) => `${r.method} ${r.resource}`),
);
const API_FUNCTIONS = new Set(
  functionSpecs()
    .filter((s) => s.kind === 'api')
    .map((s) => s.functionName),
);

function variablesOf(deployment: ComplaintsDeployment, functionName: string): Record<string, unknown> {
  const fn = deployment.service.functions.get(functionName);
  if (!fn) throw new Error(`no function ${functionName}`);
  const id = deployment.service.getLogicalId(fn.node.defaultChild as CfnFunction);
  const props = resourcesOf(deployment, 'service')[id]!.Properties;
  return (props.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('apiAuthorization=iam', () => {
  let iam: ComplaintsDeployment;
  let service: Record<string, CfnResource>;
  beforeAll(() => {
    iam = createComplaintsApp({ bundling: false, context: IAM_CONTEXT });
    service = resourcesOf(iam, 'service');
  });

  it('requires AWS_IAM on every method but the public ones, and deploys no token authorizer', () => {
    const methods = ofType(service, 'AWS::ApiGateway::Method').map((m) => m.Properties);

    expect(methods.filter((m) => m.AuthorizationType === 'AWS_IAM')).toHaveLength(
      API_ROUTES.length - OPEN.size,
    );
    expect(methods.filter((m) => m.AuthorizationType === 'NONE')).toHaveLength(OPEN.size);
    expect(methods.every((m) => m.AuthorizerId === undefined)).toBe(true);
    expect(ofType(service, 'AWS::ApiGateway::Authorizer')).toEqual([]);
    expect(iam.service.functions.has('authorizer')).toBe(false);
    // Unsigned requests are API Gateway's "Missing Authentication Token": it stays a 403 here.
    expect(
      ofType(service, 'AWS::ApiGateway::GatewayResponse').filter(
        (r) => r.Properties.ResponseType === 'MISSING_AUTHENTICATION_TOKEN',
      ),
    ).toEqual([]);
  });

  it('creates no user pool (nothing would read its tokens)', () => {
    expect(ofType(resourcesOf(iam, 'data'), 'AWS::Cognito::UserPool')).toEqual([]);
    expect(iam.data.identity).toBeUndefined();
  });

  it('hands every API function the mode and the mapping, which their chain parses back unchanged', () => {
    for (const functionName of API_FUNCTIONS) {
      const variables = variablesOf(iam, functionName);
      expect(variables.API_AUTHORIZATION, functionName).toBe('iam');
      const parsed = apiAuthorizationFromEnv({
        API_AUTHORIZATION: String(variables.API_AUTHORIZATION),
        IAM_PRINCIPALS: String(variables.IAM_PRINCIPALS),
      });
      expect(parsed.iamPrincipals, functionName).toEqual(IAM_PRINCIPALS);
    }
    // Workflow and ops functions serve no request: they never see the mapping.
    for (const spec of functionSpecs().filter((s) => s.kind === 'workflow' || s.kind === 'ops')) {
      expect(variablesOf(iam, spec.functionName).IAM_PRINCIPALS, spec.functionName).toBeUndefined();
    }
  });

  it('finds nothing unacknowledged under cdk-nag', () => {
    // A fresh app: cdk-nag reads references before synthesis resolves them across the stacks.
    const { app } = createComplaintsApp({ bundling: false, context: IAM_CONTEXT });

    expect(nagFindings(app)).toEqual([]);
  });

  it('needs no issuer in a China region (no user pool is needed there either)', () => {
    expect(() =>
      createComplaintsApp({
        bundling: false,
        context: {
          ...IAM_CONTEXT,
          ...CHINA_SMS_CONTEXT,
          secretsExtensionLayerArn: `arn:aws-cn:lambda:cn-north-1:${ACCOUNT}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12`,
        },
        env: { account: ACCOUNT, region: 'cn-north-1' },
      }),
    ).not.toThrow();
  });
});

describe('apiAuthorization=jwt (the default)', () => {
  it('keeps the token authorizer and the user pool, and hands no function an IAM mapping', () => {
    const jwt = createComplaintsApp({ bundling: false });
    const service = resourcesOf(jwt, 'service');

    expect(jwt.config.apiAuthorization).toBe('jwt');
    expect(ofType(service, 'AWS::ApiGateway::Authorizer')).toHaveLength(1);
    // A missing token is the authorizer's 401, so "Missing Authentication Token" means no such route: 404.
    const noRoute = ofType(service, 'AWS::ApiGateway::GatewayResponse').find(
      (r) => r.Properties.ResponseType === 'MISSING_AUTHENTICATION_TOKEN',
    );
    expect(noRoute?.Properties.StatusCode).toBe('404');
    expect(JSON.stringify(noRoute?.Properties.ResponseTemplates)).toContain(
      'urn:complaints:problem:not-found',
    );
    expect(ofType(resourcesOf(jwt, 'data'), 'AWS::Cognito::UserPool')).toHaveLength(1);
    for (const functionName of API_FUNCTIONS) {
      const variables = variablesOf(jwt, functionName);
      expect(variables.API_AUTHORIZATION, functionName).toBeUndefined();
      expect(variables.IAM_PRINCIPALS, functionName).toBeUndefined();
    }
  });
});

describe('bad authorization context', () => {
  it.each([
    [{ apiAuthorization: 'cognito' }, 'apiAuthorization: must be one of jwt, iam'],
    [{ apiAuthorization: 'iam' }, 'iamPrincipals: required with apiAuthorization=iam'],
    [{ apiAuthorization: 'iam', iamPrincipals: '[]' }, 'iamPrincipals: required with apiAuthorization=iam'],
    [{ iamPrincipals: JSON.stringify(IAM_PRINCIPALS) }, 'iamPrincipals: only read with apiAuthorization=iam'],
    [
      {
        apiAuthorization: 'iam',
        iamPrincipals: JSON.stringify([{ arn: 'hotline', id: 'hotline', roles: ['intake'] }]),
      },
      'iamPrincipals.0.arn: must be an IAM role or user ARN',
    ],
    [
      {
        apiAuthorization: 'iam',
        iamPrincipals: JSON.stringify([{ arn: IAM_PRINCIPALS[0]!.arn, id: 'hot line', roles: ['intake'] }]),
      },
      'iamPrincipals.0.id: must be an id',
    ],
    [
      {
        apiAuthorization: 'iam',
        iamPrincipals: JSON.stringify([{ arn: IAM_PRINCIPALS[0]!.arn, id: 'hotline', roles: ['root'] }]),
      },
      'iamPrincipals.0.roles.0',
    ],
    [
      {
        apiAuthorization: 'iam',
        iamPrincipals: JSON.stringify([
          { arn: IAM_PRINCIPALS[1]!.arn, id: 'q', roles: ['agent'], delegation: true },
        ]),
      },
      'iamPrincipals.0.delegation: only an intake system may delegate',
    ],
    [
      {
        apiAuthorization: 'iam',
        iamPrincipals: JSON.stringify(
          Array.from({ length: 40 }, (_, i) => ({
            arn: `arn:aws-cn:iam::${ACCOUNT}:role/staff/quality-team-member-${i}`,
            id: `quality-member-${i}`,
            roles: ['supervisor'],
          })),
        ),
      },
      "iamPrincipals: must fit in 2500 characters of JSON: it travels in the API functions' environment",
    ],
  ])('%j fails synth naming the key', (context, message) => {
    let error: unknown;
    try {
      createComplaintsApp({ bundling: false, context });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect((error as Error).message).toContain(message);
  });
});
