// Brings every open complaint back under a running workflow: after the embedded stack restarts (its
// executions lived in memory) and, on AWS, after an execution failed. It also redelivers signals whose
// delivery was interrupted. Safe to run any time, any number of times.
import type { Complaint } from '#domain/complaint';
import { workflowStagePlan } from '#domain/stage';
import { saveNext, type ServiceDeps } from './service-deps.ts';
import { finishComplaint } from './stage-workflow.ts';

/** A committed signal younger than this may still be on its way; leave it alone. */
export const SIGNAL_GRACE_MS = 30_000;

/** Closed complaints may still owe texts (a closing text deferred past the night) for this long. */
export const CLOSED_DELIVERY_HORIZON_MS = 2 * 24 * 3600 * 1000;

export interface ReconcileReport {
  open: number;
  restarted: number;
  signalsRedelivered: number;
  /** Notifications handed to delivery again because their delivery had not finished. */
  deliveriesResumed: number;
}

export async function reconcile(deps: ServiceDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { open: 0, restarted: 0, signalsRedelivered: 0, deliveriesResumed: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.store.listOpen(cursor);
    for (const listed of page.items) {
      // Act on the item, not the index's copy: an index may lag (AWS), and a crash of the embedded stack
      // mid-write can leave an index entry whose item was never written (dynalite writes indexes first).
      const complaint = await deps.store.get(listed.id);
      if (!complaint || complaint.status === 'closed') continue;
      report.open++;
      const outcome = await reconcileOne(deps, complaint);
      if (outcome === 'restarted') report.restarted++;
      if (outcome === 'signal-redelivered') report.signalsRedelivered++;
      report.deliveriesResumed += await resumeDeliveries(deps, complaint.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  report.deliveriesResumed += await resumeRecentlyClosedDeliveries(deps);
  return report;
}

/**
 * Hands unfinished deliveries over again. Starting a delivery execution is idempotent by name and input,
 * so on AWS, where executions survive, this changes nothing; locally it replaces the lost ones.
 */
async function resumeDeliveries(deps: ServiceDeps, complaintId: string): Promise<number> {
  const unsent = await deps.deliveries.unsent(complaintId);
  for (const { notification, sendAt } of unsent)
    await deps.dispatcher.dispatch(complaintId, notification, sendAt);
  return unsent.length;
}

async function resumeRecentlyClosedDeliveries(deps: ServiceDeps): Promise<number> {
  const horizon = deps.clock.now().getTime() - CLOSED_DELIVERY_HORIZON_MS;
  let resumed = 0;
  let cursor: string | undefined;
  do {
    // Most recently closed first: stop at the first one closed before the horizon.
    const page = await deps.store.list({ status: 'closed', limit: 100, ...(cursor ? { cursor } : {}) });
    for (const complaint of page.items) {
      if (Date.parse(complaint.closedAt ?? complaint.updatedAt) < horizon) return resumed;
      // Closed, but its execution ended before the Finish step handed over what it still owed.
      if (
        complaint.outbox.length > 0 &&
        !(await deps.workflow.isRunning(complaint.id, complaint.execution.attempt))
      ) {
        resumed += complaint.outbox.length;
        await finishComplaint(deps, complaint.id);
      }
      resumed += await resumeDeliveries(deps, complaint.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return resumed;
}

async function reconcileOne(
  deps: ServiceDeps,
  complaint: Complaint,
): Promise<'running' | 'restarted' | 'signal-redelivered'> {
  const now = deps.clock.now();
  if (!(await deps.workflow.isRunning(complaint.id, complaint.execution.attempt))) {
    // A new execution resumes the stage where it stands; a deadline that passed meanwhile fires at once.
    const attempt = complaint.execution.attempt + 1;
    const next: Complaint = {
      ...complaint,
      execution: { attempt, startedAt: now.toISOString() },
      stage: { ...complaint.stage },
    };
    delete next.stage.taskToken;
    delete next.pendingSignal;
    await saveNext(deps.store, complaint, next, now);
    await deps.workflow.start(complaint.id, attempt);
    return 'restarted';
  }
  const signal = complaint.pendingSignal;
  if (signal && now.getTime() - Date.parse(signal.at) > SIGNAL_GRACE_MS) {
    await deps.workflow.resume(signal.taskToken, {
      complaintId: complaint.id,
      stage: workflowStagePlan(complaint, now),
    });
    return 'signal-redelivered';
  }
  return 'running';
}
