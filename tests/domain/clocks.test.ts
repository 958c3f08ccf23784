import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graceDeadline, shiftClock, startClock, stopClock } from '#domain/clocks';
import type { Category, ClockName, ClockState, Priority } from '#domain/complaint';
import { deadlinesOf } from '#domain/deadlines';
import { act, domainContext, HOUR_MS, MINUTE_MS, register, shanghai } from '../support/domain-context.ts';

const plusHours = (at: Date, hours: number): string => new Date(at.getTime() + hours * HOUR_MS).toISOString();

// SPEC section 5's table, written out here rather than read from DEFAULT_SLA_POLICY, so a wrong default fails.
// Hours on 24x7; the loss handling clock in working days on cn-workdays.
const SPEC_CLOCKS: {
  clock: ClockName;
  categories: Category[];
  normal: number;
  urgent: number;
}[] = [
  { clock: 'response', categories: ['delay', 'loss', 'privacy', 'fees'], normal: 24, urgent: 2 },
  { clock: 'handling', categories: ['delay', 'wrong-delivery', 'damage'], normal: 48, urgent: 24 },
  { clock: 'handling', categories: ['privacy'], normal: 24, urgent: 12 },
  {
    clock: 'handling',
    categories: ['attitude', 'fees', 'business-handling', 'online-service', 'facilities', 'other'],
    normal: 48,
    urgent: 24,
  },
  { clock: 'resolution', categories: ['delay', 'loss', 'privacy'], normal: 7 * 24, urgent: 3 * 24 },
  { clock: 'review', categories: ['delay', 'loss'], normal: 24, urgent: 12 },
  { clock: 'pending', categories: ['delay', 'loss'], normal: 72, urgent: 72 },
  { clock: 'feedback', categories: ['delay', 'loss'], normal: 72, urgent: 72 },
];

const hourClockCases = SPEC_CLOCKS.flatMap(({ clock, categories, normal, urgent }) =>
  categories.flatMap((category) =>
    (['normal', 'urgent'] as const).map((priority) => ({
      clock,
      category,
      priority,
      hours: priority === 'normal' ? normal : urgent,
    })),
  ),
);

