// The stage a complaint is in and the timer it waits for: which clocks watch each status, the next
// warning / breach / expiry, and entering or re-entering a stage. Pure.
import { openFollowUp } from './follow-up.ts';
import type {
  ClockName,
  CloseReason,
  ClockState,
  Complaint,
  Status,
  StageTimer,
  TimerKind,
} from './complaint.ts';
import { TOP_ESCALATION_LEVEL } from './complaint.ts';
import { endPause, isRunning, stopClocks, type ClockContext } from './clocks.ts';
import { clampWait, DEFAULT_EXECUTION_LIMITS, renewalDue, type ExecutionLimits } from './execution.ts';
import { withEvent, withNotification } from './notices.ts';
import type { StageOpening, WorkflowStagePlan } from './ports.ts';

/** The clock each status is measured by (closed has none). */
export const STAGE_CLOCK: Readonly<Record<Status, ClockName | undefined>> = {
  received: 'response',
  investigating: 'handling',
  'pending-customer': 'pending',
  'awaiting-feedback': 'feedback',
  review: 'review',
  closed: undefined,
};

/** How long a complaint whose top-level re-alerts are spent waits before the workflow looks again. */
export const DORMANT_RECHECK_MS = 30 * 24 * 3600 * 1000;

// When two timers fall on the same instant, the more serious one fires.
const SEVERITY: Readonly<Record<TimerKind, number>> = {
  expiry: 0,
  breach: 1,
  realert: 2,
  warning: 3,
  reminder: 4,
  dormant: 5,
};

function candidateTimers(c: Complaint, now: Date, maxRealerts: number): StageTimer[] {
  const clockName = STAGE_CLOCK[c.status];
  if (!clockName) return [];
  const clock = c.clocks[clockName];
  const timers: StageTimer[] = [];
  // The regulator's reply deadline runs whatever the stage: it is watched in every open status.
  const regulator = c.clocks.regulator;
  if (isRunning(regulator)) {
    if (!regulator.breachedAt) timers.push({ kind: 'breach', clock: 'regulator', at: regulator.dueAt });
    else if (regulator.graceUntil) timers.push(afterGrace(c, regulator, now, maxRealerts));
  }
  if (c.status === 'pending-customer' || c.status === 'awaiting-feedback') {
    if (isRunning(clock)) {
      if (clock.warnAt && !clock.warnedAt)
        timers.push({ kind: 'reminder', clock: clockName, at: clock.warnAt });
      timers.push({ kind: 'expiry', clock: clockName, at: clock.dueAt });
    }
    return timers;
  }
  if (isRunning(clock) && clock.warnAt && !clock.warnedAt && !clock.breachedAt) {
    timers.push({
      kind: 'warning',
      clock: clockName,
      at: warningAt(c, clock, clock.warnAt),
    });
  }
  for (const watched of [clock, c.clocks.resolution]) {
    if (!isRunning(watched)) continue;
    if (!watched.breachedAt) {
      timers.push({ kind: 'breach', clock: watched.name, at: watched.dueAt });
    } else if (watched.graceUntil) {
      timers.push(afterGrace(c, watched, now, maxRealerts));
    }
  }
  return timers;
}

/**
 * A stage's deadline is the earlier of its own clock's and the resolution clock's (SPEC section 5), and
 * its warning comes before that deadline: at 80% of its own clock, or, when the resolution clock caps the
 * stage sooner, the same lead time before that cap (at once if the stage starts within it).
 */
function warningAt(c: Complaint, clock: ClockState, warnAt: string): string {
  const deadline = Date.parse(stageClockDue(clock, c.clocks.resolution));
  const lead = Date.parse(clock.dueAt) - Date.parse(warnAt);
  const at = Math.min(Date.parse(warnAt), deadline - lead);
  return at < Date.parse(c.stage.enteredAt) ? c.stage.enteredAt : new Date(at).toISOString();
}

/** The stage clock's due instant, or the running resolution clock's when that comes first. */
export function stageClockDue(clock: ClockState, resolution: ClockState | undefined): string {
  const capped =
    isRunning(resolution) && !resolution.breachedAt && Date.parse(resolution.dueAt) < Date.parse(clock.dueAt);
  return capped ? resolution.dueAt : clock.dueAt;
}

/** Once a clock is breached, its grace period ends in the next level, a top-level re-alert, or silence. */
function afterGrace(c: Complaint, clock: ClockState, now: Date, maxRealerts: number): StageTimer {
  const at = clock.graceUntil ?? clock.dueAt;
  if (c.escalationLevel < TOP_ESCALATION_LEVEL) return { kind: 'breach', clock: clock.name, at };
  if ((clock.realerts ?? 0) < maxRealerts) return { kind: 'realert', clock: clock.name, at };
  return {
    kind: 'dormant',
    clock: clock.name,
    at: new Date(Math.max(now.getTime(), Date.parse(at)) + DORMANT_RECHECK_MS).toISOString(),
  };
}

