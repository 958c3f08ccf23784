// The safety net behind the execution status events: brings open complaints back under a running
// workflow when an event was missed, after the embedded stack restarts (its executions lived in memory),
// or when a start never happened; redelivers signals whose delivery was interrupted. Safe to run any
// time, any number of times.
//
// A scheduled pass reads the open complaints page by page (one Query per 100) and asks Step Functions
// only about those whose stored state looks stalled (looksStalled); a deep pass asks about every one. Each
// page's complaints are checked in parallel up to a bound, each on its own (a failure is counted and left
// to the next pass), and a pass stops taking pages at its deadline and records where it stopped, so the
// next run carries on from there.
import type { Complaint } from '#domain/complaint';
import { looksStalled } from '#domain/execution';
import { workflowStagePlan } from '#domain/stage';
import { listNeedsOperator, recoverExecution } from './recover-execution.ts';
import type { ServiceDeps } from './service-deps.ts';
import { finishComplaint } from './stage-workflow.ts';

/** A committed signal younger than this may still be on its way; leave it alone. */
export const SIGNAL_GRACE_MS = 30_000;
/** A delivery attempt in `sending` this long is stuck: no Lambda runs longer (15 min). */
export const STUCK_SENDING_MS = 15 * 60_000;
/** The gauge of deliveries awaiting an operator counts up to this many (the alarm fires at 1). */
const ATTENTION_GAUGE_LIMIT = 1000;

/** How long a complaint may look stuck before a scheduled pass asks Step Functions about it. */
export const STALL_GRACE_MS = 2 * 60_000;

/** Closed complaints may still owe texts (a closing text deferred past the night) for this long. */
export const CLOSED_DELIVERY_HORIZON_MS = 2 * 24 * 3600 * 1000;

export const DEFAULT_RECONCILE_CONCURRENCY = 16;

export interface ReconcileOptions {
  /** Ask Step Functions about every open complaint and hand over every unfinished delivery again. */
  deep?: boolean;
  /** Complaints checked at once (default 16). */
  concurrency?: number;
  /** Epoch ms: take no new page after this; the walk resumes there next time. */
  deadline?: number;
  /** Start where the last run of this walk stopped, and record where this one stops (default true). */
  resume?: boolean;
  stallGraceMs?: number;
  /**
   * How old a committed signal must be before it is delivered again (default SIGNAL_GRACE_MS: younger
   * ones may still be on their way). A start passes 0: nothing of the earlier run is on its way any more,
   * and a signal its stop cut off would otherwise wait for the next pass.
   */
  signalGraceMs?: number;
}

export interface ReconcileReport {
  /** Open complaints read in this run. */
  open: number;
  /** Complaints Step Functions was asked about. */
  checked: number;
  restarted: number;
  parked: number;
  signalsRedelivered: number;
  /** Notifications handed to delivery again because their delivery had not finished. */
  deliveriesResumed: number;
  /** Complaints whose check failed (e.g. a throttled call): left for the next pass. */
  errors: number;
  /** The walk reached the last open complaint (false: it stopped at its deadline or on a listing error). */
  complete: boolean;
  /** Complaints waiting for an operator after this run. */
  needsOperator: number;
  /** Deliveries found stuck in `sending` in this run (deep runs look), now listed for an operator. */
  deliveriesStuck: number;
  /** Deliveries listed for an operator after this run (dead-lettered, uncertain, stuck), up to 1,000. */
  deliveriesAwaitingOperator: number;
}

export function emptyReport(): ReconcileReport {
  return {
    open: 0,
    checked: 0,
    restarted: 0,
    parked: 0,
    signalsRedelivered: 0,
    deliveriesResumed: 0,
    errors: 0,
    complete: false,
    needsOperator: 0,
    deliveriesStuck: 0,
    deliveriesAwaitingOperator: 0,
  };
}

