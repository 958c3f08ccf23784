// GET /v1/complaints/{id}: the complaint, masked; 404 if unknown.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readComplaint } from '#use-cases/queries';
import { presentComplaint } from './presenters.ts';
import { complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, caller }) => ({
    statusCode: 200,
    body: presentComplaint(await readComplaint(getServiceDeps(), path.id, caller)),
  }),
  { path: complaintPath, operation: 'read' },
);