export function nextTimer(c: Complaint, now: Date, maxRealerts: number): StageTimer | undefined {
  const timers = candidateTimers(c, now, maxRealerts);
  timers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || SEVERITY[a.kind] - SEVERITY[b.kind]);
  return timers[0];
}

/** The earliest deadline the current stage can miss (breach or expiry), for people and queues. */
export function stageDeadline(c: Complaint, now: Date): string | undefined {
  const due = candidateTimers(c, now, Number.POSITIVE_INFINITY).filter(
    (t) => t.kind === 'breach' || t.kind === 'expiry',
  );
  due.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return due[0]?.at;
}

/** Sets the stage's next timer; every write that enters or re-enters a stage goes through here. */
export function planStage(c: Complaint, ctx: ClockContext): Complaint {
  const timer = nextTimer(c, ctx.now, ctx.policy.maxTopLevelRealerts);
  const stage = { ...c.stage };
  if (timer) stage.timer = timer;
  else delete stage.timer;
  return { ...c, stage };
}

/** The instant the stage's next timer is due (now when it has none). */
export function timerDue(c: Complaint, now: Date): Date {
  return c.stage.timer ? new Date(c.stage.timer.at) : now;
}

/** Re-enters the current stage under a new sequence number, fencing off the old callback token. */
export function reenterStage(c: Complaint): Complaint {
  const stage = { ...c.stage, seq: c.stage.seq + 1 };
  delete stage.taskToken;
  return { ...c, stage };
}

/** Puts the complaint in `to` as a new stage (new sequence number, no task token, timers re-planned). */
export function enterStatus(c: Complaint, to: Status, ctx: ClockContext): Complaint {
  const entered: Complaint = {
    ...c,
    status: to,
    stage: { name: to, seq: c.stage.seq + 1, enteredAt: ctx.now.toISOString() },
  };
  return planStage(entered, ctx);
}

export function closeComplaint(
  c: Complaint,
  reason: CloseReason,
  actor: string,
  ctx: ClockContext,
): Complaint {
  const at = ctx.now.toISOString();
  // Closing while the customer is asked ends the pause first: paused clocks neither ran on nor breached.
  let next: Complaint = { ...stopClocks(endPause(c, ctx), ctx.now), closeReason: reason, closedAt: at };
  // No rating within the window: the responsible outlet calls the customer back (回访).
  if (reason === 'no-feedback') next = openFollowUp(next, 'no-feedback', ctx);
  next = withEvent(next, { at, type: 'closed', actor, from: c.status, to: 'closed', data: { reason } });
  next = withNotification(next, { audience: 'customer', event: 'closed', data: { reason } }, ctx.now);
  return enterStatus(next, 'closed', ctx);
}

/**
 * What the state machine needs to know about the stage the complaint is in now. The wait never outlives
 * the execution's renewal instant, when the complaint moves to a fresh execution.
 */
export function workflowStagePlan(
  c: Complaint,
  now: Date,
  limits: ExecutionLimits = DEFAULT_EXECUTION_LIMITS,
): WorkflowStagePlan {
  const dueAt = clampWait(timerDue(c, now), now, limits, renewalDue(c, limits));
  return stagePlanAt({ name: c.status, seq: c.stage.seq, dueAt: dueAt.toISOString() }, now, limits);
}

/**
 * The stage a new complaint's workflow opens, as registration planned it; none when the stage has no
 * timer (its due instant would be "now", which a retried start could not repeat).
 */
export function stageOpening(c: Complaint): StageOpening | undefined {
  if (!c.stage.timer || c.status === 'closed') return undefined;
  return { name: c.status, seq: c.stage.seq, dueAt: c.stage.timer.at };
}

/**
 * The plan for a stage whose next timer is due at `dueAt`, timed from `now`: the callback waits whole
 * seconds (Step Functions' unit, at least 1) rounded down, so it times out at or before the timer, and the
 * workflow then waits for the exact instant (dueAt): a timer never fires up to a second late. A timer
 * further away than the longest wait is reached in several waits (each ends in an early StageTimer that
 * only re-plans).
 */
export function stagePlanAt(
  stage: StageOpening,
  now: Date,
  limits: ExecutionLimits = DEFAULT_EXECUTION_LIMITS,
): WorkflowStagePlan {
  const dueAt = clampWait(new Date(stage.dueAt), now, limits).toISOString();
  const timeoutSeconds = Math.max(1, Math.floor((Date.parse(dueAt) - now.getTime()) / 1000));
  return { ...stage, dueAt, timeoutSeconds };
}
