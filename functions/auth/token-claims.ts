// What a verified access token says about its bearer. Tokens follow Amazon Cognito's access tokens,
// whichever issuer signed them (the user pool on AWS, the embedded stack's own issuer locally):
// `token_use: access`, `client_id`, `exp`; a staff user's token carries `username` and `cognito:groups`;
// an upstream system's (OAuth client credentials) carries `scope` with the resource server's scopes.
import * as z from 'zod';
import {
  PRINCIPAL_ID,
  STAFF_ROLES,
  type Principal,
  type PrincipalRole,
  type StaffRole,
} from '#domain/permissions';

/** Resource-server scope of upstream systems that register complaints (role `intake`). */
export const INTAKE_SCOPE = 'intake';
/** Resource-server scope of systems that act for their own logged-in agents (X-On-Behalf-Of). */
export const DELEGATION_SCOPE = 'act-for-agent';
/** The resource server's identifier: scopes read `complaints/intake`. */
export const DEFAULT_RESOURCE_SERVER = 'complaints';

/** Which tokens the API accepts: configuration, the same code on AWS and locally. */
export interface TokenPolicy {
  issuer: string;
  jwksUri: string;
  /** App clients whose tokens are accepted; undefined: any client of the issuer. */
  clientIds?: readonly string[];
  resourceServer: string;
}

export class TokenPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenPolicyError';
  }
}

/** AUTH_ISSUER (required), AUTH_JWKS_URI (default: the issuer's /.well-known/jwks.json), AUTH_CLIENT_IDS
 * (comma-separated, optional), AUTH_RESOURCE_SERVER (default `complaints`). */
export function tokenPolicyFromEnv(env: Record<string, string | undefined>): TokenPolicy {
  const issuer = env.AUTH_ISSUER?.trim();
  if (!issuer || !URL.canParse(issuer)) {
    throw new TokenPolicyError('AUTH_ISSUER must be the URL of the token issuer');
  }
  const jwksUri = env.AUTH_JWKS_URI?.trim() || `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  if (!URL.canParse(jwksUri)) throw new TokenPolicyError('AUTH_JWKS_URI must be a URL');
  const clientIds = env.AUTH_CLIENT_IDS?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    issuer,
    jwksUri,
    ...(clientIds && clientIds.length > 0 ? { clientIds } : {}),
    resourceServer: env.AUTH_RESOURCE_SERVER?.trim() || DEFAULT_RESOURCE_SERVER,
  };
}

const claimsSchema = z.looseObject({
  token_use: z.literal('access'),
  client_id: z.string().regex(PRINCIPAL_ID),
  exp: z.number(),
  username: z.string().regex(PRINCIPAL_ID).optional(),
  'cognito:groups': z.array(z.string()).optional(),
  scope: z.string().optional(),
});

/** A token that verified but does not describe a principal this API knows. */
export class UnusableToken extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnusableToken';
  }
}

const isStaffRole = (group: string): group is StaffRole => (STAFF_ROLES as readonly string[]).includes(group);

/** The principal of a verified token's claims; throws UnusableToken when they do not make one. */
export function principalFromClaims(claims: unknown, policy: TokenPolicy): Omit<Principal, 'onBehalfOf'> {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) {
    throw new UnusableToken(`not an access token of this API: ${parsed.error.issues[0]?.path.join('.')}`);
  }
  const token = parsed.data;
  if (policy.clientIds && !policy.clientIds.includes(token.client_id)) {
    throw new UnusableToken('issued to an app client this API does not accept');
  }
  if (token.username !== undefined) {
    const roles: PrincipalRole[] = [...new Set((token['cognito:groups'] ?? []).filter(isStaffRole))];
    return { id: token.username, kind: 'user', roles, mayDelegate: false };
  }
  const scopes = new Set((token.scope ?? '').split(' ').filter((s) => s !== ''));
  const scoped = (name: string) => scopes.has(`${policy.resourceServer}/${name}`);
  return {
    id: token.client_id,
    kind: 'client',
    roles: scoped(INTAKE_SCOPE) ? ['intake'] : [],
    mayDelegate: scoped(DELEGATION_SCOPE),
  };
}
