// The complaint's workflow execution as the domain sees it: how long one execution may live and wait, when
// it hands over to a fresh one (continue-as-new), and what happens after it failed, timed out or was
// stopped: a restart with exponential backoff, or, once it keeps failing, a stop for an operator. Pure.
import type { Complaint, Instant } from './complaint.ts';
import { withEvent, withNotification } from './notices.ts';

export interface ExecutionLimits {
  /**
   * The longest single wait the workflow is given (a callback timeout or a Wait state). Step Functions
   * allows a year (the execution's own limit); this stays well under it, and under the 24.8 days a Node
   * timer can hold (the local engine). A longer timer is reached in several waits.
   */
  maxWaitSeconds: number;
  /** An execution older than this hands its complaint over to a fresh one; Standard executions end at one year. */
  maxAgeMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_EXECUTION_LIMITS: ExecutionLimits = {
  maxWaitSeconds: 14 * 24 * 3600,
  maxAgeMs: 300 * DAY_MS,
};

export interface RestartPolicy {
  /** Restarts after failures that come close together; the next failure parks the complaint. */
  maxRestarts: number;
  /** Backoff before the n-th restart: baseDelayMs * 2^(n-1), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A failure this long after the previous one starts the count again. */
  failureMemoryMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  baseDelayMs: 60_000,
  maxDelayMs: 3600_000,
  failureMemoryMs: DAY_MS,
};

/** How an execution ended, as Step Functions reports it; MISSING: it never started or was lost. */
export const EXECUTION_ENDS = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'MISSING'] as const;
export type ExecutionEnd = (typeof EXECUTION_ENDS)[number];
export type ExecutionStatus = 'RUNNING' | ExecutionEnd;

/** Ends that say something went wrong with this complaint's workflow (they count toward the cap). */
export function isFailure(end: ExecutionEnd): boolean {
  return end === 'FAILED' || end === 'TIMED_OUT' || end === 'ABORTED';
}

export function executionStartedAt(c: Complaint): Date {
  return new Date(c.execution.startedAt ?? c.createdAt);
}

/** When the running execution must have handed the complaint over to a fresh one. */
export function renewalDue(c: Complaint, limits: ExecutionLimits): Date {
  return new Date(executionStartedAt(c).getTime() + limits.maxAgeMs);
}

// A StageTimer clamped to the renewal instant may run a little early (whole-second callback timeouts).
const RENEWAL_TOLERANCE_MS = 1000;

export function renewalIsDue(c: Complaint, now: Date, limits: ExecutionLimits): boolean {
  return now.getTime() >= renewalDue(c, limits).getTime() - RENEWAL_TOLERANCE_MS;
}

/**
 * The instant the workflow may wait until: the timer, but never more than one maximum wait from now nor
 * past the execution's renewal (a wait that ends early re-plans the stage; nothing fires).
 */
export function clampWait(dueAt: Date, now: Date, limits: ExecutionLimits, renewal?: Date): Date {
  let due = Math.min(dueAt.getTime(), now.getTime() + limits.maxWaitSeconds * 1000);
  if (renewal) due = Math.min(due, Math.max(renewal.getTime(), now.getTime()));
  return new Date(due);
}

/**
 * Hands the complaint to the next execution (continue-as-new): a new attempt starting now, the stage
 * re-entered under a new sequence number so the old execution's callback token is fenced off.
 */
export function handOver(c: Complaint, now: Date): Complaint {
  const stage = { ...c.stage, seq: c.stage.seq + 1 };
  delete stage.taskToken;
  const next: Complaint = {
    ...c,
    stage,
    execution: { ...c.execution, attempt: c.execution.attempt + 1, startedAt: now.toISOString() },
  };
  delete next.execution.resumeAt;
  delete next.pendingSignal;
  return next;
}

export type Recovery =
  | { kind: 'restart'; complaint: Complaint; attempt: number; resumeAt?: Instant }
  | { kind: 'park'; complaint: Complaint };

