// Corrections by staff: the type or category changed with a reason (clocks re-planned from the policy for
// the new subject; the customer told only when the promised answer time moves), and the responsible
// units set or changed. Pure.
import type { ComplaintAction } from './commands.ts';
import type { ClockState, Complaint, ComplaintType } from './complaint.ts';
import { isCustomerLimit, mapClocks, stopClocks, type ClockContext } from './clocks.ts';
import { InvalidInput } from './errors.ts';
import { withEvent, withNotification } from './notices.ts';
import { effectivePriority } from './registration.ts';
import { clockPolicy } from './sla.ts';

type Reclassify = Extract<ComplaintAction, { action: 'reclassify' }>;
type Route = Extract<ComplaintAction, { action: 'route' }>;
type RegulatorReply = Extract<ComplaintAction, { action: 'regulator-reply' }>;

export function complaintType(c: Pick<Complaint, 'type'>): ComplaintType {
  return c.type ?? 'complaint';
}

/** Suggestions and enquiries take the short flow (acknowledge, answer, close) and stay out of complaint rates. */
export function takesShortFlow(c: Pick<Complaint, 'type'>): boolean {
  return complaintType(c) !== 'complaint';
}

/**
 * A running clock re-planned for another category or priority: same start, the new budget on the new
 * policy's calendar, plus whatever pause already moved it out (measured on its old calendar).
 */
export function replanClock(clock: ClockState, c: Complaint, ctx: ClockContext): ClockState {
  // The customer's limits (pending, feedback) do not depend on what the record is about.
  // The regulator's deadline is the regulator's, whatever the record is about.
  if (clock.stoppedAt !== undefined || isCustomerLimit(clock.name) || clock.name === 'regulator')
    return clock;
  const oldCal = ctx.calendars[clock.calendar];
  const start = new Date(clock.startedAt);
  const paused = Math.max(0, oldCal.elapsedMs(start, new Date(clock.dueAt)) - oldCal.budgetMs(clock.budget));
  const { budget, calendar } = clockPolicy(ctx.policy, clock.name, c.category, c.priority);
  const cal = ctx.calendars[calendar];
  const budgetMs = cal.budgetMs(budget);
  const replanned: ClockState = {
    ...clock,
    budget,
    calendar,
    dueAt: cal.addMs(start, budgetMs + paused).toISOString(),
  };
  if (clock.warnAt !== undefined && clock.warnedAt === undefined) {
    const ratio = clock.name === 'pending' ? ctx.policy.pendingReminderRatio : ctx.policy.warningRatio;
    replanned.warnAt = cal.addMs(start, Math.round(budgetMs * ratio) + paused).toISOString();
  }
  return replanned;
}

export function reclassify(c: Complaint, action: Reclassify, ctx: ClockContext): Complaint {
  const category = action.category ?? c.category;
  const type = action.type ?? complaintType(c);
  if (category === c.category && type === complaintType(c)) {
    throw new InvalidInput('nothing to change', [
      { path: 'category', message: 'give a category or type other than the current one' },
    ]);
  }
  const at = ctx.now.toISOString();
  const priority = effectivePriority(c.priority, {
    category,
    channel: c.channel,
    isRepeat: c.repeatOf !== undefined,
  });
  const subject: Complaint = {
    ...c,
    category,
    type,
    priority,
    classification: category === c.category ? c.classification : { category, confidence: 1, source: 'agent' },
  };
  let next: Complaint = {
    ...subject,
    clocks: mapClocks(subject, (clock) => replanClock(clock, subject, ctx)),
  };
  next = withEvent(next, {
    at,
    type: 'reclassified',
    actor: action.actor,
    from: c.status,
    to: c.status,
    data: {
      reason: action.reason,
      from: { category: c.category, type: complaintType(c), priority: c.priority },
      to: { category, type, priority },
    },
  });
  // The customer was promised an answer time: told again only when it moves.
  const before = c.clocks.resolution;
  const after = next.clocks.resolution;
  if (before && after && before.stoppedAt === undefined && before.dueAt !== after.dueAt) {
    next = withNotification(
      next,
      { audience: 'customer', event: 'received', data: { promisedBy: after.dueAt } },
      ctx.now,
    );
  }
  return next;
}

export function route(c: Complaint, action: Route, ctx: ClockContext): Complaint {
  const at = ctx.now.toISOString();
  const next: Complaint = { ...c };
  if (action.outletId !== undefined) next.outletId = action.outletId;
  if (action.regionId !== undefined) next.regionId = action.regionId;
  if (action.leadUnit !== undefined || action.assistingUnits !== undefined) {
    const lead = action.leadUnit ?? c.units?.lead ?? next.outletId ?? next.regionId;
    if (lead === undefined) {
      throw new InvalidInput('no lead unit', [{ path: 'leadUnit', message: 'name the lead unit' }]);
    }
    const assisting = [...new Set(action.assistingUnits ?? c.units?.assisting ?? [])].filter(
      (u) => u !== lead,
    );
    next.units = { lead, assisting };
  }
  return withEvent(next, {
    at,
    type: 'routed',
    actor: action.actor,
    from: c.status,
    data: {
      reason: action.reason,
      from: { outletId: c.outletId ?? null, regionId: c.regionId ?? null },
      to: { outletId: next.outletId ?? null, regionId: next.regionId ?? null },
      ...(next.units ? { units: next.units } : {}),
    },
  });
}

/**
 * The reply sent back to the regulator: recorded once, and its clock stopped (late if past the deadline).
 * The stage's timer is left as planned: should it be the regulator's, it finds the clock stopped and
 * only re-plans, so no signal to the workflow is needed.
 */
export function replyToRegulator(c: Complaint, action: RegulatorReply, ctx: ClockContext): Complaint {
  if (!c.regulator) {
    throw new InvalidInput('not a regulator transfer', [
      {
        path: 'action',
        message: 'only a complaint transferred by the regulator has a regulator to reply to',
      },
    ]);
  }
  if (c.regulator.reply) {
    throw new InvalidInput('the regulator has its reply', [
      { path: 'action', message: `replied at ${c.regulator.reply.at}` },
    ]);
  }
  const at = ctx.now.toISOString();
  const stopped = stopClocks(c, ctx.now, (name) => name === 'regulator');
  const next: Complaint = {
    ...stopped,
    regulator: { ...c.regulator, reply: { text: action.text, at, by: action.actor } },
  };
  const late = next.clocks.regulator?.breachedAt !== undefined;
  return withEvent(next, {
    at,
    type: 'regulator-replied',
    actor: action.actor,
    from: c.status,
    data: { reference: c.regulator.reference, replyDueAt: c.regulator.replyDueAt, late },
  });
}
