// People acting on a complaint. The action is committed to DynamoDB first (one conditional write that
// also advances the stage's sequence number), then the waiting workflow task is completed with the new
// stage. If the stage's timer fired at the same moment, the timer handler sees the advanced sequence and
// carries on with the committed stage, so the action is never lost and never applied twice. If the
// complaint's execution is not running any more (stopped by an operator, failed, lost), the action is
// committed all the same and a new execution opens the committed stage.
import type { ActionRequest, ComplaintAction, FeedbackInput, FeedbackSource } from '#domain/commands';
import type { Complaint } from '#domain/complaint';
import { VersionConflict, WorkflowNotReady } from '#domain/errors';
import { isFailure } from '#domain/execution';
import { applyAction, applyFeedback, changesStatus } from '#domain/lifecycle';
import {
  ACTION_OPERATION,
  actingPartyOf,
  CUSTOMER_ACTOR,
  recordedForCustomer,
  type Principal,
} from '#domain/permissions';
import { requirePermission } from './access.ts';
import { workflowStagePlan } from '#domain/stage';
import { responsibleUnits } from './organisation.ts';
import { getComplaint } from './queries.ts';
import { recoverExecution } from './recover-execution.ts';
import { clockContext, saveNext, type ServiceDeps } from './service-deps.ts';
import { dispatchOutbox } from './stage-workflow.ts';

/** Attempts when a timer or another action wrote in between (only without a caller's expectedVersion). */
const MAX_ATTEMPTS = 5;
const RETRY_DELAY_MS = 150;

type Change = (c: Complaint, now: Date) => Complaint;

/**
 * A principal's action. The permission table decides on the complaint as read (who registered it, who
 * owns it), and the timeline names the principal (for a delegating system, the agent and the system).
 */
export async function actOnComplaint(
  deps: ServiceDeps,
  complaintId: string,
  request: ActionRequest,
  principal: Principal,
  expectedVersion?: number,
): Promise<Complaint> {
  const operation = ACTION_OPERATION[request.action];
  requirePermission(principal, operation);
  // The responsible outlet and region are the directory's: the region follows the outlet.
  const checked: ActionRequest =
    request.action === 'route' && (request.outletId !== undefined || request.regionId !== undefined)
      ? { ...request, ...(await responsibleUnits(deps, request)) }
      : request;
  const change: Change = (c, now) => {
    const decision = requirePermission(principal, operation, c);
    const party =
      operation === 'customer-reply' ? recordedForCustomer(principal, decision) : actingPartyOf(principal);
    const action = { ...checked, ...party } as ComplaintAction;
    return applyAction(c, action, clockContext(deps, now));
  };
  const guard = (c: Complaint) => requirePermission(principal, operation, c);
  return commitChange(deps, complaintId, change, changesStatus(request.action), expectedVersion, guard);
}

/** A score an intake system collected from the customer (over the phone, in its app). */
export function recordCollectedFeedback(
  deps: ServiceDeps,
  complaintId: string,
  feedback: FeedbackInput,
  principal: Principal,
  expectedVersion?: number,
): Promise<Complaint> {
  requirePermission(principal, 'feedback');
  const guard = (c: Complaint) => requirePermission(principal, 'feedback', c);
  return submitFeedback(
    deps,
    complaintId,
    feedback,
    { via: 'intake', client: principal.id },
    expectedVersion,
    guard,
  );
}

/** The customer's own reply through their link: the customer is the actor, no system carried it. */
export function replyForCustomer(
  deps: ServiceDeps,
  complaintId: string,
  reply: { message: string; attachmentIds?: string[] },
): Promise<Complaint> {
  const change: Change = (c, now) =>
    applyAction(c, { action: 'customer-reply', actor: CUSTOMER_ACTOR, ...reply }, clockContext(deps, now));
  return commitChange(deps, complaintId, change, changesStatus('customer-reply'), undefined);
}

export function submitFeedback(
  deps: ServiceDeps,
  complaintId: string,
  feedback: FeedbackInput,
  source: FeedbackSource,
  expectedVersion?: number,
  guard: (c: Complaint) => unknown = () => undefined,
): Promise<Complaint> {
  const change: Change = (c, now) => applyFeedback(c, feedback, source, clockContext(deps, now));
  return commitChange(deps, complaintId, change, true, expectedVersion, guard);
}

