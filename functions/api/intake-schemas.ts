// The body of POST /v1/complaints (SPEC section 10), apart from schemas.ts because it alone validates phone
// numbers, and that needs libphonenumber-js' metadata (about 120 KB minified): only create-complaint and
// the OpenAPI document import this module, so the read paths' bundles stay without it.
import * as z from 'zod';
import {
  CATEGORIES,
  CHANNELS,
  COMPLAINT_TYPES,
  CONTACT_CHANNELS,
  LOCALES,
  PRIORITIES,
} from '#domain/complaint';
import { normalizePhone } from '#domain/phone';
import { freeText, identifier, instant, reference, trackingNumber, yuan } from './schemas.ts';

/** A mainland mobile number (13812345678, +86 138 1234 5678) or any E.164 number; stored as E.164. */
export const phoneNumber = z
  .string()
  .max(32)
  .transform((raw, ctx) => {
    const e164 = normalizePhone(raw);
    if (e164 === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a mainland mobile number or an E.164 number' });
      return z.NEVER;
    }
    return e164;
  })
  .meta({ type: 'string', example: '13812345678' });

const pushEndpointArn = z
  .string()
  .max(1024)
  .regex(/^arn:[\w-]+:sns:[\w-]+:\d{12}:endpoint\/.+$/, 'must be an SNS platform endpoint ARN');

const newCustomer = z
  .strictObject({
    phone: phoneNumber,
    name: freeText(100).optional(),
    locale: z.enum(LOCALES).optional(),
    pushEndpointArn: pushEndpointArn.optional(),
    channels: z
      .array(z.enum(CONTACT_CHANNELS))
      .min(1)
      .refine((channels) => new Set(channels).size === channels.length, 'must not repeat a channel')
      .optional(),
  })
  .superRefine((customer, ctx) => {
    if (customer.channels?.includes('push') && !customer.pushEndpointArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['pushEndpointArn'],
        message: 'required when channels include push',
      });
    }
  });

export const newComplaintBody = z
  .strictObject({
    channel: z.enum(CHANNELS),
    description: freeText(4000, { multiline: true }),
    type: z
      .enum(COMPLAINT_TYPES)
      .optional()
      .meta({ description: '投诉 complaint (default), 建议 suggestion, 咨询 enquiry.' }),
    category: z.enum(CATEGORIES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    trackingNumber: trackingNumber.optional(),
    receivedAt: instant
      .transform((value) => new Date(value).toISOString())
      .optional()
      .meta({ description: 'When the customer complained; not in the future, at most 30 days ago.' }),
    customer: newCustomer,
    outletId: identifier(64).optional(),
    regionId: identifier(64).optional(),
    declaredValue: yuan.optional(),
    postage: yuan.optional(),
    insured: z.boolean().optional(),
    externalRef: reference(128).optional(),
    regulator: z
      .strictObject({
        reference: reference(64),
        replyDueAt: instant.transform((value) => new Date(value).toISOString()),
      })
      .optional()
      .meta({
        description: 'Channel regulator only, and then required: the 12305 reference and reply deadline.',
      }),
  })
  .meta({
    id: 'NewComplaint',
    example: {
      channel: 'hotline',
      description: '快递三天了还没到，物流信息不更新',
      trackingNumber: 'EA123456789CN',
      customer: { phone: '13812345678', name: '张三', locale: 'zh-CN' },
      declaredValue: 200,
      postage: 12,
    },
  });
