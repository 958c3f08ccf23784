// Brings every open complaint back under a running workflow: after the embedded stack restarts (its
// executions lived in memory) and, on AWS, after an execution failed. It also redelivers signals whose
// delivery was interrupted. Safe to run any time, any number of times.
import type { Complaint } from '#domain/complaint';
import { workflowStagePlan } from '#domain/stage';
import { saveNext, type ServiceDeps } from './service-deps.ts';

/** A committed signal younger than this may still be on its way; leave it alone. */
export const SIGNAL_GRACE_MS = 30_000;

export interface ReconcileReport {
  open: number;
  restarted: number;
  signalsRedelivered: number;
}

export async function reconcile(deps: ServiceDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { open: 0, restarted: 0, signalsRedelivered: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.store.listOpen(cursor);
    for (const complaint of page.items) {
      report.open++;
      const outcome = await reconcileOne(deps, complaint);
      if (outcome === 'restarted') report.restarted++;
      if (outcome === 'signal-redelivered') report.signalsRedelivered++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return report;
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
