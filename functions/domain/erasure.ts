// A customer's erasure request (PIPL, SPEC section 9): who may make one, and what is left of a complaint
// afterwards. The facts (category, status, clocks, breaches, who did what and when) and the audit trail
// stay; the phone, name, push endpoint, link token and every free text the customer or staff wrote about
// them go. Pure: the use case finds the complaints, redacts the stored events and writes the result.
import { ERASED_EVENT_TYPE, ERASED_TEXT, PERSONAL_TEXT_KEYS } from './audit-trail.ts';
import type { Complaint, Instant, TimelineEvent } from './complaint.ts';
import { withEvent } from './notices.ts';

export interface ErasureFacts {
  /** The request's own reference (e.g. the operator's ticket number): recorded in the audit trail. */
  reference: string;
  by: string;
  at: Instant;
}

/** The complaint with the customer's personal data gone and an `erased` event recorded. */
export function anonymiseComplaint(c: Complaint, erasure: ErasureFacts): Complaint {
  const next: Complaint = {
    ...c,
    description: ERASED_TEXT,
    // No phone, no channel: nothing can be sent to the customer any more, texts still queued included.
    customer: { phone: '', locale: c.customer.locale, channels: [] },
    // The keyed hash goes too: the complaint drops out of the byPhone index and repeat detection.
    phoneHash: '',
    outbox: c.outbox.filter((n) => n.audience !== 'customer'),
    // Events not yet stored (a complaint read before the audit trail existed) are redacted as they go in.
    timeline: c.timeline.map(redactTimelineEvent),
    erasure: { at: erasure.at, reference: erasure.reference, by: erasure.by },
  };
  delete next.linkToken;
  if (c.resolution) next.resolution = { ...c.resolution, text: ERASED_TEXT };
  if (c.feedback) {
    const { comment: _comment, ...feedback } = c.feedback;
    next.feedback = feedback;
  }
  if (c.followUp?.outcome?.notes !== undefined) {
    next.followUp = { ...c.followUp, outcome: { ...c.followUp.outcome, notes: ERASED_TEXT } };
  }
  return withEvent(next, {
    at: erasure.at,
    type: ERASED_EVENT_TYPE,
    actor: erasure.by,
    data: { reference: erasure.reference },
  });
}

function redactTimelineEvent(event: TimelineEvent): TimelineEvent {
  if (!event.data) return event;
  const data = Object.fromEntries(
    Object.entries(event.data).map(([key, value]) => [
      key,
      PERSONAL_TEXT_KEYS.includes(key) && event.type !== 'closed' ? ERASED_TEXT : value,
    ]),
  );
  return { ...event, data };
}
