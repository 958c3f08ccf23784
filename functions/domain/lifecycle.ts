// The lifecycle of SPEC section 4: which action each status allows and what each action does to the
// complaint (status, owner, clocks, timeline, notifications owed). Pure: the caller persists the result.
import type { ActionName, ComplaintAction, FeedbackInput, FeedbackSource } from './commands.ts';
import type { CloseReason, Complaint, Status, TimelineEvent } from './complaint.ts';
import { endPause, startClock, stopClocks, type ClockContext } from './clocks.ts';
import { suggestCompensation } from './compensation.ts';
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

export function allowedActions(status: Status): ActionName[] {
  return [...ALLOWED_ACTIONS[status]];
}

/** What can be done to this complaint now: its status's actions; regulator-reply for regulator transfers only. */
export function actionsFor(c: Pick<Complaint, 'status' | 'regulator' | 'followUp'>): ActionName[] {
  return ALLOWED_ACTIONS[c.status].filter(
    (name) =>
      (name !== 'regulator-reply' || c.regulator !== undefined) &&
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
    action !== 'follow-up'
  );
}

/** Applies a person's action. Throws TransitionNotAllowed when the status does not allow it. */
export function applyAction(c: Complaint, action: ComplaintAction, ctx: ClockContext): Complaint {
  const allowed = actionsFor(c);
  if (!allowed.includes(action.action)) {
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
        event('customer-replied', 'investigating', { message: action.message }),
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
      if (shortFlow) return closeComplaint(next, 'answered', action.actor, ctx);
      const data: Record<string, string | number> = {};
      if (action.compensation) data.compensation = action.compensation.amount;
      next = withNotification(next, { audience: 'customer', event: 'answered', data }, ctx.now);
      return enterStatus(next, 'awaiting-feedback', ctx);
    }
    case 'reopen':
      return openReview(c, ctx, event('reopened', 'review', { reason: action.reason }));
    case 'close': {
      const reason: CloseReason =
        c.status === 'review' ? (action.closeReason ?? 'reviewed') : (action.closeReason ?? 'withdrawn');
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
    case 'follow-up':
      return recordFollowUp(c, action, ctx);
  }
}

/** Ratings are the customer's, whoever carried them: the event says which way they came. */
const FEEDBACK_ACTOR = 'customer';

/**
 * The customer's rating, through their link or collected by an intake system: 3-5 closes as satisfied,
 * 1-2 opens a review.
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
    return closeComplaint(
      withEvent(recorded, { at, type: 'feedback', actor, ...carrier, from: c.status, data }),
      'satisfied',
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
