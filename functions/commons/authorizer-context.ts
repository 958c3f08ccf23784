// The contract between the API's authorizer (functions/auth/authorizer.ts) and the handlers: what API
// Gateway hands on as `requestContext.authorizer`. A Lambda authorizer's context holds only strings,
// numbers and booleans (API Gateway turns them all into strings), so roles travel space-separated.
import * as z from 'zod';
import { PRINCIPAL_ID, PRINCIPAL_ROLES, type Principal, type PrincipalRole } from '#domain/permissions';

/** What the authorizer returns as its context (principalId travels beside it). */
export interface AuthorizerContext {
  principalKind: Principal['kind'];
  /** Space-separated PrincipalRole values; empty when the token carries none. */
  roles: string;
  /** "true" for a client with the delegation scope. */
  delegation: 'true' | 'false';
  [key: string]: string;
}

export function authorizerContextOf(principal: Omit<Principal, 'onBehalfOf'>): AuthorizerContext {
  return {
    principalKind: principal.kind,
    roles: principal.roles.join(' '),
    delegation: principal.mayDelegate ? 'true' : 'false',
  };
}

const isRole = (value: string): value is PrincipalRole =>
  (PRINCIPAL_ROLES as readonly string[]).includes(value);

// API Gateway adds integrationLatency (and, on some paths, other members): pass them by.
const authorizerSchema = z.looseObject({
  principalId: z.string().min(1),
  principalKind: z.enum(['user', 'client']),
  roles: z.string(),
  delegation: z.union([z.enum(['true', 'false']), z.boolean()]),
});

/** The principal the authorizer established, or undefined when the event carries none (or a malformed one). */
export function principalFromAuthorizer(authorizer: unknown): Omit<Principal, 'onBehalfOf'> | undefined {
  const parsed = authorizerSchema.safeParse(authorizer);
  if (!parsed.success) return undefined;
  const { principalId, principalKind, roles, delegation } = parsed.data;
  return {
    id: principalId,
    kind: principalKind,
    roles: roles.split(' ').filter(isRole),
    mayDelegate: delegation === true || delegation === 'true',
  };
}

// ---------------------------------------------------------------------------------------------------------
// IAM authorization (CDK context `apiAuthorization: "iam"`, docs/deploy.md). API Gateway then checks the
// caller's SigV4 signature and execute-api:Invoke permission itself, runs no authorizer, and names the
// caller in `requestContext.identity` (userArn: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` for a
// role, `arn:aws:iam::ACCOUNT:user/PATH/NAME` for a user). The deployment maps those IAM principals to
// product identities in IAM_PRINCIPALS; principalFromRequestContext below is the one place that reads
// either shape, so handlers get the same Principal whichever way the request was authenticated.

/** How the API authenticates callers: bearer tokens through the authorizer (default), or AWS IAM. */
export const API_AUTHORIZATION_MODES = ['jwt', 'iam'] as const;
export type ApiAuthorizationMode = (typeof API_AUTHORIZATION_MODES)[number];

/** A role ARN (any path) or a user ARN of IAM. */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** One IAM principal and the product identity it calls as. */
export const iamPrincipalSchema = z
  .strictObject({
    arn: z
      .string()
      .regex(IAM_PRINCIPAL_ARN, 'must be an IAM role or user ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)'),
    /** The principal's id in timelines and idempotency scopes (as a token's username or client id). */
    id: z.string().regex(PRINCIPAL_ID, 'must be an id: letters, digits, . _ @ + - (1-128)'),
    /** `intake` alone (an upstream system), or staff roles (a staff member or a staff tool). */
    roles: z.array(z.enum(PRINCIPAL_ROLES)).min(1, 'must name at least one role'),
    /** intake only: may name the agent it acts for (X-On-Behalf-Of), as the delegation scope allows. */
    delegation: z.boolean().optional(),
  })
  .superRefine((mapping, ctx) => {
    const intake = mapping.roles.includes('intake');
    if (intake && mapping.roles.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['roles'],
        message: 'intake is a system role: not with staff roles',
      });
    }
    if (mapping.delegation && !intake) {
      ctx.addIssue({ code: 'custom', path: ['delegation'], message: 'only an intake system may delegate' });
    }
  });
export type IamPrincipalMapping = z.infer<typeof iamPrincipalSchema>;

