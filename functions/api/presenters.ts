// Complaint -> response JSON. Fields are picked one by one, so internal state (phoneHash, the workflow's
// task token, the outbox, pending signals) can never leak by being added to the model. Personal data is
// masked: the customer's phone and name, and phone numbers customers type into free text.
import { actionsFor } from '#domain/lifecycle';
import { paymentOverdue, type Claim } from '#domain/claims';
import { followUpOverdue } from '#domain/follow-up';
import { deadlinesOf } from '#domain/deadlines';
import { maskName, maskPhone, maskPhonesIn } from '#domain/masking';
import type { Complaint, TimelineEvent } from '#domain/complaint';
import type { ComplaintPage, TimelinePage } from '#domain/ports';
import type { ComplaintPageView, ComplaintView, TimelineView } from './schemas.ts';

// Re-exported for the customer's public view, which masks its texts the same way.
export { maskPhonesIn };

function maskStringsIn(value: unknown): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (Array.isArray(value)) return value.map(maskStringsIn);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStringsIn(v)]));
  }
  return value;
}

function presentClaim(claim: Claim, now: Date): NonNullable<ComplaintView['claim']> {
  return {
    number: claim.number,
    remedy: claim.remedy,
    amount: claim.amount ?? null,
    kind: claim.kind,
    suggested: claim.suggested ?? null,
    rule: claim.rule ?? null,
    status: claim.status,
    offeredAt: claim.offeredAt,
    offeredBy: claim.offeredBy,
    decidedAt: claim.decidedAt ?? null,
    decidedBy: claim.decidedBy ?? null,
    payBy: claim.payBy ?? null,
    paymentOverdue: paymentOverdue(claim, now),
    paidAt: claim.paidAt ?? null,
    paidBy: claim.paidBy ?? null,
    paymentReference: claim.paymentReference ?? null,
  };
}

