// The audit event every read of a customer's full phone number and name leaves (SPEC section 9: "unmask a
// phone (with a reason, audited)"). Who may read is the permission table's `unmask` row
// (permissions.ts); this module only records the read. Pure.
import type { Complaint, Instant, TimelineEvent } from './complaint.ts';
import { withEvent } from './notices.ts';
import type { ActingParty, PrincipalRole } from './permissions.ts';

export const PERSONAL_DATA_READ_EVENT = 'personal-data-read';

/**
 * The timeline event that records who read what, when and why. `role` is the role that allowed the read.
 * The reason is free text (kept apart from the chain's facts and erased with the customer's data).
 */
export function withPersonalDataRead(
  c: Complaint,
  reader: ActingParty,
  role: PrincipalRole,
  reason: string,
  at: Instant,
): Complaint {
  const event: TimelineEvent = {
    at,
    type: PERSONAL_DATA_READ_EVENT,
    actor: reader.actor,
    ...(reader.client === undefined ? {} : { client: reader.client }),
    data: { reason, fields: ['phone', 'name'], role },
  };
  return withEvent(c, event);
}
