// The report's figures computed straight from complaints, the slow way (every complaint read, every figure
// counted anew): the oracle the aggregates are compared with. Written apart from functions/domain/reports.ts
// on purpose: it shares only the definitions (buckets, which close reasons count as resolved).
import type { Complaint } from '#domain/complaint';
import {
  DURATION_BUCKETS_MINUTES,
  REPORT_DIMENSIONS,
  REPORT_SLA_CLOCKS,
  RESOLVED_CLOSE_REASONS,
  type Figures,
  type ParcelVolume,
  type ReportDimension,
  type ReportPeriod,
} from '#domain/reports';

/** What the oracle needs of a complaint; built from a stored complaint or from the API's view of one. */
export interface OracleSubject {
  type: string;
  category: string;
  channel: string;
  outletId: string | null;
  regionId: string | null;
  receivedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  repeat: boolean;
  appeal: boolean;
  regulatoryRisk: boolean;
  escalationLevel: number;
  breachLevels: number[];
  firstResponseAt: string | null;
  resolvedAt: string | null;
  score: number | null;
  /** Clock name -> breached. */
  clocks: Record<string, boolean>;
  party: string | null;
  followUp: {
    reason: string;
    openedAt: string;
    outcome: { onTime: boolean; reached: boolean; satisfied: boolean | null } | null;
  } | null;
}

export function subjectOf(c: Complaint): OracleSubject {
  return {
    type: c.type ?? 'complaint',
    category: c.category,
    channel: c.channel,
    outletId: c.outletId ?? null,
    regionId: c.regionId ?? null,
    receivedAt: c.receivedAt,
    closedAt: c.status === 'closed' ? (c.closedAt ?? null) : null,
    closeReason: c.status === 'closed' ? (c.closeReason ?? null) : null,
    repeat: c.repeatOf !== undefined,
    appeal: c.appeal === true || c.channel === 'regulator',
    regulatoryRisk: c.regulatoryRisk,
    escalationLevel: c.escalationLevel,
    breachLevels: c.breaches.map((b) => b.level),
    firstResponseAt: c.firstResponseAt ?? null,
    resolvedAt: c.resolvedAt ?? null,
    score: c.feedback?.score ?? null,
    clocks: Object.fromEntries(
      Object.values(c.clocks).flatMap((clock) =>
        clock ? [[clock.name, clock.breachedAt !== undefined]] : [],
      ),
    ),
    party: c.responsibility?.party ?? null,
    followUp: c.followUp
      ? {
          reason: c.followUp.reason,
          openedAt: c.followUp.openedAt,
          outcome: c.followUp.outcome
            ? {
                onTime: c.followUp.outcome.onTime,
                reached: c.followUp.outcome.reached,
                satisfied: c.followUp.outcome.satisfied ?? null,
              }
            : null,
        }
      : null,
  };
}

/** The Asia/Shanghai date, by the platform's time zone database (not the report code's fixed offset). */
const SHANGHAI = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' });
const dates = new Map<string, string>();
const shanghaiDate = (instant: string): string => {
  let date = dates.get(instant);
  if (date === undefined) dates.set(instant, (date = SHANGHAI.format(new Date(instant))));
  return date;
};

const valueOf = (s: OracleSubject, dimension: ReportDimension): string =>
  ({
    category: s.category,
    type: s.type,
    outlet: s.outletId ?? '-',
    region: s.regionId ?? '-',
    channel: s.channel,
  })[dimension];

/** Nearest rank: the ceil(p*n)-th smallest duration, then the bucket bound it falls under. */
function percentileBucket(durationsMs: number[], p: number): number | null {
  if (durationsMs.length === 0) return null;
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const value = sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]! / 60_000;
  for (const bound of DURATION_BUCKETS_MINUTES) if (Math.max(0, value) <= bound) return bound;
  return null;
}

const rate = (a: number, b: number) => (b === 0 ? null : a / b);

