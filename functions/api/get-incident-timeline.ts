// GET /v1/incidents/{id}/timeline: the incident's own events (declared, linked, notice, resolution
// batches, closed), oldest first, page by page.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readIncidentTimeline } from '#use-cases/incidents';
import { incidentPath, incidentTimelineQuery } from './incident-schemas.ts';

export const handler = httpHandler(
  async ({ caller, path, query }) => ({
    statusCode: 200,
    body: await readIncidentTimeline(getServiceDeps(), caller, path.id, {
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    }),
  }),
  { path: incidentPath, query: incidentTimelineQuery, operation: 'incidents' },
);
