// The customer's link (the token in the answered and info-requested texts): open the complaint it was
// issued for, reply to an information request through it (text and a few photos), and rate the answer.
// The token is the only credential, so a link answers only when its complaint carries that very token.
// A closed complaint's link still shows the outcome; it only takes no new input. Sending the same reply
// or rating again (a double tap, a reload) is answered as the first was, never as "link expired".
import { ATTACHMENT_LIMITS, checkReplyAttachments, type Attachment } from '#domain/attachments';
import type { FeedbackInput } from '#domain/commands';
import type { Complaint } from '#domain/complaint';
import { TransitionNotAllowed } from '#domain/errors';
import { actionsFor } from '#domain/lifecycle';
import { isLinkTokenFormat } from '#domain/link-token';
import { CUSTOMER_ACTOR } from '#domain/permissions';
import { replyForCustomer, submitFeedback } from './act-on-complaint.ts';
import { acceptUploads, requestUpload, type AttachmentDeps, type AttachmentUpload } from './attachments.ts';
import { getComplaint, withHistory } from './queries.ts';
import type { ServiceDeps } from './service-deps.ts';

/** What a link opens: its complaint (open or closed, with its history), or nothing (never issued). */
export type LinkLookup = { kind: 'open'; complaint: Complaint } | { kind: 'unknown' };
/**
 * A rating through a link: recorded now or before (the complaint as it now is), the link does not open,
 * or the complaint closed without this rating (the link takes no input any more).
 */
export type LinkRating = { kind: 'rated'; complaint: Complaint } | { kind: 'unknown' } | { kind: 'closed' };
/** A reply through a link: recorded now or before, the link does not open, or the complaint is closed. */
export type LinkReply = { kind: 'replied'; complaint: Complaint } | { kind: 'unknown' } | { kind: 'closed' };

export interface LinkReplyInput {
  message: string;
  attachmentIds?: string[];
}

export async function complaintByLink(deps: Pick<ServiceDeps, 'store'>, token: string): Promise<LinkLookup> {
  // A malformed token was never issued: no read needed to say so.
  if (!isLinkTokenFormat(token)) return { kind: 'unknown' };
  const complaintId = await deps.store.linkedComplaintId(token);
  const complaint = complaintId === undefined ? undefined : await deps.store.get(complaintId);
  // A token claimed by a registration whose create lost to a retry belongs to no complaint: it opens nothing.
  if (complaint?.linkToken !== token) return { kind: 'unknown' };
  // The view shows the customer-facing part of the history: read it from the audit trail.
  return { kind: 'open', complaint: await withHistory(deps, complaint) };
}

/** The rating this complaint already holds from the customer, if it is this one. */
const alreadyRated = (c: Complaint, feedback: FeedbackInput): boolean =>
  c.feedback?.score === feedback.score && (c.feedback.comment ?? '') === (feedback.comment ?? '');

/** Records the customer's rating (4-5 closes as satisfied, 3 as neutral, 1-2 opens a review); refused outside awaiting-feedback. */
export async function rateThroughLink(
  deps: ServiceDeps,
  token: string,
  feedback: FeedbackInput,
): Promise<LinkRating> {
  const found = await complaintByLink(deps, token);
  if (found.kind !== 'open') return found;
  const { complaint } = found;
  if (complaint.status !== 'awaiting-feedback') {
    if (alreadyRated(complaint, feedback)) return { kind: 'rated', complaint };
    if (complaint.status === 'closed') return { kind: 'closed' };
  }
  try {
    const rated = await submitFeedback(deps, complaint.id, feedback, { via: 'link' });
    return { kind: 'rated', complaint: await withHistory(deps, rated) };
  } catch (error) {
    if (!(error instanceof TransitionNotAllowed)) throw error;
    // A second tap lost the race to the first: the first recorded this very rating.
    const now = await withHistory(deps, await getComplaint(deps, complaint.id));
    if (alreadyRated(now, feedback)) return { kind: 'rated', complaint: now };
    if (now.status === 'closed') return { kind: 'closed' };
    throw error;
  }
}

/** The customer's last reply recorded in the history, when it says exactly this. */
function alreadyReplied(c: Complaint, reply: LinkReplyInput): boolean {
  const last = c.timeline.findLast((e) => e.type === 'customer-replied');
  const ids = (last?.data?.attachmentIds as string[] | undefined) ?? [];
  return (
    last !== undefined &&
    last.data?.message === reply.message &&
    ids.join(',') === (reply.attachmentIds ?? []).join(',')
  );
}

/**
 * Records the customer's reply to an information request, with the photos uploaded for it (each checked
 * by content before it is accepted). Only while the complaint waits for the customer.
 */
export async function replyThroughLink(
  deps: AttachmentDeps,
  token: string,
  reply: LinkReplyInput,
): Promise<LinkReply> {
  const found = await complaintByLink(deps, token);
  if (found.kind !== 'open') return found;
  const { complaint } = found;
  if (complaint.status !== 'pending-customer') return settledReply(complaint, reply);
  const attachmentIds = reply.attachmentIds ?? [];
  checkReplyAttachments(attachmentIds);
  await acceptUploads(deps, complaint.id, attachmentIds, 'customer');
  try {
    const replied = await replyForCustomer(deps, complaint.id, {
      message: reply.message,
      ...(attachmentIds.length ? { attachmentIds } : {}),
    });
    return { kind: 'replied', complaint: await withHistory(deps, replied) };
  } catch (error) {
    if (!(error instanceof TransitionNotAllowed)) throw error;
    return settledReply(await withHistory(deps, await getComplaint(deps, complaint.id)), reply);
  }
}

/** The complaint no longer waits for a reply: this very reply was recorded (a repeat), or it is refused. */
function settledReply(complaint: Complaint, reply: LinkReplyInput): LinkReply {
  if (alreadyReplied(complaint, reply)) return { kind: 'replied', complaint };
  if (complaint.status === 'closed') return { kind: 'closed' };
  throw new TransitionNotAllowed('customer-reply', complaint.status, actionsFor(complaint));
}

/** A presigned upload for one photo of the customer's reply (only while the complaint waits for one). */
export async function uploadThroughLink(
  deps: AttachmentDeps,
  token: string,
  request: { contentType: string; size: number },
): Promise<AttachmentUpload | Exclude<LinkReply, { kind: 'replied' }>> {
  const found = await complaintByLink(deps, token);
  if (found.kind !== 'open') return found;
  const { complaint } = found;
  if (complaint.status === 'closed') return { kind: 'closed' };
  if (complaint.status !== 'pending-customer') {
    throw new TransitionNotAllowed('customer-reply', complaint.status, actionsFor(complaint));
  }
  const uploadedBy: Attachment['uploadedBy'] = { actor: CUSTOMER_ACTOR };
  return requestUpload(deps, complaint, request, 'customer', uploadedBy);
}

export const MAX_REPLY_PHOTOS = ATTACHMENT_LIMITS.perReply;
