// The middy chain every API handler runs in: Powertools (logs, metrics, traces), authentication, JSON body
// parsing, zod validation of body, path and query, and one error mapper answering RFC 9457 problems.
// Handlers stay thin: they receive validated input and return a status and a body.
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { AccessDenied } from '#domain/errors';
import { PRINCIPAL_ID, type Operation, type Principal } from '#domain/permissions';
import { requirePermission } from '#use-cases/access';
import { currentApiAuthorization, principalFromRequestContext } from './authorizer-context.ts';
import { logger, metrics, tracer } from './powertools.ts';
import {
  fieldErrors,
  HttpProblem,
  knownProblem,
  problemResult,
  toProblem,
  UNAUTHORIZED_PROBLEM,
  validationProblem,
} from './http-problem.ts';

export { HttpProblem } from './http-problem.ts';

/** A complaint never needs more; API Gateway's own 10 MB limit is far above it. */
export const MAX_BODY_BYTES = 64 * 1024;

type ApiMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * Who is calling: the principal the API's authorizer established (functions/auth/authorizer.ts), with the
 * agent a delegating client names for this request. Public routes have none.
 */
export type Caller = Principal;

/** Names the agent a client with the delegation scope acts for; the timeline records both. */
export const ON_BEHALF_OF_HEADER = 'X-On-Behalf-Of';

// Per-request values handed from middlewares to the handler without mutating the event's documented shape.
const callers = new WeakMap<APIGatewayProxyEvent, Caller>();
const jsonBodies = new WeakMap<APIGatewayProxyEvent, unknown>();

function onBehalfOf(
  event: APIGatewayProxyEvent,
  principal: Omit<Principal, 'onBehalfOf'>,
): string | undefined {
  const named = headerOf(event, ON_BEHALF_OF_HEADER);
  if (named === undefined) return undefined;
  if (!principal.mayDelegate) {
    throw new AccessDenied(
      'delegation',
      `${ON_BEHALF_OF_HEADER} is for upstream systems with the delegation scope; this caller has none`,
    );
  }
  if (!PRINCIPAL_ID.test(named)) {
    throw new HttpProblem(
      validationProblem(
        [{ path: ON_BEHALF_OF_HEADER, message: 'must be an agent id (letters, digits, . _ @ + -; 1-128)' }],
        `the ${ON_BEHALF_OF_HEADER} header is invalid`,
      ),
    );
  }
  return named;
}

/**
 * Takes the caller from `requestContext.authorizer` (the authorizer ran before the handler, on AWS and in
 * the local gateway alike), or from `requestContext.identity` when the deployment authorizes with AWS IAM
 * (principalFromRequestContext maps both shapes to one principal), and, when the route names its
 * operation, refuses roles that may never perform it (403). Without an authenticated caller the request is
 * refused (401): a route deployed without the authorizer fails closed.
 */
export const authenticate = (operation?: Operation): ApiMiddleware => ({
  name: 'authenticate',
  before: (request) => {
    const authorized = principalFromRequestContext(request.event.requestContext, currentApiAuthorization());
    if (!authorized) throw new HttpProblem(UNAUTHORIZED_PROBLEM);
    const named = onBehalfOf(request.event, authorized);
    const caller: Caller = { ...authorized, ...(named === undefined ? {} : { onBehalfOf: named }) };
    if (operation) requirePermission(caller, operation);
    callers.set(request.event, caller);
  },
});

/** Routes SPEC section 9 leaves open to everyone (health, the API description, the customer's link). */
export const publicAccess = (): ApiMiddleware => ({
  name: 'publicAccess',
  before: () => undefined,
});

/** Log lines carry API Gateway's request id, the id a client sees in problem responses. */
export const correlateLogs = (): ApiMiddleware => ({
  name: 'correlateLogs',
  before: ({ event }) => {
    const requestId = event?.requestContext?.requestId;
    if (requestId) logger.setCorrelationId(requestId);
  },
});

/** The authenticated caller; throws on a public route (no authenticate middleware ran). */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const caller = callers.get(event);
  if (!caller) throw new Error('no caller: the authenticate middleware did not run');
  return caller;
}

/** Case-insensitive header lookup (API Gateway passes names as the client sent them). */
export function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

const isJsonMediaType = (contentType: string | undefined): boolean => {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
};

/** Reads a JSON body: size first (413), then media type (415), then syntax (400). */
export const parseJsonBody = (): ApiMiddleware => ({
  name: 'parseJsonBody',
  before: ({ event }) => {
    const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    if (raw.byteLength > MAX_BODY_BYTES) {
      throw new HttpProblem({
        status: 413,
        code: 'content-too-large',
        title: 'Content too large',
        detail: `the request body is ${raw.byteLength} bytes; at most ${MAX_BODY_BYTES} are accepted`,
      });
    }
    if (raw.byteLength === 0) {
      throw new HttpProblem(validationProblem([{ path: '', message: 'a JSON body is required' }]));
    }
    if (!isJsonMediaType(headerOf(event, 'content-type'))) {
      throw new HttpProblem({
        status: 415,
        code: 'unsupported-media-type',
        title: 'Unsupported media type',
        detail: 'send the body as application/json',
        headers: { 'Accept-Post': 'application/json' },
      });
    }
    try {
      jsonBodies.set(event, JSON.parse(raw.toString('utf8')));
    } catch {
      throw new HttpProblem({
        status: 400,
        code: 'malformed-json',
        title: 'Malformed JSON',
        detail: 'the request body is not valid JSON',
      });
    }
  },
});

