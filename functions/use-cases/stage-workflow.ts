// What the complaint state machine's tasks do: open (or resume) a stage, register the callback token of
// the stage the workflow now waits in, apply a fired timer, finish, and record failures. Each is retried
// by Step Functions, so each is safe to run twice.
import type { Complaint, PendingNotification } from '#domain/complaint';
import { VersionConflict } from '#domain/errors';
import { customerSendAt, releaseKeyOf, staffSendAt } from '#domain/notifications/quiet-hours';
import { handOver, renewalIsDue } from '#domain/execution';
import { withEvent } from '#domain/notices';
import type { StageOpening, StageSignal, WorkflowStagePlan } from '#domain/ports';
import { stagePlanAt, planStage, reenterStage, workflowStagePlan } from '#domain/stage';
import { fireStageTimer } from '#domain/timers';
import { getComplaint } from './queries.ts';
import { clockContext, saveNext, type ServiceDeps } from './service-deps.ts';

const MAX_ATTEMPTS = 5;

/** Re-reads and re-applies on a concurrent write; the workflow's own Retry covers what remains. */
export async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * Start or resume: re-enters the complaint's current stage with a fresh sequence and plans its timer.
 * A new complaint's first execution carries the stage registration has just planned and stored: it opens
 * that stage as is, with no read or write (an action cannot move the stage before AwaitStage registers
 * its token, and AwaitStage re-checks the sequence against the stored complaint anyway).
 */
export function openStage(
  deps: ServiceDeps,
  complaintId: string,
  opening?: StageOpening,
): Promise<StageSignal> {
  const limits = deps.executionLimits;
  if (opening) {
    return Promise.resolve({ complaintId, stage: stagePlanAt(opening, deps.clock.now(), limits) });
  }
  return withRetries(async () => {
    const current = await getComplaint(deps, complaintId);
    const now = deps.clock.now();
    if (current.status === 'closed') return { complaintId, stage: workflowStagePlan(current, now, limits) };
    const saved = await saveNext(
      deps.store,
      current,
      planStage(reenterStage(current), clockContext(deps, now)),
      now,
    );
    return { complaintId, stage: workflowStagePlan(saved, now, limits) };
  });
}

/**
 * The workflow now waits in stage `plan.seq`: remember its callback token so an action can complete it,
 * and hand the notifications the complaint owes to delivery. If the complaint is already past that stage,
 * complete the task at once with the current stage.
 */
export function awaitStage(
  deps: ServiceDeps,
  complaintId: string,
  plan: Pick<WorkflowStagePlan, 'seq'>,
  taskToken: string,
): Promise<void> {
  return withRetries(async () => {
    const current = await getComplaint(deps, complaintId);
    const now = deps.clock.now();
    if (current.stage.seq !== plan.seq) {
      await deps.workflow.resume(taskToken, {
        complaintId,
        stage: workflowStagePlan(current, now, deps.executionLimits),
      });
      return;
    }
    await dispatchOutbox(deps, current, now);
    const next: Complaint = { ...current, stage: { ...current.stage, taskToken }, outbox: [] };
    delete next.pendingSignal;
    await saveNext(deps.store, current, next, now);
  });
}

/**
 * The stage's timer fired (the callback task timed out). When the execution has reached its age limit
 * it hands the complaint over to a fresh execution in the same write (continue-as-new): the stage is
 * re-entered under a new sequence number, which fences off this execution, and this one ends.
 */
export function onStageTimer(
  deps: ServiceDeps,
  complaintId: string,
  plan: Pick<WorkflowStagePlan, 'seq'>,
  attempt?: number,
): Promise<StageSignal> {
  const limits = deps.executionLimits;
  return withRetries(async () => {
    const current = await getComplaint(deps, complaintId);
    const now = deps.clock.now();
    // Another attempt drives the complaint (this one handed over, or was replaced): this one ends.
    if (attempt !== undefined && attempt !== current.execution.attempt) {
      return { complaintId, stage: workflowStagePlan(current, now, limits), handover: true };
    }
    const { complaint, outcome } = fireStageTimer(current, plan.seq, clockContext(deps, now));
    // An action committed the next stage just before the timer fired: carry on with that stage.
    if (outcome.kind === 'superseded') return { complaintId, stage: workflowStagePlan(current, now, limits) };
    if (complaint.status !== 'closed' && renewalIsDue(current, now, limits)) {
      const saved = await saveNext(deps.store, current, handOver(complaint, now), now);
      await deps.workflow.start(complaintId, saved.execution.attempt);
      return { complaintId, stage: workflowStagePlan(saved, now, limits), handover: true };
    }
    const saved = await saveNext(deps.store, current, complaint, now);
    return { complaintId, stage: workflowStagePlan(saved, now, limits) };
  });
}

/** The complaint is closed: deliver what it still owes, then the execution ends. */
export function finishComplaint(deps: ServiceDeps, complaintId: string): Promise<void> {
  return withRetries(async () => {
    const current = await getComplaint(deps, complaintId);
    if (current.outbox.length === 0 && !current.stage.taskToken && !current.pendingSignal) return;
    const now = deps.clock.now();
    await dispatchOutbox(deps, current, now);
    const next: Complaint = { ...current, outbox: [], stage: { ...current.stage } };
    delete next.stage.taskToken;
    delete next.pendingSignal;
    await saveNext(deps.store, current, next, now);
  });
}

/**
 * An error the workflow could not handle: record it on the complaint. The execution then fails, and its
 * status event restarts it (functions/use-cases/recover-execution.ts); staff are alerted only if it
 * keeps failing and is parked for an operator.
 */
export function recordFailure(
  deps: ServiceDeps,
  complaintId: string,
  error: { Error?: string; Cause?: string },
): Promise<void> {
  return withRetries(async () => {
    const current = await deps.store.get(complaintId);
    const name = error.Error ?? 'Unknown';
    deps.log.error('complaint workflow failed', { complaintId, error: name });
    if (!current) return;
    const now = deps.clock.now();
    const at = now.toISOString();
    let next: Complaint = { ...current, failure: { at, error: name } };
    next = withEvent(next, { at, type: 'workflow-failed', actor: 'system', data: { error: name } });
    await saveNext(deps.store, current, next, now);
  });
}

/** Hands every notification the complaint owes to delivery (each idempotent per key). */
export async function dispatchOutbox(deps: ServiceDeps, c: Complaint, now: Date): Promise<void> {
  for (const n of c.outbox) {
    const at = sendAt(deps, c.id, n, now);
    await deps.deliveries.schedule(c.id, n, at);
    await deps.dispatcher.dispatch(c.id, n, at);
  }
}

function sendAt(deps: ServiceDeps, complaintId: string, n: PendingNotification, now: Date): Date {
  // A deadline's alert waits in its delivery execution until its instant (task-deadlines.ts).
  const from =
    n.notBefore !== undefined && Date.parse(n.notBefore) > now.getTime() ? new Date(n.notBefore) : now;
  return n.audience === 'customer'
    ? customerSendAt(from, { quietHours: deps.quietHours, releaseKey: releaseKeyOf(complaintId, n.key) })
    : staffSendAt(from, deps.staffCalendar ? { calendar: deps.staffCalendar } : {});
}
