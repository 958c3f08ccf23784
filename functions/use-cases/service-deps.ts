// What every use case is given: ports, the clock and the configured SLA rules. The composition root
// (functions/composition/deps.ts) builds one per container; tests build their own against local servers.
import type { ClockContext } from '#domain/clocks';
import type { CompensationRules } from '#domain/compensation';
import type { RootCauseTaxonomy } from '#domain/responsibility';
import type { Complaint } from '#domain/complaint';
import type { ExecutionLimits, RestartPolicy } from '#domain/execution';
import type {
  AlertSubscriptions,
  Clock,
  ComplaintStore,
  ComplaintWorkflow,
  DeliveryLog,
  MessageSender,
  NotificationDispatcher,
  OrgDirectoryStore,
  OperationsLedger,
  PhoneHasher,
  ReportAggregates,
  IncidentStore,
} from '#domain/ports';
import type { SpikeRule } from '#domain/incidents';
import type { QuietWindow } from '#domain/notifications/quiet-hours';
import type { BusinessCalendar, CalendarSet, SlaPolicy } from '#domain/sla';

export interface ServiceDeps {
  store: ComplaintStore;
  /** The report counters and parcel volumes (SPEC section 8); `store` keeps the counters up to date. */
  reports?: ReportAggregates;
  /** The organisation directory (outlets, regions, HQ) and its alert recipients. */
  org: OrgDirectoryStore;
  /** The staff topics' per-recipient subscriptions. */
  alerts: AlertSubscriptions;
  workflow: ComplaintWorkflow;
  dispatcher: NotificationDispatcher;
  deliveries: DeliveryLog;
  /** Mass incidents, their links to complaints and their timelines. */
  incidents: IncidentStore;
  /** When complaints of one category from one unit count as a spike (the incident proposals). */
  spikeRule: SpikeRule;
  /** The needs-operator list and the reconciler's resume points. */
  operations: OperationsLedger;
  sender: MessageSender;
  /** false: the deployment has no mobile push; customers who chose it are texted. Default true. */
  pushAvailable?: boolean;
  clock: Clock;
  hashPhone: PhoneHasher;
  newId: () => string;
  policy: SlaPolicy;
  calendars: CalendarSet;
  /** Suggested compensation on `resolve`; the defaults of SPEC section 7 when unset. */
  compensationRules?: CompensationRules;
  /** The root-cause taxonomy `resolve` checks; responsibility.ts's default when unset. */
  rootCauses?: RootCauseTaxonomy;
  /** COMPLAINTS_TIME_SCALE (1 or unset: real time): the follow-up and payment clocks scale with it. */
  timeScale?: number;
  /** FOLLOW_UP_NEUTRAL_SCORE: a score of 3 opens a follow-up call as 1-2 does (default off). */
  followUpNeutralScore?: boolean;
  /**
   * Customer texts wait out this window (true: 21:00-08:00 Asia/Shanghai; false: never, as in time-scaled
   * demo mode or a deployment that configured CUSTOMER_QUIET_HOURS=off).
   */
  quietHours: boolean | QuietWindow;
  /** Staff alerts wait for this calendar's working time when set (no 3 a.m. pages unless configured). */
  staffCalendar?: BusinessCalendar;
  /** How long one execution may wait and live before it hands over to a fresh one. */
  executionLimits: ExecutionLimits;
  /** Restarts after failed, timed-out or stopped executions: cap and backoff. */
  restartPolicy: RestartPolicy;
  /** The operator's registered SMS signature (SMS_SIGNATURE, validated); the default when unset. */
  smsSignature?: string;
  /** Base of links put into texts (the customer's rating link). */
  publicBaseUrl: string;
  /** Structured warnings about recoverable trouble (never personal data). */
  log: OperationalLog;
}

export interface OperationalLog {
  warn(message: string, data: Record<string, unknown>): void;
  error(message: string, data: Record<string, unknown>): void;
}

export function clockContext(deps: ServiceDeps, now: Date = deps.clock.now()): ClockContext {
  return {
    now,
    policy: deps.policy,
    calendars: deps.calendars,
    ...(deps.compensationRules ? { compensation: deps.compensationRules } : {}),
    ...(deps.rootCauses ? { rootCauses: deps.rootCauses } : {}),
    ...(deps.timeScale !== undefined && deps.timeScale !== 1 ? { timeScale: deps.timeScale } : {}),
    ...(deps.followUpNeutralScore ? { followUpNeutralScore: true } : {}),
  };
}

/**
 * Writes the next version of a complaint read at `read.version` and returns it as stored (its new events
 * now in the audit trail, `timeline` empty again). The client-visible revision moves only when the timeline
 * grew, so the workflow's bookkeeping never invalidates a client's expectedVersion.
 */
export async function saveNext(
  store: ComplaintStore,
  read: Complaint,
  next: Complaint,
  now: Date,
): Promise<Complaint> {
  const visible = next.timeline.length !== read.timeline.length || next.status !== read.status;
  const saved: Complaint = {
    ...next,
    version: read.version + 1,
    revision: visible ? read.revision + 1 : read.revision,
    updatedAt: visible ? now.toISOString() : read.updatedAt,
  };
  return store.save(saved, read.version);
}
