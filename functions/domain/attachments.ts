// Files attached to a complaint: the customer's photos with a reply (damage and loss claims live on them)
// and the evidence staff add. Pure rules: what may be uploaded, how many, how big, and whether a stored
// object is what it claimed to be. The bytes live in the attachments bucket, never in the complaint item;
// each attachment's metadata is its own small item beside the complaint (docs/data-model.md).
import { InvalidInput } from './errors.ts';

/** Photos a customer may send with a reply. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
/** What staff may attach as evidence: photos and PDF documents (a delivery record, a receipt). */
export const EVIDENCE_TYPES = [...PHOTO_TYPES, 'application/pdf'] as const;
export type AttachmentType = (typeof EVIDENCE_TYPES)[number];

/** Whose file it is: the customer's (through their link) or staff's evidence. */
export type AttachmentSource = 'customer' | 'staff';

export const ATTACHMENT_LIMITS = {
  /** Attachments (customer's and staff's together) one complaint may hold: a bounded number of items. */
  perComplaint: 10,
  /** Photos one customer reply may carry. */
  perReply: 3,
  /** Largest file, in bytes (the presigned upload's content-length-range). */
  maxBytes: 10 * 1024 * 1024,
  /** How long a presigned upload stays usable. */
  uploadSeconds: 300,
  /**
   * A reservation not accepted this long after it was made is abandoned (the upload expired long ago; a
   * reply names its photos within minutes): a full complaint may reclaim its place.
   */
  abandonedAfterSeconds: 3600,
  /** How long a signed read URL stays usable. */
  readSeconds: 300,
  /** Bytes read back to recognise a file's type by its content. */
  sniffBytes: 4100,
} as const;

export const allowedTypes = (source: AttachmentSource): readonly AttachmentType[] =>
  source === 'customer' ? PHOTO_TYPES : EVIDENCE_TYPES;

export interface Attachment {
  complaintId: string;
  id: string;
  source: AttachmentSource;
  /** The type declared for the upload (the presigned policy pins it); checked by content before acceptance. */
  contentType: AttachmentType;
  /** Declared size in bytes; the stored size once accepted. */
  size: number;
  /** Who uploaded it: the staff member (and the system that carried the call), or the customer. */
  uploadedBy: { actor: string; client?: string };
  /**
   * pending: an upload was handed out; accepted: the stored object was checked and is part of the
   * complaint; erased: the customer's erasure request (PIPL) deleted the file, the record stays.
   */
  status: 'pending' | 'accepted' | 'erased';
  requestedAt: string;
  acceptedAt?: string;
  erasedAt?: string;
}

export interface UploadRequest {
  contentType: string;
  size: number;
}

/** The object key: under the complaint, so an erasure or a retention rule can find every file of it. */
export const attachmentKey = (complaintId: string, attachmentId: string): string =>
  `complaints/${complaintId}/${attachmentId}`;

/** Refuses an upload request that could never be accepted: wrong type or size. */
export function checkUploadRequest(request: UploadRequest, source: AttachmentSource): AttachmentType {
  const allowed = allowedTypes(source);
  const type = allowed.find((t) => t === request.contentType);
  const errors: { path: string; message: string }[] = [];
  if (type === undefined)
    errors.push({ path: 'contentType', message: `must be one of ${allowed.join(', ')}` });
  if (!Number.isInteger(request.size) || request.size < 1 || request.size > ATTACHMENT_LIMITS.maxBytes) {
    errors.push({ path: 'size', message: `must be 1 to ${ATTACHMENT_LIMITS.maxBytes} bytes` });
  }
  if (type === undefined || errors.length > 0) throw new InvalidInput('the file cannot be uploaded', errors);
  return type;
}

/** What the bucket holds under an attachment's key, as read back after the upload. */
export interface StoredObject {
  size: number;
  /** The type recognised from the first bytes; undefined when nothing known matched. */
  detectedType: string | undefined;
}

export type StoredVerdict = { accepted: true } | { accepted: false; reason: string };

/**
 * Is the stored object what the upload promised? Its content must be of an allowed type and the declared
 * one (a PNG may not arrive as a JPEG's upload), and its size within the limit.
 */
export function judgeStoredObject(attachment: Attachment, stored: StoredObject): StoredVerdict {
  if (stored.size < 1 || stored.size > ATTACHMENT_LIMITS.maxBytes) {
    return {
      accepted: false,
      reason: `size ${stored.size} is outside 1 to ${ATTACHMENT_LIMITS.maxBytes} bytes`,
    };
  }
  const allowed = allowedTypes(attachment.source);
  if (stored.detectedType === undefined || !allowed.some((t) => t === stored.detectedType)) {
    return { accepted: false, reason: `the content is not one of ${allowed.join(', ')}` };
  }
  if (stored.detectedType !== attachment.contentType) {
    return {
      accepted: false,
      reason: `the content is ${stored.detectedType}, not the declared ${attachment.contentType}`,
    };
  }
  return { accepted: true };
}

/** The ids a reply names: each at most once, no more than a reply may carry. */
export function checkReplyAttachments(ids: readonly string[]): void {
  if (new Set(ids).size !== ids.length) {
    throw new InvalidInput('a photo is named twice', [
      { path: 'attachmentIds', message: 'each photo at most once' },
    ]);
  }
  if (ids.length > ATTACHMENT_LIMITS.perReply) {
    throw new InvalidInput('too many photos', [
      { path: 'attachmentIds', message: `at most ${ATTACHMENT_LIMITS.perReply} photos per reply` },
    ]);
  }
}
