import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, PRIORITIES, type Complaint, type OpenStatus } from '#domain/complaint';
import { isRunning } from '#domain/clocks';
import { DEFAULT_SLA_POLICY } from '#domain/sla';
import { stagePlanAt, stageOpening, workflowStagePlan } from '#domain/stage';
import { fireStageTimer } from '#domain/timers';
import {
  act,
  complaintIn,
  DAY_MS,
  domainContext,
  fireDue,
  HOUR_MS,
  register,
  shanghai,
} from '../support/domain-context.ts';

const hoursAfter = (start: string | Date, at: string): number =>
  (Date.parse(at) - new Date(start).getTime()) / HOUR_MS;
const events = (c: Complaint, type: string) => c.timeline.filter((e) => e.type === type);
const owed = (c: Complaint, event: string) => c.outbox.filter((n) => n.event === event);

describe('the pre-breach warning', () => {
  it('goes to the owner (level 0) once 80% of the stage clock has elapsed, and only once', () => {
    // Prepare: a normal delay complaint, response clock 24 h
    const start = shanghai('2026-03-02T10:00');
    const dc = domainContext(start);
    const registered = register(dc);

    // Act
    const { complaint, outcome } = fireDue(dc, registered);

    // Assess
    expect(outcome).toEqual({
      kind: 'fired',
      timer: { kind: 'warning', clock: 'response', at: expect.any(String) },
    });
    expect(hoursAfter(start, dc.now().toISOString())).toBeCloseTo(19.2, 6);
    expect(owed(complaint, 'staff-warning')).toEqual([
      expect.objectContaining({
        audience: 'staff',
        level: 0,
        data: expect.objectContaining({ clock: 'response' }),
      }),
    ]);
    expect(events(complaint, 'sla-warning')).toHaveLength(1);
    expect(complaint.clocks.response?.warnedAt).toBe(dc.now().toISOString());
    expect(complaint.stage.seq).toBe(registered.stage.seq + 1);
    expect(complaint.stage.timer).toEqual({
      kind: 'breach',
      clock: 'response',
      at: registered.clocks.response?.dueAt,
    });
  });

  it('is not sent again after a pause moved the deadline out', () => {
    // Prepare: warned on the handling clock, then a request for information and a reply
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = complaintIn('investigating', dc);
    c = fireDue(dc, c).complaint;
    expect(owed(c, 'staff-warning')).toHaveLength(1);
    dc.advance(HOUR_MS);
    c = act(dc, c, { action: 'request-info', actor: 'agent-1', message: '请提供照片' });
    dc.advance(5 * HOUR_MS);

    // Act
    c = act(dc, c, { action: 'customer-reply', actor: 'customer', message: '已上传' });

    // Assess
    expect(c.stage.timer).toEqual({ kind: 'breach', clock: 'handling', at: c.clocks.handling?.dueAt });
    expect(owed(c, 'staff-warning')).toHaveLength(1);
  });
});

describe('a pre-breach warning whose timer fires late', () => {
  it.each([0, 7_000, 3 * HOUR_MS])(
    'is skipped, not sent, when the timer fires %i ms after the deadline (the breach follows)',
    (lateMs) => {
      // Prepare: the warning timer of a normal complaint's response clock, handled only after its deadline
      const dc = domainContext(shanghai('2026-03-02T10:00'));
      const registered = register(dc);
      const dueAt = registered.clocks.response!.dueAt;
      expect(registered.stage.timer?.kind).toBe('warning');
      dc.setNow(new Date(Date.parse(dueAt) + lateMs));

      // Act
      const { complaint, outcome } = fireStageTimer(registered, registered.stage.seq, dc.ctx());

      // Assess
      expect(outcome).toMatchObject({ kind: 'fired', timer: { kind: 'warning' } });
      expect(owed(complaint, 'staff-warning')).toEqual([]);
      expect(events(complaint, 'sla-warning')).toEqual([]);
      expect(events(complaint, 'sla-warning-skipped')).toEqual([
        expect.objectContaining({ data: { clock: 'response', dueAt } }),
      ]);
      expect(complaint.stage.timer).toMatchObject({ kind: 'breach', clock: 'response', at: dueAt });
    },
  );

  it('is still sent a moment before the deadline', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const registered = register(dc);
    dc.setNow(new Date(Date.parse(registered.clocks.response!.dueAt) - 1));

    // Act
    const { complaint } = fireStageTimer(registered, registered.stage.seq, dc.ctx());

    // Assess
    expect(owed(complaint, 'staff-warning')).toHaveLength(1);
  });
});

