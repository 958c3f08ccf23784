// GET /v1/incidents/{id}: the incident and its counts (linked, per category, notified, resolved, skipped,
// compensation total), computed from its link items.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readIncident } from '#use-cases/incidents';
import { incidentPath } from './incident-schemas.ts';

export const handler = httpHandler(
  async ({ caller, path }) => ({
    statusCode: 200,
    body: await readIncident(getServiceDeps(), caller, path.id),
  }),
  { path: incidentPath, operation: 'incidents' },
);
