// Task StageTimer: the stage's callback timed out, so its next timer fired (warning, breach, reminder,
// expiry, re-alert); returns the stage the workflow continues with.
import { parseExecutionName } from '#adapters/sfn-complaint-workflow';
import { getServiceDeps } from '#composition/deps';
import { taskHandler } from '#commons/task';
import { WORKFLOW_PAYLOAD_VERSION } from '#domain/ports';
import { onStageTimer } from '#use-cases/stage-workflow';
import { stageTimerPayload } from './payloads.ts';

export const handler = taskHandler(stageTimerPayload, async ({ complaintId, stage, execution }) => ({
  v: WORKFLOW_PAYLOAD_VERSION,
  ...(await onStageTimer(
    getServiceDeps(),
    complaintId,
    stage,
    execution === undefined ? undefined : parseExecutionName(execution)?.attempt,
  )),
}));
