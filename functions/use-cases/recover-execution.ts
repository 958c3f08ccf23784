// Self-healing: a complaint's execution ended while the complaint is open (its status change event, the
// reconciler, or an action that found it stopped says so). Restart it, with backoff after failures, or
// park the complaint for an operator once it keeps failing; and the operator's retry after a fix.
import type { Complaint, NeedsOperator } from '#domain/complaint';
import { planRecovery, retryParked, type ExecutionEnd } from '#domain/execution';
import { dispatchOutbox, withRetries } from './stage-workflow.ts';
import { saveNext, type ServiceDeps } from './service-deps.ts';

export type RecoveryOutcome =
  /** A new execution was started (it may wait out a backoff first). */
  | 'restarted'
  /** The complaint now waits for an operator. */
  | 'parked'
  /** Waiting for an operator already: nothing restarts it but a retry. */
  | 'needs-operator'
  /** Closed, unknown, or driven by another attempt than the one that ended: nothing to do. */
  | 'ignored';

export interface EndedExecution {
  attempt: number;
  status: ExecutionEnd;
  /** The States-language error name (never a cause text: it may hold personal data). */
  error?: string;
}

/**
 * Idempotent per ended attempt: the first call moves the complaint to the next attempt, so a repeated
 * event for the same attempt finds another attempt in charge and does nothing.
 */
export function recoverExecution(
  deps: ServiceDeps,
  complaintId: string,
  ended: EndedExecution,
  options: { immediate?: boolean } = {},
): Promise<RecoveryOutcome> {
  return withRetries(async () => {
    const current = await deps.store.get(complaintId);
    if (!current || current.status === 'closed') return 'ignored';
    if (current.execution.attempt !== ended.attempt) return 'ignored';
    if (current.needsOperator) return 'needs-operator';
    const now = deps.clock.now();
    const end = ended.error ? { status: ended.status, error: ended.error } : { status: ended.status };
    const recovery = planRecovery(current, end, now, deps.restartPolicy, options);
    if (recovery.kind === 'park') {
      await park(deps, current, recovery.complaint, now);
      return 'parked';
    }
    await saveNext(deps.store, current, recovery.complaint, now);
    await deps.workflow.start(complaintId, recovery.attempt, undefined, recovery.resumeAt);
    return 'restarted';
  });
}

async function park(deps: ServiceDeps, current: Complaint, parked: Complaint, now: Date): Promise<void> {
  const since = parked.needsOperator?.since ?? now.toISOString();
  // Listed first: a listed complaint that is not parked is skipped by readers, a parked one never unlisted.
  await deps.operations.markNeedsOperator(current.id, since);
  // The staff alert goes out now: no stage of a parked complaint will dispatch it.
  await dispatchOutbox(deps, parked, now);
  await saveNext(deps.store, current, { ...parked, outbox: [] }, now);
  deps.log.error('complaint workflow parked for an operator', {
    complaintId: current.id,
    reason: parked.needsOperator?.reason,
  });
}

export type RetryOutcome = 'restarted' | 'not-parked' | 'not-found';

/** An operator fixed the cause: the parked complaint gets a fresh execution that reopens its stage. */
export function retryNeedsOperator(
  deps: ServiceDeps,
  complaintId: string,
  actor: string,
): Promise<RetryOutcome> {
  return withRetries(async () => {
    const current = await deps.store.get(complaintId);
    if (!current) return 'not-found';
    if (!current.needsOperator) {
      // Unlisted already, or a listing left behind by a park that never saved.
      await deps.operations.clearNeedsOperator(complaintId);
      return 'not-parked';
    }
    const now = deps.clock.now();
    const { complaint, attempt } = retryParked(current, actor, now);
    await saveNext(deps.store, current, complaint, now);
    await deps.workflow.start(complaintId, attempt);
    await deps.operations.clearNeedsOperator(complaintId);
    return 'restarted';
  });
}

export interface ParkedComplaint {
  id: string;
  shortId: string;
  status: Complaint['status'];
  needsOperator: NeedsOperator;
}

/** Every complaint waiting for an operator, longest waiting first. */
export async function listNeedsOperator(deps: ServiceDeps): Promise<ParkedComplaint[]> {
  const listed: ParkedComplaint[] = [];
  for (const id of await deps.operations.needsOperator()) {
    const c = await deps.store.get(id);
    if (c?.needsOperator) {
      listed.push({ id: c.id, shortId: c.shortId, status: c.status, needsOperator: c.needsOperator });
    }
  }
  return listed;
}
