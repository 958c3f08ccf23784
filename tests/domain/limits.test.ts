// The per-complaint caps: what callers can make a complaint accumulate is bounded, and reaching a cap is a
// typed refusal (409 / 413 at the API), never a write that DynamoDB's item limit would fail.
import { describe, expect, it } from 'vitest';
import type { Complaint } from '#domain/complaint';
import { ContentTooLarge, LimitReached } from '#domain/errors';
import { COMPLAINT_LIMITS } from '#domain/limits';
import { act, complaintIn, domainContext, MINUTE_MS, rate, shanghai } from '../support/domain-context.ts';

const dc = () => domainContext(shanghai('2026-03-02T10:00'));

describe('notes', () => {
  it('counts every note and refuses the one past the cap', () => {
    const context = dc();
    let c: Complaint = complaintIn('investigating', context);
    for (let i = 0; i < COMPLAINT_LIMITS.notes; i++) {
      c = act(context, c, { action: 'note', actor: 'agent-1', text: `备注${i}` });
    }
    expect(c.eventCounts?.note).toBe(COMPLAINT_LIMITS.notes);

    expect(() => act(context, c, { action: 'note', actor: 'agent-1', text: '再一条' })).toThrow(LimitReached);
  });

  it('refuses a note longer than the cap, naming the field', () => {
    const c = complaintIn('received', dc());
    const tooLong = '字'.repeat(COMPLAINT_LIMITS.noteChars + 1);

    expect(() => act(dc(), c, { action: 'note', actor: 'agent-1', text: tooLong })).toThrow(ContentTooLarge);
    expect(act(dc(), c, { action: 'note', actor: 'agent-1', text: tooLong.slice(1) }).eventCounts?.note).toBe(
      1,
    );
  });
});

describe('review cycles and requests for information', () => {
  it('allows a bounded number of review cycles, by reopen or by a low score', () => {
    const context = dc();
    let c = complaintIn('review', context);
    for (let cycle = 2; cycle <= COMPLAINT_LIMITS.reviewCycles; cycle++) {
      context.advance(10 * MINUTE_MS);
      c = act(context, c, { action: 'resolve', actor: 'supervisor-1', resolution: '再次答复' });
      c =
        cycle % 2 === 0
          ? rate(context, c, { score: 1 })
          : act(context, c, { action: 'reopen', actor: 's', reason: '不满意' });
    }
    expect(c.reviewCycles).toBe(COMPLAINT_LIMITS.reviewCycles);
    c = act(context, c, { action: 'resolve', actor: 'supervisor-1', resolution: '最终答复' });

    expect(() => rate(context, c, { score: 1 })).toThrow(LimitReached);
    expect(() => act(context, c, { action: 'reopen', actor: 's', reason: '再开' })).toThrow(LimitReached);
  });

  it('allows a bounded number of requests for information (each allows one customer reply)', () => {
    const context = dc();
    let c = complaintIn('investigating', context);
    for (let i = 0; i < COMPLAINT_LIMITS.infoRequests; i++) {
      c = act(context, c, { action: 'request-info', actor: 'agent-1', message: '请补充' });
      c = act(context, c, { action: 'customer-reply', actor: 'customer', message: '已补充' });
    }

    expect(() => act(context, c, { action: 'request-info', actor: 'agent-1', message: '再补充' })).toThrow(
      LimitReached,
    );
  });
});
