// Deadlines of the tasks that live beside the lifecycle (SPEC sections 4 and 11): the follow-up call (回访)
// and a compensation claim's payment. Neither has a stage of the complaint's workflow to wait in (a
// follow-up usually starts as the complaint closes; a claim is paid whatever the complaint's status), so
// their warning and overdue alerts are staff notifications scheduled when the task opens, each with the
// instant it may go out (`notBefore`). The delivery step asks `taskAlertStatus` when the instant comes: an
// alert whose task is done by then, or a warning whose deadline has passed, is not sent. Pure.
import type { Complaint, Instant, PendingNotification, StaffEvent } from './complaint.ts';
import type { ClockContext } from './clocks.ts';
import { withNotification } from './notices.ts';
import { WORKING_DAY_HOURS } from './policy.ts';

export type TaskKind = 'follow-up' | 'payment';

/** The staff events of a task's deadline: a warning before it, an alert per level after it. */
export const TASK_ALERT_EVENTS: Readonly<Record<TaskKind, { warning: StaffEvent; overdue: StaffEvent }>> = {
  'follow-up': { warning: 'staff-follow-up-due', overdue: 'staff-follow-up-overdue' },
  payment: { warning: 'staff-payment-due', overdue: 'staff-payment-overdue' },
};

/** A task's clock: when its owner is warned, when it is due, and when each level hears it is overdue. */
export interface TaskClock {
  warnAt: Instant;
  dueAt: Instant;
  /** Levels 1 (the outlet's manager), 2 (the region) and 3 (headquarters), in that order. */
  overdueAlerts: readonly { level: 1 | 2 | 3; at: Instant }[];
}

/**
 * A clock of `workingDays` working days from now, on the cn-workdays calendar, with the SLA policy's
 * ratios: the warning at `warningRatio` of it, the overdue ladder at the deadline and then a grace of
 * `graceRatio` of it per level, as SPEC section 5's escalation. In a time-scaled run (tests, demos) the
 * working days become working hours (9 each) divided by the scale on 24x7, as the policy's clocks do.
 */
export function planTaskClock(workingDays: number, ctx: ClockContext): TaskClock {
  const scale = ctx.timeScale ?? 1;
  const calendar = scale === 1 ? ctx.calendars['cn-workdays'] : ctx.calendars['24x7'];
  const budgetMs =
    scale === 1 ? calendar.budgetMs({ workingDays }) : (workingDays * WORKING_DAY_HOURS * 3_600_000) / scale;
  const start = ctx.now;
  const due = calendar.addMs(start, budgetMs);
  const graceMs = Math.round(budgetMs * ctx.policy.graceRatio);
  const level2 = calendar.addMs(due, graceMs);
  const level3 = calendar.addMs(level2, graceMs);
  return {
    warnAt: calendar.addMs(start, Math.round(budgetMs * ctx.policy.warningRatio)).toISOString(),
    dueAt: due.toISOString(),
    overdueAlerts: [
      { level: 1, at: due.toISOString() },
      { level: 2, at: level2.toISOString() },
      { level: 3, at: level3.toISOString() },
    ],
  };
}

/**
 * Owes the task's alerts: the warning to the owning unit (level 0) at `warnAt`, and one overdue alert per
 * level from the deadline on, each routed as any staff alert of that level (organisation.ts
 * `alertAddress`: the outlet, then its region, then headquarters). `ref` ties them to this very task (the
 * claim's number), so an alert of an earlier claim never speaks for a later one.
 */
export function withTaskAlerts(
  c: Complaint,
  kind: TaskKind,
  clock: TaskClock,
  now: Date,
  ref: Record<string, string | number> = {},
): Complaint {
  const events = TASK_ALERT_EVENTS[kind];
  let next = withNotification(
    c,
    {
      audience: 'staff',
      event: events.warning,
      level: 0,
      data: { ...ref, dueAt: clock.dueAt },
      notBefore: clock.warnAt,
    },
    now,
  );
  for (const { level, at } of clock.overdueAlerts) {
    next = withNotification(
      next,
      {
        audience: 'staff',
        event: events.overdue,
        level,
        data: { ...ref, dueAt: clock.dueAt, level },
        notBefore: at,
      },
      now,
    );
  }
  return next;
}

/**
 * Whether a scheduled alert is still worth sending at `now`: `send`; `done` when its task was done (the
 * call recorded, the claim paid or replaced) or is not the task it was scheduled for; `too-late` for a
 * warning at or after its deadline (a warning never arrives after the deadline it warns of). Any other
 * notification is `send`.
 */
export function taskAlertStatus(
  c: Pick<Complaint, 'followUp' | 'claim'>,
  n: Pick<PendingNotification, 'event' | 'data'>,
  now: Date,
): 'send' | 'done' | 'too-late' {
  const kind = taskKindOf(n.event);
  if (kind === undefined) return 'send';
  const dueAt = n.data?.dueAt;
  const open =
    kind === 'follow-up'
      ? c.followUp !== undefined && c.followUp.outcome === undefined && c.followUp.dueAt === dueAt
      : c.claim !== undefined &&
        c.claim.status === 'accepted' &&
        c.claim.payBy === dueAt &&
        c.claim.number === n.data?.claim;
  if (!open) return 'done';
  const warning = n.event === TASK_ALERT_EVENTS[kind].warning;
  return warning && typeof dueAt === 'string' && Date.parse(dueAt) <= now.getTime() ? 'too-late' : 'send';
}

export function taskKindOf(event: string): TaskKind | undefined {
  for (const kind of ['follow-up', 'payment'] as const) {
    const events = TASK_ALERT_EVENTS[kind];
    if (event === events.warning || event === events.overdue) return kind;
  }
  return undefined;
}

/** A task is overdue once its deadline has passed and it is still open. */
export function isPastDue(dueAt: Instant, now: Date): boolean {
  return Date.parse(dueAt) <= now.getTime();
}
