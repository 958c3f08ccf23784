// Task AwaitStage (.waitForTaskToken): records the callback token the stage's actions complete, and
// hands the notifications the complaint owes to delivery. Returns nothing: the task ends on a signal.
import { getServiceDeps } from '#composition/deps';
import { taskHandler } from '#commons/task';
import { awaitStage } from '#use-cases/stage-workflow';
import { awaitStagePayload } from './payloads.ts';

export const handler = taskHandler(awaitStagePayload, async ({ complaintId, stage, taskToken }) => {
  await awaitStage(getServiceDeps(), complaintId, stage, taskToken);
  return { registered: true };
});
