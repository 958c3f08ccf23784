// GET /v1/complaints/{id}/attachments: every accepted attachment of the complaint (the customer's photos
// and staff's evidence), each with a signed GET URL valid for a few minutes. The bucket is never public.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { listAttachments } from '#use-cases/attachments';
import { complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, caller }) => ({
    statusCode: 200,
    body: { items: await listAttachments(getAttachmentDeps(), path.id, caller) },
  }),
  { path: complaintPath, operation: 'read' },
);
