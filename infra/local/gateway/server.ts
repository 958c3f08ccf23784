// The local stand-in for API Gateway: a node:http server that turns each request into the REST API (v1)
// proxy event the deployed API produces, calls the route's handler with a minimal Lambda context, and
// writes the proxy result back. The handlers cannot tell the difference, so there is no "local mode".
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { problemResult, UNAUTHORIZED_PROBLEM, type Problem } from '#commons/http-problem';
import { API_ROUTES } from '../../../functions/api/routes.ts';
import { bundleModule } from '../lambda/function-bundles.ts';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A TOKEN Lambda authorizer: the deployed one (functions/auth/authorizer.ts), called as API Gateway calls it. */
export type TokenAuthorizer = (
  event: APIGatewayTokenAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

export interface GatewayRoute {
  method: string;
  /** Resource template as API Gateway writes it: /v1/complaints/{id}; {name+} matches the rest of the path. */
  resource: string;
  handler: ProxyHandler;
  /** Names the Lambda context's function (defaults to the resource). */
  functionName?: string;
  /** Open without a token; every other route runs the authorizer first (when the gateway has one). */
  public?: boolean;
}

export type RouteTable = readonly GatewayRoute[];

export interface GatewayOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  routes: RouteTable;
  /** Routes only the local stack serves, e.g. GET /_local/outbox. */
  extraRoutes?: RouteTable;
  /** requestContext.stage (default "local"). */
  stage?: string;
  /** What the Lambda context reports as remaining time (default 30 s, API Gateway's integration timeout). */
  timeoutMs?: number;
  /** Runs before every non-public route, with the Authorization header as its token, as API Gateway does. */
  authorizer?: TokenAuthorizer;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit. The API's own, smaller limit is the handlers' business. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const ACCOUNT_ID = '000000000000';

/**
 * Imports every API handler named in functions/api/routes.ts: the same list the CDK stack deploys. From
 * the TypeScript sources, or with `bundles` from the deployed bundles (lambda/function-bundles.ts).
 */
export async function loadApiRoutes(bundles?: string): Promise<RouteTable> {
  return Promise.all(
    API_ROUTES.map(async (route) => {
      const module = (await import(
        bundles
          ? pathToFileURL(bundleModule(bundles, route.functionName)).href
          : new URL(`../../../${route.entry}`, import.meta.url).href
      )) as { handler: ProxyHandler };
      return {
        method: route.method,
        resource: route.resource,
        handler: module.handler,
        functionName: route.functionName,
        ...('public' in route ? { public: route.public } : {}),
      };
    }),
  );
}

interface CompiledRoute extends GatewayRoute {
  pattern: RegExp;
  parameterNames: string[];
  /** Literal segments win over parameters, as in API Gateway. */
  literalSegments: number;
}

function compile(route: GatewayRoute): CompiledRoute {
  const parameterNames: string[] = [];
  let literalSegments = 0;
  const source = route.resource
    .split('/')
    .map((segment) => {
      const parameter = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!parameter) {
        literalSegments += 1;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      parameterNames.push(parameter[1] ?? '');
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), parameterNames, literalSegments };
}

/** Like API Gateway, path parameters arrive decoded; a malformed escape is passed through as sent. */
function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface Match {
  route: CompiledRoute;
  pathParameters: Record<string, string> | null;
}

type Resolution = { found: Match } | { allow: string[] } | { notFound: true };

function resolve(routes: CompiledRoute[], method: string, path: string): Resolution {
  const allow = new Set<string>();
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method !== method) {
      allow.add(route.method);
      continue;
    }
    const values = match.slice(1).map(decodeSegment);
    const pathParameters = route.parameterNames.length
      ? Object.fromEntries(route.parameterNames.map((name, i) => [name, values[i] ?? '']))
      : null;
    return { found: { route, pathParameters } };
  }
  return allow.size ? { allow: [...allow].sort() } : { notFound: true };
}

/**
 * Name/value pairs as the plain objects of the proxy event. Built with Object.fromEntries, which defines own
 * properties: a header or parameter named __proto__, constructor or toString is just another name.
 */
function pairsToObjects(pairs: Iterable<readonly [string, string]>) {
  const multi = new Map<string, string[]>();
  const single = new Map<string, string>();
  for (const [name, value] of pairs) {
    single.set(name, value);
    const values = multi.get(name);
    if (values) values.push(value);
    else multi.set(name, [value]);
  }
  return { single: Object.fromEntries(single), multi: Object.fromEntries(multi) };
}

function headersOf(request: IncomingMessage) {
  const pairs: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    pairs.push([request.rawHeaders[i] ?? '', request.rawHeaders[i + 1] ?? '']);
  }
  const { single, multi } = pairsToObjects(pairs);
  return { headers: single, multiValueHeaders: multi };
}

function queryOf(url: URL) {
  if (!url.search) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  const { single, multi } = pairsToObjects(url.searchParams);
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

export interface EventInput {
  method: string;
  url: URL;
  request: IncomingMessage;
  body: Buffer;
  match: Match;
  stage: string;
  requestId: string;
}

/** The REST API proxy event for one request (no binary media types: bodies arrive as UTF-8 text). */
export function proxyEvent({
  method,
  url,
  request,
  body,
  match,
  stage,
  requestId,
}: EventInput): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headersOf(request);
  const now = new Date();
  const sourceIp = request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  return {
    resource: match.route.resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    ...queryOf(url),
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: 'local',
      authorizer: null,
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      extendedRequestId: requestId,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
      // Locally nothing precedes the resource path (no stage prefix, no base path mapping).
      path: url.pathname,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: match.route.resource,
      stage,
    },
    body: body.byteLength ? body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}

