// The deadlines of the follow-up call (回访) and of a claim's payment act (SPEC sections 4 and 11): opening
// the task owes a warning to the owning unit before the deadline and an overdue alert per level after it
// (the outlet's manager, the region, headquarters), each scheduled for its instant; when the instant comes
// an alert goes out only while its task is open, and a warning never at or after its deadline.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComplaintAction } from '#domain/commands';
import type { Complaint, PendingNotification } from '#domain/complaint';
import { applyFeedback } from '#domain/lifecycle';
import { alertAddress } from '#domain/organisation';
import { planTaskClock, taskAlertStatus } from '#domain/task-deadlines';
import {
  act,
  complaintIn,
  DAY_MS,
  domainContext,
  fireDue,
  HOUR_MS,
  persisted,
  rate,
  shanghai,
  type DomainContext,
} from '../support/domain-context.ts';

const taskAlerts = (c: Complaint, prefix: string): PendingNotification[] =>
  c.outbox.filter((n) => n.event.startsWith(prefix));

const accept: ComplaintAction = { action: 'accept-compensation', actor: 'customer' };
const decline: ComplaintAction = { action: 'decline-compensation', actor: 'customer' };
const offer = (amount: number): ComplaintAction => ({
  action: 'offer-compensation',
  actor: 'agent-1',
  remedy: 'money',
  amount: { amount, currency: 'CNY' },
});

describe('the follow-up deadline', () => {
  it('owes a warning at 80% and an overdue alert per level, half the clock apart, on working time', () => {
    // Prepare: answered, and the customer rates 2 on Monday 2026-03-02 10:00.
    const dc = domainContext(shanghai('2026-03-02T09:00'));
    const answered = complaintIn('awaiting-feedback', dc, { outletId: 'SH-01', regionId: 'EAST' });
    dc.setNow(shanghai('2026-03-02T10:00'));

    // Act
    const rated = rate(dc, answered, { score: 2 });

    // Assess: 27 working hours; 80% = 21.6 h = Wed 13:36; due Thu 10:00; grace 13.5 working hours.
    expect(rated.followUp).toMatchObject({
      warnAt: shanghai('2026-03-04T13:36').toISOString(),
      dueAt: shanghai('2026-03-05T10:00').toISOString(),
    });
    const alerts = taskAlerts(rated, 'staff-follow-up');
    expect(alerts.map((n) => [n.event, n.level, n.notBefore])).toEqual([
      ['staff-follow-up-due', 0, shanghai('2026-03-04T13:36').toISOString()],
      ['staff-follow-up-overdue', 1, shanghai('2026-03-05T10:00').toISOString()],
      ['staff-follow-up-overdue', 2, shanghai('2026-03-06T14:30').toISOString()],
      ['staff-follow-up-overdue', 3, shanghai('2026-03-10T10:00').toISOString()],
    ]);
    // Routed as every staff alert of the level: the outlet (0, 1), its region (2), headquarters (3).
    expect(alerts.map((n) => alertAddress(rated, n.level ?? 0))).toEqual([
      'outlet:SH-01',
      'outlet:SH-01',
      'region:EAST',
      'hq',
    ]);
    expect(new Set(alerts.map((n) => n.key)).size).toBe(4);
  });

  it('sends while the call is not recorded; never once it is, never a warning at or after the deadline', () => {
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const { complaint: closed } = fireDue(dc, complaintIn('awaiting-feedback', dc, { outletId: 'SH-01' }));
    const [warning, overdue] = taskAlerts(closed, 'staff-follow-up') as [
      PendingNotification,
      PendingNotification,
    ];
    const due = new Date(closed.followUp!.dueAt);

    expect(taskAlertStatus(closed, warning, new Date(warning.notBefore!))).toBe('send');
    expect(taskAlertStatus(closed, warning, due)).toBe('too-late');
    expect(taskAlertStatus(closed, overdue, due)).toBe('send');

    dc.setNow(new Date(due.getTime() + HOUR_MS));
    const recorded = act(dc, closed, { action: 'follow-up', actor: 'agent-2', reached: true });
    expect(taskAlertStatus(recorded, overdue, dc.now())).toBe('done');
    expect(taskAlertStatus(recorded, warning, new Date(warning.notBefore!))).toBe('done');
  });

  it('a neutral score opens a follow-up only where the deployment asks for it', () => {
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const answered = complaintIn('awaiting-feedback', dc, { outletId: 'SH-01' });

    const off = rate(dc, answered, { score: 3 });
    expect(off.closeReason).toBe('neutral');
    expect(off.followUp).toBeUndefined();
    expect(taskAlerts(off, 'staff-follow-up')).toEqual([]);

    const on = persistedNeutral(dc, answered);
    expect(on.closeReason).toBe('neutral');
    expect(on.status).toBe('closed');
    expect(on.followUp).toMatchObject({ reason: 'neutral-score', owner: 'outlet:SH-01' });
    expect(taskAlerts(on, 'staff-follow-up')).toHaveLength(4);
    expect(on.timeline.find((e) => e.type === 'feedback')?.data).toMatchObject({ followUp: 'opened' });
    // Exactly as a low score does: same clock, same owner, same alerts.
    const low = rate(dc, answered, { score: 1 });
    expect({ ...on.followUp, reason: 'low-score' }).toEqual(low.followUp);
    expect(taskAlerts(on, 'staff-follow-up').map((n) => [n.level, n.notBefore])).toEqual(
      taskAlerts(low, 'staff-follow-up').map((n) => [n.level, n.notBefore]),
    );
  });

  it('a time-scaled run scales the clock as the policy clocks (3 working days = 27 s at 3600)', () => {
    const dc = domainContext(shanghai('2026-03-07T23:00')); // a Saturday night: no working time matters
    const clock = planTaskClock(3, { ...dc.ctx(), timeScale: 3600 });
    const start = dc.now().getTime();
    expect(Date.parse(clock.dueAt) - start).toBe(27_000);
    expect(Date.parse(clock.warnAt) - start).toBe(21_600);
    expect(clock.overdueAlerts.map((a) => Date.parse(a.at) - start)).toEqual([27_000, 40_500, 54_000]);
  });
});

