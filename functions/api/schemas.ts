// The API's request and response shapes (SPEC section 10) as zod schemas. The same schemas validate
// requests in the handlers and generate the OpenAPI document, so the two cannot drift apart. Request
// schemas are strict (unknown fields are a 400) and their outputs are the domain's command types.
// OpenAPI details ride on zod's own .meta(), so only the openapi function bundles the generator. The body
// of POST /v1/complaints is in intake-schemas.ts: it validates phone numbers, which the read paths need not.
import * as z from 'zod';
import { ACTIONS, DAMAGE_SEVERITIES, MANUAL_CLOSE_REASONS } from '#domain/commands';
import { CLAIM_STATUSES, REMEDIES } from '#domain/claims';
import { COMPENSATION_RULE_IDS } from '#domain/compensation';
import { isWholeFen } from '#domain/compensation';
import { freeTextProblem } from '#domain/free-text';
import {
  CALENDAR_NAMES,
  CATEGORIES,
  CHANNELS,
  CLOCK_NAMES,
  CLOSE_REASONS,
  COMPLAINT_TYPES,
  CONTACT_CHANNELS,
  ESCALATION_LEVELS,
  LOCALES,
  PRIORITIES,
  RESPONSIBLE_PARTIES,
  STATUSES,
  type EscalationLevel,
} from '#domain/complaint';
import { parseShortComplaintNumber } from '#domain/notifications/short-id';

// ---------------------------------------------------------------------------------------------------
// Building blocks

const CROCKFORD_ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A complaint id is a ULID. A malformed one is a 400 (the client sent something that can never exist). */
export const complaintId = z
  .string()
  .regex(CROCKFORD_ULID, 'must be a 26-character ULID')
  .meta({ example: '01JD5Q8W4ZK3V9B7N2M6R0T1XY' });

export const instant = z.iso.datetime({ offset: true }).meta({ example: '2026-10-01T08:00:00.000Z' });

/** Identifiers of people, systems and units (actors, assignees, outlets, regions): ASCII, no spaces. */
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;

export const identifier = (max: number) =>
  z
    .string()
    .max(max)
    .regex(IDENTIFIER, 'must be letters, digits and . _ : @ - (starting with a letter or digit)');

/** Why free text is refused, if it is (functions/domain/free-text.ts, shared with the domain's schemas). */
export { freeTextProblem };

/**
 * Free text people write: trimmed, 1..max characters, nothing invisible. `max` undefined: a cap the domain
 * enforces itself (a note's length: 413, not 400).
 */
