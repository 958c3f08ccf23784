// The compensation claim (SPEC section 11): offered, accepted or declined, paid with a reference against
// its own clock on the business calendar; the complaint's status never moves; refused out of order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CLAIM_OFFERS, paymentOverdue } from '#domain/claims';
import type { ComplaintAction } from '#domain/commands';
import type { Complaint } from '#domain/complaint';
import { InvalidInput, LimitReached, TransitionNotAllowed } from '#domain/errors';
import { actionsFor, applyAction } from '#domain/lifecycle';
import {
  act,
  complaintIn,
  domainContext,
  HOUR_MS,
  shanghai,
  type DomainContext,
} from '../support/domain-context.ts';

const offerMoney = (amount: number): ComplaintAction => ({
  action: 'offer-compensation',
  actor: 'agent-1',
  remedy: 'money',
  amount: { amount, currency: 'CNY' },
});
const accept: ComplaintAction = { action: 'accept-compensation', actor: 'customer' };
const decline: ComplaintAction = { action: 'decline-compensation', actor: 'customer', reason: '太少' };
const pay: ComplaintAction = { action: 'record-payment', actor: 'agent-1', paymentReference: 'PAY-1' };

function lossComplaint(dc: DomainContext): Complaint {
  return {
    ...complaintIn('investigating', dc),
    category: 'loss',
    declaredValue: 800,
    postage: 20,
    insured: true,
  };
}

describe('a claim offered', () => {
  it('records the offer beside the suggestion, owes the customer a text, and leaves the status alone', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const before = lossComplaint(dc);

    // Act
    const after = act(dc, before, { ...offerMoney(150), missingShare: 0.25 } as ComplaintAction);

    // Assess
    expect(after.status).toBe('investigating');
    expect(after.stage).toEqual(before.stage);
    expect(after.claim).toMatchObject({
      number: 1,
      remedy: 'money',
      status: 'offered',
      kind: 'damages',
      amount: { amount: 150, currency: 'CNY' },
      suggested: { amount: 200, currency: 'CNY' },
      rule: 'partial-loss-insured',
    });
    expect(after.outbox.at(-1)).toMatchObject({
      audience: 'customer',
      event: 'claim-offered',
      data: { remedy: 'money', kind: 'damages', amount: 150 },
    });
    expect(actionsFor(after)).toEqual(
      expect.arrayContaining(['accept-compensation', 'decline-compensation']),
    );
    expect(actionsFor(after)).not.toContain('offer-compensation');
  });

  it('needs an amount for money and refuses one for goods', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const c = lossComplaint(dc);

    // Act
    const noAmount = () =>
      applyAction(c, { action: 'offer-compensation', actor: 'a', remedy: 'money' }, dc.ctx());
    const goodsWithAmount = () =>
      applyAction(c, { ...offerMoney(10), remedy: 'replacement' } as ComplaintAction, dc.ctx());

    // Assess
    expect(noAmount).toThrow(InvalidInput);
    expect(goodsWithAmount).toThrow(InvalidInput);
  });

  it(`allows a new offer only after a decline, and at most ${MAX_CLAIM_OFFERS} offers`, () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = act(dc, lossComplaint(dc), offerMoney(100));

    // Act + Assess
    expect(() => applyAction(c, offerMoney(120), dc.ctx())).toThrow(TransitionNotAllowed);
    for (let n = 2; n <= MAX_CLAIM_OFFERS; n++) {
      c = act(dc, act(dc, c, decline), offerMoney(100 + n));
      expect(c.claim?.number).toBe(n);
    }
    c = act(dc, c, decline);
    expect(actionsFor(c)).not.toContain('offer-compensation');
    expect(() => applyAction(c, offerMoney(500), dc.ctx())).toThrow(LimitReached);
  });
});

