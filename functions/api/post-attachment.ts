// POST /v1/complaints/{id}/attachments/{attachmentId}: accept uploaded evidence onto the complaint. The
// stored file's type is recognised from its content; a file that is not the declared, allowed type is
// deleted and refused (400). Recorded once on the timeline as `evidence-attached`; repeating the call
// answers the same attachment. 200 with the attachment and a short-lived signed URL.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { attachEvidence } from '#use-cases/attachments';
import { attachmentPath } from './public-schemas.ts';

export const handler = httpHandler(
  async ({ path, caller }) => ({
    statusCode: 200,
    body: await attachEvidence(getAttachmentDeps(), path.id, path.attachmentId, caller),
  }),
  { path: attachmentPath, operation: 'work' },
);
