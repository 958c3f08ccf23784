// POST /v1/incidents: a supervisor or admin declares a mass incident (cause, area, categories, window);
// 201 with the incident and its counts. Units must be in the organisation directory (400 otherwise).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { declareIncident } from '#use-cases/incidents';
import { incidentDeclaration } from './incident-schemas.ts';

export const handler = httpHandler(
  async ({ caller, body }) => ({
    statusCode: 201,
    body: await declareIncident(getServiceDeps(), caller, body),
  }),
  { body: incidentDeclaration, operation: 'incidents' },
);