function lambdaContext(functionName: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

class PayloadTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_PAYLOAD_BYTES) {
        reject(new PayloadTooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  const headers: Record<string, string | string[]> = { 'x-amzn-RequestId': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map(String);
  }
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  headers['Content-Length'] = String(body.byteLength);
  response.writeHead(result.statusCode, headers);
  response.end(body);
}

const gatewayProblem = (problem: Problem, path: string, requestId: string) =>
  problemResult(problem, { instance: path, requestId });

const ACCESS_DENIED: Problem = {
  status: 403,
  code: 'forbidden',
  title: 'Forbidden',
  detail: 'the authorizer denied this request',
};

const AUTHORIZER_FAILED: Problem = {
  status: 500,
  code: 'authorizer-failed',
  title: 'Internal server error',
  detail: 'the authorizer failed',
};

type Authorization = { context: Record<string, string> } | { refused: Problem };

/**
 * What API Gateway does with a TOKEN authorizer: no Authorization header is a 401 without calling it;
 * "Unauthorized" thrown is a 401; a Deny policy is a 403; anything else thrown is a 500. An Allow hands
 * principalId and the context on as requestContext.authorizer, every value a string.
 */
async function authorize(
  authorizer: TokenAuthorizer,
  event: APIGatewayProxyEvent,
  timeoutMs: number,
): Promise<Authorization> {
  const token = Object.entries(event.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  if (token === undefined || token === '') return { refused: UNAUTHORIZED_PROBLEM };
  const { requestContext: rc } = event;
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const methodArn = `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${rc.apiId}/${rc.stage}/${rc.httpMethod}${rc.resourcePath}`;
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorizer(
      { type: 'TOKEN', authorizationToken: token, methodArn },
      lambdaContext('authorizer', rc.requestId, timeoutMs),
    );
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return { refused: UNAUTHORIZED_PROBLEM };
    console.error('gateway: the authorizer failed', error);
    return { refused: AUTHORIZER_FAILED };
  }
  const allowed = result.policyDocument.Statement.some((statement) => statement.Effect === 'Allow');
  if (!allowed) return { refused: ACCESS_DENIED };
  const context = Object.fromEntries(
    Object.entries(result.context ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return { context: { ...context, principalId: result.principalId } };
}

/** Origin-form targets are joined as text so that "//x" stays a path, not a host; junk becomes "/". */
function requestUrl(target: string): URL {
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target);
  } catch {
    return new URL('http://localhost/');
  }
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const routes = [...options.routes, ...(options.extraRoutes ?? [])]
    .map(compile)
    .sort((a, b) => b.literalSegments - a.literalSegments);
  const stage = options.stage ?? 'local';
  const timeoutMs = options.timeoutMs ?? 30_000;

  const server = createServer((request, response) => {
    const requestId = randomUUID();
    const method = request.method ?? 'GET';
    const url = requestUrl(request.url ?? '/');
    const answer = (result: APIGatewayProxyResult) => send(response, result, requestId);

    const resolution = resolve(routes, method, url.pathname);
    if ('notFound' in resolution) {
      request.resume();
      answer(
        gatewayProblem(
          {
            status: 404,
            code: 'not-found',
            title: 'Not found',
            detail: `no route for ${method} ${url.pathname}`,
          },
          url.pathname,
          requestId,
        ),
      );
      return;
    }
    if ('allow' in resolution) {
      request.resume();
      const result = gatewayProblem(
        {
          status: 405,
          code: 'method-not-allowed',
          title: 'Method not allowed',
          detail: `${url.pathname} accepts ${resolution.allow.join(', ')}`,
          headers: { Allow: resolution.allow.join(', ') },
        },
        url.pathname,
        requestId,
      );
      answer(result);
      return;
    }
    const { found } = resolution;
    readBody(request)
      .then(async (body) => {
        const event = proxyEvent({ method, url, request, body, match: found, stage, requestId });
        if (options.authorizer && !found.route.public) {
          const authorized = await authorize(options.authorizer, event, timeoutMs);
          if ('refused' in authorized) {
            answer(gatewayProblem(authorized.refused, url.pathname, requestId));
            return;
          }
          event.requestContext.authorizer = authorized.context;
        }
        const context = lambdaContext(found.route.functionName ?? found.route.resource, requestId, timeoutMs);
        answer(await found.route.handler(event, context));
      })
      .catch((error: unknown) => {
        if (error instanceof PayloadTooLarge) {
          answer(
            gatewayProblem(
              {
                status: 413,
                code: 'content-too-large',
                title: 'Content too large',
                detail: `API Gateway accepts at most ${MAX_PAYLOAD_BYTES} bytes`,
              },
              url.pathname,
              requestId,
            ),
          );
          return;
        }
        // A handler that throws is what API Gateway reports as a 502 (malformed Lambda proxy response).
        console.error(`gateway: ${method} ${url.pathname} failed`, error);
        answer(
          gatewayProblem(
            { status: 502, code: 'bad-gateway', title: 'Bad gateway', detail: 'the handler failed' },
            url.pathname,
            requestId,
          ),
        );
      });
  });

  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', failed);
      listening();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}
