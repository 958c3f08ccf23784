// Compensation as a claim (SPEC section 11): staff offer a remedy (money, resend or replacement), the
// customer accepts or declines it, and an accepted claim is paid (or the goods sent) with a reference,
// against its own clock. The claim is a bounded part of the complaint: the current offer only, a new
// offer allowed after a decline up to MAX_CLAIM_OFFERS; every step is a timeline event. Pure.
import type { Category, Complaint, Instant, Money } from './complaint.ts';
import type { ClockContext } from './clocks.ts';
import {
  compensationKind,
  DEFAULT_COMPENSATION_RULES,
  suggestCompensation,
  type CompensationKind,
  type CompensationRuleId,
} from './compensation.ts';
import type { DamageSeverity } from './commands.ts';
import { InvalidInput, LimitReached, TransitionNotAllowed } from './errors.ts';
import { withEvent, withNotification } from './notices.ts';
import { planTaskClock, withTaskAlerts } from './task-deadlines.ts';

export const REMEDIES = ['money', 'resend', 'replacement'] as const;
export type Remedy = (typeof REMEDIES)[number];

export const CLAIM_STATUSES = ['offered', 'accepted', 'declined', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Offers per complaint (a new one only after the customer declined the last). */
export const MAX_CLAIM_OFFERS = 3;

/** Share of the payment clock after which it counts as at risk (like the SLA clocks' 80%). */
export const PAYMENT_WARNING_RATIO = 0.8;

export interface Claim {
  /** 1 for the first offer, 2 after a decline and a new offer... */
  number: number;
  remedy: Remedy;
  /** Money only. */
  amount?: Money;
  /** 赔偿 (loss, damage) or 补偿 (anything else): how texts word the money. */
  kind: CompensationKind;
  /** What the rules suggested when it was offered, and which rule; absent when no rule applied. */
  suggested?: Money;
  rule?: CompensationRuleId;
  status: ClaimStatus;
  offeredAt: Instant;
  offeredBy: string;
  /** When and by whom the customer's answer was recorded. */
  decidedAt?: Instant;
  decidedBy?: string;
  /** The payment clock (accepted claims): due on the cn-workdays calendar, and when it is at risk. */
  payBy?: Instant;
  payWarnAt?: Instant;
  paidAt?: Instant;
  paidBy?: string;
  /** The payment's (or, for goods, the shipment's) reference in the paying system. */
  paymentReference?: string;
}

/** What staff give when offering. */
export interface ClaimOffer {
  remedy: Remedy;
  amount?: Money;
  /** Inputs of the suggestion recorded beside the offer. */
  damageSeverity?: DamageSeverity;
  missingShare?: number;
  actualLoss?: number;
  daysLate?: number;
}

interface ClaimActionBase {
  actor: string;
  /** The upstream system that carried it, when one did. */
  client?: string;
}

export type ClaimAction =
  | (ClaimActionBase & { action: 'offer-compensation'; offer: ClaimOffer })
  | (ClaimActionBase & { action: 'accept-compensation' })
  | (ClaimActionBase & { action: 'decline-compensation'; reason?: string })
  | (ClaimActionBase & { action: 'record-payment'; paymentReference: string });

/** The claim's state as a client sees it: whether its payment clock has run out. */
export function paymentOverdue(claim: Claim, now: Date): boolean {
  return claim.status === 'accepted' && claim.payBy !== undefined && Date.parse(claim.payBy) <= now.getTime();
}

/** The suggestion for a complaint and the facts staff add (SPEC section 7), for the suggestion endpoint. */
export function suggestionFor(
  c: Pick<Complaint, 'category' | 'declaredValue' | 'postage' | 'insured'>,
  facts: Omit<ClaimOffer, 'remedy' | 'amount'>,
  ctx: Pick<ClockContext, 'compensation'>,
) {
  return suggestCompensation(
    {
      category: c.category,
      declaredValue: c.declaredValue,
      postage: c.postage,
      insured: c.insured,
      damageSeverity: facts.damageSeverity,
      missingShare: facts.missingShare,
      actualLoss: facts.actualLoss,
      daysLate: facts.daysLate,
    },
    ctx.compensation ?? DEFAULT_COMPENSATION_RULES,
  );
}

/** Applies a claim action; the complaint's status does not change. @throws TransitionNotAllowed, InvalidInput */
export function applyClaimAction(c: Complaint, action: ClaimAction, ctx: ClockContext): Complaint {
  const at = ctx.now.toISOString();
  const claim = c.claim;
  const refuse = (allowedFrom: string): never => {
    throw new TransitionNotAllowed(
      action.action,
      claim ? `claim ${claim.status}` : 'no claim',
      allowedFrom === '' ? [] : [allowedFrom],
    );
  };
  const event = (type: string, data: Record<string, unknown>) =>
    withEvent(c, {
      at,
      type,
      actor: action.actor,
      ...(action.client !== undefined ? { client: action.client } : {}),
      from: c.status,
      data,
    });
  switch (action.action) {
    case 'offer-compensation': {
      if (claim && claim.status !== 'declined') refuse('decline-compensation');
      const number = (claim?.number ?? 0) + 1;
      if (number > MAX_CLAIM_OFFERS) throw new LimitReached('compensation offers', MAX_CLAIM_OFFERS);
      const offered = offerOf(c.category, action.offer, number, at, action.actor, c, ctx);
      const next = {
        ...event('claim-offered', {
          number,
          remedy: offered.remedy,
          kind: offered.kind,
          amount: offered.amount ?? null,
          suggested: offered.suggested ?? null,
          rule: offered.rule ?? null,
        }),
        claim: offered,
      };
      return withNotification(
        next,
        { audience: 'customer', event: 'claim-offered', data: textData(offered) },
        ctx.now,
      );
    }
    case 'accept-compensation': {
      if (claim?.status !== 'offered') return refuse('offer-compensation');
      const days = (ctx.compensation ?? DEFAULT_COMPENSATION_RULES).paymentWorkingDays;
      // The payment clock warns the responsible unit before payBy and climbs the levels after it, unless
      // the payment is recorded first (task-deadlines.ts); its warning ratio is PAYMENT_WARNING_RATIO.
      const clock = planTaskClock(days, {
        ...ctx,
        policy: { ...ctx.policy, warningRatio: PAYMENT_WARNING_RATIO },
      });
      const payBy = clock.dueAt;
      const payWarnAt = clock.warnAt;
      const accepted: Claim = {
        ...claim,
        status: 'accepted',
        decidedAt: at,
        decidedBy: action.actor,
        payBy,
        payWarnAt,
      };
      return withTaskAlerts(
        { ...event('claim-accepted', { number: claim.number, payBy }), claim: accepted },
        'payment',
        clock,
        ctx.now,
        { claim: claim.number },
      );
    }
    case 'decline-compensation': {
      if (claim?.status !== 'offered') return refuse('offer-compensation');
      const declined: Claim = { ...claim, status: 'declined', decidedAt: at, decidedBy: action.actor };
      return {
        ...event('claim-declined', { number: claim.number, reason: action.reason ?? null }),
        claim: declined,
      };
    }
    case 'record-payment': {
      if (claim?.status !== 'accepted') return refuse('accept-compensation');
      const paid: Claim = {
        ...claim,
        status: 'paid',
        paidAt: at,
        paidBy: action.actor,
        paymentReference: action.paymentReference,
      };
      const late = claim.payBy !== undefined && Date.parse(claim.payBy) < ctx.now.getTime();
      const next = {
        ...event('claim-paid', {
          number: claim.number,
          remedy: claim.remedy,
          kind: claim.kind,
          amount: claim.amount ?? null,
          paymentReference: action.paymentReference,
          payBy: claim.payBy ?? null,
          late,
        }),
        claim: paid,
      };
      return withNotification(
        next,
        { audience: 'customer', event: 'claim-paid', data: textData(paid) },
        ctx.now,
      );
    }
  }
}

/**
 * The money a `resolve` states is an offer too: without an open claim it becomes one (offered), so the
 * customer's answer and the payment follow the same steps. The answered text carries it: no second text.
 */
export function claimFromResolve(
  c: Complaint,
  amount: Money,
  party: { actor: string; client?: string },
  ctx: ClockContext,
): Complaint {
  const claim = c.claim;
  const open = claim !== undefined && claim.status !== 'declined';
  const number = (claim?.number ?? 0) + 1;
  if (open || amount.amount <= 0 || number > MAX_CLAIM_OFFERS) return c;
  const at = ctx.now.toISOString();
  const offered = offerOf(c.category, { remedy: 'money', amount }, number, at, party.actor, c, ctx);
  return {
    ...withEvent(c, {
      at,
      type: 'claim-offered',
      actor: party.actor,
      ...(party.client !== undefined ? { client: party.client } : {}),
      from: c.status,
      data: {
        number,
        remedy: 'money',
        kind: offered.kind,
        amount,
        suggested: offered.suggested ?? null,
        rule: offered.rule ?? null,
        via: 'resolve',
      },
    }),
    claim: offered,
  };
}

function offerOf(
  category: Category,
  offer: ClaimOffer,
  number: number,
  at: Instant,
  actor: string,
  c: Complaint,
  ctx: ClockContext,
): Claim {
  if (offer.remedy === 'money' && (offer.amount === undefined || offer.amount.amount <= 0)) {
    throw new InvalidInput('a money offer needs an amount', [
      { path: 'amount', message: 'required above 0 when the remedy is money' },
    ]);
  }
  if (offer.remedy !== 'money' && offer.amount !== undefined) {
    throw new InvalidInput('only money carries an amount', [
      { path: 'amount', message: `not allowed with remedy ${offer.remedy}` },
    ]);
  }
  const suggestion = suggestionFor(c, offer, ctx);
  const claim: Claim = {
    number,
    remedy: offer.remedy,
    kind: compensationKind(category),
    status: 'offered',
    offeredAt: at,
    offeredBy: actor,
  };
  if (offer.amount) claim.amount = offer.amount;
  if (suggestion) {
    claim.suggested = suggestion.amount;
    claim.rule = suggestion.rule;
  }
  return claim;
}

/** What the texts need: the amount (money) and which wording (kind, remedy). */
function textData(claim: Claim): Record<string, string | number> {
  return {
    remedy: claim.remedy,
    kind: claim.kind,
    ...(claim.amount ? { amount: claim.amount.amount } : {}),
  };
}