describe('the money a resolve states', () => {
  it('becomes an offered claim the customer can answer, without a second text', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));

    // Act
    const resolved = act(dc, lossComplaint(dc), {
      action: 'resolve',
      actor: 'agent-1',
      resolution: '按保价赔偿',
      compensation: { amount: 800, currency: 'CNY' },
    });

    // Assess
    expect(resolved.claim).toMatchObject({ number: 1, remedy: 'money', status: 'offered', kind: 'damages' });
    expect(resolved.outbox.filter((n) => n.event === 'claim-offered')).toEqual([]);
    expect(resolved.outbox.filter((n) => n.event === 'answered')).toHaveLength(1);
    expect(actionsFor(resolved)).toContain('accept-compensation');
  });

  it('leaves an open claim as it is', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const accepted = act(dc, act(dc, lossComplaint(dc), offerMoney(300)), accept);

    // Act
    const resolved = act(dc, accepted, {
      action: 'resolve',
      actor: 'agent-1',
      resolution: '已赔付',
      compensation: { amount: 300, currency: 'CNY' },
    });

    // Assess
    expect(resolved.claim).toEqual(accepted.claim);
  });
});

describe('a claim accepted and paid', () => {
  it('starts its own clock: 7 working days on the business calendar, overdue once they pass', () => {
    // Prepare: accepted on a Monday morning
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    const offered = act(dc, lossComplaint(dc), offerMoney(200));

    // Act
    const acceptedAt = dc.now();
    const accepted = act(dc, offered, accept);

    // Assess: seven working days later is the next Wednesday, same time
    expect(accepted.claim).toMatchObject({ status: 'accepted', decidedBy: 'customer' });
    const payBy = new Date(acceptedAt.getTime() + 9 * 24 * HOUR_MS);
    expect(accepted.claim?.payBy).toBe(payBy.toISOString());
    expect(paymentOverdue(accepted.claim!, new Date(payBy.getTime() - 1))).toBe(false);
    expect(paymentOverdue(accepted.claim!, payBy)).toBe(true);
    expect(accepted.status).toBe('investigating');
  });

  it('is paid once, with its reference and a text, in any status (closed too), late or not', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = act(dc, act(dc, lossComplaint(dc), offerMoney(200)), accept);
    c = act(dc, c, { action: 'close', actor: 'sup-1', reason: '客户同意赔付后结案' });
    dc.advance(20 * 24 * HOUR_MS);

    // Act
    const paid = act(dc, c, pay);

    // Assess
    expect(paid.status).toBe('closed');
    expect(paid.claim).toMatchObject({ status: 'paid', paymentReference: 'PAY-1', paidBy: 'agent-1' });
    expect(paid.timeline.at(-1)).toMatchObject({ type: 'claim-paid', data: { late: true } });
    expect(paid.outbox.at(-1)).toMatchObject({ event: 'claim-paid', data: { amount: 200 } });
    expect(() => applyAction(paid, pay, dc.ctx())).toThrow(TransitionNotAllowed);
  });
});

describe('the claim, whatever the order of its actions', () => {
  it('moves only offered → accepted | declined, accepted → paid, declined → offered; status untouched', () => {
    const steps = fc.array(
      fc.constantFrom<ComplaintAction>(offerMoney(50), accept, decline, pay, {
        action: 'offer-compensation',
        actor: 'agent-1',
        remedy: 'resend',
      }),
      { maxLength: 12 },
    );
    const NEXT: Record<string, string[]> = {
      none: ['offered'],
      offered: ['accepted', 'declined'],
      declined: ['offered'],
      accepted: ['paid'],
      paid: [],
    };
    fc.assert(
      fc.property(steps, (actions) => {
        const dc = domainContext(shanghai('2026-03-02T10:00'));
        let c = lossComplaint(dc);
        for (const action of actions) {
          const before = c.claim?.status ?? 'none';
          try {
            c = act(dc, c, action);
          } catch (error) {
            expect(
              error instanceof TransitionNotAllowed ||
                error instanceof InvalidInput ||
                error instanceof LimitReached,
            ).toBe(true);
            continue;
          }
          expect(NEXT[before]).toContain(c.claim?.status);
          expect(c.status).toBe('investigating');
          expect(c.claim?.number ?? 0).toBeLessThanOrEqual(MAX_CLAIM_OFFERS);
        }
      }),
    );
  });
});
