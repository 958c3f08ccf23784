// POST /v1/deliveries/{id}/{key}/resend: an operator re-sends a listed (undelivered) message, once. 202 with
// when it goes out; 409 when it is not listed (sent, or re-sent already); 404 for an unknown delivery.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { resendDelivery } from '#use-cases/deliver-notification';
import { deliveryPath } from './delivery-schemas.ts';

export const handler = httpHandler(
  async ({ path, caller }) => ({
    statusCode: 202,
    body: await resendDelivery(getServiceDeps(), caller, path.id, path.key),
  }),
  { path: deliveryPath, operation: 'deliveries' },
);
