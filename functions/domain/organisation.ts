// The organisation directory (SPEC sections 5 and 8): outlets (网点) belong to regions (区域中心) under
// headquarters (总部). Each unit names the people its alerts reach; escalation and warning alerts go to the
// responsible unit of their level only. Pure: validation, the routing rule and the seed file's shape.
import { freeTextProblem } from './free-text.ts';
import * as z from 'zod';
import type { EscalationLevel } from './complaint.ts';
import { InvalidInput } from './errors.ts';

export const UNIT_KINDS = ['hq', 'region', 'outlet'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Where a unit's alerts are delivered: SNS subscription protocols staff can receive. */
export const RECIPIENT_PROTOCOLS = ['email', 'sms', 'https'] as const;
export type RecipientProtocol = (typeof RECIPIENT_PROTOCOLS)[number];

export interface AlertRecipient {
  protocol: RecipientProtocol;
  /** An e-mail address, an E.164 number or an https URL, as the protocol says. */
  endpoint: string;
}

export interface OrgUnit {
  kind: UnitKind;
  /** HQ's id is always "HQ". */
  id: string;
  name: string;
  /** Outlets only: the region they belong to. */
  regionId?: string;
  recipients: AlertRecipient[];
  updatedAt: string;
  /** Optimistic concurrency of the stored unit. */
  version: number;
}

export const HQ_ID = 'HQ';

/** The routing key an alert carries (SNS message attribute `unit`) and a unit's subscriptions filter on. */
export function unitAddress(kind: UnitKind, id: string): string {
  return kind === 'hq' ? 'hq' : `${kind}:${id}`;
}

/**
 * Who answers for an alert of `level` about a complaint (SPEC 5, 三级响应): levels 0 and 1 the responsible
 * outlet (its staff and manager), level 2 its region, level 3 headquarters. A complaint not yet given an
 * outlet (or region) is alerted one unit up, so no alert goes unaddressed.
 */
export function alertAddress(
  complaint: { outletId?: string; regionId?: string },
  level: EscalationLevel,
): string {
  if (level <= 1 && complaint.outletId) return unitAddress('outlet', complaint.outletId);
  if (level <= 2 && complaint.regionId) return unitAddress('region', complaint.regionId);
  return unitAddress('hq', HQ_ID);
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export const alertRecipientSchema = z
  .strictObject({
    protocol: z.enum(RECIPIENT_PROTOCOLS),
    endpoint: z.string().trim().min(3).max(256),
  })
  .superRefine((recipient, ctx) => {
    const ok =
      recipient.protocol === 'email'
        ? z.email().safeParse(recipient.endpoint).success
        : recipient.protocol === 'sms'
          ? E164.test(recipient.endpoint)
          : /^https:\/\/[^\s\p{Cc}\p{Cf}\p{Cs}]+$/u.test(recipient.endpoint);
    if (!ok) {
      const expected = { email: 'an e-mail address', sms: 'an E.164 number', https: 'an https URL' };
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: `must be ${expected[recipient.protocol]}`,
      });
    }
  })
  .meta({ id: 'AlertRecipient', example: { protocol: 'email', endpoint: 'sh-pudong@example.com' } });

const unitFields = {
  // Staff alerts quote it: one line, nothing invisible (the 400 names the field).
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .superRefine((value, ctx) => {
      const problem = freeTextProblem(value, false);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  recipients: z.array(alertRecipientSchema).max(20).default([]),
};

const identifier = z.string().regex(IDENTIFIER, 'letters, digits, dot, dash or underscore (at most 64)');

/** One unit as an admin sends it (POST /v1/org/units) or a seed file lists it. */
export const orgUnitInput = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('hq'), id: z.literal(HQ_ID).default(HQ_ID), ...unitFields }),
    z.strictObject({ kind: z.literal('region'), id: identifier, ...unitFields }),
    z.strictObject({ kind: z.literal('outlet'), id: identifier, regionId: identifier, ...unitFields }),
  ])
  .meta({
    id: 'OrgUnitInput',
    example: {
      kind: 'outlet',
      id: 'SH-PD-01',
      name: '浦东新区陆家嘴网点',
      regionId: 'SH',
      recipients: [{ protocol: 'email', endpoint: 'sh-pd-01@example.com' }],
    },
  });
export type OrgUnitInput = z.output<typeof orgUnitInput>;

/** A seed file: the whole directory at once. */
export const directoryFile = z.strictObject({
  hq: z.strictObject(unitFields),
  regions: z.array(z.strictObject({ id: identifier, ...unitFields })).default([]),
  outlets: z.array(z.strictObject({ id: identifier, regionId: identifier, ...unitFields })).default([]),
});

/** The seed file's units, checked as a whole: ids unique per kind, every outlet's region listed. */
export function unitsOfDirectoryFile(document: unknown): OrgUnitInput[] {
  const parsed = directoryFile.safeParse(document);
  if (!parsed.success) {
    throw new InvalidInput(
      'the directory file is invalid',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const { hq, regions, outlets } = parsed.data;
  const units: OrgUnitInput[] = [
    { kind: 'hq', id: HQ_ID, ...hq },
    ...regions.map((r) => ({ kind: 'region' as const, ...r })),
    ...outlets.map((o) => ({ kind: 'outlet' as const, ...o })),
  ];
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  units.forEach((unit, i) => {
    const address = unitAddress(unit.kind, unit.id);
    if (seen.has(address))
      problems.push({ path: `${unit.kind}[${i}].id`, message: `${unit.id} is listed twice` });
    seen.add(address);
  });
  const regionIds = new Set(regions.map((r) => r.id));
  outlets.forEach((outlet, i) => {
    if (!regionIds.has(outlet.regionId)) {
      problems.push({ path: `outlets[${i}].regionId`, message: `no region ${outlet.regionId} in the file` });
    }
  });
  if (problems.length > 0) throw new InvalidInput('the directory file is inconsistent', problems);
  return units;
}

/** The unit as a new version of what was stored (or the first one). */
export function nextUnitVersion(input: OrgUnitInput, stored: OrgUnit | undefined, now: Date): OrgUnit {
  const unit: OrgUnit = {
    kind: input.kind,
    id: input.id,
    name: input.name,
    recipients: input.recipients,
    updatedAt: now.toISOString(),
    version: (stored?.version ?? 0) + 1,
  };
  if (input.kind === 'outlet') unit.regionId = input.regionId;
  return unit;
}

/** The directory's current subscriptions to build: per recipient endpoint, the unit addresses it serves. */
export function subscriptionsWanted(
  units: readonly OrgUnit[],
): Map<string, { recipient: AlertRecipient; addresses: string[] }> {
  const wanted = new Map<string, { recipient: AlertRecipient; addresses: string[] }>();
  for (const unit of units) {
    for (const recipient of unit.recipients) {
      const key = recipientKey(recipient);
      const entry = wanted.get(key) ?? { recipient, addresses: [] };
      entry.addresses.push(unitAddress(unit.kind, unit.id));
      wanted.set(key, entry);
    }
  }
  for (const entry of wanted.values()) entry.addresses.sort();
  return wanted;
}

export function recipientKey(recipient: AlertRecipient): string {
  return `${recipient.protocol}:${recipient.endpoint}`;
}
