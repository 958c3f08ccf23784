// The lifecycle of SPEC section 4: which action each status allows and what each action does to the
// complaint (status, owner, clocks, timeline, notifications owed). Pure: the caller persists the result.
import type { ActionName, ComplaintAction, FeedbackInput, FeedbackSource } from './commands.ts';
import type { CloseReason, Complaint, Status, TimelineEvent } from './complaint.ts';
import { endPause, startClock, stopClocks, type ClockContext } from './clocks.ts';
import { suggestCompensation } from './compensation.ts';
import { applyClaimAction, claimFromResolve, MAX_CLAIM_OFFERS } from './claims.ts';
import { InvalidInput, TransitionNotAllowed } from './errors.ts';
import { checkInfoRequest, checkNote, checkReviewCycle } from './limits.ts';
import { withEvent, withNotification } from './notices.ts';
import { closeComplaint, enterStatus } from './stage.ts';
import { reclassify, replyToRegulator, route, takesShortFlow } from './corrections.ts';
import { DEFAULT_ROOT_CAUSES, validateResponsibility } from './responsibility.ts';
import { openFollowUp, recordFollowUp } from './follow-up.ts';

const ALLOWED_ACTIONS: Readonly<Record<Status, readonly ActionName[]>> = {
  received: ['accept', 'assign', 'close', 'note', 'reclassify', 'route'],
  investigating: ['assign', 'request-info', 'resolve', 'close', 'note', 'reclassify', 'route'],
  // Ownership may change while the customer is asked or rates: assign never changes status (SPEC 4).
  'pending-customer': ['customer-reply', 'assign', 'close', 'note', 'reclassify', 'route'],
  'awaiting-feedback': ['reopen', 'assign', 'close', 'note', 'route'],
  review: ['assign', 'resolve', 'close', 'note', 'reclassify', 'route'],
  closed: ['note', 'regulator-reply'],
};

// The reply to the regulator may be sent in any status, after closing too.
for (const status of Object.keys(ALLOWED_ACTIONS) as Status[]) {
  if (status !== 'closed') (ALLOWED_ACTIONS[status] as ActionName[]).push('regulator-reply');
}
// A follow-up call's outcome is recorded whenever the task is open (in review, or after closing).
for (const status of Object.keys(ALLOWED_ACTIONS) as Status[]) {
  (ALLOWED_ACTIONS[status] as ActionName[]).push('follow-up');
}

// Compensation is offered while the complaint is worked or answered; the customer's answer and the payment
// may come in any status, after closing too (the claim has its own clock).
for (const status of ['investigating', 'awaiting-feedback', 'review'] as const) {
  (ALLOWED_ACTIONS[status] as ActionName[]).push('offer-compensation');
}
const CLAIM_ANSWERS: readonly ActionName[] = [
  'accept-compensation',
  'decline-compensation',
  'record-payment',
];
for (const status of Object.keys(ALLOWED_ACTIONS) as Status[]) {
  (ALLOWED_ACTIONS[status] as ActionName[]).push(...CLAIM_ANSWERS);
}

/** Whether the claim (if any) is at the point where this claim action applies. */
function claimAllows(c: Pick<Complaint, 'claim'>, name: ActionName): boolean {
  const claim = c.claim;
  if (name === 'offer-compensation') {
    return claim === undefined || (claim.status === 'declined' && claim.number < MAX_CLAIM_OFFERS);
  }
  if (name === 'accept-compensation' || name === 'decline-compensation') return claim?.status === 'offered';
  if (name === 'record-payment') return claim?.status === 'accepted';
  return true;
}

export function allowedActions(status: Status): ActionName[] {
  return [...ALLOWED_ACTIONS[status]];
}

/**
 * What can be done to this complaint now: its status's actions; regulator-reply for regulator transfers
 * only; the claim actions its claim is ready for; follow-up while one is open.
 */