/**
 * Commits a change to a complaint the way every action does (read, change, one conditional write, then
 * the waiting stage task is completed with the new stage); the mass-incident use cases resolve through it.
 */
export async function commitChange(
  deps: ServiceDeps,
  complaintId: string,
  change: Change,
  movesStage: boolean,
  expectedVersion: number | undefined,
  /** Refuses the caller on the complaint as read (before its version is compared: nothing leaks). */
  guard: (c: Complaint) => unknown = () => undefined,
): Promise<Complaint> {
  for (let attempt = 1; ; attempt++) {
    const current = await getComplaint(deps, complaintId);
    guard(current);
    if (expectedVersion !== undefined && current.revision !== expectedVersion) {
      throw new VersionConflict(expectedVersion, current.revision);
    }
    const now = deps.clock.now();
    const next = change(current, now);
    const taskToken = current.stage.taskToken;
    try {
      if (!movesStage) {
        const saved = await saveNext(deps.store, current, next, now);
        if (saved.outbox.length > current.outbox.length) return await sendOwed(deps, saved, now);
        return saved;
      }
      // The workflow registers a token each time it enters a stage; without one it is between stages,
      // or its execution ended (stopped, failed, lost): then the action is committed and it restarts.
      if (!taskToken) {
        if (current.needsOperator || (await deps.workflow.isRunning(complaintId, current.execution.attempt)))
          throw new WorkflowNotReady(complaintId);
        const committed = await saveNext(deps.store, current, next, now);
        await restartStopped(deps, committed);
        return committed;
      }
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
 * An action that keeps the stage but owes the customer a text (a claim offered or paid, possibly on a
 * closed complaint, whose workflow has ended): hand the outbox to delivery now rather than at the next
 * stage. Delivery is idempotent per key, so the workflow dispatching the same entries does no harm; if
 * another write wins the race to clear the outbox, the entries stay for the workflow or the reconciler.
 */
async function sendOwed(deps: ServiceDeps, saved: Complaint, now: Date): Promise<Complaint> {
  try {
    await dispatchOutbox(deps, saved, now);
    return await saveNext(deps.store, saved, { ...saved, outbox: [] }, now);
  } catch (error) {
    deps.log.warn('texts of an action left for the workflow to send', {
      complaintId: saved.id,
      error: error instanceof Error ? error.name : String(error),
    });
    return saved;
  }
}

/**
 * Completes the waiting task. The change is already committed, so a failure here is not the caller's:
 * the signal stays pending on the complaint and the reconciler (or the stage's own timer) delivers it.
 * A token that no task waits on any more, of an execution that ended, restarts the execution.
 */
async function deliverSignal(
  deps: ServiceDeps,
  committed: Complaint,
  taskToken: string,
  now: Date,
): Promise<void> {
  try {
    const outcome = await deps.workflow.resume(taskToken, {
      complaintId: committed.id,
      stage: workflowStagePlan(committed, now, deps.executionLimits),
    });
    if (outcome === 'stale') await restartStopped(deps, committed);
  } catch (error) {
    deps.log.warn('workflow signal not delivered; left pending for the reconciler', {
      complaintId: committed.id,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}

/**
 * The committed complaint's execution is not running: start the next one at once (a person is waiting;
 * no backoff), counting a failed or stopped execution toward the cap, unless another attempt already
 * took over or the complaint waits for an operator.
 */
async function restartStopped(deps: ServiceDeps, committed: Complaint): Promise<void> {
  if (committed.needsOperator) return;
  const { attempt } = committed.execution;
  try {
    const status = await deps.workflow.status(committed.id, attempt);
    if (status === 'RUNNING') return;
    const outcome = await recoverExecution(deps, committed.id, { attempt, status }, { immediate: true });
    deps.log.warn('execution not running; restarted for an action', {
      complaintId: committed.id,
      status,
      counted: isFailure(status),
      outcome,
    });
  } catch (error) {
    // The action is committed; the status event or the reconciler restarts the execution instead.
    deps.log.warn('execution restart for an action failed; left to the reconciler', {
      complaintId: committed.id,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}
