// GET /v1/complaints/{id}/timeline: every change the complaint went through, oldest first, page by page.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readComplaintTimeline } from '#use-cases/queries';
import { presentTimeline } from './presenters.ts';
import { complaintPath, timelineQuery } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, query, caller }) => ({
    statusCode: 200,
    body: presentTimeline(
      await readComplaintTimeline(getServiceDeps(), path.id, caller, {
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      }),
    ),
  }),
  { path: complaintPath, query: timelineQuery, operation: 'read' },
);
