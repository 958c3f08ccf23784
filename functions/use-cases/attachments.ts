// Attachments: a presigned upload is handed out (the attachment reserved as pending, the complaint's count
// bounded), the browser or system uploads straight to the bucket, and only then is the file accepted onto
// the complaint, after its stored bytes were recognised as an allowed type (file-type reads the first
// bytes) and its size checked. Anything else is deleted and refused. Files are read back only through
// short-lived signed URLs, handed to callers allowed to read the complaint (and to the customer, for their
// own photos, through their link).
import { fileTypeFromBuffer } from 'file-type';
import {
  ATTACHMENT_LIMITS,
  attachmentKey,
  checkUploadRequest,
  judgeStoredObject,
  type Attachment,
  type AttachmentSource,
  type UploadRequest,
} from '#domain/attachments';
import type { Complaint } from '#domain/complaint';
import { InvalidInput, LimitReached, VersionConflict } from '#domain/errors';
import { withEvent } from '#domain/notices';
import { actingPartyOf, type Principal } from '#domain/permissions';
import type { AttachmentFiles, AttachmentIndex, PresignedUpload } from '#domain/ports';
import { requirePermission } from './access.ts';
import { getComplaint } from './queries.ts';
import { saveNext, type ServiceDeps } from './service-deps.ts';

export interface AttachmentDeps extends ServiceDeps {
  files: AttachmentFiles;
  attachments: AttachmentIndex;
}

export interface AttachmentUpload {
  attachment: Attachment;
  upload: PresignedUpload;
}

/** An attachment as callers see it: metadata, and a signed URL valid for a few minutes. */
export interface AttachmentView {
  id: string;
  source: AttachmentSource;
  contentType: string;
  size: number;
  uploadedBy: string;
  at: string;
  url: string;
  urlExpiresAt: string;
}

/**
 * A reservation older than this was abandoned: its presigned upload has expired and it was never named in
 * a reply or accepted, so a full complaint may give its place to a new one.
 */
export const abandonedBefore = (now: Date): string =>
  new Date(now.getTime() - ATTACHMENT_LIMITS.abandonedAfterSeconds * 1000).toISOString();

/** Reserves an attachment (pending) and presigns its upload; LimitReached when the complaint is full. */
export async function requestUpload(
  deps: Pick<AttachmentDeps, 'files' | 'attachments' | 'clock' | 'newId'>,
  complaint: Pick<Complaint, 'id'>,
  request: UploadRequest,
  source: AttachmentSource,
  uploadedBy: Attachment['uploadedBy'],
): Promise<AttachmentUpload> {
  const contentType = checkUploadRequest(request, source);
  const attachment: Attachment = {
    complaintId: complaint.id,
    id: deps.newId(),
    source,
    contentType,
    size: request.size,
    uploadedBy,
    status: 'pending',
    requestedAt: deps.clock.now().toISOString(),
  };
  const { reserved, reclaimed } = await deps.attachments.reserve(
    attachment,
    ATTACHMENT_LIMITS.perComplaint,
    abandonedBefore(deps.clock.now()),
  );
  // Their uploads were never confirmed: whatever arrived for them goes too.
  for (const gone of reclaimed) await deps.files.delete(attachmentKey(gone.complaintId, gone.id));
  if (!reserved) throw new LimitReached('attachments', ATTACHMENT_LIMITS.perComplaint);
  const upload = await deps.files.presignUpload(attachmentKey(complaint.id, attachment.id), {
    contentType,
    maxBytes: ATTACHMENT_LIMITS.maxBytes,
    seconds: ATTACHMENT_LIMITS.uploadSeconds,
  });
  return { attachment, upload };
}

/**
 * Accepts uploaded attachments of one source onto the complaint: each must be recorded for it, uploaded,
 * and its content an allowed type (the declared one). A file that fails is deleted and its place freed,
 * and the whole request is refused naming it; files accepted before stay accepted (accepting is idempotent).
 */
export async function acceptUploads(
  deps: Pick<AttachmentDeps, 'files' | 'attachments' | 'clock' | 'log'>,
  complaintId: string,
  ids: readonly string[],
  source: AttachmentSource,
): Promise<Attachment[]> {
  const accepted: Attachment[] = [];
  for (const [index, id] of ids.entries()) {
    const path = `attachmentIds[${index}]`;
    const attachment = await deps.attachments.get(complaintId, id);
    if (attachment?.source !== source) {
      throw new InvalidInput('no such upload', [
        { path, message: 'no upload with this id for this complaint' },
      ]);
    }
    if (attachment.status === 'accepted') {
      accepted.push(attachment);
      continue;
    }
    const key = attachmentKey(complaintId, id);
    const stored = await deps.files.readStart(key, ATTACHMENT_LIMITS.sniffBytes);
    if (stored === undefined) {
      throw new InvalidInput('the file was not uploaded', [
        { path, message: 'nothing was uploaded for it yet' },
      ]);
    }
    const detected = await fileTypeFromBuffer(stored.start);
    const verdict = judgeStoredObject(attachment, { size: stored.size, detectedType: detected?.mime });
    if (!verdict.accepted) {
      await deps.files.delete(key);
      await deps.attachments.remove(complaintId, id);
      deps.log.warn('upload refused by its content and deleted', {
        complaintId,
        attachmentId: id,
        reason: verdict.reason,
      });
      throw new InvalidInput('the file was refused', [{ path, message: verdict.reason }]);
    }
    accepted.push(
      await deps.attachments.accept(complaintId, id, stored.size, deps.clock.now().toISOString()),
    );
  }
  return accepted;
}