export async function reconcile(deps: ServiceDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const report = emptyReport();
  const walk = options.deep ? 'deep' : 'scheduled';
  const resume = options.resume ?? true;
  const concurrency = options.concurrency ?? DEFAULT_RECONCILE_CONCURRENCY;
  const check = (listed: Complaint) => reconcileListed(deps, listed, options, report);

  let cursor = resume ? await deps.operations.reconcileCursor(walk) : undefined;
  let page = listPage(deps, cursor);
  for (;;) {
    let items: Complaint[];
    let next: string | undefined;
    try {
      ({ items, nextCursor: next } = await page);
    } catch (error) {
      logFailure(deps, 'reconciler could not list open complaints', undefined, error);
      report.errors++;
      break;
    }
    const more = next !== undefined && !pastDeadline(options);
    // The next page is read while this one is checked.
    if (more) page = listPage(deps, next);
    await forEachBounded(items, concurrency, async (listed) => {
      try {
        await check(listed);
      } catch (error) {
        report.errors++;
        logFailure(deps, 'reconciler could not check a complaint', listed.id, error);
      }
    });
    cursor = next;
    if (resume) await deps.operations.saveReconcileCursor(walk, cursor);
    if (cursor === undefined) {
      report.complete = true;
      break;
    }
    if (!more) break;
  }
  if (report.complete) await resumeRecentlyClosed(deps, options, report);
  if (report.complete && options.deep) await resumeTaskAlerts(deps, report);
  report.needsOperator = (await listNeedsOperator(deps)).length;
  report.deliveriesAwaitingOperator = (
    await deps.deliveries.attention({ limit: ATTENTION_GAUGE_LIMIT })
  ).items.length;
  return report;
}

/** A page listing that fails is asked for again after these delays before the walk stops for this pass. */
export const LIST_RETRY_DELAYS_MS = [500, 2_000];

