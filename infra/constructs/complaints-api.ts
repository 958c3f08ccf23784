// The REST API (v1, Lambda proxy integrations: the event shape the local gateway produces), built from
// the same route table the handlers are written against. Request validation is the handlers' job: they
// answer RFC 9457 problems naming each bad field, which API Gateway's validators cannot.
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { problemType, UNAUTHORIZED_PROBLEM } from '#commons/http-problem';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type MethodDeploymentOptions,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** One row of functions/api/routes.ts's API_ROUTES. */
export interface ApiRouteSpec {
  method: string;
  resource: string;
  entry: string;
  functionName: string;
  /** Open without a token (functions/api/routes.ts). */
  public?: boolean;
}

/**
 * The customer's link routes: open to anyone, the link token in the path being the only credential
 * (functions/domain/link-token.ts weighs its entropy against the throttle below).
 */
export const CUSTOMER_LINK_METHODS: readonly { method: string; resource: string }[] = [
  { method: 'GET', resource: '/{token}' },
  { method: 'GET', resource: '/v1/public/complaints/{token}' },
  { method: 'POST', resource: '/v1/public/complaints/{token}/feedback' },
  { method: 'POST', resource: '/v1/public/complaints/{token}/reply' },
  { method: 'POST', resource: '/v1/public/complaints/{token}/uploads' },
  { method: 'HEAD', resource: '/{token}' },
  { method: 'HEAD', resource: '/v1/public/complaints/{token}' },
];

/**
 * Each customer link method's own token bucket (API Gateway throttles per method), never above the
 * stage's: a customer opens a link a few times, so this is ample, and it caps how fast anyone can guess
 * tokens (two of the methods tell whether a token exists: 20 guesses a second at most).
 */
export const CUSTOMER_LINK_THROTTLE = { rateLimit: 10, burstLimit: 20 } as const;

export interface ComplaintsApiProps {
  stage: string;
  throttle: { rateLimit: number; burstLimit: number };
  apiKeyRequired: boolean;
  logRetention: RetentionDays;
}

const UNAUTHORIZED_BODY = JSON.stringify({
  type: problemType(UNAUTHORIZED_PROBLEM.code),
  title: UNAUTHORIZED_PROBLEM.title,
  status: UNAUTHORIZED_PROBLEM.status,
  detail: UNAUTHORIZED_PROBLEM.detail,
  instance: '$context.path',
  requestId: '$context.requestId',
});

const NO_ROUTE_BODY = JSON.stringify({
  type: problemType('not-found'),
  title: 'Not found',
  status: 404,
  detail: 'no route for $context.httpMethod $context.path',
  instance: '$context.path',
  requestId: '$context.requestId',
});

// API Gateway's own rejections (auth, throttling, unknown route) answer problem details like the handlers.
const GATEWAY_PROBLEM = JSON.stringify({
  type: 'about:blank',
  title: '$context.error.messageString',
  code: '$context.error.responseType',
  requestId: '$context.requestId',
}).replace('"$context.error.messageString"', '$context.error.messageString');

export class ComplaintsApi extends Construct {
  readonly restApi: RestApi;
  private authorizer: TokenAuthorizer | undefined;
  private iamAuthorization = false;
  private readonly stage: string;
  private readonly apiKeyRequired: boolean;

  constructor(scope: Construct, id: string, props: ComplaintsApiProps) {
    super(scope, id);
    this.stage = props.stage;
    this.apiKeyRequired = props.apiKeyRequired;
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    // Execution logs at ERROR, never request or response bodies (personal data).
    const methodLogging = {
      loggingLevel: MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      metricsEnabled: true,
    };
    const customerLinkOptions: MethodDeploymentOptions = {
      ...methodLogging,
      throttlingRateLimit: Math.min(CUSTOMER_LINK_THROTTLE.rateLimit, props.throttle.rateLimit),
      throttlingBurstLimit: Math.min(CUSTOMER_LINK_THROTTLE.burstLimit, props.throttle.burstLimit),
    };

    this.restApi = new RestApi(this, 'Api', {
      restApiName: `complaints-${props.stage}`,
      description: 'Complaint handling API v1',
      endpointTypes: [EndpointType.REGIONAL],
      apiKeySourceType: ApiKeySourceType.HEADER,
      // API Gateway writes logs through one role per account and region; keep it if this stack goes.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: props.stage,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // The standard fields name the resource template (`/{token}`), never the path: tokens stay out of logs.
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        ...methodLogging,
        tracingEnabled: true,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        methodOptions: Object.fromEntries(
          CUSTOMER_LINK_METHODS.map((m) => [`${m.resource}/${m.method}`, customerLinkOptions]),
        ),
      },
    });