export const freeText = (max: number | undefined, options: { multiline?: boolean; min?: number } = {}) => {
  const sized = z
    .string()
    .trim()
    .min(options.min ?? 1);
  return (max === undefined ? sized : sized.max(max)).superRefine((value, ctx) => {
    const problem = freeTextProblem(value, options.multiline ?? false);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
};

/** Free-form references of other systems (externalRef): one line of text. */
export const reference = (max: number) => freeText(max);

/** An amount in yuan (CNY): non-negative, a whole number of fen (the document says multipleOf 0.01). */
export const yuan = z
  .number()
  .nonnegative()
  .max(100_000_000)
  .refine(isWholeFen, 'must be a whole number of fen (at most two decimals)')
  .meta({ multipleOf: 0.01 });

export const money = z
  .strictObject({
    amount: yuan,
    currency: z.literal('CNY'),
  })
  .meta({ id: 'Money', example: { amount: 12.5, currency: 'CNY' } });

/** Postal waybill numbers: UPU S10 (EA123456789CN) and domestic carriers' 8-30 letters and digits. */
export const trackingNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{8,30}$/, 'must be 8-30 letters and digits')
  .transform((value) => value.toUpperCase())
  .meta({ example: 'EA123456789CN' });

const expectedVersion = z
  .int()
  .min(1)
  .optional()
  .meta({ description: 'Rejects the request with 409 if the complaint is no longer at this version.' });

// ---------------------------------------------------------------------------------------------------
// POST /v1/complaints/{id}/compensation/suggestion

/** What staff know beyond the complaint's own facts (declared value, postage, insured), for a suggestion. */
const suggestionFacts = {
  damageSeverity: z.enum(DAMAGE_SEVERITIES).optional(),
  missingShare: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .meta({ description: 'Loss: the share of the contents missing (内件短少); absent: the whole item.' }),
  actualLoss: yuan.optional().meta({ description: 'CNY the customer proved lost, when known.' }),
  daysLate: z.int().min(1).max(365).optional().meta({ description: 'Delay: whole days late.' }),
};

export const suggestionBody = z
  .strictObject(suggestionFacts)
  .meta({ id: 'CompensationSuggestionRequest', example: { missingShare: 0.25 } });

export const suggestionView = z
  .object({
    remedy: z.literal('money'),
    kind: z
      .enum(['damages', 'goodwill'])
      .meta({ description: 'damages: 赔偿 (loss, damage); goodwill: 补偿.' }),
    amount: money.nullable().meta({ description: 'null: no rule applies, or a fact it needs is missing.' }),
    rule: z.enum(COMPENSATION_RULE_IDS).nullable(),
    basis: z.string().nullable(),
    legalBasis: z.string().nullable(),
    otherRemedies: z.array(z.enum(REMEDIES)),
  })
  .meta({ id: 'CompensationSuggestion' });

// ---------------------------------------------------------------------------------------------------
// POST /v1/complaints/{id}/actions

const text = (max: number) => freeText(max, { multiline: true });

const action = <A extends string, S extends z.ZodRawShape>(name: A, shape: S) =>
  z.strictObject({ action: z.literal(name), ...shape, expectedVersion });

export const actionBody = z
  .discriminatedUnion('action', [
    action('accept', {}),
    action('assign', { assignee: identifier(64) }),
    action('request-info', { message: text(1000) }),
    action('customer-reply', { message: text(4000) }),
    action('resolve', {
      resolution: text(4000),
      compensation: money.optional(),
      damageSeverity: z.enum(DAMAGE_SEVERITIES).optional(),
      responsibility: z
        .strictObject({
          party: z.enum(RESPONSIBLE_PARTIES),
          rootCause: reference(40),
          accountableStaffId: reference(64).optional(),
          correctiveAction: text(1000),
        })
        .optional()
        .meta({
          id: 'Responsibility',
          description: 'Who or what caused it; rootCause from the taxonomy of the party.',
        }),
    }),
    action('reopen', { reason: text(1000) }),
    action('close', {
      reason: text(1000),
      closeReason: z.enum(MANUAL_CLOSE_REASONS).optional(),
      nextSteps: text(1000)
        .optional()
        .meta({ description: 'closeReason unresolved: what the customer was told comes next.' }),
    }),
    // The note's length cap is the domain's (limits.ts): over it the answer is 413, not 400.
    action('note', { text: freeText(undefined, { multiline: true }) }),
    action('reclassify', {
      reason: text(1000),
      category: z.enum(CATEGORIES).optional(),
      type: z.enum(COMPLAINT_TYPES).optional(),
    }),
    action('regulator-reply', { text: text(4000) }),
    action('follow-up', {
      reached: z.boolean().meta({ description: 'Whether the customer answered the follow-up call (回访).' }),
      satisfied: z.boolean().optional(),
      score: z
        .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)])
        .optional()
        .meta({ type: 'integer', minimum: 1, maximum: 5 }),
      notes: text(1000).optional(),
    }),
    action('route', {
      reason: text(1000),
      outletId: reference(64).optional(),
      regionId: reference(64).optional(),
      leadUnit: reference(64).optional(),
      assistingUnits: z.array(reference(64)).max(10).optional(),
    }),
    action('offer-compensation', {
      remedy: z.enum(REMEDIES),
      amount: money.optional().meta({ description: 'Required with remedy money, refused otherwise.' }),
      ...suggestionFacts,
    }),
    action('accept-compensation', {}),
    action('decline-compensation', { reason: text(1000).optional() }),
    action('record-payment', {
      paymentReference: reference(64).meta({
        description: "The paying system's reference (for resend or replacement: the new shipment's).",
      }),
    }),
  ])
  .meta({
    id: 'ComplaintAction',
    description:
      'Who acts is the authenticated caller (for a delegating system, the agent named in X-On-Behalf-Of), never a body field.',
    example: { action: 'accept', expectedVersion: 2 },
  });

