// Verifying a complaint's audit trail: every event read back from the store and its hash chain checked
// against the head the complaint keeps. Names the first broken link.
import { verifyChain, type ChainVerdict } from '#domain/audit-trail';
import { ComplaintNotFound } from '#domain/errors';
import type { Principal } from '#domain/permissions';
import { readComplaint } from './queries.ts';
import type { ServiceDeps } from './service-deps.ts';

export type AuditVerdict = ChainVerdict & { complaintId: string };

export async function verifyAuditTrail(
  deps: Pick<ServiceDeps, 'store'>,
  complaintId: string,
  principal: Principal,
): Promise<AuditVerdict> {
  // Whoever may read the complaint may check its trail (an intake system: only its own complaints).
  await readComplaint(deps, complaintId, principal);
  const trail = await deps.store.auditTrail(complaintId);
  if (!trail) throw new ComplaintNotFound(complaintId);
  return { complaintId, ...verifyChain(complaintId, trail.events, trail.head) };
}
