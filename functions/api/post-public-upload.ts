// POST /v1/public/complaints/{token}/uploads: a presigned upload for one photo of the customer's reply
// (only while the complaint waits for the customer): the browser posts the photo straight to the
// attachments bucket, then names the returned id in …/reply, where its content is checked. 201 with the
// upload; 400 for a type or size that could never be accepted; 409 when the complaint holds its maximum
// of attachments or waits for no reply; 404 for a token never issued; 410 once closed.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { uploadThroughLink } from '#use-cases/customer-link';
import { linkNotFound, linkExpired } from './public-link.ts';
import { linkTokenPath, publicUploadBody } from './public-schemas.ts';

export const handler = httpHandler(
  async ({ path, body }) => {
    const found = await uploadThroughLink(getAttachmentDeps(), path.token, body);
    if ('kind' in found) throw found.kind === 'unknown' ? linkNotFound() : linkExpired();
    return {
      statusCode: 201,
      body: { attachmentId: found.attachment.id, upload: found.upload },
    };
  },
  { path: linkTokenPath, body: publicUploadBody, public: true },
);