export const iamPrincipalsSchema = z
  .array(iamPrincipalSchema)
  .refine(
    (mappings) => new Set(mappings.map((m) => iamKeyOfArn(m.arn))).size === mappings.length,
    'each IAM principal may be mapped once',
  );

/** How the functions learn the mode and the mapping: API_AUTHORIZATION and IAM_PRINCIPALS (JSON). */
export interface ApiAuthorization {
  mode: ApiAuthorizationMode;
  iamPrincipals: readonly IamPrincipalMapping[];
}

export class ApiAuthorizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiAuthorizationError';
  }
}

/** Reads API_AUTHORIZATION (default `jwt`) and, in `iam` mode, IAM_PRINCIPALS; never echoes a value. */
export function apiAuthorizationFromEnv(env: Record<string, string | undefined>): ApiAuthorization {
  const mode = env.API_AUTHORIZATION?.trim() || 'jwt';
  if (mode === 'jwt') return { mode, iamPrincipals: [] };
  if (mode !== 'iam') throw new ApiAuthorizationError('API_AUTHORIZATION must be jwt or iam');
  let json: unknown;
  try {
    json = JSON.parse(env.IAM_PRINCIPALS ?? '[]');
  } catch {
    throw new ApiAuthorizationError('IAM_PRINCIPALS is not valid JSON');
  }
  const parsed = iamPrincipalsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiAuthorizationError(`IAM_PRINCIPALS[${issue?.path.join('.')}]: ${issue?.message}`);
  }
  return { mode, iamPrincipals: parsed.data };
}

/**
 * The key a principal is matched by: a role by partition, account and name (a session's assumed-role ARN
 * drops the role's path), a user by its whole ARN. Undefined for anything else (federated users, root).
 */
export function iamKeyOfArn(arn: string): string | undefined {
  const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (role) return `role:${role[1]}:${role[2]}:${role[3]}`;
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (session) return `role:${session[1]}:${session[2]}:${session[3]}`;
  if (/^arn:aws[a-z-]*:iam::\d{12}:user\/.+$/.test(arn)) return `user:${arn}`;
  return undefined;
}

/** The id of an IAM caller the deployment did not map: authenticated, with no role (403 everywhere). */
export const UNMAPPED_IAM_PRINCIPAL = 'unmapped-iam-principal';

function principalFromIamIdentity(
  identity: unknown,
  mappings: readonly IamPrincipalMapping[],
): Omit<Principal, 'onBehalfOf'> | undefined {
  const userArn = z.looseObject({ userArn: z.string().min(1) }).safeParse(identity);
  // Without a signed caller API Gateway would not have called the handler: fail closed all the same.
  if (!userArn.success) return undefined;
  const key = iamKeyOfArn(userArn.data.userArn);
  const mapping = key === undefined ? undefined : mappings.find((m) => iamKeyOfArn(m.arn) === key);
  if (!mapping) return { id: UNMAPPED_IAM_PRINCIPAL, kind: 'client', roles: [], mayDelegate: false };
  const isSystem = mapping.roles.includes('intake');
  return {
    id: mapping.id,
    kind: isSystem ? 'client' : 'user',
    roles: [...new Set(mapping.roles)],
    mayDelegate: isSystem && mapping.delegation === true,
  };
}

/**
 * The principal of a request, from whichever part of `requestContext` the deployment's authorization
 * fills: the authorizer's context (bearer tokens, on AWS and in the local gateway), or the IAM identity
 * mapped by IAM_PRINCIPALS. Undefined: the request is not authenticated (401).
 */
export function principalFromRequestContext(
  requestContext: { authorizer?: unknown; identity?: unknown } | undefined,
  authorization: ApiAuthorization,
): Omit<Principal, 'onBehalfOf'> | undefined {
  if (authorization.mode === 'iam') {
    return principalFromIamIdentity(requestContext?.identity, authorization.iamPrincipals);
  }
  return principalFromAuthorizer(requestContext?.authorizer);
}

let fromEnv: { source: string; authorization: ApiAuthorization } | undefined;

/** The functions' authorization settings, parsed once per distinct environment. */
export function currentApiAuthorization(): ApiAuthorization {
  const source = `${process.env.API_AUTHORIZATION ?? ''}\n${process.env.IAM_PRINCIPALS ?? ''}`;
  if (fromEnv?.source !== source) fromEnv = { source, authorization: apiAuthorizationFromEnv(process.env) };
  return fromEnv.authorization;
}
