// The payloads the state machines pass to their tasks (docs/ARCHITECTURE.md), by schema version.
//
// Executions live for weeks, and each runs on the state machine and function versions it started with,
// while new code keeps producing inputs and signals for it (and old executions for new code, when one
// continues in a fresh execution or starts a notification). So every payload carries `v`
// (WORKFLOW_PAYLOAD_VERSION), and each schema here accepts the current version, every earlier one, and a
// newer one read as this one (versions only add fields). Every shape ever shipped is a fixture in
// tests/fixtures/payloads/, which these schemas are tested against.
import * as z from 'zod';
import { ESCALATION_LEVELS, NOTIFICATION_EVENTS, STATUSES } from '#domain/complaint';
import { WORKFLOW_PAYLOAD_VERSION } from '#domain/ports';

const complaintId = z.string().min(1).max(64);

export const stagePlan = z.object({
  name: z.enum(STATUSES),
  seq: z.number().int().nonnegative(),
  timeoutSeconds: z.number().int().positive(),
  dueAt: z.iso.datetime(),
});
/** Version 1 covers stages from before `dueAt` (the exact timer instant, 4b03fe6): the tasks read only `seq`. */
const stagePlanV1 = stagePlan.extend({ dueAt: z.iso.datetime().optional() });

/** The current version's fields and version 1's (no `v`): a payload must be one or the other. */
function versioned<Current extends z.ZodRawShape, Legacy extends z.ZodRawShape>(
  current: Current,
  legacy: Legacy,
) {
  return z.union([
    z.object({ v: z.number().int().min(WORKFLOW_PAYLOAD_VERSION), ...current }),
    z.object({ v: z.literal(1).optional(), ...legacy }),
  ]);
}

const opening = stagePlan.pick({ name: true, seq: true, dueAt: true });
/**
 * OpenStage's payload is the execution input. v1: `{ complaintId }`, and from 7bb7c2f the first execution's
 * `{ complaintId, opening }` with the stage registration planned (see StageOpening). A restart's
 * `resumeAt` is the workflow's own (it waits before OpenStage) and is not read here.
 */
export const openStagePayload = versioned(
  { complaintId, opening: opening.optional() },
  { complaintId, opening: opening.optional() },
);
export const awaitStagePayload = versioned(
  { complaintId, stage: stagePlan, taskToken: z.string().min(1) },
  { complaintId, stage: stagePlanV1, taskToken: z.string().min(1) },
);
/** `execution`: the execution's name (absent from payloads of definitions before it was added). */
const executionName = z.string().min(1).max(80).optional();
export const stageTimerPayload = versioned(
  { complaintId, stage: stagePlan, execution: executionName },
  { complaintId, stage: stagePlanV1, execution: executionName },
);
export const finishPayload = versioned({ complaintId }, { complaintId });
const workflowError = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).partial();
export const recordFailurePayload = versioned(
  { complaintId, error: workflowError },
  { complaintId, error: workflowError },
);

const notification = z.object({
  key: z.string().min(1),
  audience: z.enum(['customer', 'staff']),
  event: z.enum(NOTIFICATION_EVENTS),
  level: z.union(ESCALATION_LEVELS.map((l) => z.literal(l))).optional(),
  createdAt: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
/**
 * The notification machine's Send task: one message of one complaint. Its RecordUndelivered task passes
 * the same with `undelivered`, the error the workflow gave up on (added without a version bump: older
 * definitions never send it, and older code never receives it).
 */
export const sendNotificationPayload = versioned(
  { complaintId: z.string().min(1), notification, undelivered: workflowError.optional() },
  { complaintId: z.string().min(1), notification },
);

/** Each task's payload schema, by function name (functions/workflow/tasks.ts). */
export const TASK_PAYLOADS = {
  'open-stage': openStagePayload,
  'await-stage': awaitStagePayload,
  'stage-timer': stageTimerPayload,
  'finish-complaint': finishPayload,
  'record-failure': recordFailurePayload,
  'send-notification': sendNotificationPayload,
} as const;
