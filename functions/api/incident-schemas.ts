// Request and response shapes of the mass incident routes (SPEC section 13); the declaration and the
// resolution input are the domain's own schemas (functions/domain/incidents.ts).
import * as z from 'zod';
import { CATEGORIES } from '#domain/complaint';
import {
  INCIDENT_CAUSES,
  INCIDENT_OUTCOMES,
  INCIDENT_STATUSES,
  incidentCompensation,
  incidentDeclaration,
  incidentResolutionInput,
} from '#domain/incidents';

const incidentId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be an incident id');
const complaintId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a complaint id (ULID)');

export const incidentPath = z.strictObject({ id: incidentId });

export const incidentListQuery = z.strictObject({ status: z.enum(INCIDENT_STATUSES).optional() });

export const incidentTimelineQuery = z.strictObject({
  limit: z.coerce
    .number<string>()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .meta({ type: 'integer', minimum: 1, maximum: 500, default: 100 }),
  cursor: z.string().min(1).max(1024).optional().meta({ description: 'nextCursor of the previous page.' }),
});

export { incidentDeclaration };

export const incidentActionBody = z
  .discriminatedUnion('action', [
    z.strictObject({ action: z.literal('confirm'), escalateToHq: z.boolean().optional() }),
    z.strictObject({ action: z.literal('dismiss'), reason: z.string().trim().min(1).max(500) }),
    z.strictObject({ action: z.literal('link'), complaintIds: z.array(complaintId).min(1).max(100) }),
    z.strictObject({ action: z.literal('link-matching'), cursor: z.string().min(1).max(2048).optional() }),
    z.strictObject({ action: z.literal('notify') }),
    incidentResolutionInput.extend({ action: z.literal('resolve') }),
    z.strictObject({ action: z.literal('close'), reason: z.string().trim().min(1).max(500).optional() }),
  ])
  .meta({ id: 'IncidentAction' });

const unitList = z.array(z.string());

export const incidentView = z
  .object({
    id: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    cause: z.object({ kind: z.enum(INCIDENT_CAUSES), summary: z.string() }),
    area: z.object({ outletIds: unitList, regionIds: unitList }),
    categories: z.array(z.enum(CATEGORIES)),
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime().optional() }),
    escalateToHq: z.boolean(),
    declaredBy: z.string(),
    declaredAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    proposal: z
      .object({
        category: z.enum(CATEGORIES),
        unit: z.object({ kind: z.enum(['outlet', 'region']), id: z.string() }),
        count: z.int(),
        windowMinutes: z.int(),
        threshold: z.int(),
        detectedAt: z.iso.datetime(),
      })
      .optional(),
    noticeIssuedAt: z.iso.datetime().optional(),
    resolution: z
      .object({
        text: z.string(),
        compensation: incidentCompensation,
        by: z.string(),
        startedAt: z.iso.datetime(),
        completedAt: z.iso.datetime().optional(),
      })
      .passthrough()
      .optional(),
    closedAt: z.iso.datetime().optional(),
    version: z.int(),
  })
  .meta({ id: 'Incident' });

const skipped = z.object(
  Object.fromEntries(INCIDENT_OUTCOMES.filter((o) => o !== 'resolved').map((o) => [o, z.int().optional()])),
);

export const incidentCountsView = z
  .object({
    linked: z.int(),
    byCategory: z.record(z.enum(CATEGORIES), z.int()),
    notified: z.int(),
    sameCustomer: z.int(),
    resolved: z.int(),
    skipped,
    pendingResolution: z.int(),
    compensationTotal: z.number(),
  })
  .meta({ id: 'IncidentCounts' });

export const incidentWithCounts = z
  .object({
    incident: incidentView,
    counts: incidentCountsView,
    progress: z
      .object({
        processed: z.int(),
        outcomes: z.record(z.string(), z.int()),
        done: z.boolean(),
        nextCursor: z.string().optional(),
      })
      .optional()
      .meta({ description: 'Batch actions (link-matching, notify, resolve): call again until done.' }),
  })
  .meta({ id: 'IncidentWithCounts' });

export const incidentList = z.object({ items: z.array(incidentView) }).meta({ id: 'IncidentList' });

export const incidentTimelineView = z
  .object({
    items: z.array(
      z.object({
        at: z.iso.datetime(),
        type: z.string(),
        actor: z.string(),
        data: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'IncidentTimeline' });
