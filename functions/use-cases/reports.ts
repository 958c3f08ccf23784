// The operator's numbers (SPEC section 8): keeping the report counters in step with every stored change,
// reading a period's report from them, and the parcel volumes an admin supplies.
import type { Complaint } from '#domain/complaint';
import { OrgUnitNotFound } from '#domain/errors';
import type { Principal } from '#domain/permissions';
import type { ComplaintStore, OrgDirectoryStore, ReportAggregates } from '#domain/ports';
import {
  buildReport,
  reportPeriod,
  type ParcelVolume,
  type Report,
  type ReportGranularity,
} from '#domain/reports';
import { requirePermission } from './access.ts';
import type { OperationalLog } from './service-deps.ts';

/**
 * The store, with the report counters following every committed create and save. The complaint write is
 * the commit point; the counters follow it. A failure there is logged and left to the complaint's next
 * write, which adds everything not yet recorded (the counters hold a complaint's last recorded state, not
 * a log of its events), so nothing is lost and nothing counts twice.
 */
export function reportingStore(
  store: ComplaintStore,
  aggregates: ReportAggregates,
  log: OperationalLog,
): ComplaintStore {
  const follow = async (stored: Complaint): Promise<Complaint> => {
    try {
      await aggregates.record(stored);
    } catch (error) {
      log.warn('report counters not updated; the next write of the complaint catches up', {
        complaintId: stored.id,
        version: stored.version,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
    return stored;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'create') {
        return async (complaint: Complaint) => follow(await target.create(complaint));
      }
      if (property === 'save') {
        return async (complaint: Complaint, expectedVersion: number) =>
          follow(await target.save(complaint, expectedVersion));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface ReportDeps {
  reports?: ReportAggregates;
  org: OrgDirectoryStore;
}

function aggregatesOf(deps: ReportDeps): ReportAggregates {
  if (deps.reports === undefined) throw new Error('report aggregates are not configured');
  return deps.reports;
}

/** A period's report from the counters: reads grow with days and dimension values, not with complaints. */
export async function readReport(
  deps: ReportDeps,
  principal: Principal,
  granularity: ReportGranularity,
  periodId: string,
): Promise<Report> {
  requirePermission(principal, 'reports');
  const period = reportPeriod(granularity, periodId);
  const aggregates = aggregatesOf(deps);
  const from = period.days[0]!;
  const to = period.days[period.days.length - 1]!;
  const [counters, volumes] = await Promise.all([
    aggregates.counters(period.months, from, to),
    // Volumes are monthly: only a month's report divides by them.
    granularity === 'month' ? aggregates.volumes(period.months) : { items: [], requests: 0 },
  ]);
  const report = buildReport(period, counters.rows, volumes.items);
  report.source.readRequests = counters.requests + volumes.requests;
  return report;
}

/** An admin records how many parcels an outlet handled in a month (the outlet's region from the directory). */
export async function putParcelVolume(
  deps: ReportDeps,
  principal: Principal,
  input: { outletId: string; month: string; parcels: number },
): Promise<ParcelVolume> {
  requirePermission(principal, 'directory');
  const outlet = await deps.org.getUnit('outlet', input.outletId);
  if (outlet === undefined) throw new OrgUnitNotFound('outlet', input.outletId);
  const volume: ParcelVolume = {
    month: input.month,
    outletId: input.outletId,
    ...(outlet.regionId === undefined ? {} : { regionId: outlet.regionId }),
    parcels: input.parcels,
  };
  await aggregatesOf(deps).putVolume(volume);
  return volume;
}
