// Follow-up (回访, issue 11 part 5): a customer who lets the rating window pass, or rates the answer 1-2,
// is called back. The task has its own clock (3 working days on cn-workdays), is owned by the responsible
// outlet (else its region, else HQ: the unit the level-0 alerts go to), and the call's outcome is recorded
// with the `follow-up` action. Reports count follow-ups opened, done, done in time, reached and satisfied.
import type { ComplaintAction } from './commands.ts';
import type { Complaint, FollowUp, FollowUpReason } from './complaint.ts';
import type { ClockContext } from './clocks.ts';
import { InvalidInput } from './errors.ts';
import { withEvent } from './notices.ts';
import { alertAddress } from './organisation.ts';
import { planTaskClock, withTaskAlerts } from './task-deadlines.ts';

/** The follow-up clock: 3 working days, on the business calendar (Asia/Shanghai, holidays and 调休). */
export const FOLLOW_UP_CLOCK = { budget: { workingDays: 3 }, calendar: 'cn-workdays' } as const;

/**
 * Opens the follow-up task (once per complaint; suggestions and enquiries get none), and owes its alerts:
 * the owner is warned at 80% of the clock, and once it is overdue the outlet's manager, the region and
 * headquarters hear of it in turn (task-deadlines.ts), unless the call is recorded first.
 */
export function openFollowUp(c: Complaint, reason: FollowUpReason, ctx: ClockContext): Complaint {
  if ((c.type ?? 'complaint') !== 'complaint' || c.followUp !== undefined) return c;
  const clock = planTaskClock(FOLLOW_UP_CLOCK.budget.workingDays, ctx);
  const at = ctx.now.toISOString();
  const followUp: FollowUp = {
    reason,
    owner: alertAddress(c, 0),
    openedAt: at,
    dueAt: clock.dueAt,
    warnAt: clock.warnAt,
  };
  const opened = withEvent(
    { ...c, followUp },
    {
      at,
      type: 'follow-up-opened',
      actor: 'system',
      data: { reason, owner: followUp.owner, dueAt: followUp.dueAt },
    },
  );
  return withTaskAlerts(opened, 'follow-up', clock, ctx.now);
}

/** An open follow-up (not yet recorded) whose deadline has passed. */
export function followUpOverdue(followUp: FollowUp | undefined, now: Date): boolean {
  return (
    followUp !== undefined && followUp.outcome === undefined && Date.parse(followUp.dueAt) <= now.getTime()
  );
}

type FollowUpAction = Extract<ComplaintAction, { action: 'follow-up' }>;

/** Records the call's outcome: reached or not, satisfied or not, a score the customer gave on the call. */
export function recordFollowUp(c: Complaint, action: FollowUpAction, ctx: ClockContext): Complaint {
  if (c.followUp === undefined || c.followUp.outcome !== undefined) {
    throw new InvalidInput('no follow-up to record', [
      { path: 'action', message: 'this complaint has no open follow-up' },
    ]);
  }
  if (!action.reached && (action.satisfied !== undefined || action.score !== undefined)) {
    throw new InvalidInput('a customer not reached gives no verdict', [
      {
        path: action.score !== undefined ? 'score' : 'satisfied',
        message: 'only when the customer was reached',
      },
    ]);
  }
  const at = ctx.now.toISOString();
  const outcome: NonNullable<FollowUp['outcome']> = {
    reached: action.reached,
    ...(action.satisfied === undefined ? {} : { satisfied: action.satisfied }),
    ...(action.score === undefined ? {} : { score: action.score }),
    ...(action.notes === undefined ? {} : { notes: action.notes }),
    at,
    by: action.actor,
    onTime: Date.parse(at) <= Date.parse(c.followUp.dueAt),
  };
  const event = {
    at,
    type: 'follow-up-recorded',
    actor: action.actor,
    ...(action.client === undefined ? {} : { client: action.client }),
    data: {
      reached: outcome.reached,
      satisfied: outcome.satisfied ?? null,
      score: outcome.score ?? null,
      onTime: outcome.onTime,
      // `text`: free text a person wrote, kept apart from the chained facts so erasure can remove it.
      ...(action.notes === undefined ? {} : { text: action.notes }),
    },
  };
  return withEvent({ ...c, followUp: { ...c.followUp, outcome } }, event);
}