describe('the payment clock', () => {
  it('acceptance owes the payment alerts of this claim; paying it, or a later claim, silences them', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const offered = act(dc, complaintIn('investigating', dc, { outletId: 'SH-01' }), offer(50));

    // Act
    const accepted = act(dc, offered, accept);

    // Assess: 7 working days; the warning at 80%, the overdue alerts from payBy on.
    const alerts = taskAlerts(accepted, 'staff-payment');
    expect(alerts.map((n) => [n.event, n.level])).toEqual([
      ['staff-payment-due', 0],
      ['staff-payment-overdue', 1],
      ['staff-payment-overdue', 2],
      ['staff-payment-overdue', 3],
    ]);
    expect(alerts[0]?.notBefore).toBe(accepted.claim?.payWarnAt);
    expect(alerts[1]?.notBefore).toBe(accepted.claim?.payBy);
    expect(alerts.every((n) => n.data?.claim === 1 && n.data.dueAt === accepted.claim?.payBy)).toBe(true);
    const overdue = alerts[1]!;
    expect(taskAlertStatus(accepted, overdue, new Date(overdue.notBefore!))).toBe('send');

    dc.advance(9 * DAY_MS);
    const paid = act(dc, accepted, { action: 'record-payment', actor: 'agent-1', paymentReference: 'PAY-1' });
    expect(taskAlertStatus(paid, overdue, dc.now())).toBe('done');
  });

  it('an alert of an earlier claim never speaks for a later one', () => {
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const first = act(dc, act(dc, complaintIn('investigating', dc), offer(50)), accept);
    const firstOverdue = taskAlerts(first, 'staff-payment-overdue')[0]!;
    // A claim record that was accepted, then (say) replaced by a second accepted claim of another number.
    const second: Complaint = { ...first, claim: { ...first.claim!, number: 2 } };
    expect(taskAlertStatus(second, firstOverdue, new Date(firstOverdue.notBefore!))).toBe('done');
    // A declined claim owes no payment alerts at all.
    const declined = act(dc, act(dc, complaintIn('investigating', dc), offer(50)), decline);
    expect(taskAlerts(declined, 'staff-payment')).toEqual([]);
  });
});

describe('task clocks, for any start and length', () => {
  it('warn before the deadline, climb after it in order, and never warn at or after it', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2026-12-20T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }),
        (start, workingDays, offsetMs) => {
          const dc = domainContext(start);
          const clock = planTaskClock(workingDays, dc.ctx());
          const instants = [clock.warnAt, clock.dueAt, ...clock.overdueAlerts.map((a) => a.at)].map(
            Date.parse,
          );
          expect(instants[0]).toBeGreaterThan(start.getTime());
          expect(instants[0]).toBeLessThan(instants[1]!);
          expect(clock.overdueAlerts[0]?.at).toBe(clock.dueAt);
          for (let i = 3; i < instants.length; i++) expect(instants[i]).toBeGreaterThan(instants[i - 1]!);
          // Whenever the warning would go out, it goes out only before the deadline.
          const due = Date.parse(clock.dueAt);
          const at = new Date(due + offsetMs);
          const open = {
            followUp: { reason: 'no-feedback' as const, owner: 'hq', openedAt: '', dueAt: clock.dueAt },
          };
          const warning = { event: 'staff-follow-up-due' as const, data: { dueAt: clock.dueAt } };
          expect(taskAlertStatus(open, warning, at)).toBe(at.getTime() < due ? 'send' : 'too-late');
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A score of 3 where the deployment follows neutral scores up (FOLLOW_UP_NEUTRAL_SCORE, in the context). */
function persistedNeutral(dc: DomainContext, answered: Complaint): Complaint {
  const ctx = { ...dc.ctx(), followUpNeutralScore: true };
  return persisted(answered, applyFeedback(answered, { score: 3 }, { via: 'link' }, ctx));
}
