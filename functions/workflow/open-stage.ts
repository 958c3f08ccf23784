// Task OpenStage: starts or resumes a complaint's workflow at its current stage.
import { getServiceDeps } from '#commons/deps';
import { taskHandler } from '#commons/task';
import { openStage } from '#use-cases/stage-workflow';
import { openStagePayload } from './payloads.ts';

export const handler = taskHandler(openStagePayload, ({ complaintId, opening }) =>
  openStage(getServiceDeps(), complaintId, opening),
);