// ---------------------------------------------------------------------------------------------------
// POST /v1/complaints/{id}/feedback

export const feedbackBody = z
  .strictObject({
    // The generator would document only the first literal: spell the enum out.
    score: z.literal([1, 2, 3, 4, 5]).meta({ type: 'integer', enum: [1, 2, 3, 4, 5] }),
    comment: freeText(1000, { multiline: true, min: 0 }).optional(),
    expectedVersion,
  })
  .meta({ id: 'Feedback', example: { score: 5, comment: '处理很快，谢谢' } });

// ---------------------------------------------------------------------------------------------------
// POST /v1/complaints/{id}/personal-data

export const personalDataRequestBody = z
  .strictObject({
    reason: freeText(500, { multiline: true }).meta({
      description: 'Why the full number and name are needed; recorded in the timeline with who and when.',
    }),
  })
  .meta({ id: 'PersonalDataRequest', example: { reason: '客户要求回电，需拨打完整号码' } });

export const personalDataView = z
  .object({
    complaintId,
    phone: z.string().meta({ description: 'E.164, unmasked.', example: '+8613812345678' }),
    name: z.string().nullable().meta({ example: '张三' }),
    recordedAt: instant.meta({ description: 'When the read was recorded in the timeline.' }),
  })
  .meta({ id: 'PersonalData' });

export type PersonalDataView = z.input<typeof personalDataView>;

// ---------------------------------------------------------------------------------------------------
// Path and query

export const complaintPath = z.strictObject({ id: complaintId });

const booleanQuery = (description: string) =>
  z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .meta({ type: 'string', enum: ['true', 'false'], description });

const rangeEnd = (description: string) =>
  z.iso.datetime({ offset: true }).optional().meta({ description, example: '2026-10-01T00:00:00+08:00' });

