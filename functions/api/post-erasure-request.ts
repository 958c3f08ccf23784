// POST /v1/erasure-requests: a customer's erasure request (PIPL), for supervisors and admins. The rule is
// the permission table's; the requester is the authenticated caller.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { eraseCustomer } from '#use-cases/erase-customer';
import { erasureBody, type ErasureOutcomeView } from './schemas.ts';

export const handler = httpHandler(
  async ({ body, caller }) => {
    const outcome = await eraseCustomer(getAttachmentDeps(), caller, body);
    const view: ErasureOutcomeView = outcome;
    return { statusCode: 200, body: view };
  },
  { body: erasureBody, operation: 'erasure' },
);