    // The authorizer's refusal answers like the handlers' 401 (functions/commons/http-problem.ts).
    this.restApi.addGatewayResponse('ProblemUNAUTHORIZED', {
      type: ResponseType.UNAUTHORIZED,
      statusCode: '401',
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        'WWW-Authenticate': "'Bearer'",
      },
      templates: { 'application/json': UNAUTHORIZED_BODY },
    });
    for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
      this.restApi.addGatewayResponse(`Problem${type.responseType}`, {
        type,
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: { 'application/json': GATEWAY_PROBLEM },
      });
    }

    if (props.apiKeyRequired) {
      // Each upstream system gets its own key in this plan, and with it its own rate and burst.
      this.restApi.addUsagePlan('PerClient', {
        name: `complaints-${props.stage}-per-client`,
        throttle: props.throttle,
        apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
      });
    }

    const acknowledge = Validations.of(this.restApi);
    acknowledge.acknowledge({
      id: 'AwsSolutions-APIG2',
      reason: 'Handlers validate requests with zod and answer RFC 9457 problems naming each field.',
    });
    acknowledge.acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Throttling is per stage, per customer link method and per API key (usage plan); the web ACL with the per-IP rule on the public routes is associated with the stage in OperatorAlarms (infra/constructs/operator-alarms.ts).',
    });
    acknowledge.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level CloudWatch role uses the AWS-managed push-to-logs policy by design.",
    });
  }

  /**
   * Every non-public method runs this TOKEN authorizer first (the Authorization header; results cached per
   * token for five minutes, which its API-wide Allow policy permits). Call before addRoutes.
   */
  useAuthorizer(handler: IFunction): void {
    this.authorizer = new TokenAuthorizer(this, 'Authorizer', {
      handler,
      identitySource: IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
      authorizerName: `complaints-${this.stage}-bearer`,
    });
    // With bearer tokens a missing header is the authorizer's 401, so API Gateway's "Missing
    // Authentication Token" only ever means a path or method the API does not serve: answer it as the
    // 404 problem the OpenAPI document describes. (With IAM it also means "not signed": left a 403.)
    this.restApi.addGatewayResponse('ProblemNoRoute', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: { 'Content-Type': "'application/problem+json'" },
      templates: { 'application/json': NO_ROUTE_BODY },
    });
  }

  /**
   * Every non-public method requires a SigV4-signed request of an IAM principal allowed execute-api:Invoke
   * (apiAuthorization `iam`); the handlers map that principal to the product's (IAM_PRINCIPALS). Call
   * before addRoutes, instead of useAuthorizer.
   */
  useIamAuthorization(): void {
    this.iamAuthorization = true;
  }

  /** Deploys each route to its function (by functionName). Call once, after the functions exist. */
  addRoutes(routes: readonly ApiRouteSpec[], handlers: ReadonlyMap<string, IFunction>): void {
    for (const route of routes) this.addRoute(route, handlers);
  }

  /** The stage's base URL, known without a dependency on the deployment (functions may refer to it). */
  get baseUrl(): string {
    return `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.stage}`;
  }

  private addRoute(route: ApiRouteSpec, handlers: ReadonlyMap<string, IFunction>): void {
    const handler = handlers.get(route.functionName);
    if (!handler)
      throw new Error(`API route ${route.method} ${route.resource}: no function ${route.functionName}`);
    const isPublic = route.public === true;
    if (!isPublic && !this.authorizer && !this.iamAuthorization) {
      throw new Error(
        `API route ${route.method} ${route.resource}: call useAuthorizer or useIamAuthorization before addRoutes`,
      );
    }
    const method = this.restApi.root
      .resourceForPath(route.resource)
      .addMethod(route.method, new LambdaIntegration(handler, { allowTestInvoke: false }), {
        // Bearer tokens of the user pool, checked by the authorizer; health, the API description and the
        // customer's link stay open.
        ...(isPublic
          ? { authorizationType: AuthorizationType.NONE }
          : this.iamAuthorization
            ? { authorizationType: AuthorizationType.IAM }
            : { authorizationType: AuthorizationType.CUSTOM, authorizer: this.authorizer }),
        apiKeyRequired: this.apiKeyRequired && !isPublic,
      });
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: isPublic
        ? 'Open by SPEC section 9: no caller identity at all.'
        : this.iamAuthorization
          ? 'The operator chose AWS IAM (apiAuthorization=iam): SigV4-signed callers, each IAM principal mapped to its roles.'
          : "A Lambda authorizer verifies the user pool's access tokens (aws-jwt-verify), which also carries client-credentials scopes and delegation.",
    });
    if (isPublic) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          route.resource === '/v1/health'
            ? 'The health check is public so load balancers and probes can call it.'
            : route.resource === '/v1/openapi.json'
              ? 'The API description is public so integrators can read it before they have credentials.'
              : 'Customers follow the link in their text: its unguessable token is the credential, throttled per method.',
      });
    }
  }
}
