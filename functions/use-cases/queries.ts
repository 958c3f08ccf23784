// Reading complaints. No workflow involvement, no writes. The permission table decides what a caller may
// read: an intake system sees only the complaints it registered (others read as unknown).
import type { Complaint } from '#domain/complaint';
import { ComplaintNotFound } from '#domain/errors';
import { principalKey, seesOnlyOwn, type Principal } from '#domain/permissions';
import type { ComplaintPage, ComplaintQuery } from '#domain/ports';
import { requirePermission } from './access.ts';
import type { ServiceDeps } from './service-deps.ts';

export async function getComplaint(deps: Pick<ServiceDeps, 'store'>, id: string): Promise<Complaint> {
  const complaint = await deps.store.get(id);
  if (!complaint) throw new ComplaintNotFound(id);
  return complaint;
}

/** A complaint (or its timeline) as the caller may read it. */
export async function readComplaint(
  deps: Pick<ServiceDeps, 'store'>,
  id: string,
  principal: Principal,
): Promise<Complaint> {
  requirePermission(principal, 'read');
  const complaint = await getComplaint(deps, id);
  requirePermission(principal, 'read', complaint);
  return complaint;
}

export function listComplaints(
  deps: Pick<ServiceDeps, 'store'>,
  query: ComplaintQuery,
  principal: Principal,
): Promise<ComplaintPage> {
  requirePermission(principal, 'read');
  return deps.store.list(
    seesOnlyOwn(principal) ? { ...query, registeredBy: principalKey(principal) } : query,
  );
}
