// Repeat complaints (SPEC section 8): the same customer (keyed phone hash) complaining again about the same
// tracking number, or in the same category, within 30 days. Repeats are at least urgent. Pure.
import type { Category, Complaint } from './complaint.ts';

export const REPEAT_WINDOW_DAYS = 30;
const REPEAT_WINDOW_MS = REPEAT_WINDOW_DAYS * 24 * 60 * 60 * 1000;

export interface RepeatCandidate {
  phoneHash: string;
  trackingNumber?: string;
  category: Category;
  /** ISO 8601 instant the new complaint was received. */
  receivedAt: string;
}

/**
 * The earlier complaint the candidate repeats: one by the same phone hash received at most 30 days (to the
 * millisecond) before the candidate, and not after it. A tracking-number match is preferred over a
 * category match; among several, the most recent. `earlier` must not contain the candidate itself.
 */
export function findRepeat(candidate: RepeatCandidate, earlier: readonly Complaint[]): Complaint | undefined {
  const receivedAt = Date.parse(candidate.receivedAt);
  const sameCustomer = earlier.filter(
    (complaint) =>
      complaint.phoneHash === candidate.phoneHash &&
      withinWindow(Date.parse(complaint.receivedAt), receivedAt),
  );
  const tracking = candidate.trackingNumber && trackingKey(candidate.trackingNumber);
  const sameParcel = tracking
    ? sameCustomer.filter(
        (complaint) => complaint.trackingNumber && trackingKey(complaint.trackingNumber) === tracking,
      )
    : [];
  return (
    mostRecent(sameParcel) ??
    mostRecent(sameCustomer.filter((complaint) => complaint.category === candidate.category))
  );
}

/** Unparseable instants compare false and so never match. */
function withinWindow(earlierAt: number, candidateAt: number): boolean {
  const age = candidateAt - earlierAt;
  return age >= 0 && age <= REPEAT_WINDOW_MS;
}

/** Upstream systems write tracking numbers with spaces, dashes and either case. */
function trackingKey(trackingNumber: string): string {
  return trackingNumber.replace(/[\s-]/g, '').toUpperCase();
}

/** Latest receivedAt; ties go to the later registration, then the greater id, so the answer is stable. */
function mostRecent(complaints: readonly Complaint[]): Complaint | undefined {
  let latest: Complaint | undefined;
  for (const complaint of complaints) {
    if (!latest || isLater(complaint, latest)) latest = complaint;
  }
  return latest;
}

function isLater(a: Complaint, b: Complaint): boolean {
  const byReceived = Date.parse(a.receivedAt) - Date.parse(b.receivedAt);
  if (byReceived !== 0) return byReceived > 0;
  const byCreated = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byCreated !== 0) return byCreated > 0;
  return a.id > b.id;
}