export function oracleFigures(
  received: readonly OracleSubject[],
  closed: readonly OracleSubject[],
  parcels: number | null,
  followedUp: readonly OracleSubject[] = [],
): Figures {
  const followUps = followedUp.map((s) => s.followUp!);
  const done = followUps.filter((f) => f.outcome !== null);
  const onTime = done.filter((f) => f.outcome!.onTime).length;
  const reached = done.filter((f) => f.outcome!.reached).length;
  const satisfied = done.filter((f) => f.outcome!.satisfied === true).length;
  const complaints = received.filter((s) => s.type === 'complaint');
  const repeats = complaints.filter((s) => s.repeat).length;
  const closedComplaints = closed.filter((s) => s.type === 'complaint');
  const resolved = closedComplaints.filter((s) =>
    (RESOLVED_CLOSE_REASONS as readonly string[]).includes(s.closeReason ?? ''),
  ).length;
  const rated = closed.filter((s) => s.score !== null);
  const scoreSum = rated.reduce((sum, s) => sum + s.score!, 0);
  const level = (s: OracleSubject) => Math.max(s.escalationLevel, ...s.breachLevels);
  const firstResponses = received
    .filter((s) => s.firstResponseAt !== null)
    .map((s) => Date.parse(s.firstResponseAt!) - Date.parse(s.receivedAt));
  const handling = closed
    .filter((s) => s.resolvedAt !== null)
    .map((s) => Date.parse(s.resolvedAt!) - Date.parse(s.receivedAt));
  const sla = Object.fromEntries(
    REPORT_SLA_CLOCKS.map((clock) => {
      const measured = closed.filter((s) => clock in s.clocks);
      const met = measured.filter((s) => !s.clocks[clock]).length;
      return [clock, { measured: measured.length, met, rate: rate(met, measured.length) }];
    }),
  ) as Figures['sla'];
  const party = (p: string) => closed.filter((s) => s.party === p).length;
  return {
    received: received.length,
    complaints: complaints.length,
    closed: closed.length,
    closedComplaints: closedComplaints.length,
    resolved,
    resolutionRate: rate(resolved, closedComplaints.length),
    satisfaction: {
      rated: rated.length,
      mean: rate(scoreSum, rated.length),
      share45: rate(rated.filter((s) => s.score! >= 4).length, rated.length),
    },
    repeats,
    repeatRate: rate(repeats, complaints.length),
    firstResponse: {
      count: firstResponses.length,
      p50Minutes: percentileBucket(firstResponses, 0.5),
      p90Minutes: percentileBucket(firstResponses, 0.9),
    },
    handling: {
      count: handling.length,
      p50Minutes: percentileBucket(handling, 0.5),
      p90Minutes: percentileBucket(handling, 0.9),
    },
    sla,
    escalations: {
      level1: received.filter((s) => level(s) >= 1).length,
      level2: received.filter((s) => level(s) >= 2).length,
      level3: received.filter((s) => level(s) >= 3).length,
    },
    regulatoryRisk: received.filter((s) => s.regulatoryRisk).length,
    appeals: received.filter((s) => s.appeal).length,
    responsibility: {
      outlet: party('outlet'),
      'sorting-centre': party('sorting-centre'),
      'carrier-partner': party('carrier-partner'),
      customer: party('customer'),
      'no-fault': party('no-fault'),
    },
    followUp: {
      opened: followUps.length,
      noFeedback: followUps.filter((f) => f.reason === 'no-feedback').length,
      lowScore: followUps.filter((f) => f.reason === 'low-score').length,
      done: done.length,
      onTime,
      reached,
      satisfied,
      onTimeRate: rate(onTime, followUps.length),
      satisfiedRate: rate(satisfied, reached),
    },
    parcels,
    complaintsPerMillionParcels:
      parcels === null || parcels === 0 ? null : (complaints.length / parcels) * 1e6,
  };
}

/** The whole report, recomputed from the complaints' current states. */
export function oracleReport(
  subjects: readonly OracleSubject[],
  period: ReportPeriod,
  volumes: readonly ParcelVolume[],
) {
  const days = new Set(period.days);
  const receivedIn = subjects.filter((s) => days.has(shanghaiDate(s.receivedAt)));
  const closedIn = subjects.filter((s) => s.closedAt !== null && days.has(shanghaiDate(s.closedAt)));
  const followedIn = subjects.filter(
    (s) => s.followUp !== null && days.has(shanghaiDate(s.followUp.openedAt)),
  );
  const month = period.granularity === 'month';
  const monthly = volumes.filter((v) => period.months.includes(v.month));
  const sum = (vs: readonly ParcelVolume[]) => (month ? vs.reduce((n, v) => n + v.parcels, 0) : null);
  const dimensions = Object.fromEntries(
    REPORT_DIMENSIONS.map((dimension) => {
      const values = new Set([...receivedIn, ...closedIn, ...followedIn].map((s) => valueOf(s, dimension)));
      return [
        dimension,
        Object.fromEntries(
          [...values].map((value) => {
            const parcels =
              dimension === 'outlet'
                ? sum(monthly.filter((v) => v.outletId === value))
                : dimension === 'region'
                  ? sum(monthly.filter((v) => (v.regionId ?? '-') === value))
                  : null;
            return [
              value,
              oracleFigures(
                receivedIn.filter((s) => valueOf(s, dimension) === value),
                closedIn.filter((s) => valueOf(s, dimension) === value),
                parcels,
                followedIn.filter((s) => valueOf(s, dimension) === value),
              ),
            ];
          }),
        ),
      ];
    }),
  ) as Record<ReportDimension, Record<string, Figures>>;
  return {
    overall: oracleFigures(receivedIn, closedIn, sum(monthly), followedIn),
    byDay: Object.fromEntries(
      period.days.map((day) => [
        day,
        oracleFigures(
          receivedIn.filter((s) => shanghaiDate(s.receivedAt) === day),
          closedIn.filter((s) => shanghaiDate(s.closedAt!) === day),
          null,
          followedIn.filter((s) => shanghaiDate(s.followUp!.openedAt) === day),
        ),
      ]),
    ),
    dimensions,
  };
}
