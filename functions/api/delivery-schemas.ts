// Request and response shapes of the undelivered-texts routes (GET /v1/deliveries, POST .../resend).
import * as z from 'zod';
import { DELIVERY_ATTENTION_STATES } from '#domain/ports';
import { complaintPath } from './schemas.ts';

/** GET /v1/deliveries?state=&limit=&cursor=: deliveries waiting for an operator, oldest complaint first. */
export const deliveriesQuery = z.strictObject({
  state: z
    .enum(DELIVERY_ATTENTION_STATES)
    .optional()
    .meta({ description: 'Only deliveries in this state (default: all three).' }),
  limit: z.coerce
    .number<string>()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .meta({ type: 'integer', minimum: 1, maximum: 100, default: 50 }),
  cursor: z.string().min(1).max(1024).optional().meta({ description: 'nextCursor of the previous page.' }),
});

/** POST /v1/deliveries/{id}/{key}/resend: the complaint and the message's notification key. */
export const deliveryPath = complaintPath.extend({
  key: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[A-Za-z0-9._:-]+$/, 'must be a notification key (letters, digits, . _ : -)')
    .meta({ description: 'The notification key, e.g. received.1 (URL-encoded).' }),
});

export const deliveryAttentionView = z
  .object({
    complaintId: z.string(),
    key: z.string(),
    event: z.string(),
    state: z.enum(DELIVERY_ATTENTION_STATES),
    since: z.iso.datetime(),
    attempts: z.int().min(0),
    lastError: z.string().optional(),
    redrive: z.int().min(0).meta({ description: 'How often an operator re-sent it before.' }),
  })
  .meta({ id: 'UndeliveredMessage' });

export const deliveriesPage = z
  .object({ items: z.array(deliveryAttentionView), nextCursor: z.string().nullable() })
  .meta({ id: 'UndeliveredMessagePage' });

export const resendView = z
  .object({
    complaintId: z.string(),
    key: z.string(),
    redrive: z.int().min(1).meta({ description: 'This re-send is the n-th of the message.' }),
    sendAt: z.iso.datetime().meta({ description: 'When it goes out (quiet hours apply).' }),
  })
  .meta({ id: 'Resend' });
