// The attachment rules: what may be uploaded, and whether a stored object is what its upload promised.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_LIMITS,
  allowedTypes,
  checkReplyAttachments,
  checkUploadRequest,
  EVIDENCE_TYPES,
  judgeStoredObject,
  PHOTO_TYPES,
  type Attachment,
  type AttachmentSource,
} from '#domain/attachments';
import { InvalidInput } from '#domain/errors';

const source = fc.constantFrom<AttachmentSource>('customer', 'staff');
const anyType = fc.oneof(
  fc.constantFrom(...EVIDENCE_TYPES, 'image/gif', 'image/svg+xml', 'text/html', 'application/zip'),
  fc.string(),
);

const attachment = (over: Partial<Attachment> = {}): Attachment => ({
  complaintId: 'C',
  id: 'A',
  source: 'customer',
  contentType: 'image/jpeg',
  size: 1000,
  uploadedBy: { actor: 'customer' },
  status: 'pending',
  requestedAt: '2026-10-01T00:00:00.000Z',
  ...over,
});

describe('checkUploadRequest', () => {
  it('accepts exactly the allowed types of the source and sizes 1..max', () => {
    fc.assert(
      fc.property(
        source,
        anyType,
        fc.integer({ min: -5, max: ATTACHMENT_LIMITS.maxBytes + 5 }),
        (s, type, size) => {
          const ok =
            allowedTypes(s).some((t) => t === type) && size >= 1 && size <= ATTACHMENT_LIMITS.maxBytes;
          if (ok) expect(checkUploadRequest({ contentType: type, size }, s)).toBe(type);
          else expect(() => checkUploadRequest({ contentType: type, size }, s)).toThrow(InvalidInput);
        },
      ),
    );
  });

  it('lets staff attach a PDF but not the customer', () => {
    expect(checkUploadRequest({ contentType: 'application/pdf', size: 10 }, 'staff')).toBe('application/pdf');
    expect(() => checkUploadRequest({ contentType: 'application/pdf', size: 10 }, 'customer')).toThrow(
      InvalidInput,
    );
  });
});

describe('judgeStoredObject', () => {
  it('accepts only content of the declared, allowed type within the size limit', () => {
    fc.assert(
      fc.property(
        source,
        fc.constantFrom(...PHOTO_TYPES),
        fc.option(anyType, { nil: undefined }),
        fc.integer({ min: 0, max: ATTACHMENT_LIMITS.maxBytes + 10 }),
        (s, declared, detected, size) => {
          const verdict = judgeStoredObject(attachment({ source: s, contentType: declared }), {
            size,
            detectedType: detected,
          });
          const ok = detected === declared && size >= 1 && size <= ATTACHMENT_LIMITS.maxBytes;
          expect(verdict.accepted).toBe(ok);
        },
      ),
    );
  });

  it('names why: a PNG uploaded as a JPEG', () => {
    expect(judgeStoredObject(attachment(), { size: 10, detectedType: 'image/png' })).toEqual({
      accepted: false,
      reason: 'the content is image/png, not the declared image/jpeg',
    });
  });
});

describe('checkReplyAttachments', () => {
  it('allows up to the per-reply number of distinct ids', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 6 }), (ids) => {
        const ok = new Set(ids).size === ids.length && ids.length <= ATTACHMENT_LIMITS.perReply;
        if (ok) expect(() => checkReplyAttachments(ids)).not.toThrow();
        else expect(() => checkReplyAttachments(ids)).toThrow(InvalidInput);
      }),
    );
  });
});