describe('the pre-breach warning when the resolution clock caps the stage', () => {
  it('comes before the stage deadline whichever clock sets it, and names that deadline', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.constantFrom(...PRIORITIES),
        fc.integer({ min: 0, max: 7 * 24 }),
        fc.integer({ min: 0, max: 7 * 24 }),
        (category, priority, receivedHoursAgo, acceptAfterHours) => {
          // Prepare: received some time before registration, accepted some time after
          const dc = domainContext(shanghai('2026-03-02T10:00'));
          const receivedAt = new Date(dc.now().getTime() - receivedHoursAgo * HOUR_MS).toISOString();
          let c = register(dc, { category, priority, receivedAt });
          dc.advance(acceptAfterHours * HOUR_MS);
          c = act(dc, c, { action: 'accept', actor: 'agent-1' });
          const stageClock = c.clocks.handling;
          const resolution = c.clocks.resolution;
          if (!stageClock || !resolution) return;
          const deadline = Math.min(Date.parse(stageClock.dueAt), Date.parse(resolution.dueAt));
          // A stage that starts after its deadline has passed can only breach.
          if (deadline <= Date.parse(c.stage.enteredAt)) return;

          // Act: fire timers until the stage's warning went out or a breach came first
          let warning: Complaint | undefined;
          for (let i = 0; i < 5 && c.stage.timer && c.status === 'investigating'; i++) {
            const kind = c.stage.timer.kind;
            c = fireDue(dc, c).complaint;
            if (kind === 'warning') {
              warning = c;
              break;
            }
            if (kind === 'breach') break;
          }

          // Assess
          expect(warning, 'a warning before any breach').toBeDefined();
          const event = events(warning!, 'sla-warning').at(-1)!;
          expect(Date.parse(event.at)).toBeLessThanOrEqual(deadline);
          expect(event.data).toEqual({ clock: 'handling', dueAt: new Date(deadline).toISOString() });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the escalation ladder (三级响应)', () => {
  it('climbs 0→1→2→3 with grace of half the breached clock, re-alerts HQ a bounded number of times, then goes dormant', () => {
    // Prepare: a complaint in review; the 24 h review clock is the only one running, so grace is 12 h
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = complaintIn('review', dc);
    const reviewStart = c.clocks.review?.startedAt ?? '';
    const outboxBefore = c.outbox.length;

    // Act
    const fired: { kind: string; after: number; level: number }[] = [];
    for (let i = 0; i < 9; i++) {
      const next = fireDue(dc, c);
      if (next.outcome.kind !== 'fired') throw new Error(`unexpected ${next.outcome.kind}`);
      c = next.complaint;
      fired.push({
        kind: next.outcome.timer.kind,
        after: hoursAfter(reviewStart, dc.now().toISOString()),
        level: c.escalationLevel,
      });
    }

    // Assess
    expect(fired.map((f) => ({ ...f, after: Math.round(f.after * 10) / 10 }))).toEqual([
      { kind: 'warning', after: 19.2, level: 0 },
      { kind: 'breach', after: 24, level: 1 },
      { kind: 'breach', after: 36, level: 2 },
      { kind: 'breach', after: 48, level: 3 },
      { kind: 'realert', after: 60, level: 3 },
      { kind: 'realert', after: 72, level: 3 },
      { kind: 'realert', after: 84, level: 3 },
      // The last re-alert left 12 h of grace; then the workflow only looks again every 30 days.
      { kind: 'dormant', after: 96 + 30 * 24, level: 3 },
      { kind: 'dormant', after: 96 + 60 * 24, level: 3 },
    ]);
    const alerts = c.outbox.slice(outboxBefore).filter((n) => n.event === 'staff-escalation');
    expect(alerts.map((n) => n.level)).toEqual([1, 2, 3, 3, 3, 3]);
    expect(alerts.every((n) => n.audience === 'staff')).toBe(true);
    expect(owed(c, 'escalated')).toHaveLength(1);
    expect(events(c, 'escalated').map((e) => [e.data?.fromLevel, e.data?.toLevel])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(events(c, 'realerted')).toHaveLength(DEFAULT_SLA_POLICY.maxTopLevelRealerts);
    expect(c.breaches).toEqual([expect.objectContaining({ clock: 'review', level: 1 })]);
    expect(c.regulatoryRisk).toBe(false);
  });

  it('measures grace on the breached clock calendar: 13.5 working hours for a normal loss complaint', () => {
    // Prepare: loss accepted Mon 10:00, handling due Thu 10:00 (27 working hours)
    const dc = domainContext(shanghai('2026-03-02T09:50'));
    let c = register(dc, { category: 'loss', description: '包裹丢失' });
    dc.setNow(shanghai('2026-03-02T10:00'));
    c = act(dc, c, { action: 'accept', actor: 'agent-1' });
    c = fireDue(dc, c).complaint; // the warning

    // Act
    c = fireDue(dc, c).complaint;
    const firstLevelAt = dc.now();
    c = fireDue(dc, c).complaint;
    const secondLevelAt = dc.now();

    // Assess: Thu 8 h + Fri 5.5 h; then Fri 3.5 h + Mon 9 h + Tue 1 h
    expect(firstLevelAt.toISOString()).toBe(shanghai('2026-03-05T10:00').toISOString());
    expect(secondLevelAt.toISOString()).toBe(shanghai('2026-03-06T14:30').toISOString());
    expect(c.escalationLevel).toBe(2);
    expect(c.clocks.handling?.graceUntil).toBe(shanghai('2026-03-10T10:00').toISOString());
    // The 7-day resolution clock (24x7, from Mon 09:50) falls due before that grace ends.
    expect(c.stage.timer).toEqual({
      kind: 'breach',
      clock: 'resolution',
      at: shanghai('2026-03-09T09:50').toISOString(),
    });
  });

  it('a resolution breach takes a complaint at level 0 straight to level 2 and flags regulatory risk', () => {
    // Prepare: received 167 h before registration: the 7-day resolution clock has 1 h left, which caps
    // the response stage, so the owner is warned at once (the stage starts inside the warning's lead time)
    const dc = domainContext(shanghai('2026-03-09T09:00'));
    const registered = register(dc, { receivedAt: shanghai('2026-03-02T10:00').toISOString() });
    expect(registered.stage.timer).toEqual({
      kind: 'warning',
      clock: 'response',
      at: dc.now().toISOString(),
    });
    const c = fireDue(dc, registered).complaint;
    expect(events(c, 'sla-warning')[0]?.data).toEqual({
      clock: 'response',
      dueAt: shanghai('2026-03-09T10:00').toISOString(),
    });
    expect(c.stage.timer).toEqual({
      kind: 'breach',
      clock: 'resolution',
      at: shanghai('2026-03-09T10:00').toISOString(),
    });

    // Act
    const { complaint } = fireDue(dc, c);

    // Assess
    expect(complaint.escalationLevel).toBe(2);
    expect(complaint.regulatoryRisk).toBe(true);
    expect(complaint.breaches).toEqual([
      {
        clock: 'resolution',
        dueAt: shanghai('2026-03-09T10:00').toISOString(),
        at: dc.now().toISOString(),
        level: 2,
      },
    ]);
    expect(owed(complaint, 'staff-escalation')).toEqual([expect.objectContaining({ level: 2 })]);
    expect(owed(complaint, 'escalated')).toEqual([expect.objectContaining({ audience: 'customer' })]);
    expect(events(complaint, 'escalated')[0]?.data).toMatchObject({
      clock: 'resolution',
      regulatoryRisk: true,
    });
  });

  it('a resolution breach at level 1 raises to level 2; the customer still hears about escalation once', () => {
    // Prepare: resolution due 30 h after registration, response due after 24 h
    const dc = domainContext(shanghai('2026-03-09T10:00'));
    let c = register(dc, { receivedAt: new Date(dc.now().getTime() - 138 * HOUR_MS).toISOString() });
    c = fireDue(dc, c).complaint; // response warning at 19.2 h
    c = fireDue(dc, c).complaint; // response breach at 24 h
    expect(c.escalationLevel).toBe(1);

    // Act
    const { complaint, outcome } = fireDue(dc, c);

    // Assess
    expect(outcome).toMatchObject({ kind: 'fired', timer: { kind: 'breach', clock: 'resolution' } });
    expect(hoursAfter(shanghai('2026-03-09T10:00'), dc.now().toISOString())).toBe(30);
    expect(complaint.escalationLevel).toBe(2);
    expect(complaint.regulatoryRisk).toBe(true);
    expect(complaint.breaches.map((b) => [b.clock, b.level])).toEqual([
      ['response', 1],
      ['resolution', 2],
    ]);
    expect(owed(complaint, 'escalated')).toHaveLength(1);
  });

  it('a resolution breach at level 3 stays at 3 and still flags regulatory risk', () => {
    // Prepare: the response ladder reaches level 3 at 48 h; resolution falls due at 50 h
    const dc = domainContext(shanghai('2026-03-09T10:00'));
    let c = register(dc, { receivedAt: new Date(dc.now().getTime() - 118 * HOUR_MS).toISOString() });
    for (let i = 0; i < 4; i++) c = fireDue(dc, c).complaint;
    expect(c.escalationLevel).toBe(3);

    // Act
    const { complaint } = fireDue(dc, c);

    // Assess
    expect(hoursAfter(shanghai('2026-03-09T10:00'), dc.now().toISOString())).toBe(50);
    expect(complaint.escalationLevel).toBe(3);
    expect(complaint.regulatoryRisk).toBe(true);
    expect(owed(complaint, 'staff-escalation').at(-1)).toMatchObject({ level: 3 });
  });
});

describe('timers that should not change the complaint', () => {
  it('a timer for an older stage is superseded: the complaint comes back unchanged', () => {
    // Prepare: the timer of the received stage fires after the agent accepted
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const registered = register(dc);
    dc.advance(20 * HOUR_MS);
    const accepted = act(dc, registered, { action: 'accept', actor: 'agent-1' });

    // Act
    const result = fireStageTimer(accepted, registered.stage.seq, dc.ctx());

    // Assess
    expect(result.outcome).toEqual({ kind: 'superseded' });
    expect(result.complaint).toBe(accepted);
  });

  it('a timer on a closed complaint is superseded', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const closed = complaintIn('closed', dc);

    // Act
    const result = fireStageTimer(closed, closed.stage.seq, dc.ctx());

    // Assess
    expect(result.outcome).toEqual({ kind: 'superseded' });
    expect(result.complaint).toBe(closed);
  });

  it('a timer firing well before its instant only re-plans the same timer under a new stage sequence', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const c = complaintIn('investigating', dc);
    dc.setNow(new Date(Date.parse(c.stage.timer?.at ?? '') - HOUR_MS));

    // Act
    const { complaint, outcome } = fireStageTimer(c, c.stage.seq, dc.ctx());

    // Assess
    expect(outcome).toEqual({ kind: 'early' });
    expect(complaint.stage.seq).toBe(c.stage.seq + 1);
    expect(complaint.stage.timer).toEqual(c.stage.timer);
    expect(complaint.stage.taskToken).toBeUndefined();
    const { stage: _before, ...restBefore } = c;
    const { stage: _after, ...restAfter } = complaint;
    expect(restAfter).toEqual(restBefore);
  });

  it('a timer firing within the engine rounding tolerance (half a second early) counts as fired', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const c = register(dc);
    dc.setNow(new Date(Date.parse(c.stage.timer?.at ?? '') - 500));

    // Act
    const { outcome, complaint } = fireStageTimer(c, c.stage.seq, dc.ctx());

    // Assess
    expect(outcome.kind).toBe('fired');
    expect(owed(complaint, 'staff-warning')).toHaveLength(1);
  });
});

