// GET /v1/deliveries?state=dead-lettered|uncertain|sending: texts and alerts that were not delivered and
// wait for an operator (supervisor, admin), oldest first.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { listUndelivered } from '#use-cases/deliver-notification';
import { deliveriesQuery } from './delivery-schemas.ts';

export const handler = httpHandler(
  async ({ query, caller }) => ({
    statusCode: 200,
    body: await listUndelivered(getServiceDeps(), caller, {
      limit: query.limit,
      ...(query.state ? { state: query.state } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  }),
  { query: deliveriesQuery, operation: 'deliveries' },
);
