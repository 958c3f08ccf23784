// GET /v1/complaints/{id}/timeline: every change the complaint went through, oldest first.
import { getServiceDeps } from '#commons/deps';
import { httpHandler } from '#commons/http';
import { getComplaint } from '#use-cases/queries';
import { presentTimeline } from './presenters.ts';
import { complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path }) => ({
    statusCode: 200,
    body: presentTimeline(await getComplaint(getServiceDeps(), path.id)),
  }),
  { path: complaintPath },
);
