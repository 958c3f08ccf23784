// What happens when a stage's timer fires: pre-breach warnings, the three-level escalation ladder with
// grace periods, the regulatory clock, the pending reminder and expiries.
import type { ClockName, ClockState, Complaint, EscalationLevel, StageTimer } from './complaint.ts';
import { TOP_ESCALATION_LEVEL } from './complaint.ts';
import { graceDeadline, type ClockContext } from './clocks.ts';
import { withEvent, withNotification } from './notices.ts';
import { closeComplaint, planStage, reenterStage, stageClockDue } from './stage.ts';

// Timers may fire a little early when the engine rounds; more than this is not a real firing.
const EARLY_TOLERANCE_MS = 1000;

export type TimerOutcome = { kind: 'superseded' } | { kind: 'early' } | { kind: 'fired'; timer: StageTimer };

/**
 * Applies the stage timer that fired for stage `seq`. Returns the complaint to persist (re-entered and
 * re-planned) or tells the caller that an action already moved the stage on.
 */
export function fireStageTimer(
  c: Complaint,
  seq: number,
  ctx: ClockContext,
): { complaint: Complaint; outcome: TimerOutcome } {
  if (c.stage.seq !== seq || c.status === 'closed') return { complaint: c, outcome: { kind: 'superseded' } };
  const timer = c.stage.timer;
  if (!timer || Date.parse(timer.at) - ctx.now.getTime() > EARLY_TOLERANCE_MS) {
    return { complaint: planStage(reenterStage(c), ctx), outcome: { kind: 'early' } };
  }
  let next = applyTimer(c, timer, ctx);
  if (next.status !== 'closed') next = reenterStage(next);
  return { complaint: planStage(next, ctx), outcome: { kind: 'fired', timer } };
}

function applyTimer(c: Complaint, timer: StageTimer, ctx: ClockContext): Complaint {
  const at = ctx.now.toISOString();
  switch (timer.kind) {
    case 'warning': {
      const clock = markWarned(c.clocks[timer.clock], at);
      const warned = withClock(c, clock);
      // The deadline the owner is warned of: the stage's, which the resolution clock may cap.
      const dueAt = clock ? stageClockDue(clock, c.clocks.resolution) : at;
      // A warning is worth sending only before its deadline; a late one (the timer fired late) is skipped:
      // the breach, and its escalation alert, follow.
      if (isTooLateToWarn(dueAt, ctx.now)) {
        return withEvent(warned, {
          at,
          type: 'sla-warning-skipped',
          actor: 'system',
          data: { clock: timer.clock, dueAt },
        });
      }
      return withNotification(
        withEvent(warned, {
          at,
          type: 'sla-warning',
          actor: 'system',
          data: { clock: timer.clock, dueAt },
        }),
        {
          audience: 'staff',
          event: 'staff-warning',
          level: 0,
          data: { clock: timer.clock, dueAt },
        },
        ctx.now,
      );
    }
    case 'reminder': {
      const clock = markWarned(c.clocks[timer.clock], at);
      return withNotification(
        withEvent(withClock(c, clock), { at, type: 'customer-reminded', actor: 'system' }),
        { audience: 'customer', event: 'pending-reminder', data: { expiresAt: clock?.dueAt ?? at } },
        ctx.now,
      );
    }
    case 'expiry':
      return closeComplaint(
        c,
        c.status === 'pending-customer' ? 'customer-unresponsive' : 'no-feedback',
        'system',
        ctx,
      );
    case 'breach':
      return escalate(c, timer.clock, ctx);
    case 'realert': {
      const clock = c.clocks[timer.clock];
      return clock ? realert(c, clock, ctx) : c;
    }
    case 'dormant':
      return c;
  }
}

/** A pre-breach warning at or after its deadline warns of nothing (SPEC section 5). */
export function isTooLateToWarn(dueAt: string, at: Date): boolean {
  return Date.parse(dueAt) <= at.getTime();
}

function markWarned(clock: ClockState | undefined, at: string): ClockState | undefined {
  return clock ? { ...clock, warnedAt: at } : clock;
}

function withClock(c: Complaint, clock: ClockState | undefined): Complaint {
  return clock ? { ...c, clocks: { ...c.clocks, [clock.name]: clock } } : c;
}

/** Moves the complaint up the ladder after `clockName` was breached (or its grace ran out). */
export function escalate(c: Complaint, clockName: ClockName, ctx: ClockContext): Complaint {
  const at = ctx.now.toISOString();
  const clock = c.clocks[clockName];
  // A clock stopped since its timer was planned (the regulator answered, say) escalates nothing.
  if (!clock || clock.stoppedAt !== undefined) return c;
  const from = c.escalationLevel;
  const firstBreach = !clock.breachedAt;
  if (from >= TOP_ESCALATION_LEVEL && !firstBreach) return realert(c, clock, ctx);
  const regulatory = clockName === 'resolution' || clockName === 'regulator';
  const raised = Math.min(TOP_ESCALATION_LEVEL, from + 1);
  // A missed regulator deadline goes straight to headquarters; a late answer to at least the region.
  const floor = clockName === 'regulator' ? TOP_ESCALATION_LEVEL : regulatory ? 2 : 0;
  const level = Math.max(raised, floor) as EscalationLevel;
  const breached: ClockState = {
    ...clock,
    breachedAt: clock.breachedAt ?? clock.dueAt,
    graceUntil: graceDeadline(clock, ctx.now, ctx).toISOString(),
  };
  let next: Complaint = {
    ...withClock(c, breached),
    escalationLevel: level,
    regulatoryRisk: c.regulatoryRisk || regulatory,
    breaches: firstBreach ? [...c.breaches, { clock: clockName, dueAt: clock.dueAt, at, level }] : c.breaches,
  };
  next = withEvent(next, {
    at,
    type: 'escalated',
    actor: 'system',
    data: {
      clock: clockName,
      dueAt: clock.dueAt,
      fromLevel: from,
      toLevel: level,
      regulatoryRisk: next.regulatoryRisk,
    },
  });
  next = withNotification(
    next,
    {
      audience: 'staff',
      event: 'staff-escalation',
      level,
      data: { clock: clockName, dueAt: clock.dueAt, level },
    },
    ctx.now,
  );
  // The customer hears about escalation once, not at every level.
  if (from === 0) next = withNotification(next, { audience: 'customer', event: 'escalated' }, ctx.now);
  return next;
}

function realert(c: Complaint, clock: ClockState, ctx: ClockContext): Complaint {
  const at = ctx.now.toISOString();
  const realerts = (clock.realerts ?? 0) + 1;
  const next = withClock(c, {
    ...clock,
    realerts,
    graceUntil: graceDeadline(clock, ctx.now, ctx).toISOString(),
  });
  return withNotification(
    withEvent(next, {
      at,
      type: 'realerted',
      actor: 'system',
      data: { clock: clock.name, level: TOP_ESCALATION_LEVEL, realerts },
    }),
    {
      audience: 'staff',
      event: 'staff-escalation',
      level: TOP_ESCALATION_LEVEL,
      data: { clock: clock.name, dueAt: clock.dueAt, level: TOP_ESCALATION_LEVEL, realert: realerts },
    },
    ctx.now,
  );
}
