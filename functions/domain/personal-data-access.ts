// Who may see a customer's full phone number and name, and the audit event every such read leaves (SPEC
// section 9: "unmask a phone (with a reason, audited)": an agent only on a complaint they own, supervisors
// and auditors on any; intake systems, admins and customers never). Pure.
import type { Complaint, Instant, TimelineEvent } from './complaint.ts';
import { withEvent } from './notices.ts';

/** Whoever asks, as authentication established them. */
export interface PersonalDataReader {
  id: string;
  roles: readonly string[];
}

/** The roles that may read any complaint's personal data. */
const ALWAYS = ['supervisor', 'auditor'] as const;

export function mayReadPersonalData(c: Pick<Complaint, 'owner'>, reader: PersonalDataReader): boolean {
  if (ALWAYS.some((role) => reader.roles.includes(role))) return true;
  return reader.roles.includes('agent') && c.owner !== undefined && c.owner === reader.id;
}

export const PERSONAL_DATA_READ_EVENT = 'personal-data-read';

/** The timeline event that records who read what, when and why. */
export function withPersonalDataRead(
  c: Complaint,
  reader: PersonalDataReader,
  reason: string,
  at: Instant,
): Complaint {
  const event: TimelineEvent = {
    at,
    type: PERSONAL_DATA_READ_EVENT,
    actor: reader.id,
    data: { reason, fields: ['phone', 'name'], roles: [...reader.roles] },
  };
  return withEvent(c, event);
}
