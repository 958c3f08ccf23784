// A customer's erasure request (PIPL): every complaint found through the keyed hash of their phone number
// is anonymised, its stored events redacted and its link token revoked; facts, clocks and the audit trail
// stay, with an `erased` event. Each complaint's last step is its one conditional write, which also takes
// it out of the byPhone index, so a request cut short is finished by asking again, and a request for a
// customer already erased finds nothing and changes nothing. The complaint's files (the customer's photos,
// staff evidence) are deleted from the bucket before that write.
import { anonymiseComplaint } from '#domain/erasure';
import { InvalidInput, VersionConflict } from '#domain/errors';
import type { Principal } from '#domain/permissions';
import { normalizePhone } from '#domain/phone';
import { requirePermission } from './access.ts';
import { eraseAttachments, type AttachmentDeps } from './attachments.ts';
import { getComplaint } from './queries.ts';
import { saveNext, type ServiceDeps } from './service-deps.ts';

export interface ErasureRequest {
  phone: string;
  /** The operator's reference for the request (ticket number), kept in the audit trail. */
  reference: string;
}

export interface ErasureOutcome {
  reference: string;
  /** Complaints anonymised by this request. */
  complaintIds: string[];
  /** false: nothing of this customer was left to erase (a repeated request, or no complaint at all). */
  changed: boolean;
}

export type ErasureDeps = ServiceDeps & Pick<AttachmentDeps, 'files' | 'attachments'>;

/** Everything since the epoch: erasure covers every complaint, however old. */
const ALL_TIME = '1970-01-01T00:00:00.000Z';
const MAX_ATTEMPTS = 5;

export async function eraseCustomer(
  deps: ErasureDeps,
  requester: Principal,
  request: ErasureRequest,
): Promise<ErasureOutcome> {
  requirePermission(requester, 'erasure');
  const phone = normalizePhone(request.phone);
  if (phone === undefined) {
    throw new InvalidInput('phone is not a phone number', [
      { path: 'phone', message: 'must be a mainland mobile number or an E.164 number' },
    ]);
  }
  const found = await deps.store.findByPhoneHash(await deps.hashPhone(phone), ALL_TIME);
  const complaintIds: string[] = [];
  for (const complaint of found) {
    if (await eraseComplaint(deps, complaint.id, requester, request.reference)) {
      complaintIds.push(complaint.id);
    }
  }
  return { reference: request.reference, complaintIds, changed: complaintIds.length > 0 };
}

async function eraseComplaint(
  deps: ErasureDeps,
  complaintId: string,
  requester: Principal,
  reference: string,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await getComplaint(deps, complaintId);
    if (current.erasure) return false;
    const now = deps.clock.now();
    const at = now.toISOString();
    // Everything before the commit is idempotent: the last change's events become items, then every item
    // loses its personal text, then the link stops opening anything.
    await deps.store.flushEvents(current);
    await deps.store.redactEvents(current, reference, at);
    if (current.linkToken) await deps.store.revokeLinkToken(current.linkToken);
    await eraseAttachments(deps, complaintId, at);
    const erased = anonymiseComplaint(current, { reference, by: requester.id, at });
    try {
      await saveNext(deps.store, current, erased, now);
      return true;
    } catch (error) {
      // Someone wrote in between (perhaps new events with personal text): redact again, then commit.
      if (!(error instanceof VersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
