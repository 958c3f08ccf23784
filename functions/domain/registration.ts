// Turning a validated request into a new complaint: classification, priority rules, the first clocks,
// the customer's acknowledgement and the first timeline event.
import type { ActingParty } from './permissions.ts';
import type { NewComplaintInput } from './commands.ts';
import type { Classification, Complaint, Priority } from './complaint.ts';
import { startClock, type ClockContext } from './clocks.ts';
import { classify } from './classify.ts';
import { InvalidInput } from './errors.ts';
import { planStage } from './stage.ts';
import { withNotification } from './notices.ts';

/** receivedAt may precede registration by at most this long (SPEC section 10). */
export const MAX_RECEIVED_AGE_MS = 30 * 24 * 3600 * 1000;
/** Tolerated clock skew between an upstream system and us for "not in the future". */
export const RECEIVED_AT_SKEW_MS = 5 * 60 * 1000;

export interface RegistrationFacts {
  id: string;
  shortId: string;
  phoneHash: string;
  /** The earlier complaint this one repeats, if any (see repeat.ts). */
  repeatOf?: string;
  /** principalKey of the registering principal (permissions.ts): intake systems read only theirs. */
  registeredBy: string;
  /** Who the timeline names as registering it. */
  registrar: ActingParty;
}

export function classificationOf(input: NewComplaintInput): Classification {
  if (input.category) return { category: input.category, confidence: 1, source: 'declared' };
  const { category, confidence } = classify(input.description);
  return { category, confidence, source: 'classifier' };
}

/** Privacy complaints, regulator transfers and repeat complaints are at least urgent (SPEC section 3). */
export function effectivePriority(
  declared: Priority | undefined,
  facts: { category: Classification['category']; channel: NewComplaintInput['channel']; isRepeat: boolean },
): Priority {
  if (facts.category === 'privacy' || facts.channel === 'regulator' || facts.isRepeat) return 'urgent';
  return declared ?? 'normal';
}

export function validateReceivedAt(receivedAt: string | undefined, now: Date): Date {
  if (receivedAt === undefined) return now;
  const at = new Date(receivedAt);
  if (Number.isNaN(at.getTime())) {
    throw new InvalidInput('receivedAt is not a valid instant', [
      { path: 'receivedAt', message: 'must be an ISO 8601 date-time' },
    ]);
  }
  if (at.getTime() > now.getTime() + RECEIVED_AT_SKEW_MS) {
    throw new InvalidInput('receivedAt is in the future', [
      { path: 'receivedAt', message: 'must not be in the future' },
    ]);
  }
  if (now.getTime() - at.getTime() > MAX_RECEIVED_AGE_MS) {
    throw new InvalidInput('receivedAt is too old', [
      { path: 'receivedAt', message: 'must not be older than 30 days' },
    ]);
  }
  return at;
}

/**
 * A regulator transfer (channel `regulator`) carries the regulator's reference and its own reply deadline,
 * which runs as the `regulator` clock from registration (24x7, as the regulator counts it); it is an appeal.
 */
export function withRegulatorTransfer(c: Complaint, input: NewComplaintInput, now: Date): Complaint {
  if (input.channel !== 'regulator') {
    if (input.regulator) {
      throw new InvalidInput('regulator details on another channel', [
        { path: 'regulator', message: 'only for channel regulator' },
      ]);
    }
    return c;
  }
  if (!input.regulator) {
    throw new InvalidInput('a regulator transfer needs its reference and deadline', [
      { path: 'regulator', message: 'required for channel regulator' },
    ]);
  }
  const dueAt = new Date(input.regulator.replyDueAt);
  if (dueAt.getTime() <= now.getTime()) {
    throw new InvalidInput('the regulator deadline has passed', [
      { path: 'regulator.replyDueAt', message: 'must be in the future' },
    ]);
  }
  const budgetMs = dueAt.getTime() - now.getTime();
  return {
    ...c,
    appeal: true,
    regulator: { reference: input.regulator.reference, replyDueAt: dueAt.toISOString() },
    clocks: {
      ...c.clocks,
      regulator: {
        name: 'regulator',
        calendar: '24x7',
        budget: { hours: Math.round((budgetMs / 3_600_000) * 1000) / 1000 },
        startedAt: now.toISOString(),
        dueAt: dueAt.toISOString(),
      },
    },
  };
}

export function registerComplaint(
  input: NewComplaintInput,
  facts: RegistrationFacts,
  classification: Classification,
  ctx: ClockContext,
): Complaint {
  const now = ctx.now;
  const at = now.toISOString();
  const receivedAt = validateReceivedAt(input.receivedAt, now);
  const priority = effectivePriority(input.priority, {
    category: classification.category,
    channel: input.channel,
    isRepeat: facts.repeatOf !== undefined,
  });
  const subject = { category: classification.category, priority };
  const customer: Complaint['customer'] = {
    phone: input.customer.phone,
    locale: input.customer.locale ?? 'zh-CN',
    channels: input.customer.channels ?? (input.customer.pushEndpointArn ? ['push'] : ['sms']),
  };
  if (input.customer.name) customer.name = input.customer.name;
  if (input.customer.pushEndpointArn) customer.pushEndpointArn = input.customer.pushEndpointArn;

  let complaint: Complaint = {
    id: facts.id,
    shortId: facts.shortId,
    registeredBy: facts.registeredBy,
    channel: input.channel,
    category: classification.category,
    classification,
    priority,
    description: input.description,
    customer,
    phoneHash: facts.phoneHash,
    receivedAt: receivedAt.toISOString(),
    createdAt: at,
    updatedAt: at,
    status: 'received',
    escalationLevel: 0,
    regulatoryRisk: false,
    clocks: {
      response: startClock('response', subject, now, ctx),
      resolution: startClock('resolution', subject, receivedAt, ctx),
    },
    totalPausedMs: 0,
    breaches: [],
    stage: { name: 'received', seq: 0, enteredAt: at },
    timeline: [
      {
        at,
        type: 'registered',
        ...facts.registrar,
        to: 'received',
        data: {
          channel: input.channel,
          category: classification.category,
          classifiedBy: classification.source,
          confidence: classification.confidence,
          priority,
          ...(facts.repeatOf ? { repeatOf: facts.repeatOf } : {}),
        },
      },
    ],
    outbox: [],
    execution: { attempt: 0 },
    version: 0,
    revision: 0,
  };
  for (const key of [
    'type',
    'trackingNumber',
    'outletId',
    'regionId',
    'declaredValue',
    'postage',
    'insured',
    'externalRef',
  ] as const) {
    if (input[key] !== undefined) Object.assign(complaint, { [key]: input[key] });
  }
  if (facts.repeatOf) complaint.repeatOf = facts.repeatOf;
  complaint = withRegulatorTransfer(complaint, input, now);
  complaint = withNotification(
    complaint,
    {
      audience: 'customer',
      event: 'received',
      data: { promisedBy: complaint.clocks.resolution?.dueAt ?? at },
    },
    now,
  );
  if (priority === 'urgent') {
    complaint = withNotification(complaint, { audience: 'staff', event: 'staff-new-urgent', level: 1 }, now);
  }
  return { ...planStage(complaint, ctx), version: 1, revision: 1 };
}