/**
 * The customer's erasure request (PIPL): every file of the complaint is deleted (photos of a parcel show
 * names and addresses; staff evidence may too), each record kept as `erased`. Idempotent: a repeat deletes
 * nothing more.
 */
export async function eraseAttachments(
  deps: Pick<AttachmentDeps, 'files' | 'attachments'>,
  complaintId: string,
  at: string,
): Promise<number> {
  const present = (await deps.attachments.list(complaintId)).filter((a) => a.status !== 'erased');
  for (const attachment of present) {
    await deps.files.delete(attachmentKey(complaintId, attachment.id));
    await deps.attachments.markErased(complaintId, attachment.id, at);
  }
  return present.length;
}

/** Signed URLs for accepted attachments, optionally of one source only (the customer sees their own). */
export async function attachmentViews(
  deps: Pick<AttachmentDeps, 'files' | 'attachments' | 'clock'>,
  complaintId: string,
  source?: AttachmentSource,
): Promise<AttachmentView[]> {
  const all = await deps.attachments.list(complaintId);
  const shown = all.filter((a) => a.status === 'accepted' && (source === undefined || a.source === source));
  const expiresAt = new Date(deps.clock.now().getTime() + ATTACHMENT_LIMITS.readSeconds * 1000).toISOString();
  return Promise.all(
    shown.map(async (a) => ({
      id: a.id,
      source: a.source,
      contentType: a.contentType,
      size: a.size,
      uploadedBy: a.uploadedBy.actor,
      at: a.acceptedAt ?? a.requestedAt,
      url: await deps.files.signedReadUrl(attachmentKey(a.complaintId, a.id), {
        seconds: ATTACHMENT_LIMITS.readSeconds,
        contentType: a.contentType,
      }),
      urlExpiresAt: expiresAt,
    })),
  );
}

/** Staff: a presigned upload for evidence on a complaint they may work on. */
export async function requestEvidenceUpload(
  deps: AttachmentDeps,
  complaintId: string,
  request: UploadRequest,
  principal: Principal,
): Promise<AttachmentUpload> {
  requirePermission(principal, 'work');
  const complaint = await getComplaint(deps, complaintId);
  requirePermission(principal, 'work', complaint);
  return requestUpload(deps, complaint, request, 'staff', actingPartyOf(principal));
}

const MAX_ATTEMPTS = 5;

/**
 * Staff: accepts an uploaded piece of evidence and records it on the timeline (`evidence-attached`, no
 * change of status). A second call for the same attachment records nothing more.
 */
export async function attachEvidence(
  deps: AttachmentDeps,
  complaintId: string,
  attachmentId: string,
  principal: Principal,
): Promise<AttachmentView> {
  requirePermission(principal, 'work');
  requirePermission(principal, 'work', await getComplaint(deps, complaintId));
  const before = await deps.attachments.get(complaintId, attachmentId);
  const [accepted] = await acceptUploads(deps, complaintId, [attachmentId], 'staff');
  if (!accepted) throw new Error('acceptUploads returned nothing for one id');
  // Recorded once: when this call is the one that accepted it.
  for (let attempt = 1; before?.status !== 'accepted'; attempt++) {
    const current = await getComplaint(deps, complaintId);
    const now = deps.clock.now();
    const next = withEvent(current, {
      at: now.toISOString(),
      type: 'evidence-attached',
      ...actingPartyOf(principal),
      from: current.status,
      data: { attachmentId, contentType: accepted.contentType, size: accepted.size },
    });
    try {
      await saveNext(deps.store, current, next, now);
      break;
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
  const [view] = (await attachmentViews(deps, complaintId)).filter((v) => v.id === attachmentId);
  if (!view) throw new Error(`attachment ${attachmentId} vanished after acceptance`);
  return view;
}

/** Staff (anyone who may read the complaint): every accepted attachment with a signed URL. */
export async function listAttachments(
  deps: AttachmentDeps,
  complaintId: string,
  principal: Principal,
): Promise<AttachmentView[]> {
  requirePermission(principal, 'read');
  const complaint = await getComplaint(deps, complaintId);
  requirePermission(principal, 'read', complaint);
  return attachmentViews(deps, complaintId);
}
