// Reading complaints. No workflow involvement, no writes. The permission table decides what a caller may
// read: an intake system sees only the complaints it registered (others read as unknown).
import type { Complaint } from '#domain/complaint';
import { ComplaintNotFound } from '#domain/errors';
import { principalKey, seesOnlyOwn, type Principal } from '#domain/permissions';
import type { ComplaintPage, ComplaintQuery, TimelinePage } from '#domain/ports';
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
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  query: ComplaintQuery,
  principal: Principal,
): Promise<ComplaintPage> {
  requirePermission(principal, 'read');
  // An overdue worklist is judged now (the deadlines of SPEC sections 4 and 11 are instants).
  const overdue = query.followUp === 'overdue' || query.payment === 'overdue';
  const asOf = overdue ? { asOf: deps.clock.now().toISOString() } : {};
  return deps.store.list(
    seesOnlyOwn(principal)
      ? { ...query, ...asOf, registeredBy: principalKey(principal) }
      : { ...query, ...asOf },
  );
}

/** A page of the complaint's timeline, oldest first (the audit trail's events as people read them). */
export async function readTimeline(
  deps: Pick<ServiceDeps, 'store'>,
  id: string,
  page: { limit: number; cursor?: string },
): Promise<TimelinePage> {
  const found = await deps.store.timeline(id, page);
  if (!found) throw new ComplaintNotFound(id);
  return found;
}

/** A page of the timeline of a complaint the caller may read. */
export async function readComplaintTimeline(
  deps: Pick<ServiceDeps, 'store'>,
  id: string,
  principal: Principal,
  page: { limit: number; cursor?: string },
): Promise<TimelinePage> {
  await readComplaint(deps, id, principal);
  return readTimeline(deps, id, page);
}

/** Events one read of the whole history asks for at a time. */
const HISTORY_PAGE = 500;

/** The complaint with its whole history in `timeline` (for views that show it, such as the customer's). */
export async function withHistory(
  deps: Pick<ServiceDeps, 'store'>,
  complaint: Complaint,
): Promise<Complaint> {
  const timeline = [];
  let cursor: string | undefined;
  do {
    const page = await readTimeline(deps, complaint.id, {
      limit: HISTORY_PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    timeline.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { ...complaint, timeline };
}