describe('limits that close the complaint', () => {
  it('pending-customer: one reminder at half the 72 h limit, then closed customer-unresponsive', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const pending = complaintIn('pending-customer', dc);
    const pausedAt = pending.pausedAt ?? '';
    const handlingDue = pending.clocks.handling?.dueAt;

    // Act
    const reminded = fireDue(dc, pending);
    const remindedAfter = hoursAfter(pausedAt, dc.now().toISOString());
    const expired = fireDue(dc, reminded.complaint);

    // Assess
    expect(remindedAfter).toBe(36);
    expect(reminded.outcome).toMatchObject({ kind: 'fired', timer: { kind: 'reminder', clock: 'pending' } });
    expect(owed(reminded.complaint, 'pending-reminder')).toEqual([
      expect.objectContaining({ audience: 'customer', data: { expiresAt: pending.clocks.pending?.dueAt } }),
    ]);
    expect(hoursAfter(pausedAt, dc.now().toISOString())).toBe(72);
    const closed = expired.complaint;
    expect(closed.status).toBe('closed');
    expect(closed.closeReason).toBe('customer-unresponsive');
    expect(closed.closedAt).toBe(dc.now().toISOString());
    expect(closed.stage.timer).toBeUndefined();
    expect(Object.values(closed.clocks).filter(isRunning)).toEqual([]);
    // The handling clock was paused the whole time: it neither breached nor ran on.
    expect(closed.clocks.handling?.breachedAt).toBeUndefined();
    expect(closed.clocks.handling?.dueAt).toBe(
      new Date(Date.parse(handlingDue ?? '') + 72 * HOUR_MS).toISOString(),
    );
    expect(closed.clocks.pending?.breachedAt).toBeUndefined();
    expect(closed.totalPausedMs).toBe(72 * HOUR_MS);
    expect(closed.pausedAt).toBeUndefined();
    expect(owed(closed, 'pending-reminder')).toHaveLength(1);
    expect(owed(closed, 'closed')).toEqual([
      expect.objectContaining({ audience: 'customer', data: { reason: 'customer-unresponsive' } }),
    ]);
    expect(closed.timeline.at(-1)).toMatchObject({ type: 'closed', from: 'pending-customer', to: 'closed' });
  });

  it('awaiting-feedback: no reminder; after the 72 h window, closed no-feedback', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const waiting = complaintIn('awaiting-feedback', dc);

    // Act
    const { complaint, outcome } = fireDue(dc, waiting);

    // Assess
    expect(outcome).toMatchObject({ kind: 'fired', timer: { kind: 'expiry', clock: 'feedback' } });
    expect(hoursAfter(waiting.resolvedAt ?? '', dc.now().toISOString())).toBe(72);
    expect(complaint.status).toBe('closed');
    expect(complaint.closeReason).toBe('no-feedback');
    expect(complaint.clocks.feedback?.breachedAt).toBeUndefined();
    expect(Object.values(complaint.clocks).filter(isRunning)).toEqual([]);
  });
});

