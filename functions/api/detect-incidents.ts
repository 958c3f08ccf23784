// POST /v1/incidents/detect: runs the spike detector now (it also runs on the reconciler's schedule);
// 200 with the proposals this run stored (none when every spike is already covered).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { detectIncidents } from '#use-cases/incidents';

export const handler = httpHandler(
  async ({ caller }) => ({
    statusCode: 200,
    body: { items: await detectIncidents(getServiceDeps(), caller) },
  }),
  { operation: 'incidents' },
);
