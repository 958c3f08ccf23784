// POST /v1/complaints/{id}/actions: an agent's, supervisor's or customer's action; 200 with the complaint,
// 409 when the status does not allow it or expectedVersion is stale.
import { getServiceDeps } from '#commons/deps';
import { httpHandler } from '#commons/http';
import { actOnComplaint } from '#use-cases/act-on-complaint';
import { presentComplaint } from './presenters.ts';
import { actionBody, complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, body, caller }) => {
    const { expectedVersion, ...action } = body;
    const complaint = await actOnComplaint(getServiceDeps(), path.id, action, expectedVersion, caller);
    return { statusCode: 200, body: presentComplaint(complaint) };
  },
  { path: complaintPath, body: actionBody },
);