describe('startClock: deadlines of SPEC section 5', () => {
  // A Monday morning in Shanghai: every hour-based clock runs on 24x7, so the calendar would not matter.
  const start = shanghai('2026-03-02T10:00');

  it.each(hourClockCases)('$clock for $category / $priority is due $hours h later on 24x7', (c) => {
    // Prepare
    const dc = domainContext(start);

    // Act
    const clock = startClock(c.clock, { category: c.category, priority: c.priority }, start, dc.ctx());

    // Assess
    expect(clock.calendar).toBe('24x7');
    expect(clock.startedAt).toBe(start.toISOString());
    expect(clock.dueAt).toBe(plusHours(start, c.hours));
  });

  it.each([
    {
      why: 'normal loss: Mon 8 h + Tue 9 h + Wed 9 h + Thu 1 h',
      priority: 'normal',
      at: '2026-03-02T10:00',
      due: '2026-03-05T10:00',
    },
    {
      why: 'urgent loss: Mon 8 h + Tue 9 h + Wed 1 h',
      priority: 'urgent',
      at: '2026-03-02T10:00',
      due: '2026-03-04T10:00',
    },
    {
      why: 'normal loss across National Day: Sep 30 8 h, Oct 1-7 off, Oct 8 9 h, Oct 9 9 h, make-up Sat Oct 10 1 h',
      priority: 'normal',
      at: '2026-09-30T10:00',
      due: '2026-10-10T10:00',
    },
    {
      why: 'urgent loss across National Day: Sep 30 8 h, Oct 1-7 off, Oct 8 9 h, Oct 9 1 h',
      priority: 'urgent',
      at: '2026-09-30T10:00',
      due: '2026-10-09T10:00',
    },
    {
      why: 'urgent loss over the make-up Sunday Sep 20: Fri 1 h, Sat off, Sun 9 h, Mon 8 h',
      priority: 'urgent',
      at: '2026-09-18T17:00',
      due: '2026-09-21T17:00',
    },
    {
      why: 'normal loss accepted on the holiday itself counts from Oct 8 09:00',
      priority: 'normal',
      at: '2026-10-03T15:00',
      due: '2026-10-10T18:00',
    },
  ] as const)('handling on cn-workdays, $why', ({ priority, at, due }) => {
    // Prepare
    const dc = domainContext(shanghai(at));

    // Act
    const clock = startClock('handling', { category: 'loss', priority }, shanghai(at), dc.ctx());

    // Assess
    expect(clock.calendar).toBe('cn-workdays');
    expect(clock.dueAt).toBe(shanghai(due).toISOString());
  });

  it.each([
    { clock: 'response', priority: 'normal', warnHours: 19.2 },
    { clock: 'response', priority: 'urgent', warnHours: 1.6 },
    { clock: 'handling', priority: 'normal', warnHours: 38.4 },
    { clock: 'review', priority: 'urgent', warnHours: 9.6 },
    { clock: 'pending', priority: 'normal', warnHours: 36 },
  ] as const)(
    '$clock / $priority warns (or reminds) after $warnHours h',
    ({ clock, priority, warnHours }) => {
      // Prepare
      const start = shanghai('2026-03-02T10:00');
      const dc = domainContext(start);

      // Act
      const started = startClock(clock, { category: 'delay', priority }, start, dc.ctx());

      // Assess
      expect(started.warnAt).toBe(plusHours(start, warnHours));
    },
  );

  it('warns at 80% of working time for the loss clock (21.6 of 27 working hours)', () => {
    // Prepare
    const start = shanghai('2026-03-02T10:00');
    const dc = domainContext(start);

    // Act
    const clock = startClock('handling', { category: 'loss', priority: 'normal' }, start, dc.ctx());

    // Assess: Mon 8 h + Tue 9 h + Wed 4.6 h = Wed 13:36
    expect(clock.warnAt).toBe(shanghai('2026-03-04T13:36').toISOString());
  });

  it.each(['resolution', 'feedback'] as const)(
    '%s has no warning: it is not a stage clock an owner works to',
    (name) => {
      // Prepare
      const start = shanghai('2026-03-02T10:00');
      const dc = domainContext(start);

      // Act
      const clock = startClock(name, { category: 'delay', priority: 'normal' }, start, dc.ctx());

      // Assess
      expect(clock.warnAt).toBeUndefined();
    },
  );
});

describe('stopClock', () => {
  const start = shanghai('2026-03-02T10:00');
  const running = (name: ClockName = 'handling'): ClockState =>
    startClock(name, { category: 'delay', priority: 'normal' }, start, domainContext(start).ctx());

  it('records a clock stopped in time as met', () => {
    // Act
    const stopped = stopClock(running(), new Date(start.getTime() + 47 * HOUR_MS));

    // Assess
    expect(stopped.stoppedAt).toBe(plusHours(start, 47));
    expect(stopped.breachedAt).toBeUndefined();
  });

  it('records a clock stopped after its deadline as breached at the deadline', () => {
    // Act
    const stopped = stopClock(running(), new Date(start.getTime() + 49 * HOUR_MS));

    // Assess
    expect(stopped.breachedAt).toBe(plusHours(start, 48));
  });

  it.each(['pending', 'feedback'] as const)(
    'never counts the %s limit running out as an SLA breach: it is the customer who did not answer',
    (name) => {
      // Act
      const stopped = stopClock(running(name), new Date(start.getTime() + 80 * HOUR_MS));

      // Assess
      expect(stopped.stoppedAt).toBe(plusHours(start, 80));
      expect(stopped.breachedAt).toBeUndefined();
    },
  );

  it('leaves a stopped clock as it was', () => {
    // Prepare
    const stopped = stopClock(running(), new Date(start.getTime() + HOUR_MS));

    // Act
    const again = stopClock(stopped, new Date(start.getTime() + 99 * HOUR_MS));

    // Assess
    expect(again).toEqual(stopped);
  });
});