/** What a person typed of a short complaint number (K7Q2M-9X4TB): Crockford base32, case and I/L/O forgiven. */
const shortNumber = z
  .string()
  .max(32)
  .transform((text, ctx) => {
    const parsed = parseShortComplaintNumber(text);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a short complaint number such as K7Q2M-9X4TB' });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({ type: 'string', example: 'K7Q2M-9X4TB', description: 'The short number in customer texts.' });

const listQueryFields = z.strictObject({
  status: z.enum(STATUSES).optional(),
  category: z.enum(CATEGORIES).optional(),
  type: z.enum(COMPLAINT_TYPES).optional(),
  channel: z.enum(CHANNELS).optional(),
  trackingNumber: trackingNumber.optional(),
  shortId: shortNumber.optional(),
  outletId: reference(64).optional(),
  regionId: reference(64).optional(),
  owner: reference(128).optional(),
  escalated: booleanQuery('true: escalation level 1 or higher; false: level 0.'),
  escalationLevel: z
    .enum(['0', '1', '2', '3'])
    .transform((value) => Number(value) as EscalationLevel)
    .optional()
    .meta({ type: 'string', enum: ['0', '1', '2', '3'], description: 'Exactly this escalation level.' }),
  overdue: booleanQuery('true: a breached SLA clock is still running; false: none is.'),
  receivedFrom: rangeEnd('receivedAt at or after this instant.'),
  receivedBefore: rangeEnd('receivedAt before this instant.'),
  closedFrom: rangeEnd('closedAt at or after this instant.'),
  closedBefore: rangeEnd('closedAt before this instant.'),
  followUp: z.enum(['open', 'overdue']).optional().meta({
    description:
      'The follow-up worklist (回访), earliest due first: open (not yet recorded) or overdue (past dueAt).',
  }),
  payment: z.enum(['awaiting', 'overdue']).optional().meta({
    description:
      'Claims awaiting payment (accepted, not paid), earliest payBy first: awaiting, or overdue (past payBy).',
  }),
  dueBefore: rangeEnd('With followUp or payment: due (dueAt, payBy) before this instant.'),
  limit: z.coerce
    .number<string>()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .meta({ type: 'integer', minimum: 1, maximum: 100, default: 20 }),
  cursor: z.string().min(1).max(2048).optional().meta({ description: 'nextCursor of the previous page.' }),
});

export const listQuery = listQueryFields.superRefine((query, ctx) => {
  // One worklist at a time: each is its own index, ordered by its own due time.
  if (query.followUp !== undefined && query.payment !== undefined)
    ctx.addIssue({ code: 'custom', path: ['payment'], message: 'not together with followUp' });
  if (query.dueBefore !== undefined && query.followUp === undefined && query.payment === undefined)
    ctx.addIssue({ code: 'custom', path: ['dueBefore'], message: 'only with followUp or payment' });
});

/** GET /v1/complaints/{id}/timeline: a page of events, oldest first. */
export const timelineQuery = z.strictObject({
  limit: z.coerce
    .number<string>()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .meta({ type: 'integer', minimum: 1, maximum: 500, default: 100 }),
  cursor: z.string().min(1).max(512).optional().meta({ description: 'nextCursor of the previous page.' }),
});

/** GET /v1/sla/preview: when is a complaint of this kind, received and accepted at `at`, due? */
export const slaPreviewQuery = z.strictObject({
  category: z.enum(CATEGORIES),
  priority: z.enum(PRIORITIES).default('normal'),
  at: z.iso.datetime({ offset: true }).meta({
    description: 'ISO 8601 with an offset, e.g. 2026-09-30T17:30:00+08:00.',
    example: '2026-09-30T17:30:00+08:00',
  }),
});

export const slaPreview = z
  .object({
    calendar: z.enum(CALENDAR_NAMES).meta({ description: "The handling clock's calendar." }),
    deadlines: z.object({
      response: instant,
      handling: instant,
      resolution: instant,
    }),
  })
  .meta({ id: 'SlaPreview' });

/** A system with the delegation scope names the agent it acts for (SPEC section 9). */
export const delegationHeaders = z.object({
  'X-On-Behalf-Of': z
    .string()
    .optional()
    .meta({
      description:
        'For an upstream system with the delegation scope (complaints/act-for-agent): the agent it acts for. ' +
        'The timeline then records the agent as actor and the system as client. Refused (403) for others.',
      example: 'agent-007',
    }),
});

export const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,128}$/;

export const createHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(IDEMPOTENCY_KEY)
    .optional()
    .meta({
      description:
        'Makes retries safe: the same key with the same body returns the first complaint (201, ' +
        'Idempotent-Replayed: true); the same key with another body is a 409. 1-128 printable ASCII characters.',
      example: 'hotline-20261001-000123',
    }),
});

// ---------------------------------------------------------------------------------------------------
// Responses

const maskedPhone = z.string().meta({ example: '138****5678' });

const feedbackView = z.object({
  score: z.int().min(1).max(5),
  comment: z.string().nullable(),
  at: instant,
});

const resolutionView = z.object({
  text: z.string(),
  at: instant,
  by: z.string(),
  compensation: money.nullable(),
  suggestedCompensation: money.nullable(),
});

const claimView = z
  .object({
    number: z.int().min(1),
    remedy: z.enum(REMEDIES),
    amount: money.nullable(),
    kind: z.enum(['damages', 'goodwill']),
    suggested: money.nullable(),
    rule: z.enum(COMPENSATION_RULE_IDS).nullable(),
    status: z.enum(CLAIM_STATUSES),
    offeredAt: instant,
    offeredBy: z.string(),
    decidedAt: instant.nullable(),
    decidedBy: z.string().nullable(),
    payBy: instant.nullable().meta({ description: 'Accepted claims: when payment is due (its own clock).' }),
    paymentOverdue: z.boolean(),
    paidAt: instant.nullable(),
    paidBy: z.string().nullable(),
    paymentReference: z.string().nullable(),
  })
  .meta({ id: 'CompensationClaim' });

