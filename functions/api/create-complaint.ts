// POST /v1/complaints: register a complaint. Retries with the same Idempotency-Key and body get the same
// complaint back (201, Idempotent-Replayed: true); the same key with another body is a 409.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { registerComplaint } from '#use-cases/register-complaint';
import { idempotencyKeyOf, requestHashOf } from './idempotency.ts';
import { presentComplaint } from './presenters.ts';
import { newComplaintBody } from './intake-schemas.ts';

export const handler = httpHandler(
  async ({ body, event, caller }) => {
    const key = idempotencyKeyOf(event, caller);
    const idempotency = key === undefined ? undefined : { key, requestHash: requestHashOf(body) };
    const { complaint, replayed } = await registerComplaint(getServiceDeps(), body, caller, idempotency);
    return {
      statusCode: 201,
      headers: {
        // requestContext.path carries the stage or base path the client called through.
        Location: `${event.requestContext.path ?? event.path}/${complaint.id}`,
        ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
      },
      body: presentComplaint(complaint),
    };
  },
  { body: newComplaintBody, operation: 'register' },
);
