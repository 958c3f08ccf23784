// GET /v1/complaints/{id}/timeline: every change the complaint went through, oldest first.
import { getServiceDeps } from '#commons/deps';
import { httpHandler } from '#commons/http';
import { readComplaint } from '#use-cases/queries';
import { presentTimeline } from './presenters.ts';
import { complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, caller }) => ({
    statusCode: 200,
    body: presentTimeline(await readComplaint(getServiceDeps(), path.id, caller)),
  }),
  { path: complaintPath, operation: 'read' },
);