function listPage(deps: ServiceDeps, cursor: string | undefined) {
  const page = (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await deps.store.listOpen(cursor);
      } catch (error) {
        const delay = LIST_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) throw error;
        logFailure(deps, 'reconciler could not list open complaints, asking again', undefined, error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();
  // Awaited later; until then a rejection must not count as unhandled.
  page.catch(() => undefined);
  return page;
}

function pastDeadline(options: ReconcileOptions): boolean {
  return options.deadline !== undefined && Date.now() >= options.deadline;
}

async function reconcileListed(
  deps: ServiceDeps,
  listed: Complaint,
  options: ReconcileOptions,
  report: ReconcileReport,
): Promise<void> {
  if (listed.status === 'closed') return;
  report.open++;
  const grace = options.stallGraceMs ?? STALL_GRACE_MS;
  if (!options.deep && !looksStalled(listed, deps.clock.now(), grace)) return;
  // Act on the item, not the index's copy: an index may lag (AWS), and a crash of the embedded stack
  // mid-write can leave an index entry whose item was never written (dynalite writes indexes first).
  const complaint = await deps.store.get(listed.id);
  if (!complaint || complaint.status === 'closed' || complaint.needsOperator) return;
  report.checked++;
  const { attempt } = complaint.execution;
  const status = await deps.workflow.status(complaint.id, attempt);
  if (status !== 'RUNNING') {
    const outcome = await recoverExecution(deps, complaint.id, { attempt, status });
    if (outcome === 'restarted') report.restarted++;
    if (outcome === 'parked') report.parked++;
  } else if (await redeliverSignal(deps, complaint, options.signalGraceMs ?? SIGNAL_GRACE_MS)) {
    report.signalsRedelivered++;
  }
  if (options.deep) report.deliveriesResumed += await resumeDeliveries(deps, complaint.id, report);
}

/** A signal committed a while ago whose task never heard of it: deliver it again. */
async function redeliverSignal(deps: ServiceDeps, complaint: Complaint, graceMs: number): Promise<boolean> {
  const signal = complaint.pendingSignal;
  const now = deps.clock.now();
  if (!signal || now.getTime() - Date.parse(signal.at) < graceMs) return false;
  await deps.workflow.resume(signal.taskToken, {
    complaintId: complaint.id,
    stage: workflowStagePlan(complaint, now, deps.executionLimits),
  });
  return true;
}

/**
 * Hands unfinished deliveries over again. Starting a delivery execution is idempotent by name and input,
 * so on AWS, where executions survive, this changes nothing; locally it replaces the lost ones.
 */
async function resumeDeliveries(
  deps: ServiceDeps,
  complaintId: string,
  report: ReconcileReport,
): Promise<number> {
  const unsent = await deps.deliveries.unsent(complaintId);
  for (const { notification, sendAt, redrive } of unsent)
    await deps.dispatcher.dispatch(complaintId, notification, sendAt, redrive ?? 0);
  // An attempt that began long ago and never finished (a crash mid-send): listed for an operator.
  const now = deps.clock.now();
  const stuck = await deps.deliveries.flagStuck(complaintId, new Date(now.getTime() - STUCK_SENDING_MS), now);
  if (stuck > 0) deps.log.warn('deliveries stuck in sending listed for an operator', { complaintId, stuck });
  report.deliveriesStuck += stuck;
  return unsent.length;
}

/** Recently closed complaints whose execution ended before the Finish step handed over what they owed. */
async function resumeRecentlyClosed(
  deps: ServiceDeps,
  options: ReconcileOptions,
  report: ReconcileReport,
): Promise<void> {
  const horizon = deps.clock.now().getTime() - CLOSED_DELIVERY_HORIZON_MS;
  let cursor: string | undefined;
  do {
    // Most recently closed first: stop at the first one closed before the horizon.
    const page = await deps.store.list({ status: 'closed', limit: 100, ...(cursor ? { cursor } : {}) });
    for (const complaint of page.items) {
      if (Date.parse(complaint.closedAt ?? complaint.updatedAt) < horizon) return;
      try {
        if (
          complaint.outbox.length > 0 &&
          !(await deps.workflow.isRunning(complaint.id, complaint.execution.attempt))
        ) {
          report.deliveriesResumed += complaint.outbox.length;
          await finishComplaint(deps, complaint.id);
        }
        if (options.deep) report.deliveriesResumed += await resumeDeliveries(deps, complaint.id, report);
      } catch (error) {
        report.errors++;
        logFailure(deps, 'reconciler could not finish a closed complaint', complaint.id, error);
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * The alerts of an open follow-up or an unpaid claim wait in delivery executions for days, often on a
 * complaint closed long ago: a deep pass hands those of closed complaints over again (the open ones were
 * handled in the walk), so an embedded stack's restart loses none. Bounded by the two worklists.
 */
async function resumeTaskAlerts(deps: ServiceDeps, report: ReconcileReport): Promise<void> {
  const seen = new Set<string>();
  for (const worklist of [{ followUp: 'open' as const }, { payment: 'awaiting' as const }]) {
    let cursor: string | undefined;
    do {
      let page: Awaited<ReturnType<ServiceDeps['store']['list']>>;
      try {
        page = await deps.store.list({ ...worklist, limit: 100, ...(cursor ? { cursor } : {}) });
      } catch (error) {
        // Counted and left to the next deep pass, as a failed listing of open complaints is.
        report.errors++;
        logFailure(deps, 'reconciler could not list a task worklist', undefined, error);
        break;
      }
      for (const complaint of page.items) {
        if (complaint.status !== 'closed' || seen.has(complaint.id)) continue;
        seen.add(complaint.id);
        try {
          report.deliveriesResumed += await resumeDeliveries(deps, complaint.id, report);
        } catch (error) {
          report.errors++;
          logFailure(deps, 'reconciler could not resume a task alert', complaint.id, error);
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
}

/** Runs `work` over the items with at most `limit` at once. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function logFailure(deps: ServiceDeps, message: string, complaintId: string | undefined, error: unknown) {
  deps.log.warn(message, {
    ...(complaintId ? { complaintId } : {}),
    error: error instanceof Error ? error.name : String(error),
    // Network and SDK errors carry a code (ECONNRESET, ...); messages may quote data, so they stay out.
    ...codeOf(error),
  });
}

function codeOf(error: unknown): { code?: string } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' ? { code } : {};
}
