// People acting on a complaint. The action is committed to DynamoDB first (one conditional write that
// also advances the stage's sequence number), then the waiting workflow task is completed with the new
// stage. If the stage's timer fired at the same moment, the timer handler sees the advanced sequence and
// carries on with the committed stage, so the action is never lost and never applied twice.
import type { ComplaintAction, FeedbackInput } from '#domain/commands';
import type { Complaint } from '#domain/complaint';
import { Forbidden, VersionConflict, WorkflowNotReady } from '#domain/errors';
import { applyAction, applyFeedback, changesStatus } from '#domain/lifecycle';
import { workflowStagePlan } from '#domain/stage';
import { responsibleUnits, type Caller } from './organisation.ts';
import { getComplaint } from './queries.ts';
import { clockContext, saveNext, type ServiceDeps } from './service-deps.ts';

/** Attempts when a timer or another action wrote in between (only without a caller's expectedVersion). */
const MAX_ATTEMPTS = 5;
const RETRY_DELAY_MS = 150;

type Change = (c: Complaint, now: Date) => Complaint;

/** Actions SPEC 9 keeps for supervisors (the rest of its table arrives with authentication). */
const SUPERVISOR_ACTIONS: ReadonlySet<ComplaintAction['action']> = new Set(['reclassify']);

export async function actOnComplaint(
  deps: ServiceDeps,
  complaintId: string,
  action: ComplaintAction,
  expectedVersion?: number,
  caller?: Caller,
): Promise<Complaint> {
  if (SUPERVISOR_ACTIONS.has(action.action) && caller && !caller.roles.includes('supervisor')) {
    throw new Forbidden(`${action.action} needs the supervisor role`);
  }
  // The responsible outlet and region are the directory's: the region follows the outlet.
  const checked: ComplaintAction =
    action.action === 'route' && (action.outletId !== undefined || action.regionId !== undefined)
      ? { ...action, ...(await responsibleUnits(deps, action)) }
      : action;
  const change: Change = (c, now) => applyAction(c, checked, clockContext(deps, now));
  return commitChange(deps, complaintId, change, changesStatus(action.action), expectedVersion);
}

export function submitFeedback(
  deps: ServiceDeps,
  complaintId: string,
  feedback: FeedbackInput,
  actor: string,
  expectedVersion?: number,
): Promise<Complaint> {
  const change: Change = (c, now) => applyFeedback(c, feedback, actor, clockContext(deps, now));
  return commitChange(deps, complaintId, change, true, expectedVersion);
}

async function commitChange(
  deps: ServiceDeps,
  complaintId: string,
  change: Change,
  movesStage: boolean,
  expectedVersion: number | undefined,
): Promise<Complaint> {
  for (let attempt = 1; ; attempt++) {
    const current = await getComplaint(deps, complaintId);
    if (expectedVersion !== undefined && current.revision !== expectedVersion) {
      throw new VersionConflict(expectedVersion, current.revision);
    }
    const now = deps.clock.now();
    const next = change(current, now);
    const taskToken = current.stage.taskToken;
    try {
      if (!movesStage) return await saveNext(deps.store, current, next, now);
      // The workflow registers a token each time it enters a stage; without one it is between stages.
      if (!taskToken) throw new WorkflowNotReady(complaintId);
      const committed = await saveNext(
        deps.store,
        current,
        { ...next, pendingSignal: { taskToken, seq: next.stage.seq, at: now.toISOString() } },
        now,
      );
      await deliverSignal(deps, committed, taskToken, now);
      return committed;
    } catch (error) {
      const retryable =
        (error instanceof VersionConflict && expectedVersion === undefined) ||
        error instanceof WorkflowNotReady;
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }
}

/**
 * Completes the waiting task. The change is already committed, so a failure here is not the caller's:
 * the signal stays pending on the complaint and the reconciler (or the stage's own timer) delivers it.
 */
async function deliverSignal(
  deps: ServiceDeps,
  committed: Complaint,
  taskToken: string,
  now: Date,
): Promise<void> {
  try {
    await deps.workflow.resume(taskToken, {
      complaintId: committed.id,
      stage: workflowStagePlan(committed, now),
    });
  } catch (error) {
    deps.log.warn('workflow signal not delivered; left pending for the reconciler', {
      complaintId: committed.id,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}
