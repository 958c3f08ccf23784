// The customer's link (the token in the answered and info-requested texts): open the complaint it was
// issued for, and rate the answer through it. The token is the only credential, so a link answers only
// while its complaint is open, and only when the complaint carries that very token.
import type { FeedbackInput } from '#domain/commands';
import type { Complaint } from '#domain/complaint';
import { TransitionNotAllowed } from '#domain/errors';
import { isLinkTokenFormat } from '#domain/link-token';
import { submitFeedback } from './act-on-complaint.ts';
import { withHistory } from './queries.ts';
import type { ServiceDeps } from './service-deps.ts';

/** What a link opens: its open complaint; nothing (never issued); or a complaint that has closed. */
export type LinkLookup = { kind: 'open'; complaint: Complaint } | { kind: 'unknown' } | { kind: 'closed' };
/** A rating through a link: recorded (the complaint as it now is: closed or in review), or the link does not open. */
export type LinkRating = { kind: 'rated'; complaint: Complaint } | Exclude<LinkLookup, { kind: 'open' }>;

export async function complaintByLink(deps: Pick<ServiceDeps, 'store'>, token: string): Promise<LinkLookup> {
  // A malformed token was never issued: no read needed to say so.
  if (!isLinkTokenFormat(token)) return { kind: 'unknown' };
  const complaintId = await deps.store.linkedComplaintId(token);
  const complaint = complaintId === undefined ? undefined : await deps.store.get(complaintId);
  // A token claimed by a registration whose create lost to a retry belongs to no complaint: it opens nothing.
  if (complaint?.linkToken !== token) return { kind: 'unknown' };
  if (complaint.status === 'closed') return { kind: 'closed' };
  // The view shows the customer-facing part of the history: read it from the audit trail.
  return { kind: 'open', complaint: await withHistory(deps, complaint) };
}

/** Records the customer's rating (4-5 closes as satisfied, 3 as neutral, 1-2 opens a review); refused outside awaiting-feedback. */
export async function rateThroughLink(
  deps: ServiceDeps,
  token: string,
  feedback: FeedbackInput,
): Promise<LinkRating> {
  const found = await complaintByLink(deps, token);
  if (found.kind !== 'open') return found;
  try {
    const rated = await submitFeedback(deps, found.complaint.id, feedback, { via: 'link' });
    return { kind: 'rated', complaint: await withHistory(deps, rated) };
  } catch (error) {
    // Closed between the read and the rating (the rating window ran out, or a second rating won): spent.
    if (error instanceof TransitionNotAllowed && error.details.status === 'closed') return { kind: 'closed' };
    throw error;
  }
}
