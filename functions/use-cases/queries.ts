// Reading complaints. No workflow involvement, no writes.
import type { Complaint } from '#domain/complaint';
import { ComplaintNotFound } from '#domain/errors';
import type { ComplaintPage, ComplaintQuery } from '#domain/ports';
import type { ServiceDeps } from './service-deps.ts';

export async function getComplaint(deps: Pick<ServiceDeps, 'store'>, id: string): Promise<Complaint> {
  const complaint = await deps.store.get(id);
  if (!complaint) throw new ComplaintNotFound(id);
  return complaint;
}

export function listComplaints(
  deps: Pick<ServiceDeps, 'store'>,
  query: ComplaintQuery,
): Promise<ComplaintPage> {
  return deps.store.list(query);
}
