// The permission table applied: a refusal becomes the domain error the API maps to 403, or, for a
// complaint outside what the caller may see, the same "not found" an unknown id gets (a client learns
// nothing about complaints other systems registered).
import type { Complaint } from '#domain/complaint';
import { AccessDenied, ComplaintNotFound } from '#domain/errors';
import { decide, PERMISSIONS, type Decision, type Operation, type Principal } from '#domain/permissions';

const REASONS = {
  role: (operation: Operation) => `your roles may not ${PERMISSIONS[operation].what}`,
  'needs-delegation': (operation: Operation) =>
    `an upstream system may ${PERMISSIONS[operation].what} only on behalf of a named agent (delegation scope)`,
  'not-owner': (operation: Operation) => `only the complaint's owner may ${PERMISSIONS[operation].what}`,
} as const;

/** The allowing decision, or throws AccessDenied / ComplaintNotFound. */
export function requirePermission(
  principal: Principal,
  operation: Operation,
  complaint?: Pick<Complaint, 'id' | 'registeredBy' | 'owner'>,
): Extract<Decision, { allowed: true }> {
  const decision = decide(principal, operation, complaint);
  if (decision.allowed) return decision;
  if (decision.refusal === 'hidden') throw new ComplaintNotFound(complaint?.id ?? '');
  throw new AccessDenied(operation, REASONS[decision.refusal](operation));
}