describe('shiftClock: a pause moves deadlines out by the paused time on the clock own calendar', () => {
  const base = shanghai('2026-01-05T09:00').getTime();
  const instant = fc.integer({ min: 0, max: 400 * 24 }).map((h) => new Date(base + h * HOUR_MS));
  const minutes = fc.integer({ min: 0, max: 30 * 24 * 60 }).map((m) => m * MINUTE_MS);

  it('on 24x7 moves dueAt, warnAt and graceUntil by exactly the paused time', () => {
    fc.assert(
      fc.property(instant, minutes, minutes, (start, pauseAfter, paused) => {
        // Prepare
        const dc = domainContext(start);
        const clock: ClockState = {
          ...startClock('handling', { category: 'delay', priority: 'normal' }, start, dc.ctx()),
          graceUntil: plusHours(start, 60),
        };
        const from = new Date(start.getTime() + pauseAfter);
        const to = new Date(from.getTime() + paused);

        // Act
        const shifted = shiftClock(clock, from, to, dc.calendars);

        // Assess
        const moved = (before: string | undefined, after: string | undefined): number =>
          Date.parse(after ?? '') - Date.parse(before ?? '');
        expect(moved(clock.dueAt, shifted.dueAt)).toBe(paused);
        expect(moved(clock.warnAt, shifted.warnAt)).toBe(paused);
        expect(moved(clock.graceUntil, shifted.graceUntil)).toBe(paused);
        expect(shifted.startedAt).toBe(clock.startedAt);
      }),
    );
  });

  it('on cn-workdays moves dueAt by the working time the pause took (nothing for a pause off hours)', () => {
    fc.assert(
      fc.property(instant, minutes, minutes, (start, pauseAfter, paused) => {
        // Prepare
        const dc = domainContext(start);
        const cal = dc.calendars['cn-workdays'];
        const clock = startClock('handling', { category: 'loss', priority: 'normal' }, start, dc.ctx());
        const from = new Date(start.getTime() + pauseAfter);
        const to = new Date(from.getTime() + paused);
        const workingPause = cal.elapsedMs(from, to);

        // Act
        const shifted = shiftClock(clock, from, to, dc.calendars);

        // Assess
        expect(cal.elapsedMs(new Date(clock.dueAt), new Date(shifted.dueAt))).toBe(workingPause);
        if (workingPause === 0) expect(shifted.dueAt).toBe(clock.dueAt);
        else expect(Date.parse(shifted.dueAt)).toBeGreaterThan(Date.parse(clock.dueAt));
      }),
    );
  });

  it('a pause over the whole National Day week costs a cn-workdays clock only Sep 30 afternoon and Oct 8-9', () => {
    // Prepare: due Oct 10 10:00 (see above); paused Sep 30 14:00 until Oct 9 18:00 = 4 + 9 + 9 = 22 working hours
    const start = shanghai('2026-09-30T10:00');
    const dc = domainContext(start);
    const clock = startClock('handling', { category: 'loss', priority: 'normal' }, start, dc.ctx());

    // Act
    const shifted = shiftClock(
      clock,
      shanghai('2026-09-30T14:00'),
      shanghai('2026-10-09T18:00'),
      dc.calendars,
    );

    // Assess: from Sat Oct 10 10:00, 22 working hours: Oct 10 8 h, Mon Oct 12 9 h, Tue Oct 13 5 h
    expect(shifted.dueAt).toBe(shanghai('2026-10-13T14:00').toISOString());
  });

  it('keeps the instant of a warning already sent, and leaves a stopped clock alone', () => {
    // Prepare
    const start = shanghai('2026-03-02T10:00');
    const dc = domainContext(start);
    const clock = startClock('handling', { category: 'delay', priority: 'normal' }, start, dc.ctx());
    const warned = { ...clock, warnedAt: clock.warnAt };
    const stopped = stopClock(clock, new Date(start.getTime() + HOUR_MS));
    const [from, to] = [new Date(start.getTime() + 2 * HOUR_MS), new Date(start.getTime() + 7 * HOUR_MS)];

    // Act
    const shiftedWarned = shiftClock(warned, from, to, dc.calendars);
    const shiftedStopped = shiftClock(stopped, from, to, dc.calendars);

    // Assess
    expect(shiftedWarned.warnAt).toBe(clock.warnAt);
    expect(shiftedWarned.dueAt).toBe(plusHours(start, 48 + 5));
    expect(shiftedStopped).toEqual(stopped);
  });
});