export function actionsFor(c: Pick<Complaint, 'status' | 'regulator' | 'claim' | 'followUp'>): ActionName[] {
  return ALLOWED_ACTIONS[c.status].filter(
    (name) =>
      (name !== 'regulator-reply' || c.regulator !== undefined) &&
      claimAllows(c, name) &&
      (name !== 'follow-up' || (c.followUp !== undefined && c.followUp.outcome === undefined)),
  );
}

/** Actions that move the complaint to another status, and so complete the workflow's waiting task. */
export function changesStatus(action: ActionName): boolean {
  // reclassify keeps the status but re-plans the stage's clocks: the workflow must wait anew.
  return (
    action !== 'note' &&
    action !== 'assign' &&
    action !== 'route' &&
    action !== 'regulator-reply' &&
    action !== 'follow-up' &&
    !isClaimAction(action)
  );
}

/** The claim's own actions (claims.ts): they never change the complaint's status. */
export function isClaimAction(action: ActionName): boolean {
  return (
    action === 'offer-compensation' ||
    action === 'accept-compensation' ||
    action === 'decline-compensation' ||
    action === 'record-payment'
  );
}

/** Applies a person's action. Throws TransitionNotAllowed when the status does not allow it. */
export function applyAction(c: Complaint, action: ComplaintAction, ctx: ClockContext): Complaint {
  const allowed = actionsFor(c);
  if (!allowed.includes(action.action)) {
    // A claim action the status allows but the claim is not ready for: the claim's own refusal says why.
    if (isClaimRequest(action) && ALLOWED_ACTIONS[c.status].includes(action.action)) {
      return claimStep(c, action, ctx);
    }
    throw new TransitionNotAllowed(action.action, c.status, allowed);
  }
  const at = ctx.now.toISOString();
  const event = (type: string, to: Status | undefined, data?: Record<string, unknown>): TimelineEvent => {
    const e: TimelineEvent = { at, type, actor: action.actor, from: c.status };
    if (action.client !== undefined) e.client = action.client;
    if (to) e.to = to;
    if (data) e.data = data;
    return e;
  };
  switch (action.action) {
    case 'accept': {
      const responded = stopClocks(c, ctx.now, (name) => name === 'response');
      let next: Complaint = {
        ...responded,
        owner: c.owner ?? action.actor,
        firstResponder: c.firstResponder ?? action.actor,
        firstResponseAt: c.firstResponseAt ?? at,
        handlingStartedAt: c.handlingStartedAt ?? at,
        clocks: {
          ...responded.clocks,
          handling: c.clocks.handling ?? startClock('handling', c, ctx.now, ctx),
        },
      };
      next = withEvent(next, event('accepted', 'investigating'));
      next = withNotification(next, { audience: 'customer', event: 'accepted' }, ctx.now);
      return enterStatus(next, 'investigating', ctx);
    }
    case 'assign':
      return withEvent(
        { ...c, owner: action.assignee },
        event('assigned', undefined, { assignee: action.assignee }),
      );
    case 'note':
      checkNote(c, action.text);
      return withEvent(c, event('note', undefined, { text: action.text }));
    case 'request-info': {
      checkInfoRequest(c);
      let next: Complaint = {
        ...c,
        pausedAt: at,
        clocks: { ...c.clocks, pending: startClock('pending', c, ctx.now, ctx) },
      };
      next = withEvent(next, event('info-requested', 'pending-customer', { message: action.message }));
      next = withNotification(next, { audience: 'customer', event: 'info-requested' }, ctx.now);
      return enterStatus(next, 'pending-customer', ctx);
    }
    case 'customer-reply': {
      const next = withEvent(
        endPause(c, ctx),
        event('customer-replied', 'investigating', {
          message: action.message,
          ...(action.attachmentIds?.length ? { attachmentIds: action.attachmentIds } : {}),
        }),
      );
      return enterStatus(next, 'investigating', ctx);
    }
    case 'resolve': {
      const suggestion = suggestCompensation(
        {
          category: c.category,
          declaredValue: c.declaredValue,
          postage: c.postage,
          insured: c.insured,
          damageSeverity: action.damageSeverity,
        },
        ctx.compensation,
      );
      if (action.responsibility)
        validateResponsibility(action.responsibility, ctx.rootCauses ?? DEFAULT_ROOT_CAUSES);
      const resolution: Complaint['resolution'] = { text: action.resolution, at, by: action.actor };
      if (action.compensation) resolution.compensation = action.compensation;
      if (suggestion) resolution.suggestedCompensation = suggestion.amount;
      const answered = stopClocks(
        c,
        ctx.now,
        (name) => name === 'handling' || name === 'review' || name === 'resolution',
      );
      const shortFlow = takesShortFlow(c);
      let next: Complaint = {
        ...answered,
        resolution,
        resolvedAt: at,
        ...(action.responsibility
          ? { responsibility: { ...action.responsibility, at, by: action.actor } }
          : {}),
        // Suggestions and enquiries are answered and closed: no rating, no follow-up.
        clocks: shortFlow
          ? answered.clocks
          : { ...answered.clocks, feedback: startClock('feedback', c, ctx.now, ctx) },
      };
      next = withEvent(
        next,
        event('resolved', shortFlow ? 'closed' : 'awaiting-feedback', {
          compensation: action.compensation ?? null,
          suggestedCompensation: suggestion?.amount ?? null,
          suggestionBasis: suggestion?.basis ?? null,
          responsibility: action.responsibility ?? null,
        }),
      );
      if (action.compensation) {
        const party = {
          actor: action.actor,
          ...(action.client !== undefined ? { client: action.client } : {}),
        };
        next = claimFromResolve(next, action.compensation, party, ctx);
      }
      if (shortFlow) return closeComplaint(next, 'answered', action.actor, ctx);
      const data: Record<string, string | number> = {};
      if (action.compensation) data.compensation = action.compensation.amount;
      next = withNotification(next, { audience: 'customer', event: 'answered', data }, ctx.now);
      return enterStatus(next, 'awaiting-feedback', ctx);
    }
    case 'reopen':
      return openReview(c, ctx, event('reopened', 'review', { reason: action.reason }));
    case 'close': {
      // Never `withdrawn` by default: the customer would be told they withdrew a complaint they did not.
      const reason: CloseReason =
        action.closeReason ?? (c.status === 'review' ? 'reviewed' : 'closed-by-staff');
      // 'reviewed' reports a 复核 outcome: a complaint that never was in review cannot close so.
      if (reason === 'reviewed' && !c.clocks.review) {
        throw new InvalidInput('closeReason reviewed needs a review', [
          { path: 'closeReason', message: 'only a complaint that went through review can close as reviewed' },
        ]);
      }
      if (reason === 'unresolved' && action.nextSteps === undefined) {
        throw new InvalidInput('an unresolved close needs next steps', [
          { path: 'nextSteps', message: 'required with closeReason unresolved: what the customer was told' },
        ]);
      }
      let next = withEvent(
        c,
        event('close-requested', undefined, {
          reason: action.reason,
          closeReason: reason,
          ...(action.nextSteps !== undefined ? { nextSteps: action.nextSteps } : {}),
        }),
      );
      if (reason === 'unresolved') {
        next = { ...next, unresolved: { reason: action.reason, nextSteps: action.nextSteps ?? '' } };
      }
      return closeComplaint(next, reason, action.actor, ctx);
    }
    case 'reclassify':
      // Re-entered as a new stage, so the workflow waits again on the re-planned clocks.
      return enterStatus(reclassify(c, action, ctx), c.status, ctx);
    case 'route':
      return route(c, action, ctx);
    case 'regulator-reply':
      return replyToRegulator(c, action, ctx);
    case 'offer-compensation':
    case 'accept-compensation':
    case 'decline-compensation':
    case 'record-payment':
      return claimStep(c, action, ctx);
    case 'follow-up':
      return recordFollowUp(c, action, ctx);
  }
}

