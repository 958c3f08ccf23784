// Shapes of the customer's public link routes (no authentication: the link token is the credential).
// Kept apart from the staff API's schemas: nothing here may ever carry personal or internal data.
import * as z from 'zod';
import { ATTACHMENT_LIMITS, EVIDENCE_TYPES, PHOTO_TYPES } from '#domain/attachments';
import { LOCALES, STATUSES } from '#domain/complaint';
import { LINK_TOKEN_LENGTH } from '#domain/link-token';
import { complaintId, freeText, money } from './schemas.ts';

const instant = z.iso.datetime({ offset: true }).meta({ example: '2026-10-01T08:00:00.000Z' });

/**
 * The token as the path carries it. Not checked against the format here: a malformed token is answered
 * like an unknown one (404), so the routes never tell "wrong shape" from "not issued".
 */
export const linkTokenPath = z.strictObject({
  token: z.string().meta({
    description: `The link token from the customer's text: ${LINK_TOKEN_LENGTH} letters and digits.`,
    pattern: `^[0-9A-Za-z]{${LINK_TOKEN_LENGTH}}$`,
    example: 'aZ3kP9qL2x',
  }),
});

export const publicHeaders = z.object({
  Accept: z.string().optional().meta({
    description: 'Ranking text/html above application/json (as browsers do) gets HTML pages instead of JSON.',
    example: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  }),
});

/**
 * The page's language switch: the customer's stored language unless `lang` names another. The browser's
 * Accept-Language does not choose (a Chinese customer's phone may well be set to English).
 */
export const publicQuery = z.object({
  // Links get parameters appended by the apps that open them (WeChat's `from=`): ignored, as is a `lang`
  // naming no language this page has.
  lang: z
    .string()
    .optional()
    .transform((value) => LOCALES.find((locale) => locale === value))
    .meta({
      type: 'string',
      enum: [...LOCALES],
      description: "The language of the answer; default: the customer's own.",
    }),
});

/** The longest comment a rating may carry (the page's form says so too). */
export const MAX_FEEDBACK_COMMENT = 1000;

export const publicFeedbackBody = z
  .strictObject({
    // The generator would document only the first literal: spell the enum out.
    score: z.literal([1, 2, 3, 4, 5]).meta({ type: 'integer', enum: [1, 2, 3, 4, 5] }),
    comment: freeText(MAX_FEEDBACK_COMMENT, { multiline: true, min: 0 }).optional(),
  })
  .meta({ id: 'PublicFeedback', example: { score: 5, comment: '处理很快，谢谢' } });

/** The longest reply the link takes (the page's form says so too). */
export const MAX_REPLY_MESSAGE = 2000;

const attachmentId = z.string().regex(/^[0-9A-Z]{26}$/, 'must be an upload id (26 letters and digits)');

export const attachmentPath = z.strictObject({ id: complaintId, attachmentId });

export const publicReplyBody = z
  .strictObject({
    message: freeText(MAX_REPLY_MESSAGE, { multiline: true }),
    attachmentIds: z
      .array(attachmentId)
      .max(ATTACHMENT_LIMITS.perReply)
      .optional()
      .meta({
        description: `Photos uploaded through …/uploads for this reply (at most ${ATTACHMENT_LIMITS.perReply}).`,
      }),
  })
  .meta({
    id: 'PublicReply',
    example: { message: '外箱已压扁，照片见附件。', attachmentIds: ['01JD3K7Q2M9X4TBZ8W6V5N1PQR'] },
  });

const uploadRequestFields = (types: readonly string[]) => ({
  contentType: z.enum(types as [string, ...string[]]),
  size: z.int().min(1).max(ATTACHMENT_LIMITS.maxBytes).meta({ description: 'The file size in bytes.' }),
});

export const publicUploadBody = z
  .strictObject(uploadRequestFields(PHOTO_TYPES))
  .meta({ id: 'PhotoUploadRequest', example: { contentType: 'image/jpeg', size: 482113 } });

export const evidenceUploadBody = z
  .strictObject(uploadRequestFields(EVIDENCE_TYPES))
  .meta({ id: 'EvidenceUploadRequest', example: { contentType: 'application/pdf', size: 120334 } });

export const uploadView = z
  .object({
    attachmentId,
    upload: z.object({
      url: z.url(),
      fields: z.record(z.string(), z.string()),
      expiresAt: instant,
    }),
  })
  .meta({
    id: 'PresignedUpload',
    description:
      'POST multipart/form-data to `url`: every field of `fields`, then the file as `file`. The policy ' +
      `allows this one key, the declared type and at most ${ATTACHMENT_LIMITS.maxBytes} bytes, for ` +
      `${ATTACHMENT_LIMITS.uploadSeconds} s. The file counts only once accepted (checked by its content).`,
  });

export const attachmentView = z
  .object({
    id: attachmentId,
    source: z.enum(['customer', 'staff']),
    contentType: z.string(),
    size: z.int(),
    uploadedBy: z.string(),
    at: instant,
    url: z.url().meta({ description: 'A signed GET URL, valid until urlExpiresAt.' }),
    urlExpiresAt: instant,
  })
  .meta({ id: 'Attachment' });

export const publicComplaintView = z
  .object({
    complaintNumber: z.string().meta({ example: 'K7Q2M-9X4TB' }),
    locale: z.enum(LOCALES).meta({ description: 'The language of every text below.' }),
    about: z.string().meta({ example: '投递延误' }),
    status: z.enum(STATUSES),
    statusText: z.string().meta({ example: '已答复，待您评价' }),
    nextStep: z.string().meta({ example: '请在10月8日18:00前为我们的答复评分（1-5分）。' }),
    deadline: instant
      .nullable()
      .meta({ description: 'The next date that matters; null once closed or past.' }),
    answer: z
      .object({ text: z.string(), at: instant, compensation: money.nullable() })
      .nullable()
      .meta({ description: 'The answer given, phone numbers masked; null before there is one.' }),
    canRate: z
      .boolean()
      .meta({ description: 'Whether POST …/feedback is open (only while awaiting a rating).' }),
    rating: z.object({ score: z.int().min(1).max(5), at: instant }).nullable(),
    infoRequest: z.object({ text: z.string(), at: instant }).nullable().meta({
      description: 'While the complaint waits for the customer: what we asked for, phone numbers masked.',
    }),
    canReply: z.boolean().meta({
      description: 'Whether POST …/reply is open (only while the complaint waits for the customer).',
    }),
    photos: z
      .array(z.object({ url: z.url(), at: instant }))
      .meta({ description: "The customer's own photos, as signed URLs valid for a few minutes." }),
    timeline: z.array(z.object({ at: instant, text: z.string() })).meta({
      description: 'What happened, oldest first, in plain words; internal steps are left out.',
    }),
  })
  .meta({ id: 'PublicComplaint' });

export type PublicComplaintView = z.input<typeof publicComplaintView>;
