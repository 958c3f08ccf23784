// Caps on what callers can make a complaint accumulate, so no complaint (nor its audit trail) grows
// without bound whatever callers send: notes, review cycles and requests for information (each of which
// allows one customer reply). Reaching a cap answers 409, an over-long note 413; never a failed write.
import type { Complaint } from './complaint.ts';
import { ContentTooLarge, LimitReached } from './errors.ts';

export const COMPLAINT_LIMITS = {
  /** Notes per complaint. */
  notes: 1000,
  /** Characters per note (4,000 CJK characters are 12 KB in UTF-8). */
  noteChars: 4000,
  /** Review cycles (复核) per complaint: a low score or a reopen opens one. */
  reviewCycles: 10,
  /** Requests for information per complaint (each allows one customer reply). */
  infoRequests: 20,
} as const;

export function checkNote(c: Complaint, text: string): void {
  if (text.length > COMPLAINT_LIMITS.noteChars) {
    throw new ContentTooLarge('text', COMPLAINT_LIMITS.noteChars, text.length);
  }
  if ((c.eventCounts?.note ?? 0) >= COMPLAINT_LIMITS.notes) {
    throw new LimitReached('notes', COMPLAINT_LIMITS.notes);
  }
}

export function checkInfoRequest(c: Complaint): void {
  if ((c.eventCounts?.['info-requested'] ?? 0) >= COMPLAINT_LIMITS.infoRequests) {
    throw new LimitReached('requests for information', COMPLAINT_LIMITS.infoRequests);
  }
}

export function checkReviewCycle(c: Complaint): void {
  if ((c.reviewCycles ?? 0) >= COMPLAINT_LIMITS.reviewCycles) {
    throw new LimitReached('review cycles', COMPLAINT_LIMITS.reviewCycles);
  }
}
