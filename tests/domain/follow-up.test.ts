// Follow-up (回访): opened by a low score or by the rating window passing, owned by the responsible unit,
// due 3 working days later on cn-workdays (a weekend and the National Day holiday do not count), recorded
// once, in time or late; suggestions and enquiries get none.
import { describe, expect, it } from 'vitest';
import { fireDue } from '../support/domain-context.ts';
import { act, complaintIn, DAY_MS, domainContext, rate, shanghai } from '../support/domain-context.ts';

describe('follow-up', () => {
  it('a score of 1-2 opens it for the outlet, due 3 working days later, beside the review', () => {
    // Prepare: answered on Friday 2026-09-25 before the National Day holiday (10-01 to 10-08).
    const dc = domainContext(shanghai('2026-09-25T09:00'));
    const answered = complaintIn('awaiting-feedback', dc, { outletId: 'SH-01', regionId: 'EAST' });
    dc.setNow(shanghai('2026-09-29T10:00'));

    // Act
    const rated = rate(dc, answered, { score: 2 });

    // Assess: Tuesday 10:00 + 27 working hours: Wed 09-30 full day, then the holiday, then 10-09 (调休 Friday).
    expect(rated.status).toBe('review');
    expect(rated.followUp).toEqual({
      reason: 'low-score',
      owner: 'outlet:SH-01',
      openedAt: shanghai('2026-09-29T10:00').toISOString(),
      dueAt: shanghai('2026-10-09T10:00').toISOString(),
      // 80% of the 27 working hours: 10-08 is a working day again.
      warnAt: shanghai('2026-10-08T13:36').toISOString(),
    });
    expect(rated.timeline.map((e) => e.type)).toContain('follow-up-opened');
  });

  it('the rating window passing closes it no-feedback and opens the follow-up; recorded once, late is late', () => {
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const answered = complaintIn('awaiting-feedback', dc, { regionId: 'EAST' });
    const { complaint: closed } = fireDue(dc, answered);
    expect(closed.closeReason).toBe('no-feedback');
    expect(closed.followUp?.owner).toBe('region:EAST');

    expect(() =>
      act(dc, closed, { action: 'follow-up', actor: 'agent-2', reached: false, satisfied: true }),
    ).toThrow(/no verdict/);
    dc.advance(10 * DAY_MS);
    const late = act(dc, closed, { action: 'follow-up', actor: 'agent-2', reached: false });
    expect(late.followUp?.outcome).toMatchObject({ reached: false, onTime: false, by: 'agent-2' });
    expect(() => act(dc, late, { action: 'follow-up', actor: 'agent-2', reached: true })).toThrow(
      /follow-up/,
    );
  });

  it('suggestions and satisfied customers get none', () => {
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    expect(complaintIn('closed', dc).followUp).toBeUndefined();
    const suggestion = complaintIn('investigating', dc, { type: 'suggestion' });
    const answered = act(dc, suggestion, { action: 'resolve', actor: 'agent-1', resolution: '已转交' });
    expect(answered.closeReason).toBe('answered');
    expect(answered.followUp).toBeUndefined();
  });
});
