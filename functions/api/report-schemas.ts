// Request and response shapes of the report routes (SPEC section 8) and the parcel volumes.
import * as z from 'zod';
import { REPORT_GRANULARITIES } from '#domain/reports';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

export const reportPath = z
  .strictObject({
    granularity: z.enum(REPORT_GRANULARITIES).meta({ description: 'day, week or month' }),
    period: z
      .string()
      .max(10)
      .meta({ description: 'YYYY-MM-DD (day), YYYY-Www (ISO week), YYYY-MM (month); Asia/Shanghai days' }),
  })
  .meta({ example: { granularity: 'month', period: '2026-03' } });

export const reportExportQuery = z.strictObject({
  format: z.enum(['csv', 'xlsx']).meta({ description: 'csv: one table; xlsx: one sheet per dimension' }),
});

export const parcelVolumePath = z.strictObject({
  outlet: identifier.meta({ description: 'an outlet of the organisation directory' }),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .meta({ description: 'YYYY-MM' }),
});

export const parcelVolumeBody = z
  .strictObject({ parcels: z.int().min(0).max(1e12) })
  .meta({ id: 'ParcelVolumeInput', example: { parcels: 1_250_000 } });

export const parcelVolumeView = z
  .object({ month: z.string(), outletId: z.string(), regionId: z.string().optional(), parcels: z.int() })
  .meta({ id: 'ParcelVolume' });

const rate = z.number().nullable();
const compliance = z.object({ measured: z.int(), met: z.int(), rate });
const durations = z.object({
  count: z.int(),
  p50Minutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
});

export const figuresView = z
  .object({
    received: z.int(),
    complaints: z.int(),
    closed: z.int(),
    closedComplaints: z.int(),
    resolved: z.int(),
    resolutionRate: rate,
    satisfaction: z.object({ rated: z.int(), mean: rate, share45: rate }),
    repeats: z.int(),
    repeatRate: rate,
    firstResponse: durations,
    handling: durations,
    sla: z.object({
      response: compliance,
      handling: compliance,
      resolution: compliance,
      review: compliance,
      regulator: compliance,
    }),
    escalations: z.object({ level1: z.int(), level2: z.int(), level3: z.int() }),
    regulatoryRisk: z.int(),
    appeals: z.int(),
    responsibility: z.object({
      outlet: z.int(),
      'sorting-centre': z.int(),
      'carrier-partner': z.int(),
      customer: z.int(),
      'no-fault': z.int(),
    }),
    followUp: z.object({
      opened: z.int(),
      noFeedback: z.int(),
      lowScore: z.int(),
      done: z.int(),
      onTime: z.int(),
      reached: z.int(),
      satisfied: z.int(),
      onTimeRate: rate,
      satisfiedRate: rate,
    }),
    parcels: z.int().nullable(),
    complaintsPerMillionParcels: z.number().nullable(),
  })
  .meta({ id: 'ReportFigures' });

const valueFigures = figuresView.extend({ value: z.string() });

export const reportView = z
  .object({
    period: z.object({
      granularity: z.enum(REPORT_GRANULARITIES),
      id: z.string(),
      from: z.string(),
      to: z.string(),
    }),
    overall: figuresView,
    byDay: z.array(figuresView.extend({ day: z.string() })),
    dimensions: z.object({
      category: z.array(valueFigures),
      type: z.array(valueFigures),
      outlet: z.array(valueFigures),
      region: z.array(valueFigures),
      channel: z.array(valueFigures),
    }),
    source: z.object({ counterItems: z.int(), volumeItems: z.int(), readRequests: z.int() }),
  })
  .meta({ id: 'Report' });
