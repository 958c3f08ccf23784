// The SLA facts a complaint carries (issue: first response, handling start, paused time, resolution,
// which clocks breached and by how much) reach API clients without reconstructing them from the timeline.
import { describe, expect, it } from 'vitest';
import { presentComplaint } from '../../functions/api/presenters.ts';
import { complaintView } from '../../functions/api/schemas.ts';
import { act, domainContext, HOUR_MS, register } from '../support/domain-context.ts';

describe('clock facts in the complaint response', () => {
  it('reports a response clock stopped 3 h late as breached by 3 h, with the first response and paused time', () => {
    // Prepare: an urgent complaint (2 h response clock) accepted after 5 h, paused 4 h, then answered.
    const dc = domainContext('2026-03-02T01:00:00.000Z');
    let c = register(dc, { priority: 'urgent' }, { id: '01JQ3Z8W2E4X5Y6Z7A8B9C0D1E' });
    dc.advance(5 * HOUR_MS);
    c = act(dc, c, { action: 'accept', actor: 'agent-1' });
    c = act(dc, c, { action: 'request-info', actor: 'agent-1', message: '请补充照片' });
    dc.advance(4 * HOUR_MS);
    c = act(dc, c, { action: 'customer-reply', actor: 'customer', message: '已补充' });
    c = act(dc, c, { action: 'resolve', actor: 'agent-1', resolution: '已处理' });
    // Act
    const view = presentComplaint(c, dc.now());
    // Assess
    expect(complaintView.parse(view)).toBeTruthy();
    const facts = view.clockFacts;
    expect(facts.firstResponseAt).toBe('2026-03-02T06:00:00.000Z');
    expect(facts.handlingStartedAt).toBe('2026-03-02T06:00:00.000Z');
    expect(facts.resolvedAt).toBe('2026-03-02T10:00:00.000Z');
    expect(facts.totalPausedMs).toBe(4 * HOUR_MS);
    expect(facts.clocks.response).toMatchObject({
      breachedAt: '2026-03-02T03:00:00.000Z',
      overrunMs: 3 * HOUR_MS,
    });
    expect(facts.clocks.handling?.breachedAt).toBeNull();
    expect(facts.breaches.map((b) => b.clock)).toEqual(['response']);
  });
});