describe('bounded work per complaint (the execution history holds 25,000 events)', () => {
  // Each breached clock can add one warning, three level changes and the top-level re-alerts; dormant
  // rechecks add nothing. A stage watches at most two clocks (its own and resolution).
  const maxEventsPerClock = 1 + 3 + DEFAULT_SLA_POLICY.maxTopLevelRealerts;
  const OPEN: OpenStatus[] = ['received', 'investigating', 'pending-customer', 'awaiting-feedback', 'review'];

  it('a complaint nobody acts on for two years adds a bounded number of timeline events and timer firings', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = register(dc);
    const end = dc.now().getTime() + 730 * DAY_MS;
    let firings = 0;
    let lengthAfterFirstYear = 0;

    // Act
    while (c.status !== 'closed' && Date.parse(c.stage.timer?.at ?? '') < end) {
      c = fireDue(dc, c).complaint;
      firings += 1;
      if (dc.now().getTime() < end - 365 * DAY_MS) lengthAfterFirstYear = c.timeline.length;
    }

    // Assess
    expect(c.escalationLevel).toBe(3);
    expect(c.timeline.length).toBeLessThanOrEqual(1 + 2 * maxEventsPerClock);
    expect(c.timeline.length).toBe(lengthAfterFirstYear);
    expect(firings).toBeLessThanOrEqual(2 * maxEventsPerClock + 2 * 13);
  });

  it('for any category, priority and open status, 60 firings add at most the ladder bound of events', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.constantFrom(...PRIORITIES),
        fc.constantFrom(...OPEN),
        fc.integer({ min: 0, max: 365 * 24 }),
        (category, priority, status, startHour) => {
          // Prepare
          const dc = domainContext(new Date(shanghai('2026-01-01T00:00').getTime() + startHour * HOUR_MS));
          let c = complaintIn(status, dc, { category, priority });
          const before = c.timeline.length;

          // Act
          for (let i = 0; i < 60 && c.status !== 'closed'; i++) {
            expect(c.stage.timer).toBeDefined();
            c = fireDue(dc, c).complaint;
          }

          // Assess: plus one 'closed' event when a limit ran out
          expect(c.timeline.length - before).toBeLessThanOrEqual(2 * maxEventsPerClock + 1);
          expect(owed(c, 'escalated').length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('timer instants', () => {
  it("a new complaint's first stage, opened from registration's plan, is the plan OpenStage would compute", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.constantFrom(...PRIORITIES),
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2026-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 3 * 24 * 3600 * 1000 }),
        (category, priority, registeredAt, laterMs) => {
          // Prepare: registered at one instant, its workflow's first task runs some time later
          const dc = domainContext(registeredAt);
          const c = register(dc, { category, priority });
          const now = new Date(registeredAt.getTime() + laterMs);

          // Act
          const opening = stageOpening(c);

          // Assess: the same plan as reading the stored complaint, and the same input on a retried start
          expect(opening).toBeDefined();
          expect(stagePlanAt(opening!, now)).toEqual(workflowStagePlan(c, now));
          expect(JSON.stringify(stageOpening(structuredClone(c)))).toBe(JSON.stringify(opening));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('no opening for a stage without a timer: its due instant would be "now", different on every retry', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const registered = register(dc);
    const { timer: _timer, ...untimed } = registered.stage;

    // Act
    const opening = stageOpening({ ...registered, stage: untimed });

    // Assess
    expect(opening).toBeUndefined();
    expect(stageOpening(registered)).toEqual({
      name: 'received',
      seq: registered.stage.seq,
      dueAt: registered.stage.timer?.at,
    });
  });

  it('the callback waits whole seconds, rounded down and at least one, then the workflow waits for dueAt', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const c = register(dc);
    const at = Date.parse(c.stage.timer?.at ?? '');

    // Act
    const plans = [at - 19.2 * HOUR_MS, at - 1500, at, at + HOUR_MS].map((now) =>
      workflowStagePlan(c, new Date(now)),
    );

    // Assess
    expect(plans.map((p) => p.timeoutSeconds)).toEqual([69_120, 1, 1, 1]);
    expect(plans[0]).toEqual({
      name: 'received',
      seq: c.stage.seq,
      timeoutSeconds: 69_120,
      dueAt: new Date(at).toISOString(),
    });
    // A callback never outlasts its timer (except the 1-second floor when less than a second is left).
    for (const [i, now] of [at - 19.2 * HOUR_MS, at - 1500].entries()) {
      expect(now + (plans[i]?.timeoutSeconds ?? 0) * 1000).toBeLessThanOrEqual(at);
    }
  });

  it('a late firing (the workflow was down) starts the grace period from when it fired', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = complaintIn('review', dc);
    c = fireDue(dc, c).complaint; // warning
    const due = Date.parse(c.stage.timer?.at ?? '');
    dc.setNow(new Date(due + 5 * HOUR_MS));

    // Act
    const { complaint } = fireStageTimer(c, c.stage.seq, dc.ctx());

    // Assess
    expect(complaint.escalationLevel).toBe(1);
    expect(complaint.clocks.review?.breachedAt).toBe(new Date(due).toISOString());
    expect(complaint.clocks.review?.graceUntil).toBe(new Date(due + 17 * HOUR_MS).toISOString());
    expect(complaint.breaches[0]?.at).toBe(new Date(due + 5 * HOUR_MS).toISOString());
  });

  it('never plans the timer that just fired again, so the workflow never spins', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = complaintIn('investigating', dc, { category: 'loss', description: '丢失', priority: 'urgent' });

    // Act + Assess
    for (let i = 0; i < 20 && c.status !== 'closed'; i++) {
      const fired = c.stage.timer;
      c = fireDue(dc, c).complaint;
      expect(c.stage.timer).not.toEqual(fired);
      expect(Date.parse(c.stage.timer?.at ?? '')).toBeGreaterThanOrEqual(dc.now().getTime());
    }
  });
});
