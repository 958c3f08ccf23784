// Task OpenStage: starts or resumes a complaint's workflow at its current stage.
import { getServiceDeps } from '#composition/deps';
import { taskHandler } from '#commons/task';
import { WORKFLOW_PAYLOAD_VERSION } from '#domain/ports';
import { openStage } from '#use-cases/stage-workflow';
import { openStagePayload } from './payloads.ts';

// The signal the workflow continues with carries this code's payload version.
export const handler = taskHandler(openStagePayload, async ({ complaintId, opening }) => ({
  v: WORKFLOW_PAYLOAD_VERSION,
  ...(await openStage(getServiceDeps(), complaintId, opening)),
}));
