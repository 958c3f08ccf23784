// Shapes of the customer's public link routes (no authentication: the link token is the credential).
// Kept apart from the staff API's schemas: nothing here may ever carry personal or internal data.
import * as z from 'zod';
import { LOCALES, STATUSES } from '#domain/complaint';
import { LINK_TOKEN_LENGTH } from '#domain/link-token';
import { freeText, money } from './schemas.ts';

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
  'Accept-Language': z.string().optional().meta({
    description: "Answer in zh-CN or en when it ranks one of them; otherwise the customer's own language.",
    example: 'en-GB,en;q=0.9',
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
    timeline: z.array(z.object({ at: instant, text: z.string() })).meta({
      description: 'What happened, oldest first, in plain words; internal steps are left out.',
    }),
  })
  .meta({ id: 'PublicComplaint' });

export type PublicComplaintView = z.input<typeof publicComplaintView>;