type ClaimRequest = Extract<
  ComplaintAction,
  { action: 'offer-compensation' | 'accept-compensation' | 'decline-compensation' | 'record-payment' }
>;

function isClaimRequest(action: ComplaintAction): action is ClaimRequest {
  return isClaimAction(action.action);
}

function claimStep(c: Complaint, action: ClaimRequest, ctx: ClockContext): Complaint {
  const carrier = action.client === undefined ? {} : { client: action.client };
  switch (action.action) {
    case 'offer-compensation': {
      const { actor, remedy, amount, damageSeverity, missingShare, actualLoss, daysLate } = action;
      const offer = { remedy, amount, damageSeverity, missingShare, actualLoss, daysLate };
      return applyClaimAction(
        c,
        { action: action.action, actor, ...carrier, offer: withoutUndefined(offer) },
        ctx,
      );
    }
    case 'accept-compensation':
      return applyClaimAction(c, { action: action.action, actor: action.actor, ...carrier }, ctx);
    case 'decline-compensation':
      return applyClaimAction(
        c,
        {
          action: action.action,
          actor: action.actor,
          ...carrier,
          ...(action.reason ? { reason: action.reason } : {}),
        },
        ctx,
      );
    case 'record-payment':
      return applyClaimAction(
        c,
        { action: action.action, actor: action.actor, ...carrier, paymentReference: action.paymentReference },
        ctx,
      );
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Ratings are the customer's, whoever carried them: the event says which way they came. */
const FEEDBACK_ACTOR = 'customer';

/**
 * The customer's rating, through their link or collected by an intake system (SPEC section 4): 4-5 closes
 * as satisfied, 3 (一般) closes as neutral (not counted as satisfied; flagged for an optional follow-up
 * call), 1-2 opens a review.
 */
export function applyFeedback(
  c: Complaint,
  feedback: FeedbackInput,
  source: FeedbackSource,
  ctx: ClockContext,
): Complaint {
  const actor = FEEDBACK_ACTOR;
  if (c.status !== 'awaiting-feedback') {
    // allowedActions lists what the status does allow (feedback is accepted only in awaiting-feedback).
    throw new TransitionNotAllowed('feedback', c.status, ALLOWED_ACTIONS[c.status]);
  }
  const at = ctx.now.toISOString();
  const recorded: Complaint = {
    ...c,
    feedback: { score: feedback.score, at, ...(feedback.comment ? { comment: feedback.comment } : {}) },
  };
  const data = { score: feedback.score, via: source.via };
  const carrier = source.client === undefined ? {} : { client: source.client };
  if (feedback.score >= 3) {
    const neutral = feedback.score === 3;
    // A deployment may follow neutral scores up as low ones (FOLLOW_UP_NEUTRAL_SCORE, default off).
    const followedUp = neutral && ctx.followUpNeutralScore === true;
    return closeComplaint(
      withEvent(followedUp ? openFollowUp(recorded, 'neutral-score', ctx) : recorded, {
        at,
        type: 'feedback',
        actor,
        ...carrier,
        from: c.status,
        data: neutral ? { ...data, followUp: followedUp ? 'opened' : 'optional' } : data,
      }),
      neutral ? 'neutral' : 'satisfied',
      actor,
      ctx,
    );
  }
  // A low score is called back (回访) by the responsible outlet, beside the supervisor's review.
  return openReview(openFollowUp(recorded, 'low-score', ctx), ctx, {
    at,
    type: 'feedback',
    actor,
    ...carrier,
    from: c.status,
    to: 'review',
    data,
  });
}

function openReview(c: Complaint, ctx: ClockContext, event: TimelineEvent): Complaint {
  checkReviewCycle(c);
  const rated = stopClocks(c, ctx.now, (name) => name === 'feedback');
  let next: Complaint = {
    ...rated,
    reviewCycles: (c.reviewCycles ?? 0) + 1,
    clocks: { ...rated.clocks, review: startClock('review', c, ctx.now, ctx) },
  };
  next = withEvent(next, event);
  next = withNotification(next, { audience: 'staff', event: 'staff-review-needed', level: 1 }, ctx.now);
  return enterStatus(next, 'review', ctx);
}
