// Response shapes of the organisation directory routes (the request body is the domain's orgUnitInput).
import * as z from 'zod';
import { RECIPIENT_PROTOCOLS, UNIT_KINDS } from '#domain/organisation';

export const orgUnitView = z
  .object({
    kind: z.enum(UNIT_KINDS),
    id: z.string(),
    name: z.string(),
    regionId: z.string().optional(),
    recipients: z.array(z.object({ protocol: z.enum(RECIPIENT_PROTOCOLS), endpoint: z.string() })),
    updatedAt: z.iso.datetime(),
    version: z.int().min(1),
  })
  .meta({ id: 'OrgUnit' });

export const directoryView = z
  .object({ hq: orgUnitView.optional(), regions: z.array(orgUnitView), outlets: z.array(orgUnitView) })
  .meta({ id: 'OrgDirectory' });