export function presentComplaint(c: Complaint, now: Date = new Date()): ComplaintView {
  const deadlines = deadlinesOf(c, now);
  return {
    id: c.id,
    shortId: c.shortId,
    status: c.status,
    closeReason: c.closeReason ?? null,
    channel: c.channel,
    category: c.category,
    classification: {
      category: c.classification.category,
      confidence: c.classification.confidence,
      source: c.classification.source,
    },
    priority: c.priority,
    description: maskPhonesIn(c.description),
    escalationLevel: c.escalationLevel,
    regulatoryRisk: c.regulatoryRisk,
    receivedAt: c.receivedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.revision,
    deadlines: {
      response: deadlines.response ?? null,
      resolution: deadlines.resolution ?? null,
      stage: deadlines.stage ?? null,
    },
    owner: c.owner ?? null,
    firstResponder: c.firstResponder ?? null,
    trackingNumber: c.trackingNumber ?? null,
    repeatOf: c.repeatOf ?? null,
    customer: {
      name: c.customer.name === undefined ? null : maskName(c.customer.name),
      phone: maskPhone(c.customer.phone),
      locale: c.customer.locale,
      channels: [...c.customer.channels],
    },
    outletId: c.outletId ?? null,
    regionId: c.regionId ?? null,
    type: c.type ?? 'complaint',
    units: c.units ? { lead: c.units.lead, assisting: [...c.units.assisting] } : null,
    responsibility: c.responsibility
      ? {
          party: c.responsibility.party,
          rootCause: c.responsibility.rootCause,
          accountableStaffId: c.responsibility.accountableStaffId ?? null,
          correctiveAction: maskPhonesIn(c.responsibility.correctiveAction),
          at: c.responsibility.at,
          by: c.responsibility.by,
        }
      : null,
    unresolved: c.unresolved
      ? { reason: maskPhonesIn(c.unresolved.reason), nextSteps: maskPhonesIn(c.unresolved.nextSteps) }
      : null,
    regulator: c.regulator
      ? {
          reference: c.regulator.reference,
          replyDueAt: c.regulator.replyDueAt,
          reply: c.regulator.reply
            ? { ...c.regulator.reply, text: maskPhonesIn(c.regulator.reply.text) }
            : null,
        }
      : null,
    appeal: c.appeal ?? false,
    declaredValue: c.declaredValue ?? null,
    postage: c.postage ?? null,
    insured: c.insured ?? null,
    externalRef: c.externalRef ?? null,
    resolution: c.resolution
      ? {
          text: maskPhonesIn(c.resolution.text),
          at: c.resolution.at,
          by: c.resolution.by,
          compensation: c.resolution.compensation ?? null,
          suggestedCompensation: c.resolution.suggestedCompensation ?? null,
        }
      : null,
    claim: c.claim ? presentClaim(c.claim, now) : null,
    feedback: c.feedback
      ? {
          score: c.feedback.score,
          comment: c.feedback.comment === undefined ? null : maskPhonesIn(c.feedback.comment),
          at: c.feedback.at,
        }
      : null,
    followUp: c.followUp
      ? {
          reason: c.followUp.reason,
          owner: c.followUp.owner,
          openedAt: c.followUp.openedAt,
          dueAt: c.followUp.dueAt,
          overdue: followUpOverdue(c.followUp, now),
          outcome: c.followUp.outcome
            ? {
                reached: c.followUp.outcome.reached,
                satisfied: c.followUp.outcome.satisfied ?? null,
                score: c.followUp.outcome.score ?? null,
                notes: c.followUp.outcome.notes === undefined ? null : maskPhonesIn(c.followUp.outcome.notes),
                at: c.followUp.outcome.at,
                by: c.followUp.outcome.by,
                onTime: c.followUp.outcome.onTime,
              }
            : null,
        }
      : null,
    clockFacts: presentClockFacts(c),
    needsOperator: c.needsOperator
      ? { since: c.needsOperator.since, reason: c.needsOperator.reason, failures: c.needsOperator.failures }
      : null,
    incident: c.incident
      ? { id: c.incident.id, linkedAt: c.incident.linkedAt, resolvedAt: c.incident.resolvedAt ?? null }
      : null,
    allowedActions: actionsFor(c),
  };
}

function presentClockFacts(c: Complaint): ComplaintView['clockFacts'] {
  const clocks: ComplaintView['clockFacts']['clocks'] = {};
  for (const clock of Object.values(c.clocks)) {
    if (!clock) continue;
    clocks[clock.name] = {
      calendar: clock.calendar,
      startedAt: clock.startedAt,
      dueAt: clock.dueAt,
      stoppedAt: clock.stoppedAt ?? null,
      breachedAt: clock.breachedAt ?? null,
      overrunMs: clock.overrunMs ?? null,
    };
  }
  return {
    firstResponseAt: c.firstResponseAt ?? null,
    handlingStartedAt: c.handlingStartedAt ?? null,
    resolvedAt: c.resolvedAt ?? null,
    closedAt: c.closedAt ?? null,
    totalPausedMs: c.totalPausedMs,
    pausedSince: c.pausedAt ?? null,
    clocks,
    breaches: c.breaches.map((b) => ({ clock: b.clock, dueAt: b.dueAt, at: b.at, level: b.level })),
  };
}

export function presentPage(page: ComplaintPage, now: Date = new Date()): ComplaintPageView {
  return {
    items: page.items.map((c) => presentComplaint(c, now)),
    nextCursor: page.nextCursor ?? null,
  };
}

function presentEvent(e: TimelineEvent): TimelineView['items'][number] {
  return {
    at: e.at,
    type: e.type,
    actor: e.actor,
    ...(e.client === undefined ? {} : { client: e.client }),
    from: e.from ?? null,
    to: e.to ?? null,
    data: e.data === undefined ? null : (maskStringsIn(e.data) as Record<string, unknown>),
  };
}

export function presentTimeline(page: TimelinePage): TimelineView {
  return { items: page.items.map(presentEvent), nextCursor: page.nextCursor ?? null };
}
