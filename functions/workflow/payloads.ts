// The payloads the complaint state machine passes to its tasks (docs/ARCHITECTURE.md).
import * as z from 'zod';
import { STATUSES } from '#domain/complaint';

const complaintId = z.string().min(1).max(64);

export const stagePlan = z.object({
  name: z.enum(STATUSES),
  seq: z.number().int().nonnegative(),
  timeoutSeconds: z.number().int().positive(),
  dueAt: z.iso.datetime(),
});

/** The first execution's input carries the stage registration planned (see StageOpening). */
export const openStagePayload = z.object({
  complaintId,
  opening: stagePlan.pick({ name: true, seq: true, dueAt: true }).optional(),
});
export const awaitStagePayload = z.object({ complaintId, stage: stagePlan, taskToken: z.string().min(1) });
/** `execution`: the execution's name (absent from payloads of definitions before it was added). */
export const stageTimerPayload = z.object({
  complaintId,
  stage: stagePlan,
  execution: z.string().min(1).max(80).optional(),
});
export const finishPayload = z.object({ complaintId });
export const recordFailurePayload = z.object({
  complaintId,
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).partial(),
});