describe('graceDeadline: half the breached clock, on its calendar', () => {
  it.each([
    { category: 'delay', priority: 'normal', at: '2026-03-04T10:00', grace: '2026-03-05T10:00' },
    { category: 'privacy', priority: 'urgent', at: '2026-03-04T10:00', grace: '2026-03-04T16:00' },
    // 13.5 working hours from Wed Sep 30 16:00: Sep 30 2 h, Oct 8 9 h, Oct 9 2.5 h
    { category: 'loss', priority: 'normal', at: '2026-09-30T16:00', grace: '2026-10-09T11:30' },
  ] as const)('$category / $priority breached at $at has grace until $grace', (c) => {
    // Prepare
    const start = shanghai('2026-03-02T10:00');
    const dc = domainContext(shanghai(c.at));
    const clock = startClock(
      'handling',
      { category: c.category as Category, priority: c.priority as Priority },
      start,
      dc.ctx(),
    );

    // Act
    const grace = graceDeadline(clock, shanghai(c.at), dc.ctx());

    // Assess
    expect(grace.toISOString()).toBe(shanghai(c.grace).toISOString());
  });
});

describe('deadlinesOf: what a person sees', () => {
  it('in received, the stage deadline is the response clock', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const c = register(dc);

    // Act
    const deadlines = deadlinesOf(c, dc.now());

    // Assess
    expect(deadlines).toEqual({
      response: shanghai('2026-03-03T10:00').toISOString(),
      resolution: shanghai('2026-03-09T10:00').toISOString(),
      stage: shanghai('2026-03-03T10:00').toISOString(),
    });
  });

  it('a complaint received long before registration has its stage deadline capped by the resolution clock', () => {
    // Prepare: received 6 days 22 hours before registration; resolution is due in 2 h, response in 24 h
    const dc = domainContext(shanghai('2026-03-09T08:00'));
    const c = register(dc, { receivedAt: shanghai('2026-03-02T10:00').toISOString() });

    // Act
    const deadlines = deadlinesOf(c, dc.now());

    // Assess
    expect(deadlines.response).toBe(shanghai('2026-03-10T08:00').toISOString());
    expect(deadlines.stage).toBe(shanghai('2026-03-09T10:00').toISOString());
  });

  it('a loss complaint accepted before National Day: handling due Oct 10, stage capped by resolution on Oct 7', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-09-30T10:00'));
    const registered = register(dc, { category: 'loss', description: '包裹丢失' });
    dc.advance(10 * MINUTE_MS);

    // Act
    const accepted = act(dc, registered, { action: 'accept', actor: 'agent-1' });
    const deadlines = deadlinesOf(accepted, dc.now());

    // Assess
    expect(accepted.clocks.handling?.dueAt).toBe(shanghai('2026-10-10T10:10').toISOString());
    expect(deadlines.resolution).toBe(shanghai('2026-10-07T10:00').toISOString());
    expect(deadlines.stage).toBe(shanghai('2026-10-07T10:00').toISOString());
  });

  it('a delay complaint accepted at once has the 48 h handling clock as its stage deadline', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const registered = register(dc);
    dc.advance(30 * MINUTE_MS);

    // Act
    const accepted = act(dc, registered, { action: 'accept', actor: 'agent-1' });

    // Assess
    expect(deadlinesOf(accepted, dc.now()).stage).toBe(shanghai('2026-03-04T10:30').toISOString());
  });
});