const clockView = z.object({
  calendar: z.enum(CALENDAR_NAMES),
  startedAt: instant,
  dueAt: instant,
  stoppedAt: instant.nullable(),
  breachedAt: instant.nullable(),
  overrunMs: z.int().nullable().meta({ description: 'How long past its deadline the clock stopped (ms).' }),
});

/** SLA facts kept on the complaint, so reports never reconstruct them from the timeline. */
const clockFactsView = z.object({
  firstResponseAt: instant.nullable(),
  handlingStartedAt: instant.nullable(),
  resolvedAt: instant.nullable(),
  closedAt: instant.nullable(),
  totalPausedMs: z.int().min(0),
  pausedSince: instant.nullable(),
  clocks: z.partialRecord(z.enum(CLOCK_NAMES), clockView),
  breaches: z.array(
    z.object({ clock: z.enum(CLOCK_NAMES), dueAt: instant, at: instant, level: z.int().min(0).max(3) }),
  ),
});

export const complaintView = z
  .object({
    id: complaintId,
    shortId: z.string(),
    status: z.enum(STATUSES),
    closeReason: z.enum(CLOSE_REASONS).nullable(),
    channel: z.enum(CHANNELS),
    category: z.enum(CATEGORIES),
    classification: z.object({
      category: z.enum(CATEGORIES),
      confidence: z.number().min(0).max(1),
      source: z.enum(['declared', 'classifier', 'agent']),
    }),
    priority: z.enum(PRIORITIES),
    description: z.string().meta({ description: 'Phone numbers in the text are masked.' }),
    escalationLevel: z.literal(ESCALATION_LEVELS).meta({ type: 'integer', enum: [...ESCALATION_LEVELS] }),
    regulatoryRisk: z.boolean(),
    receivedAt: instant,
    createdAt: instant,
    updatedAt: instant,
    version: z.int().min(1),
    deadlines: z.object({
      response: instant.nullable(),
      resolution: instant.nullable(),
      stage: instant.nullable(),
    }),
    owner: z.string().nullable(),
    firstResponder: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    repeatOf: complaintId.nullable(),
    customer: z.object({
      name: z.string().nullable().meta({ example: '张*' }),
      phone: maskedPhone,
      locale: z.enum(LOCALES),
      channels: z.array(z.enum(CONTACT_CHANNELS)),
    }),
    outletId: z.string().nullable(),
    regionId: z.string().nullable(),
    type: z.enum(COMPLAINT_TYPES),
    units: z.object({ lead: z.string(), assisting: z.array(z.string()) }).nullable(),
    responsibility: z
      .object({
        party: z.enum(RESPONSIBLE_PARTIES),
        rootCause: z.string(),
        accountableStaffId: z.string().nullable(),
        correctiveAction: z.string(),
        at: instant,
        by: z.string(),
      })
      .nullable(),
    unresolved: z.object({ reason: z.string(), nextSteps: z.string() }).nullable(),
    regulator: z
      .object({
        reference: z.string(),
        replyDueAt: instant,
        reply: z.object({ text: z.string(), at: instant, by: z.string() }).nullable(),
      })
      .nullable(),
    appeal: z.boolean().meta({ description: 'A regulator transfer (申诉).' }),
    declaredValue: z.number().nullable(),
    postage: z.number().nullable(),
    insured: z.boolean().nullable(),
    externalRef: z.string().nullable(),
    resolution: resolutionView.nullable(),
    claim: claimView.nullable(),
    feedback: feedbackView.nullable(),
    followUp: z
      .object({
        reason: z.enum(['no-feedback', 'low-score', 'neutral-score']),
        owner: z.string(),
        openedAt: instant,
        dueAt: instant,
        overdue: z
          .boolean()
          .meta({ description: 'Not recorded and past dueAt (its alerts climb the levels).' }),
        outcome: z
          .object({
            reached: z.boolean(),
            satisfied: z.boolean().nullable(),
            score: z.int().min(1).max(5).nullable(),
            notes: z.string().nullable(),
            at: instant,
            by: z.string(),
            onTime: z.boolean(),
          })
          .nullable(),
      })
      .nullable()
      .meta({
        description:
          'The follow-up call (回访) after no rating or a rating of 1-2 (3 too where the deployment follows neutral scores up): 3 working days.',
      }),
    clockFacts: clockFactsView,
    needsOperator: z
      .object({
        since: instant,
        reason: z.string().meta({ example: 'FAILED: ComplaintWorkflowFailed' }),
        failures: z.int().min(1),
      })
      .nullable()
      .meta({
        description:
          "Set while the complaint's workflow is parked after failing again and again: its timers do not run until an operator retries it (docs/deploy.md).",
      }),
    incident: z
      .object({ id: z.string(), linkedAt: instant, resolvedAt: instant.nullable() })
      .nullable()
      .meta({
        description: 'The mass incident (SPEC 13) the complaint is linked to, and when it resolved it.',
      }),
    allowedActions: z.array(z.enum(ACTIONS)),
  })
  .meta({ id: 'Complaint' });

