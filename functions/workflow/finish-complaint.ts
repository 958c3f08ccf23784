// Task Finish: the complaint is closed; hands over the notifications it still owes before the execution ends.
import { getServiceDeps } from '#composition/deps';
import { taskHandler } from '#commons/task';
import { finishComplaint } from '#use-cases/stage-workflow';
import { finishPayload } from './payloads.ts';

export const handler = taskHandler(finishPayload, async ({ complaintId }) => {
  await finishComplaint(getServiceDeps(), complaintId);
  return { complaintId };
});
