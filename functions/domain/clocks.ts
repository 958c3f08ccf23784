// Starting, stopping and pausing SLA clocks. Deadlines are absolute instants computed on the clock's
// calendar; a pause moves them out by the paused time measured on that same calendar.
import type {
  Breach,
  Category,
  ClockName,
  ClockState,
  Complaint,
  EscalationLevel,
  Priority,
} from './complaint.ts';
import { withEvent, withNotification } from './notices.ts';
import { clockPolicy, type CalendarSet, type SlaPolicy } from './sla.ts';
import type { CompensationRules } from './compensation.ts';
import type { RootCauseTaxonomy } from './responsibility.ts';

export interface ClockContext {
  now: Date;
  policy: SlaPolicy;
  calendars: CalendarSet;
  /** The deployment's compensation rules, for the suggestion a `resolve` records; default SPEC section 7. */
  compensation?: CompensationRules;
  /** The deployment's root-cause taxonomy a `resolve` checks responsibility against (responsibility.ts). */
  rootCauses?: RootCauseTaxonomy;
  /** COMPLAINTS_TIME_SCALE: task clocks beside the policy (follow-up, payment) scale as its clocks do. */
  timeScale?: number;
  /** FOLLOW_UP_NEUTRAL_SCORE: a score of 3 opens a follow-up call as a score of 1-2 does (default off). */
  followUpNeutralScore?: boolean;
}

const iso = (d: Date): string => d.toISOString();

/** Share of the clock after which the early signal fires: staff warning, or the customer's reminder. */
function warningRatio(name: ClockName, policy: SlaPolicy): number | undefined {
  if (name === 'pending') return policy.pendingReminderRatio;
  if (name === 'feedback' || name === 'resolution') return undefined;
  return policy.warningRatio;
}

export function startClock(
  name: ClockName,
  subject: { category: Category; priority: Priority },
  at: Date,
  ctx: ClockContext,
): ClockState {
  const { budget, calendar } = clockPolicy(ctx.policy, name, subject.category, subject.priority);
  const cal = ctx.calendars[calendar];
  const budgetMs = cal.budgetMs(budget);
  const ratio = warningRatio(name, ctx.policy);
  const clock: ClockState = {
    name,
    calendar,
    budget,
    startedAt: iso(at),
    dueAt: iso(cal.addMs(at, budgetMs)),
  };
  if (ratio !== undefined) clock.warnAt = iso(cal.addMs(at, Math.round(budgetMs * ratio)));
  return clock;
}

/** The pending limit and the feedback window wait for the customer: running out closes the complaint,
 * it is no SLA breach of ours. */
export function isCustomerLimit(name: ClockName): boolean {
  return name === 'pending' || name === 'feedback';
}

/** Stops a clock; an SLA clock stopped after its deadline counts as breached even if no timer fired first. */
export function stopClock(clock: ClockState, at: Date): ClockState {
  if (clock.stoppedAt) return clock;
  const stopped: ClockState = { ...clock, stoppedAt: iso(at) };
  const overrunMs = at.getTime() - Date.parse(clock.dueAt);
  if (overrunMs > 0 && !isCustomerLimit(clock.name)) {
    stopped.breachedAt = clock.breachedAt ?? clock.dueAt;
    // Wall-clock time past the deadline when the clock stopped: what reports call "breached by".
    stopped.overrunMs = overrunMs;
  }
  return stopped;
}

/** Stops the clocks `which` selects. An SLA clock found past its deadline before its breach timer fired
 * (an action won the race) still joins the complaint's breaches, so they list every clock that breached. */
export function stopClocks(
  c: Complaint,
  at: Date,
  which: (name: ClockName) => boolean = () => true,
): Complaint {
  const found: Breach[] = [];
  const clocks = mapClocks(c, (clock) => {
    if (!which(clock.name)) return clock;
    const stopped = stopClock(clock, at);
    if (stopped.breachedAt && !clock.breachedAt) {
      found.push({ clock: clock.name, dueAt: clock.dueAt, at: iso(at), level: c.escalationLevel });
    }
    return stopped;
  });
  let next: Complaint = { ...c, clocks };
  for (const breach of found) {
    next = breach.clock === 'resolution' ? lateResolution(next, breach, at) : withBreach(next, breach);
  }
  return next;
}

function withBreach(c: Complaint, breach: Breach): Complaint {
  return { ...c, breaches: [...c.breaches, breach] };
}

// SPEC 5: a late answer takes the complaint to level 2 and regulatory risk whichever side of the race found
// it. The customer gets the answer or the closing text in this same change, so no escalation text.
function lateResolution(c: Complaint, breach: Breach, at: Date): Complaint {
  const level: EscalationLevel = c.escalationLevel >= 2 ? c.escalationLevel : 2;
  const data = { clock: breach.clock, dueAt: breach.dueAt, level };
  let next: Complaint = withBreach(
    { ...c, escalationLevel: level, regulatoryRisk: true },
    { ...breach, level },
  );
  next = withEvent(next, {
    at: iso(at),
    type: 'escalated',
    actor: 'system',
    data: { ...data, fromLevel: c.escalationLevel, toLevel: level, regulatoryRisk: true },
  });
  return withNotification(next, { audience: 'staff', event: 'staff-escalation', level, data }, at);
}

export function isRunning(clock: ClockState | undefined): clock is ClockState {
  return clock !== undefined && clock.stoppedAt === undefined;
}

/** Moves a running clock's deadlines out by the time paused between `from` and `to`, on its own calendar. */
export function shiftClock(clock: ClockState, from: Date, to: Date, calendars: CalendarSet): ClockState {
  if (!isRunning(clock)) return clock;
  const cal = calendars[clock.calendar];
  const paused = cal.elapsedMs(from, to);
  if (paused <= 0) return clock;
  const shift = (instant: string): string => iso(cal.addMs(new Date(instant), paused));
  const shifted: ClockState = { ...clock, dueAt: shift(clock.dueAt) };
  if (clock.warnAt && !clock.warnedAt) shifted.warnAt = shift(clock.warnAt);
  if (clock.graceUntil) shifted.graceUntil = shift(clock.graceUntil);
  return shifted;
}

/** The grace period after a breach: a share of the breached clock's budget, on its calendar. */
export function graceDeadline(clock: ClockState, at: Date, ctx: ClockContext): Date {
  const cal = ctx.calendars[clock.calendar];
  return cal.addMs(at, Math.round(cal.budgetMs(clock.budget) * ctx.policy.graceRatio));
}

export function mapClocks(
  complaint: Complaint,
  update: (clock: ClockState) => ClockState,
): Complaint['clocks'] {
  const clocks: Complaint['clocks'] = {};
  for (const [name, clock] of Object.entries(complaint.clocks) as [ClockName, ClockState][]) {
    clocks[name] = update(clock);
  }
  return clocks;
}

/** Ends a pending-customer pause (reply, expiry or close): every running clock but the pending one moves
 * out by the paused time on its own calendar, the pending clock stops, and the paused time is added up. */
export function endPause(c: Complaint, ctx: ClockContext): Complaint {
  const pausedAt = c.pausedAt ? new Date(c.pausedAt) : ctx.now;
  const clocks = mapClocks(c, (clock) =>
    clock.name === 'pending'
      ? stopClock(clock, ctx.now)
      : shiftClock(clock, pausedAt, ctx.now, ctx.calendars),
  );
  const next: Complaint = {
    ...c,
    clocks,
    totalPausedMs: c.totalPausedMs + Math.max(0, ctx.now.getTime() - pausedAt.getTime()),
  };
  delete next.pausedAt;
  return next;
}