/**
 * What to do with an open complaint whose execution is not running. A lost or never-started execution
 * is restarted at once; a failed, timed-out or stopped one is restarted after an exponential backoff
 * (`immediate`: a person is waiting on it, so at once), until it keeps failing: then it is parked for an
 * operator, with one staff alert, instead of looping.
 */
export function planRecovery(
  c: Complaint,
  end: { status: ExecutionEnd; error?: string },
  now: Date,
  policy: RestartPolicy,
  options: { immediate?: boolean } = {},
): Recovery {
  const failed = isFailure(end.status);
  const recent =
    c.execution.lastFailureAt !== undefined &&
    now.getTime() - Date.parse(c.execution.lastFailureAt) < policy.failureMemoryMs;
  const failures = failed ? (recent ? (c.execution.failures ?? 0) : 0) + 1 : (c.execution.failures ?? 0);
  const at = now.toISOString();
  if (failed && failures > policy.maxRestarts)
    return { kind: 'park', complaint: park(c, end, failures, now) };

  const attempt = c.execution.attempt + 1;
  const execution: Complaint['execution'] = { attempt, startedAt: at };
  if (failures > 0) execution.failures = failures;
  const lastFailureAt = failed ? at : c.execution.lastFailureAt;
  if (lastFailureAt) execution.lastFailureAt = lastFailureAt;
  const delay = failed && !options.immediate ? backoffMs(failures, policy) : 0;
  if (delay > 0) execution.resumeAt = new Date(now.getTime() + delay).toISOString();
  const stage = { ...c.stage };
  delete stage.taskToken;
  const next: Complaint = { ...c, execution, stage };
  delete next.pendingSignal;
  return execution.resumeAt
    ? { kind: 'restart', complaint: next, attempt, resumeAt: execution.resumeAt }
    : { kind: 'restart', complaint: next, attempt };
}

export function backoffMs(failures: number, policy: RestartPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

function park(
  c: Complaint,
  end: { status: ExecutionEnd; error?: string },
  failures: number,
  now: Date,
): Complaint {
  const at = now.toISOString();
  const reason = end.error ? `${end.status}: ${end.error}` : end.status;
  const stage = { ...c.stage };
  delete stage.taskToken;
  let next: Complaint = {
    ...c,
    stage,
    execution: { ...c.execution, failures, lastFailureAt: at },
    needsOperator: { since: at, reason, failures },
  };
  delete next.execution.resumeAt;
  delete next.pendingSignal;
  next = withEvent(next, { at, type: 'workflow-parked', actor: 'system', data: { reason, failures } });
  return withNotification(
    next,
    { audience: 'staff', event: 'staff-failure', level: 1, data: { error: reason } },
    now,
  );
}

/** An operator fixed the cause: the complaint leaves needs-operator and its workflow starts afresh. */
export function retryParked(
  c: Complaint,
  actor: string,
  now: Date,
): { complaint: Complaint; attempt: number } {
  const at = now.toISOString();
  const attempt = c.execution.attempt + 1;
  const next: Complaint = { ...c, execution: { attempt, startedAt: at } };
  delete next.needsOperator;
  return {
    complaint: withEvent(next, { at, type: 'workflow-retried', actor, data: { attempt } }),
    attempt,
  };
}

/**
 * Whether the stored complaint alone shows its workflow stuck, so the periodic safety net asks Step
 * Functions about it: a signal not confirmed, no callback registered long after the stage or execution
 * began, or a timer long overdue. Anything else is left to the execution status events.
 */
export function looksStalled(c: Complaint, now: Date, graceMs: number): boolean {
  if (c.status === 'closed' || c.needsOperator) return false;
  const late = (instant: string | undefined) =>
    instant !== undefined && now.getTime() - Date.parse(instant) > graceMs;
  if (c.pendingSignal) return late(c.pendingSignal.at);
  if (!c.stage.taskToken) {
    const since = Math.max(
      executionStartedAt(c).getTime(),
      Date.parse(c.stage.enteredAt),
      c.execution.resumeAt ? Date.parse(c.execution.resumeAt) : 0,
    );
    return now.getTime() - since > graceMs;
  }
  return late(c.stage.timer?.at);
}
