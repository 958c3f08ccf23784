// Registering a complaint: idempotent by Idempotency-Key, repeat detection, then the workflow's start.
// Every step is a single conditional write or an idempotent call, so a retried request (or a crash
// between steps) never creates a second complaint: the retry finds the key and finishes the job.
import type { NewComplaintInput } from '#domain/commands';
import type { Complaint } from '#domain/complaint';
import { ComplaintAlreadyExists, IdempotencyKeyReused, InvalidInput } from '#domain/errors';
import type { IdempotencyRecord } from '#domain/ports';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import { stageOpening } from '#domain/stage';
import {
  classificationOf,
  registerComplaint as newComplaint,
  validateReceivedAt,
} from '#domain/registration';
import { findRepeat, REPEAT_WINDOW_DAYS } from '#domain/repeat';
import { responsibleUnits } from './organisation.ts';
import { actingPartyOf, principalKey, type Principal } from '#domain/permissions';
import { requirePermission } from './access.ts';
import type { Incident } from '#domain/incidents';
import { afterIntake, linkOnIntake } from './incidents.ts';
import { clockContext, type ServiceDeps } from './service-deps.ts';

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface IdempotencyRequest {
  key: string;
  requestHash: string;
}

export async function registerComplaint(
  deps: ServiceDeps,
  input: NewComplaintInput,
  principal: Principal,
  idempotency?: IdempotencyRequest,
): Promise<{ complaint: Complaint; replayed: boolean }> {
  requirePermission(principal, 'register');
  const now = deps.clock.now();
  validateReceivedAt(input.receivedAt, now);
  let id = deps.newId();
  let claimed: IdempotencyRecord | undefined;
  if (idempotency) {
    claimed = {
      key: idempotency.key,
      requestHash: idempotency.requestHash,
      complaintId: id,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    };
    const record = await deps.store.claimIdempotencyKey(claimed);
    if (record.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReused(idempotency.key);
    if (record.complaintId !== id) {
      id = record.complaintId;
      const existing = await deps.store.get(id);
      if (existing) {
        await startWorkflow(deps, existing);
        return { complaint: existing, replayed: true };
      }
      // The first request claimed the key but has not stored the complaint (yet, or ever): finish its job.
    }
  }
  let complaint: Complaint;
  let incident: Incident | undefined;
  try {
    ({ complaint, incident } = await linkedToIncident(
      deps,
      await buildComplaint(deps, input, id, now, principal),
    ));
    await deps.store.create(complaint);
  } catch (error) {
    if (error instanceof InvalidInput && claimed?.complaintId === id) {
      // Refused for what the body says, before any complaint exists: the same body fails the same way, so
      // the key is given back and a corrected retry registers instead of meeting a 409.
      await deps.store.releaseIdempotencyKey(claimed);
      throw error;
    }
    if (!(error instanceof ComplaintAlreadyExists)) throw error;
    const existing = await deps.store.get(id);
    if (!existing) throw error;
    await startWorkflow(deps, existing);
    return { complaint: existing, replayed: true };
  }
  await startWorkflow(deps, complaint);
  if (incident) await recordIntakeLink(deps, incident, complaint);
  return { complaint, replayed: false };
}

/** The actor of links made by the incidents' rule. */
const INCIDENT_RULE_ACTOR = { actor: 'system' };

/**
 * A complaint an open mass incident explains is created linked to it (SPEC 13). The incidents are
 * consulted, never required: when they cannot be read the complaint registers unlinked, and the
 * incident's link-matching picks it up.
 */
async function linkedToIncident(
  deps: ServiceDeps,
  complaint: Complaint,
): Promise<{ complaint: Complaint; incident?: Incident }> {
  try {
    return await linkOnIntake(deps, complaint, INCIDENT_RULE_ACTOR);
  } catch (error) {
    deps.log.warn('incidents not consulted at intake', {
      complaintId: complaint.id,
      error: error instanceof Error ? error.name : String(error),
    });
    return { complaint };
  }
}

async function recordIntakeLink(deps: ServiceDeps, incident: Incident, complaint: Complaint): Promise<void> {
  try {
    await afterIntake(deps, incident, complaint, INCIDENT_RULE_ACTOR.actor);
  } catch (error) {
    // The complaint is linked already; link-matching writes the missing link item and notice.
    deps.log.warn('incident link item not recorded at intake', {
      complaintId: complaint.id,
      incidentId: incident.id,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}

/** A retried registration repeats the start, with the same input while the complaint is unchanged. */
function startWorkflow(deps: ServiceDeps, c: Complaint): Promise<void> {
  const { attempt } = c.execution;
  return deps.workflow.start(c.id, attempt, attempt === 0 ? stageOpening(c) : undefined);
}

async function buildComplaint(
  deps: ServiceDeps,
  input: NewComplaintInput,
  id: string,
  now: Date,
  principal: Principal,
): Promise<Complaint> {
  const phoneHash = await deps.hashPhone(input.customer.phone);
  const classification = classificationOf(input);
  const receivedAt = validateReceivedAt(input.receivedAt, now).toISOString();
  const since = new Date(Date.parse(receivedAt) - REPEAT_WINDOW_DAYS * 24 * 3600 * 1000).toISOString();
  const earlier = await deps.store.findByPhoneHash(phoneHash, since);
  const repeat = findRepeat(
    {
      phoneHash,
      category: classification.category,
      receivedAt,
      ...(input.trackingNumber ? { trackingNumber: input.trackingNumber } : {}),
    },
    earlier.filter((c) => c.id !== id),
  );
  const routed: NewComplaintInput = { ...input, ...(await responsibleUnits(deps, input)) };
  const complaint = newComplaint(
    routed,
    {
      id,
      shortId: shortComplaintNumber(id),
      phoneHash,
      ...(repeat ? { repeatOf: repeat.id } : {}),
      registeredBy: principalKey(principal),
      registrar: actingPartyOf(principal),
    },
    classification,
    clockContext(deps, now),
  );
  // Claimed before the complaint exists, so the token texts carry is the one the single create stores; a
  // retry that finds the complaint never gets here, and a token whose create lost stays unused (it opens
  // nothing: a link answers only when the complaint carries that very token).
  return { ...complaint, linkToken: await deps.store.issueLinkToken(id) };
}
