// The organisation directory: reading it, an admin changing a unit, seeding it from a file, and keeping the
// staff topics' subscriptions in step with each unit's alert recipients. Also the rule a complaint's
// responsible outlet and region follow (intake and the `route` action).
import { InvalidInput, OrgUnitNotFound } from '#domain/errors';
import {
  nextUnitVersion,
  recipientKey,
  subscriptionsWanted,
  unitsOfDirectoryFile,
  type AlertRecipient,
  type OrgUnit,
  type OrgUnitInput,
} from '#domain/organisation';
import { decide, type Principal } from '#domain/permissions';
import { requirePermission } from './access.ts';
import type { ServiceDeps } from './service-deps.ts';

export type OrgDeps = Pick<ServiceDeps, 'org' | 'alerts' | 'clock'>;

export interface Directory {
  hq?: OrgUnit;
  regions: OrgUnit[];
  outlets: OrgUnit[];
}

/** The directory; alert recipients are staff contact details, shown only to who may change the directory. */
export async function readDirectory(deps: Pick<OrgDeps, 'org'>, principal: Principal): Promise<Directory> {
  // Who may change the directory sees it whole; whoever may read complaints sees it without recipients.
  const recipients = decide(principal, 'directory').allowed;
  if (!recipients) requirePermission(principal, 'read');
  const units = (await deps.org.listUnits()).map((unit) => (recipients ? unit : { ...unit, recipients: [] }));
  const byId = (a: OrgUnit, b: OrgUnit) => a.id.localeCompare(b.id);
  const hq = units.find((u) => u.kind === 'hq');
  return {
    ...(hq ? { hq } : {}),
    regions: units.filter((u) => u.kind === 'region').sort(byId),
    outlets: units.filter((u) => u.kind === 'outlet').sort(byId),
  };
}

/** An admin adds or changes one unit; its recipients' subscriptions follow. */
export async function putOrgUnit(deps: OrgDeps, principal: Principal, input: OrgUnitInput): Promise<OrgUnit> {
  requirePermission(principal, 'directory');
  if (input.kind === 'outlet' && !(await deps.org.getUnit('region', input.regionId))) {
    throw new InvalidInput('unknown region', [{ path: 'regionId', message: `no region ${input.regionId}` }]);
  }
  const { unit, before } = await storeUnit(deps, input);
  await syncRecipients(deps, [...before, ...unit.recipients]);
  return unit;
}

/** The whole directory from a seed file (validated as a whole first), then every recipient's subscriptions. */
export async function seedDirectory(
  deps: OrgDeps,
  principal: Principal,
  document: unknown,
): Promise<OrgUnit[]> {
  requirePermission(principal, 'directory');
  const stored: OrgUnit[] = [];
  const affected: AlertRecipient[] = [];
  for (const input of unitsOfDirectoryFile(document)) {
    const { unit, before } = await storeUnit(deps, input);
    stored.push(unit);
    affected.push(...before, ...unit.recipients);
  }
  await syncRecipients(deps, affected);
  return stored;
}

async function storeUnit(
  deps: OrgDeps,
  input: OrgUnitInput,
): Promise<{ unit: OrgUnit; before: AlertRecipient[] }> {
  const stored = await deps.org.getUnit(input.kind, input.id);
  const unit = nextUnitVersion(input, stored, deps.clock.now());
  await deps.org.putUnit(unit);
  return { unit, before: stored?.recipients ?? [] };
}

/**
 * Makes the subscriptions of these recipients match the directory: subscribed to every staff topic with a
 * filter on the units they serve, the filter rewritten when those change, unsubscribed when none is left.
 * Idempotent: a sync cut short is completed by the next one.
 */
export async function syncRecipients(
  deps: Pick<OrgDeps, 'org' | 'alerts'>,
  recipients: readonly AlertRecipient[],
): Promise<void> {
  const wanted = subscriptionsWanted(await deps.org.listUnits());
  const keys = [...new Set(recipients.map(recipientKey))];
  for (const key of keys) {
    const want = wanted.get(key);
    const held = await deps.org.getRecipient(key);
    if (!want) {
      if (held) {
        await deps.alerts.unsubscribe(held.subscriptionArns);
        await deps.org.deleteRecipient(key);
      }
      continue;
    }
    if (held && held.addresses.join('\n') === want.addresses.join('\n')) continue;
    const subscriptionArns = held
      ? (await deps.alerts.setAddresses(held.subscriptionArns, want.addresses), held.subscriptionArns)
      : await deps.alerts.subscribe(want.recipient, want.addresses);
    await deps.org.putRecipient({
      key,
      recipient: want.recipient,
      addresses: want.addresses,
      subscriptionArns,
    });
  }
}

/**
 * The responsible outlet and region a complaint is given (at intake or by `route`): the outlet must be in
 * the directory and its region is the outlet's; a region alone must be in the directory too.
 */
export async function responsibleUnits(
  deps: Pick<OrgDeps, 'org'>,
  given: { outletId?: string; regionId?: string },
): Promise<{ outletId?: string; regionId?: string }> {
  if (given.outletId !== undefined) {
    const outlet = await deps.org.getUnit('outlet', given.outletId);
    if (!outlet) throw unknown('outletId', new OrgUnitNotFound('outlet', given.outletId).message);
    if (given.regionId !== undefined && given.regionId !== outlet.regionId) {
      throw unknown('regionId', `outlet ${outlet.id} belongs to region ${outlet.regionId ?? '?'}`);
    }
    return { outletId: outlet.id, ...(outlet.regionId ? { regionId: outlet.regionId } : {}) };
  }
  if (given.regionId !== undefined) {
    if (!(await deps.org.getUnit('region', given.regionId))) {
      throw unknown('regionId', new OrgUnitNotFound('region', given.regionId).message);
    }
    return { regionId: given.regionId };
  }
  return {};
}

function unknown(path: string, message: string): InvalidInput {
  return new InvalidInput('not in the organisation directory', [{ path, message }]);
}
