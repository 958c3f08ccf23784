// The operator's numbers (SPEC section 8), computed from aggregates kept up to date as complaints change.
// Pure: what a complaint contributes to the counters (`counterFacts`), the difference between two of its
// states (`factDelta`), and the report built from summed counters (`buildReport`). A report reads a number
// of counter items that grows with days and dimension values, never with complaints.
import {
  RESPONSIBLE_PARTIES,
  type Complaint,
  type ComplaintType,
  type Instant,
  type ResponsibleParty,
} from './complaint.ts';
import { InvalidInput } from './errors.ts';

/** The dimensions every figure is broken down by. The overall figures are the sum over `type`. */
export const REPORT_DIMENSIONS = ['category', 'type', 'outlet', 'region', 'channel'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export const REPORT_GRANULARITIES = ['day', 'week', 'month'] as const;
export type ReportGranularity = (typeof REPORT_GRANULARITIES)[number];

/** A complaint without a responsible outlet (or region) is counted under this value. */
export const UNASSIGNED = '-';

/**
 * Fixed histogram buckets for durations, in minutes (upper bounds, inclusive): a percentile is reported as
 * the upper bound of the bucket it falls in. Index `DURATION_BUCKETS_MINUTES.length` is "longer than 30 days".
 */
export const DURATION_BUCKETS_MINUTES = [
  15, 30, 60, 120, 240, 480, 720, 1440, 2160, 2880, 4320, 7200, 10080, 20160, 43200,
] as const;

/** The SLA clocks reports measure compliance of (the customer's pending and feedback limits are not SLAs). */
export const REPORT_SLA_CLOCKS = ['response', 'handling', 'resolution', 'review', 'regulator'] as const;
export type ReportSlaClock = (typeof REPORT_SLA_CLOCKS)[number];

/** Closed with the customer's problem answered: the numerator of the resolution rate. */
export const RESOLVED_CLOSE_REASONS = ['satisfied', 'no-feedback', 'reviewed'] as const;

/** Reports follow the operator's day: Asia/Shanghai (UTC+8, no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar day of an instant, YYYY-MM-DD. */
export const shanghaiDay = (instant: Instant): string =>
  new Date(Date.parse(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** The bucket index of a duration in ms (fixed buckets, DURATION_BUCKETS_MINUTES). */
export function durationBucket(ms: number): number {
  const minutes = Math.max(0, ms) / 60_000;
  const index = DURATION_BUCKETS_MINUTES.findIndex((bound) => minutes <= bound);
  return index === -1 ? DURATION_BUCKETS_MINUTES.length : index;
}

/** Metric names are DynamoDB attribute names of the counter items: short, fixed, never user data. */
export type Metrics = Record<string, number>;

/** What one complaint contributes, per counter: the counter key (`counterKey`) -> metrics. */
export type CounterFacts = Record<string, Metrics>;

/**
 * The counter items a complaint's figures of one day go to: one per group of dimensions, each item keyed by
 * the complaint's values of all the group's dimensions (a cell). Two items a day instead of one per
 * dimension: every change that moves a figure writes each item twice (add, settle), so the number of items
 * is what a change costs. A report sums the cells of each dimension value (`buildReport`). The groups keep
 * a day's cells few: categories x types x channels (a few hundred at most), regions x outlets (one per
 * outlet). Reads still grow with days and dimension values, never with complaints.
 */
export const COUNTER_GROUPS: readonly (readonly ReportDimension[])[] = [
  ['category', 'type', 'channel'],
  ['region', 'outlet'],
];

/** The counter key of a cell: `{day}|{dim+dim…}|{value}|{value}…`, each value URI-encoded (no `|` inside). */
export function counterKey(
  day: string,
  dimensions: readonly ReportDimension[],
  values: Partial<Record<ReportDimension, string>>,
): string {
  return [
    day,
    dimensions.join('+'),
    ...dimensions.map((d) => encodeURIComponent(values[d] ?? UNASSIGNED)),
  ].join('|');
}

/** The day, the group's name (`dimension` attribute of the item) and the encoded values (`value`). */
export function counterKeyParts(key: string): { day: string; dimension: string; value: string } {
  const [day = '', dimension = '', ...rest] = key.split('|');
  return { day, dimension, value: rest.join('|') };
}

/**
 * A counter key read back: its day and the value of each dimension it counts. Also reads the keys of one
 * item per dimension (`{day}|{dimension}|{value}`, the value as is) that counters held before the groups,
 * so counters and markers written then still add up and are taken off correctly.
 */
export function parseCounterKey(key: string): {
  key: string;
  day: string;
  values: Partial<Record<ReportDimension, string>>;
} {
  const { day, dimension, value } = counterKeyParts(key);
  const dimensions = dimension.split('+');
  if (dimensions.some((d) => !(REPORT_DIMENSIONS as readonly string[]).includes(d))) {
    throw new RangeError(`not a counter key: ${key}`);
  }
  if (dimensions.length === 1) return { key, day, values: { [dimension]: value } };
  const parts = value.split('|');
  if (parts.length !== dimensions.length) throw new RangeError(`not a counter key: ${key}`);
  return {
    key,
    day,
    values: Object.fromEntries(dimensions.map((d, i) => [d, decodeURIComponent(parts[i]!)])),
  };
}

export const typeOf = (c: Pick<Complaint, 'type'>): ComplaintType => c.type ?? 'complaint';

/** The highest escalation level the complaint has reached (its level, or a breach's, whichever is higher). */
export const levelReached = (c: Pick<Complaint, 'escalationLevel' | 'breaches'>): number =>
  Math.max(c.escalationLevel, ...c.breaches.map((b) => b.level));

/**
 * Intake facts, dated by receivedAt: received, complaints (type complaint: the denominator of complaint
 * rates), repeats, appeals (regulator transfers), regulatory risk, escalation levels reached, first response.
 */
function intakeMetrics(c: Complaint): Metrics {
  const m: Metrics = { received: 1 };
  const isComplaint = typeOf(c) === 'complaint';
  if (isComplaint) m.complaints = 1;
  if (isComplaint && c.repeatOf !== undefined) m.repeats = 1;
  if (c.appeal === true || c.channel === 'regulator') m.appeals = 1;
  if (c.regulatoryRisk) m.risk = 1;
  const level = levelReached(c);
  for (let l = 1; l <= level; l++) m[`esc${l}`] = 1;
  if (c.firstResponseAt !== undefined) {
    m.fr_n = 1;
    m[`fr_${durationBucket(Date.parse(c.firstResponseAt) - Date.parse(c.receivedAt))}`] = 1;
  }
  return m;
}

/**
 * Outcome facts, dated by closedAt: closed, resolved, satisfaction, handling time (receivedAt to the answer),
 * SLA compliance of every clock the complaint ran, the responsibility split.
 */
function closingMetrics(c: Complaint): Metrics {
  const m: Metrics = { closed: 1 };
  if (typeOf(c) === 'complaint') {
    m.closedComplaints = 1;
    if ((RESOLVED_CLOSE_REASONS as readonly string[]).includes(c.closeReason ?? '')) m.resolved = 1;
  }
  if (c.feedback !== undefined) {
    m.rated = 1;
    m.scoreSum = c.feedback.score;
    if (c.feedback.score >= 4) m.score45 = 1;
  }
  if (c.resolvedAt !== undefined) {
    m.ht_n = 1;
    m[`ht_${durationBucket(Date.parse(c.resolvedAt) - Date.parse(c.receivedAt))}`] = 1;
  }
  for (const name of REPORT_SLA_CLOCKS) {
    const clock = c.clocks[name];
    if (clock === undefined) continue;
    m[`sla_${name}_n`] = 1;
    if (clock.breachedAt === undefined) m[`sla_${name}_met`] = 1;
  }
  if (c.responsibility !== undefined) m[`party_${c.responsibility.party}`] = 1;
  return m;
}

/** Follow-up facts (回访), dated by the day the follow-up opened: opened (by reason), done, in time, outcomes. */
function followUpMetrics(f: NonNullable<Complaint['followUp']>): Metrics {
  const m: Metrics = { fu_n: 1, [`fu_${f.reason}`]: 1 };
  if (f.outcome !== undefined) {
    m.fu_done = 1;
    if (f.outcome.onTime) m.fu_ontime = 1;
    if (f.outcome.reached) m.fu_reached = 1;
    if (f.outcome.satisfied === true) m.fu_satisfied = 1;
  }
  return m;
}

function dimensionValues(c: Complaint): Record<ReportDimension, string> {
  return {
    category: c.category,
    type: typeOf(c),
    outlet: c.outletId ?? UNASSIGNED,
    region: c.regionId ?? UNASSIGNED,
    channel: c.channel,
  };
}

function addMetrics(target: Metrics, source: Metrics, sign = 1): void {
  for (const [name, value] of Object.entries(source)) {
    const sum = (target[name] ?? 0) + sign * value;
    if (sum === 0) delete target[name];
    else target[name] = sum;
  }
}

/** Everything the complaint, as it stands, contributes to the counters. */
export function counterFacts(c: Complaint): CounterFacts {
  const facts: CounterFacts = {};
  const values = dimensionValues(c);
  const rows: [string, Metrics][] = [[shanghaiDay(c.receivedAt), intakeMetrics(c)]];
  if (c.status === 'closed' && c.closedAt !== undefined)
    rows.push([shanghaiDay(c.closedAt), closingMetrics(c)]);
  if (c.followUp !== undefined) rows.push([shanghaiDay(c.followUp.openedAt), followUpMetrics(c.followUp)]);
  for (const [day, metrics] of rows) {
    for (const group of COUNTER_GROUPS) addMetrics((facts[counterKey(day, group, values)] ??= {}), metrics);
  }
  return facts;
}

/** What to add to the counters to go from `before` to `after` (only non-zero changes; empty: nothing). */
export function factDelta(before: CounterFacts, after: CounterFacts): CounterFacts {
  const delta: CounterFacts = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const metrics: Metrics = {};
    addMetrics(metrics, after[key] ?? {});
    addMetrics(metrics, before[key] ?? {}, -1);
    if (Object.keys(metrics).length > 0) delta[key] = metrics;
  }
  return delta;
}

/** Adds a delta to counters in place (the in-memory form of the conditional ADD updates). */
export function addFacts(counters: CounterFacts, delta: CounterFacts): CounterFacts {
  for (const [key, metrics] of Object.entries(delta)) {
    const target = (counters[key] ??= {});
    addMetrics(target, metrics);
    if (Object.keys(target).length === 0) delete counters[key];
  }
  return counters;
}

// ---------------------------------------------------------------------------------------------------------
// Periods

export interface ReportPeriod {
  granularity: ReportGranularity;
  /** 2026-03-05, 2026-W10 or 2026-03. */
  id: string;
  /** Every day of the period, YYYY-MM-DD, in order. */
  days: string[];
  /** The months the days fall in, YYYY-MM (the counters' partitions). */
  months: string[];
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const PERIOD_PATTERNS: Record<ReportGranularity, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  week: /^(\d{4})-W(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
};

/** Monday of ISO week 1: the week holding 4 January. */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * DAY_MS;
}

export function reportPeriod(granularity: ReportGranularity, id: string): ReportPeriod {
  const match = PERIOD_PATTERNS[granularity].exec(id);
  const refuse = (message: string) =>
    new InvalidInput(`period ${id}: ${message}`, [{ path: 'period', message }]);
  if (!match) {
    const shapes = { day: 'YYYY-MM-DD', week: 'YYYY-Www (ISO week)', month: 'YYYY-MM' };
    throw refuse(`must be ${shapes[granularity]} for a ${granularity} report`);
  }
  const year = Number(match[1]);
  const n = Number(match[2]);
  let start: number;
  let count: number;
  if (granularity === 'day') {
    start = Date.UTC(year, n - 1, Number(match[3]));
    if (dayOf(start) !== id) throw refuse('is not a calendar day');
    count = 1;
  } else if (granularity === 'week') {
    const weeks = (isoWeekOneMonday(year + 1) - isoWeekOneMonday(year)) / (7 * DAY_MS);
    if (n < 1 || n > weeks) throw refuse(`week must be 01-${weeks} in ${year}`);
    start = isoWeekOneMonday(year) + (n - 1) * 7 * DAY_MS;
    count = 7;
  } else {
    if (n < 1 || n > 12) throw refuse('month must be 01-12');
    start = Date.UTC(year, n - 1, 1);
    count = (Date.UTC(year, n, 1) - start) / DAY_MS;
  }
  const days = Array.from({ length: count }, (_, i) => dayOf(start + i * DAY_MS));
  return { granularity, id, days, months: [...new Set(days.map((d) => d.slice(0, 7)))] };
}

// ---------------------------------------------------------------------------------------------------------
// Figures

export interface DurationFigures {
  count: number;
  /** Upper bound (minutes) of the bucket holding the percentile; null without data or above 30 days. */
  p50Minutes: number | null;
  p90Minutes: number | null;
}

export interface Figures {
  received: number;
  /** Received of type complaint: suggestions and enquiries stay out of complaint rates. */
  complaints: number;
  closed: number;
  closedComplaints: number;
  resolved: number;
  /** resolved / closed complaints. */
  resolutionRate: number | null;
  satisfaction: { rated: number; mean: number | null; share45: number | null };
  repeats: number;
  /** repeats / complaints received. */
  repeatRate: number | null;
  firstResponse: DurationFigures;
  handling: DurationFigures;
  sla: Record<ReportSlaClock, { measured: number; met: number; rate: number | null }>;
  /** Complaints that reached each level (received in the period). */
  escalations: { level1: number; level2: number; level3: number };
  regulatoryRisk: number;
  /** Regulator transfers (申诉). */
  appeals: number;
  responsibility: Record<ResponsibleParty, number>;
  /** Follow-up calls (回访) opened in the period: why, how many done, in time (3 working days), outcomes. */
  followUp: {
    opened: number;
    noFeedback: number;
    lowScore: number;
    done: number;
    onTime: number;
    reached: number;
    satisfied: number;
    /** onTime / opened. */
    onTimeRate: number | null;
    /** satisfied / reached. */
    satisfiedRate: number | null;
  };
  /** Parcels handled (month reports of the whole operator, an outlet or a region); null otherwise. */
  parcels: number | null;
  complaintsPerMillionParcels: number | null;
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

/** Nearest-rank percentile over a bucketed histogram: the upper bound of the bucket holding rank ceil(p*n). */
export function bucketPercentile(counts: readonly number[], p: number): number | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return DURATION_BUCKETS_MINUTES[i] ?? null;
  }
  return null;
}

function durations(m: Metrics, prefix: 'fr' | 'ht'): DurationFigures {
  const counts = Array.from(
    { length: DURATION_BUCKETS_MINUTES.length + 1 },
    (_, i) => m[`${prefix}_${i}`] ?? 0,
  );
  return {
    count: m[`${prefix}_n`] ?? 0,
    p50Minutes: bucketPercentile(counts, 0.5),
    p90Minutes: bucketPercentile(counts, 0.9),
  };
}

export function figuresOf(m: Metrics, parcels: number | null = null): Figures {
  const v = (name: string) => m[name] ?? 0;
  return {
    received: v('received'),
    complaints: v('complaints'),
    closed: v('closed'),
    closedComplaints: v('closedComplaints'),
    resolved: v('resolved'),
    resolutionRate: ratio(v('resolved'), v('closedComplaints')),
    satisfaction: {
      rated: v('rated'),
      mean: ratio(v('scoreSum'), v('rated')),
      share45: ratio(v('score45'), v('rated')),
    },
    repeats: v('repeats'),
    repeatRate: ratio(v('repeats'), v('complaints')),
    firstResponse: durations(m, 'fr'),
    handling: durations(m, 'ht'),
    sla: Object.fromEntries(
      REPORT_SLA_CLOCKS.map((clock) => {
        const measured = v(`sla_${clock}_n`);
        const met = v(`sla_${clock}_met`);
        return [clock, { measured, met, rate: ratio(met, measured) }];
      }),
    ) as Figures['sla'],
    escalations: { level1: v('esc1'), level2: v('esc2'), level3: v('esc3') },
    regulatoryRisk: v('risk'),
    appeals: v('appeals'),
    responsibility: Object.fromEntries(RESPONSIBLE_PARTIES.map((p) => [p, v(`party_${p}`)])) as Record<
      ResponsibleParty,
      number
    >,
    followUp: {
      opened: v('fu_n'),
      noFeedback: v('fu_no-feedback'),
      lowScore: v('fu_low-score'),
      done: v('fu_done'),
      onTime: v('fu_ontime'),
      reached: v('fu_reached'),
      satisfied: v('fu_satisfied'),
      onTimeRate: ratio(v('fu_ontime'), v('fu_n')),
      satisfiedRate: ratio(v('fu_satisfied'), v('fu_reached')),
    },
    parcels,
    complaintsPerMillionParcels: parcels === null || parcels === 0 ? null : (v('complaints') / parcels) * 1e6,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The report

/** One counter item as stored: its key, a day, the dimension values it counts (a cell), its metrics. */
export interface CounterRow {
  key: string;
  day: string;
  values: Partial<Record<ReportDimension, string>>;
  metrics: Metrics;
}

/** Parcels an outlet handled in a month (supplied by the operator), with the outlet's region. */
export interface ParcelVolume {
  month: string;
  outletId: string;
  regionId?: string;
  parcels: number;
}

export interface Report {
  period: { granularity: ReportGranularity; id: string; from: string; to: string };
  overall: Figures;
  /** Every day of the period (the overall figures of each day). */
  byDay: ({ day: string } & Figures)[];
  /** Per dimension, one entry per value seen in the period, most received first. */
  dimensions: Record<ReportDimension, ({ value: string } & Figures)[]>;
  /** How the report was read: counter items and the store requests it took (filled by the use case). */
  source: { counterItems: number; volumeItems: number; readRequests: number };
}

/** Sums the counters of the period into figures; volumes give complaints per million parcels (months only). */
export function buildReport(
  period: ReportPeriod,
  rows: readonly CounterRow[],
  volumes: readonly ParcelVolume[],
): Report {
  const inPeriod = new Set(period.days);
  const perDay = new Map<string, Metrics>(period.days.map((d) => [d, {}]));
  const overall: Metrics = {};
  const perValue = Object.fromEntries(
    REPORT_DIMENSIONS.map((d) => [d, new Map<string, Metrics>()]),
  ) as Record<ReportDimension, Map<string, Metrics>>;
  let counted = 0;
  for (const row of rows) {
    if (!inPeriod.has(row.day)) continue;
    counted++;
    for (const [dimension, value] of Object.entries(row.values) as [ReportDimension, string][]) {
      const byValue = perValue[dimension];
      addMetrics(byValue.get(value) ?? byValue.set(value, {}).get(value)!, row.metrics);
    }
    // Every complaint has exactly one type: the rows with a type add up to the whole.
    if (row.values.type !== undefined) {
      addMetrics(overall, row.metrics);
      addMetrics(perDay.get(row.day)!, row.metrics);
    }
  }
  const months = period.granularity === 'month';
  const monthVolumes = volumes.filter((v) => period.months.includes(v.month));
  const parcelsWhere = (keep: (v: ParcelVolume) => boolean): number | null =>
    months ? monthVolumes.filter(keep).reduce((sum, v) => sum + v.parcels, 0) : null;
  const parcelsOf = (dimension: ReportDimension, value: string): number | null => {
    if (dimension === 'outlet') return parcelsWhere((v) => v.outletId === value);
    if (dimension === 'region') return parcelsWhere((v) => (v.regionId ?? UNASSIGNED) === value);
    return null;
  };
  const dimensions = Object.fromEntries(
    REPORT_DIMENSIONS.map((dimension) => [
      dimension,
      [...perValue[dimension].entries()]
        // A value whose counters went back to zero (a complaint re-routed or re-classified away) is not listed.
        .filter(([, m]) => Object.keys(m).length > 0)
        .map(([value, m]) => ({ value, ...figuresOf(m, parcelsOf(dimension, value)) }))
        .sort((a, b) => b.received - a.received || b.closed - a.closed || a.value.localeCompare(b.value)),
    ]),
  ) as Report['dimensions'];
  return {
    period: {
      granularity: period.granularity,
      id: period.id,
      from: period.days[0]!,
      to: period.days[period.days.length - 1]!,
    },
    overall: figuresOf(
      overall,
      parcelsWhere(() => true),
    ),
    byDay: period.days.map((day) => ({ day, ...figuresOf(perDay.get(day)!) })),
    dimensions,
    source: { counterItems: counted, volumeItems: monthVolumes.length, readRequests: 0 },
  };
}
