// POST /v1/complaints/{id}/attachments: staff ask to attach evidence (a photo or a PDF): 201 with a presigned
// upload straight to the attachments bucket. The file counts once accepted through
// POST …/attachments/{attachmentId}, after its content was checked. 409 when the complaint holds its
// maximum of attachments.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { requestEvidenceUpload } from '#use-cases/attachments';
import { evidenceUploadBody } from './public-schemas.ts';
import { complaintPath } from './schemas.ts';

export const handler = httpHandler(
  async ({ path, body, caller }) => {
    const { attachment, upload } = await requestEvidenceUpload(getAttachmentDeps(), path.id, body, caller);
    return { statusCode: 201, body: { attachmentId: attachment.id, upload } };
  },
  { path: complaintPath, body: evidenceUploadBody, operation: 'work' },
);
