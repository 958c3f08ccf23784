// GET /v1/incidents?status=: every incident, newest first; `status=proposed` lists the detector's proposals.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { listIncidents } from '#use-cases/incidents';
import { incidentListQuery } from './incident-schemas.ts';

export const handler = httpHandler(
  async ({ caller, query }) => ({
    statusCode: 200,
    body: { items: await listIncidents(getServiceDeps(), caller, query.status) },
  }),
  { query: incidentListQuery, operation: 'incidents' },
);