/** Missing fields read "required" rather than zod's "expected string, received undefined" (or, for an
 * enum or literal such as `channel`, "Invalid option: expected one of ..."). */
const requiredMessage = (issue: { input?: unknown; code: string }) =>
  (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined
    ? 'required'
    : undefined;

function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value, { error: requiredMessage, reportInput: false });
  if (!result.success) {
    throw new HttpProblem(
      validationProblem(fieldErrors(result.error), `the request ${what} has invalid fields`),
    );
  }
  return result.data;
}

/** Phone-shaped numbers (mainland mobiles, E.164): an unexpected error's text must not put them in logs. */
const PHONE_SHAPED = /(?<!\d)(?:\+\d{8,15}|(?:86)?1[3-9]\d{9})(?!\d)/g;

function loggableError(error: unknown): Record<string, string | undefined> {
  const redact = (text: string | undefined) => text?.replace(PHONE_SHAPED, '[phone]');
  if (error instanceof Error) {
    return { name: error.name, message: redact(error.message), stack: redact(error.stack) };
  }
  return { name: typeof error, message: redact(String(error)) };
}

/** Logs every failure once and answers it as a problem; unexpected errors become a generic 500. */
export const answerProblems = (): ApiMiddleware => ({
  name: 'answerProblems',
  onError: (request) => {
    const { error, event, context } = request;
    const problem = knownProblem(error);
    if (problem) {
      logger.info('request refused', { status: problem.status, problem: problem.code });
    } else {
      logger.error('request failed', { error: loggableError(error) });
    }
    request.response = problemResult(problem ?? toProblem(error), {
      instance: event?.path ?? '/',
      requestId: event?.requestContext?.requestId ?? context?.awsRequestId,
    });
  },
});

/** One count per response class, so every invocation publishes at least one metric. */
export const countResponses = (): ApiMiddleware => {
  const count = (response: APIGatewayProxyResult | null | undefined) => {
    const status = response?.statusCode ?? 500;
    const name = status >= 500 ? 'ApiServerErrors' : status >= 400 ? 'ApiClientErrors' : 'ApiSuccesses';
    metrics.addMetric(name, MetricUnit.Count, 1);
  };
  return {
    name: 'countResponses',
    after: (request) => count(request.response),
    onError: (request) => count(request.response),
  };
};

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiRequest<Body, Path, Query> {
  body: Body;
  path: Path;
  query: Query;
  /** The authenticated caller (reading it on a public route throws: there is none). */
  readonly caller: Caller;
  event: APIGatewayProxyEvent;
  context: Context;
}

export interface ApiResponse {
  statusCode: number;
  /** Serialised as JSON; omit for an empty response. */
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (CSV, a workbook, a page): sent as is, with the Content-Type in `headers`. */
  raw?: { body: string; isBase64Encoded?: boolean };
}

export interface RequestSchemas<B, P, Q> {
  body?: B;
  path?: P;
  query?: Q;
  /** Open to unauthenticated callers (SPEC section 9: health, the API description, the customer's link). */
  public?: boolean;
  /** The operation of the permission table the route performs: roles that may never perform it get 403. */
  operation?: Operation;
}

function toProxyResult(response: ApiResponse): APIGatewayProxyResult {
  if (response.raw !== undefined) {
    return {
      statusCode: response.statusCode,
      headers: { 'Cache-Control': 'no-store', ...response.headers },
      body: response.raw.body,
      ...(response.raw.isBase64Encoded ? { isBase64Encoded: true } : {}),
    };
  }
  return {
    statusCode: response.statusCode,
    headers: {
      ...(response.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      // Responses carry personal data (masked or not): no shared cache may keep them.
      'Cache-Control': 'no-store',
      ...response.headers,
    },
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
}

/**
 * Wraps a route function in the API's middy chain. Middleware order matters: middy runs `onError` and
 * `after` in reverse, so the problem mapper answers first, then the response is counted, then
 * Powertools closes the trace, publishes the metrics and clears the log context.
 */
export function httpHandler<
  B extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  route: (request: ApiRequest<Parsed<B>, Parsed<P>, Parsed<Q>>) => Promise<ApiResponse>,
  schemas: RequestSchemas<B, P, Q> = {},
) {
  const middlewares: ApiMiddleware[] = [
    injectLambdaContext(logger, { resetKeys: true }),
    correlateLogs(),
    logMetrics(metrics, { captureColdStartMetric: true }),
    ...(tracer ? [captureLambdaHandler(tracer)] : []),
    countResponses(),
    answerProblems(),
    schemas.public ? publicAccess() : authenticate(schemas.operation),
    ...(schemas.body ? [parseJsonBody()] : []),
  ];
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(middlewares)
    .handler(async (event: APIGatewayProxyEvent, context: Context) => {
      const request = {
        body: (schemas.body ? validate(schemas.body, jsonBodies.get(event), 'body') : undefined) as Parsed<B>,
        path: (schemas.path
          ? validate(schemas.path, event.pathParameters ?? {}, 'path')
          : undefined) as Parsed<P>,
        query: (schemas.query
          ? validate(schemas.query, event.queryStringParameters ?? {}, 'query')
          : undefined) as Parsed<Q>,
        get caller() {
          return callerOf(event);
        },
        event,
        context,
      };
      return toProxyResult(await route(request));
    });
}
