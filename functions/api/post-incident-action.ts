// POST /v1/incidents/{id}/actions: confirm or dismiss a proposal, link complaints (by id or by the
// incident's rule), send the notice, resolve every linked complaint, close. The batch actions
// (link-matching, notify, resolve) do a bounded batch per call and answer `progress`: call again until
// `done` (a call cut off by a crash is called again too; every step is idempotent per complaint).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { actOnIncident } from '#use-cases/incidents';
import { incidentActionBody, incidentPath } from './incident-schemas.ts';

export const handler = httpHandler(
  async ({ caller, path, body }) => ({
    statusCode: 200,
    body: await actOnIncident(getServiceDeps(), caller, path.id, body),
  }),
  { path: incidentPath, body: incidentActionBody, operation: 'incidents' },
);
