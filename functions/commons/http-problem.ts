// RFC 9457 problem details, and the one place where errors become HTTP statuses. Domain errors carry no
// HTTP knowledge (functions/domain/errors.ts); this table gives each one its status, title and the
// extension members a client can act on.
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import {
  AccessDenied,
  ComplaintAlreadyExists,
  ComplaintNotFound,
  ContentTooLarge,
  DomainError,
  IdempotencyKeyReused,
  IncidentConflict,
  IncidentNotFound,
  InvalidInput,
  OrgUnitNotFound,
  LimitReached,
  TransitionNotAllowed,
  VersionConflict,
  WorkflowNotReady,
} from '#domain/errors';
import { DeliveryNotFound, DeliveryNotResendable } from '#domain/notifications/errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One invalid field: a dotted path into the request part it belongs to (`customer.phone`, `limit`). */
export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  status: number;
  /** Stable machine-readable code; the problem `type` is derived from it. */
  code: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  /** Extension members (RFC 9457 section 3.2), e.g. allowedActions. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A problem raised on purpose by the HTTP layer (bad header, wrong content type, unknown route...). */
export class HttpProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'HttpProblem';
    this.problem = problem;
  }
}

/** Non-resolvable but stable type URIs; the OpenAPI document lists the codes. */
export const problemType = (code: string): string => `urn:complaints:problem:${code}`;

type DomainErrorClass<E extends DomainError> = abstract new (...args: never[]) => E;

interface DomainProblemRule<E extends DomainError = DomainError> {
  error: DomainErrorClass<E>;
  status: number;
  title: string;
  // Method syntax on purpose: a rule for one error class must fit the list of rules for all of them.
  extensions?(error: E): Record<string, unknown>;
  errors?(error: E): FieldError[];
  headers?: Record<string, string>;
}

const rule = <E extends DomainError>(r: DomainProblemRule<E>): DomainProblemRule => r;

/** Every domain error the API can meet, with its HTTP meaning. Anything not listed is a 500. */
export const DOMAIN_PROBLEM_RULES: readonly DomainProblemRule[] = [
  rule({ error: ComplaintNotFound, status: 404, title: 'Complaint not found' }),
  rule({ error: ComplaintAlreadyExists, status: 409, title: 'Complaint already exists' }),
  rule({
    error: TransitionNotAllowed,
    status: 409,
    title: 'Action not allowed in the current status',
    extensions: (e) => ({
      action: e.details.action,
      complaintStatus: e.details.status,
      allowedActions: e.details.allowedActions,
    }),
  }),
  rule({
    error: VersionConflict,
    status: 409,
    title: 'Version conflict',
    extensions: (e) => ({
      expectedVersion: e.details.expectedVersion,
      currentVersion: e.details.currentVersion,
    }),
  }),
  rule({
    error: WorkflowNotReady,
    status: 409,
    title: 'Workflow not ready',
    headers: { 'Retry-After': '1' },
  }),
  rule({ error: IdempotencyKeyReused, status: 409, title: 'Idempotency key reused' }),
  rule({ error: InvalidInput, status: 400, title: 'Invalid input', errors: (e) => e.errors }),
  rule({
    error: OrgUnitNotFound,
    status: 404,
    title: 'Unit not found',
    extensions: (e) => ({ kind: e.details.kind, unitId: e.details.id }),
  }),
  rule({
    error: LimitReached,
    status: 409,
    title: 'Limit reached',
    extensions: (e) => ({ limit: e.details.limit, max: e.details.max }),
  }),
  rule({ error: ContentTooLarge, status: 413, title: 'Content too large', errors: (e) => e.errors }),
  rule({ error: DeliveryNotFound, status: 404, title: 'Delivery not found' }),
  rule({ error: DeliveryNotResendable, status: 409, title: 'Nothing to re-send' }),
  rule({ error: IncidentNotFound, status: 404, title: 'Incident not found' }),
  rule({
    error: IncidentConflict,
    status: 409,
    title: 'Incident action not allowed',
    extensions: (e) => ({ incidentStatus: e.details.status }),
  }),
  rule({
    error: AccessDenied,
    status: 403,
    title: 'Forbidden',
    extensions: (e) => ({ operation: e.details.operation }),
  }),
];

/** zod issue path -> `customer.channels[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** One `{ path, message }` per invalid field; an unknown-keys issue becomes one error per unknown key. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

export const validationProblem = (
  errors: FieldError[],
  detail = 'the request has invalid fields',
): Problem => ({
  status: 400,
  code: 'validation-failed',
  title: 'Invalid request',
  detail,
  errors,
});

/**
 * No token, or one the authorizer refused (expired, another issuer or app client, a bad signature,
 * `alg: none`). API Gateway answers it before any handler runs (its UNAUTHORIZED gateway response carries
 * this body), and so does the local gateway.
 */
export const UNAUTHORIZED_PROBLEM: Problem = {
  status: 401,
  code: 'unauthorized',
  title: 'Unauthorized',
  detail: 'a valid bearer token is required (Authorization: Bearer <access token>)',
  headers: { 'WWW-Authenticate': 'Bearer' },
};

const INTERNAL_PROBLEM: Problem = {
  status: 500,
  code: 'internal-error',
  title: 'Internal server error',
  detail: 'the request could not be completed; it has been logged',
};

/** The problem an error stands for; `undefined` means unexpected (answer 500 and log it). */
export function knownProblem(error: unknown): Problem | undefined {
  if (error instanceof HttpProblem) return error.problem;
  if (error instanceof z.ZodError) return validationProblem(fieldErrors(error));
  if (error instanceof DomainError) {
    const match = DOMAIN_PROBLEM_RULES.find((r) => error instanceof r.error);
    if (!match) return undefined;
    return {
      status: match.status,
      code: error.code,
      title: match.title,
      detail: error.message,
      ...(match.errors ? { errors: match.errors(error) } : {}),
      ...(match.extensions ? { extensions: match.extensions(error) } : {}),
      ...(match.headers ? { headers: match.headers } : {}),
    };
  }
  return undefined;
}

export function toProblem(error: unknown): Problem {
  return knownProblem(error) ?? INTERNAL_PROBLEM;
}

/** The proxy result for a problem. `instance` is the request path; requestId lets support find the logs. */
export function problemResult(
  problem: Problem,
  where: { instance: string; requestId?: string },
): APIGatewayProxyResult {
  const body = {
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: where.instance,
    ...(where.requestId ? { requestId: where.requestId } : {}),
    ...problem.extensions,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...problem.headers },
    body: JSON.stringify(body),
  };
}
