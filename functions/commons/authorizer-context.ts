// The contract between the API's authorizer (functions/auth/authorizer.ts) and the handlers: what API
// Gateway hands on as `requestContext.authorizer`. A Lambda authorizer's context holds only strings,
// numbers and booleans (API Gateway turns them all into strings), so roles travel space-separated.
import * as z from 'zod';
import { PRINCIPAL_ROLES, type Principal, type PrincipalRole } from '#domain/permissions';

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
