// Task RecordFailure: an error the workflow could not handle is recorded on the complaint and alerted.
import { getServiceDeps } from '#composition/deps';
import { taskHandler } from '#commons/task';
import { recordFailure } from '#use-cases/stage-workflow';
import { recordFailurePayload } from './payloads.ts';

export const handler = taskHandler(recordFailurePayload, async ({ complaintId, error }) => {
  await recordFailure(getServiceDeps(), complaintId, error);
  return { complaintId };
});
