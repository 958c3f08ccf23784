// Reading a customer's full phone number and name: only on an explicit request with a reason, only for a
// principal the permission table's `unmask` row allows (an agent on a complaint they own, supervisors and
// auditors on any), and recorded in the complaint's timeline before anything is answered.
import { VersionConflict } from '#domain/errors';
import { actingPartyOf, type Principal } from '#domain/permissions';
import { withPersonalDataRead } from '#domain/personal-data-access';
import { requirePermission } from './access.ts';
import { getComplaint } from './queries.ts';
import { saveNext, type ServiceDeps } from './service-deps.ts';

/** Attempts when the workflow or an action wrote in between. */
const MAX_ATTEMPTS = 5;
const RETRY_DELAY_MS = 100;

export interface RevealedPersonalData {
  complaintId: string;
  phone: string;
  name?: string;
  /** When the read was recorded (the timeline event's instant). */
  recordedAt: string;
}

export async function revealPersonalData(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  complaintId: string,
  principal: Principal,
  reason: string,
): Promise<RevealedPersonalData> {
  requirePermission(principal, 'unmask');
  for (let attempt = 1; ; attempt++) {
    const current = await getComplaint(deps, complaintId);
    const { role } = requirePermission(principal, 'unmask', current);
    const now = deps.clock.now();
    const at = now.toISOString();
    try {
      const saved = await saveNext(
        deps.store,
        current,
        withPersonalDataRead(current, actingPartyOf(principal), role, reason, at),
        now,
      );
      const { phone, name } = saved.customer;
      return { complaintId, phone, ...(name === undefined ? {} : { name }), recordedAt: at };
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }
}
