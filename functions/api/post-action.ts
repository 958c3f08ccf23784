// POST /v1/complaints/{id}/actions: a staff member's (or a delegating system's) action; 200 with the
// complaint, 403 when the caller's roles may not, 409 when the status does not allow it or expectedVersion
// is stale. Who acts is the authenticated caller, never a body field.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { actOnComplaint } from '#use-cases/act-on-complaint';
import { presentComplaint } from './presenters.ts';
import { actionBody, complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, body, caller }) => {
    const { expectedVersion, ...action } = body;
    const complaint = await actOnComplaint(getServiceDeps(), path.id, action, caller, expectedVersion);
    return { statusCode: 200, body: presentComplaint(complaint) };
  },
  { path: complaintPath, body: actionBody },
);