export const complaintPage = z
  .object({
    items: z.array(complaintView),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ComplaintPage' });

export const timelineEventView = z
  .object({
    at: instant,
    type: z.string().meta({ example: 'accepted' }),
    actor: z.string().meta({
      example: 'agent-007',
      description: 'Who acted: a staff user, the agent a delegating system named, "customer", or "system".',
    }),
    client: z.string().optional().meta({
      example: 'hotline-crm',
      description:
        "The upstream system that carried the request when it acted for a named agent or recorded the customer's reply or score.",
    }),
    from: z.enum(STATUSES).nullable(),
    to: z.enum(STATUSES).nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'TimelineEvent' });

export const timeline = z
  .object({ items: z.array(timelineEventView), nextCursor: z.string().nullable() })
  .meta({ id: 'Timeline' });

export const problem = z
  .object({
    type: z.string().meta({ example: 'urn:complaints:problem:validation-failed' }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details; extension members such as allowedActions may follow.',
    example: {
      type: 'urn:complaints:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      detail: 'the request body has invalid fields',
      instance: '/v1/complaints',
      errors: [{ path: 'customer.phone', message: 'must be a mainland mobile number or an E.164 number' }],
    },
  });

export const health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export type ComplaintView = z.input<typeof complaintView>;
export type ComplaintPageView = z.input<typeof complaintPage>;
export type TimelineView = z.input<typeof timeline>;

// ---------------------------------------------------------------------------------------------------
// The audit trail and erasure requests

export const auditVerdictView = z
  .object({
    complaintId,
    intact: z.boolean(),
    events: z.int().min(0).meta({ description: 'Events read and checked.' }),
    head: z
      .object({ seq: z.int(), hash: z.string() })
      .nullable()
      .meta({ description: 'The chain head the complaint keeps (intact chains only).' }),
    brokenAt: z
      .object({ seq: z.int(), reason: z.string() })
      .nullable()
      .meta({ description: 'The first broken link: its sequence number and what is wrong with it.' }),
  })
  .meta({ id: 'AuditVerdict' });

export const erasureBody = z
  .strictObject({
    phone: z.string().trim().min(1).max(40).meta({ description: "The customer's phone number." }),
    reference: reference(64).meta({ description: "The operator's reference for the request (ticket)." }),
  })
  .meta({ id: 'ErasureRequest' });

export const erasureOutcomeView = z
  .object({
    reference: z.string(),
    complaintIds: z.array(complaintId).meta({ description: 'Complaints anonymised by this request.' }),
    changed: z.boolean().meta({
      description: 'false: nothing of this customer was left to erase (already erased, or no complaint).',
    }),
  })
  .meta({ id: 'ErasureOutcome' });

export type AuditVerdictView = z.input<typeof auditVerdictView>;
export type ErasureOutcomeView = z.input<typeof erasureOutcomeView>;
