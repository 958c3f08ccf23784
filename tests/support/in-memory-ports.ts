// In-memory implementations of the ports in functions/domain/ports.ts, for use-case tests that need no
// local servers: the same contracts the DynamoDB, Step Functions and SNS adapters keep (conditional writes,
// version checks, the audit chain), held in Maps, with time injected through a settable clock. Each fake
// also records what was asked of it, so a test can assess calls without spying.
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { chainEvents, headOf, redactEvent, timelineEventOf, type ChainedEvent } from '#domain/audit-trail';
import { createCalendars } from '#domain/calendars';
import type { Complaint, PendingNotification } from '#domain/complaint';
import { ComplaintAlreadyExists, VersionConflict } from '#domain/errors';
import { DeliveryNotFound, DeliveryNotResendable } from '#domain/notifications/errors';
import { DEFAULT_EXECUTION_LIMITS, DEFAULT_RESTART_POLICY, type ExecutionStatus } from '#domain/execution';
import { DEFAULT_SPIKE_RULE, type Incident, type IncidentEvent, type IncidentLink } from '#domain/incidents';
import { newLinkToken } from '#domain/link-token';
import type { AlertRecipient, OrgUnit, UnitKind } from '#domain/organisation';
import type {
  AlertSubscriptions,
  AuditTrail,
  ComplaintPage,
  ComplaintQuery,
  ComplaintStore,
  ComplaintWorkflow,
  DeliveryAttention,
  DeliveryAttentionState,
  DeliveryLog,
  IdempotencyRecord,
  IncidentPage,
  IncidentStore,
  MessageSender,
  NotificationDispatcher,
  OperationsLedger,
  OrgDirectoryStore,
  OutboundMessage,
  RecipientSubscriptions,
  ScheduledDelivery,
  SignalOutcome,
  StageOpening,
  StageSignal,
  TimelinePage,
} from '#domain/ports';
import { DEFAULT_SLA_POLICY } from '#domain/sla';
import { awaitedPaymentDue, openFollowUpDue, overdueSinceForIndex } from '#adapters/dynamo-complaint-store';
import type { OperationalLog, ServiceDeps } from '#use-cases/service-deps';

const clone = <T>(value: T): T => structuredClone(value);

/** Pages over an array with the index of the next item as the cursor. */
function page<T>(all: readonly T[], limit: number, cursor?: string): { items: T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : Number(cursor);
  const items = all.slice(start, start + limit);
  const next = start + items.length;
  return next < all.length ? { items, nextCursor: String(next) } : { items };
}

function inRange(at: string | undefined, from?: string, before?: string): boolean {
  if (from === undefined && before === undefined) return true;
  if (at === undefined) return false;
  const t = Date.parse(at);
  return (from === undefined || t >= Date.parse(from)) && (before === undefined || t < Date.parse(before));
}

function matches(c: Complaint, q: ComplaintQuery): boolean {
  const eq = <K extends keyof Complaint>(key: K, wanted: Complaint[K] | undefined) =>
    wanted === undefined || c[key] === wanted;
  return (
    eq('status', q.status) &&
    eq('category', q.category) &&
    (q.type === undefined || (c.type ?? 'complaint') === q.type) &&
    eq('channel', q.channel) &&
    eq('trackingNumber', q.trackingNumber) &&
    eq('shortId', q.shortId) &&
    eq('outletId', q.outletId) &&
    eq('regionId', q.regionId) &&
    eq('owner', q.owner) &&
    eq('registeredBy', q.registeredBy) &&
    (q.escalated === undefined || c.escalationLevel > 0 === q.escalated) &&
    eq('escalationLevel', q.escalationLevel) &&
    (q.overdue === undefined || (overdueSinceForIndex(c) !== undefined) === q.overdue) &&
    inRange(c.receivedAt, q.receivedFrom, q.receivedBefore) &&
    inRange(c.closedAt, q.closedFrom, q.closedBefore) &&
    worklistMatches(c, q)
  );
}

/** The follow-up and payment worklists: open, due before `dueBefore`, and before `asOf` when overdue. */
function worklistMatches(c: Complaint, q: ComplaintQuery): boolean {
  if (q.followUp === undefined && q.payment === undefined) return true;
  const due = worklistDue(c, q);
  if (due === undefined) return false;
  const overdue = (q.followUp ?? q.payment) === 'overdue';
  const asOf = q.asOf === undefined ? Date.now() : Date.parse(q.asOf);
  return inRange(due, undefined, q.dueBefore) && (!overdue || Date.parse(due) <= asOf);
}

function worklistDue(c: Complaint, q: ComplaintQuery): string | undefined {
  return q.followUp !== undefined ? openFollowUpDue(c) : awaitedPaymentDue(c);
}

/** The complaint store: one Map of complaints (without their timeline) and one of their audit trails. */
export class InMemoryComplaintStore implements ComplaintStore {
  readonly complaints = new Map<string, Complaint>();
  readonly events = new Map<string, ChainedEvent[]>();
  readonly keys = new Map<string, IdempotencyRecord>();
  readonly tokens = new Map<string, string>();
  /** Every successful create and save, in order (what a test counts as writes). */
  readonly writes: { op: 'create' | 'save'; id: string; version: number }[] = [];
  /** Runs before a save is checked: lets a test make "someone else" write in between. */
  beforeSave?: (complaint: Complaint) => void;

  get(id: string): Promise<Complaint | undefined> {
    const c = this.complaints.get(id);
    return Promise.resolve(c ? clone(c) : undefined);
  }

  create(complaint: Complaint): Promise<Complaint> {
    if (this.complaints.has(complaint.id)) return Promise.reject(new ComplaintAlreadyExists(complaint.id));
    return Promise.resolve(this.#commit('create', { ...complaint, version: 1 }));
  }

  save(complaint: Complaint, expectedVersion: number): Promise<Complaint> {
    this.beforeSave?.(complaint);
    const stored = this.complaints.get(complaint.id);
    if (!stored || stored.version !== expectedVersion)
      return Promise.reject(new VersionConflict(expectedVersion, stored?.version));
    return Promise.resolve(this.#commit('save', complaint));
  }

  /** Writes the complaint and its new events in one step (the in-memory store needs no flush). */
  #commit(op: 'create' | 'save', complaint: Complaint): Complaint {
    const trail = this.events.get(complaint.id) ?? [];
    const head = complaint.chain ? { seq: complaint.chain.seq, hash: complaint.chain.hash } : undefined;
    const added = chainEvents(complaint.id, head, complaint.timeline, () => randomBytes(8).toString('hex'));
    const next = headOf(added, head);
    const stored: Complaint = {
      ...clone(complaint),
      timeline: [],
      ...(next ? { chain: { ...next, unflushed: [] } } : {}),
    };
    this.events.set(complaint.id, [...trail, ...added]);
    this.complaints.set(complaint.id, stored);
    this.writes.push({ op, id: complaint.id, version: stored.version });
    return clone(stored);
  }

  timeline(id: string, p: { limit: number; cursor?: string }): Promise<TimelinePage | undefined> {
    const trail = this.events.get(id);
    if (!this.complaints.has(id) || !trail) return Promise.resolve(undefined);
    return Promise.resolve(page(trail.map(timelineEventOf), p.limit, p.cursor));
  }

  auditTrail(id: string): Promise<AuditTrail | undefined> {
    const c = this.complaints.get(id);
    if (!c) return Promise.resolve(undefined);
    const events = clone(this.events.get(id) ?? []);
    return Promise.resolve({ head: c.chain ? { seq: c.chain.seq, hash: c.chain.hash } : undefined, events });
  }

  flushEvents(): Promise<void> {
    // Events are written with the complaint in #commit: nothing is ever left unflushed here.
    return Promise.resolve();
  }

  redactEvents(complaint: Complaint, reference: string, at: string): Promise<number> {
    const trail = this.events.get(complaint.id) ?? [];
    let changed = 0;
    const redacted = trail.map((event) => {
      if (!event.personal || event.redacted) return event;
      changed += 1;
      return redactEvent(event, reference, at);
    });
    this.events.set(complaint.id, redacted);
    return Promise.resolve(changed);
  }

  revokeLinkToken(token: string): Promise<void> {
    this.tokens.delete(token);
    return Promise.resolve();
  }

  claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const existing = this.keys.get(record.key);
    if (existing) return Promise.resolve(clone(existing));
    this.keys.set(record.key, clone(record));
    return Promise.resolve(clone(record));
  }

  releaseIdempotencyKey(record: IdempotencyRecord): Promise<void> {
    const existing = this.keys.get(record.key);
    if (existing?.requestHash === record.requestHash && existing.complaintId === record.complaintId)
      this.keys.delete(record.key);
    return Promise.resolve();
  }

  list(query: ComplaintQuery): Promise<ComplaintPage> {
    // Newest first, as the store's indexes order them; a worklist earliest due first.
    const worklist = query.followUp !== undefined || query.payment !== undefined;
    const all = [...this.complaints.values()]
      .filter((c) => matches(c, query))
      .sort((a, b) =>
        worklist
          ? (worklistDue(a, query) ?? '').localeCompare(worklistDue(b, query) ?? '') ||
            a.id.localeCompare(b.id)
          : b.receivedAt.localeCompare(a.receivedAt) || b.id.localeCompare(a.id),
      );
    return Promise.resolve(page(all.map(clone), query.limit, query.cursor));
  }

  findByPhoneHash(phoneHash: string, since: string): Promise<Complaint[]> {
    const found = [...this.complaints.values()]
      .filter((c) => c.phoneHash === phoneHash && Date.parse(c.receivedAt) >= Date.parse(since))
      .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
    return Promise.resolve(found.map(clone));
  }

  listOpen(cursor?: string): Promise<ComplaintPage> {
    const open = [...this.complaints.values()].filter((c) => c.status !== 'closed');
    return Promise.resolve(page(open.map(clone), 100, cursor));
  }

  issueLinkToken(complaintId: string): Promise<string> {
    for (;;) {
      const token = newLinkToken((size) => randomBytes(size));
      if (this.tokens.has(token)) continue;
      this.tokens.set(token, complaintId);
      return Promise.resolve(token);
    }
  }

  linkedComplaintId(token: string): Promise<string | undefined> {
    return Promise.resolve(this.tokens.get(token));
  }
}

type ResumeBehaviour = (taskToken: string, signal: StageSignal) => Promise<SignalOutcome>;

/** Executions by name (`{id}` for attempt 0, `{id}--{attempt}` after), as Step Functions would keep them. */
export class InMemoryWorkflow implements ComplaintWorkflow {
  readonly executions = new Map<string, { status: ExecutionStatus; input: unknown }>();
  readonly starts: { complaintId: string; attempt: number; opening?: StageOpening; resumeAt?: string }[] = [];
  readonly signals: { taskToken: string; signal: StageSignal }[] = [];
  /** What completing a task does; delivered by default. A test replaces it to fail or answer stale. */
  onResume: ResumeBehaviour = () => Promise.resolve('delivered');

  static executionName(complaintId: string, attempt: number): string {
    return attempt === 0 ? complaintId : `${complaintId}--${attempt}`;
  }

  start(complaintId: string, attempt: number, opening?: StageOpening, resumeAt?: string): Promise<void> {
    const name = InMemoryWorkflow.executionName(complaintId, attempt);
    const input = { complaintId, opening, resumeAt };
    this.starts.push({
      complaintId,
      attempt,
      ...(opening ? { opening } : {}),
      ...(resumeAt ? { resumeAt } : {}),
    });
    const existing = this.executions.get(name);
    // Step Functions: the same name with the same input is harmless, another input is refused.
    if (existing && JSON.stringify(existing.input) !== JSON.stringify(input))
      return Promise.reject(new Error(`ExecutionAlreadyExists: ${name}`));
    if (!existing) this.executions.set(name, { status: 'RUNNING', input });
    return Promise.resolve();
  }

  async resume(taskToken: string, signal: StageSignal): Promise<SignalOutcome> {
    const outcome = await this.onResume(taskToken, signal);
    this.signals.push({ taskToken, signal });
    return outcome;
  }

  isRunning(complaintId: string, attempt: number): Promise<boolean> {
    return Promise.resolve(
      this.executions.get(InMemoryWorkflow.executionName(complaintId, attempt))?.status === 'RUNNING',
    );
  }

  status(complaintId: string, attempt: number): Promise<ExecutionStatus> {
    return Promise.resolve(
      this.executions.get(InMemoryWorkflow.executionName(complaintId, attempt))?.status ?? 'MISSING',
    );
  }

  /** An operator stopped it, or it failed. */
  end(complaintId: string, attempt: number, status: Exclude<ExecutionStatus, 'RUNNING'>): void {
    const name = InMemoryWorkflow.executionName(complaintId, attempt);
    const existing = this.executions.get(name);
    this.executions.set(name, { status, input: existing?.input });
  }
}

export class InMemoryOrgDirectory implements OrgDirectoryStore {
  readonly units = new Map<string, OrgUnit>();
  readonly recipients = new Map<string, RecipientSubscriptions>();

  getUnit(kind: UnitKind, id: string): Promise<OrgUnit | undefined> {
    const unit = this.units.get(`${kind}#${id}`);
    return Promise.resolve(unit ? clone(unit) : undefined);
  }
  listUnits(): Promise<OrgUnit[]> {
    return Promise.resolve([...this.units.values()].map(clone));
  }
  putUnit(unit: OrgUnit): Promise<void> {
    const key = `${unit.kind}#${unit.id}`;
    const stored = this.units.get(key)?.version ?? 0;
    if (stored !== unit.version - 1) return Promise.reject(new VersionConflict(unit.version - 1, stored));
    this.units.set(key, clone(unit));
    return Promise.resolve();
  }
  getRecipient(key: string): Promise<RecipientSubscriptions | undefined> {
    const r = this.recipients.get(key);
    return Promise.resolve(r ? clone(r) : undefined);
  }
  putRecipient(record: RecipientSubscriptions): Promise<void> {
    this.recipients.set(record.key, clone(record));
    return Promise.resolve();
  }
  deleteRecipient(key: string): Promise<void> {
    this.recipients.delete(key);
    return Promise.resolve();
  }
}

/** Subscriptions by ARN, with the unit addresses each filters on. */
export class InMemoryAlertSubscriptions implements AlertSubscriptions {
  readonly subscriptions = new Map<
    string,
    { recipient: AlertRecipient; level: number; addresses: string[] }
  >();

  subscribe(recipient: AlertRecipient, addresses: readonly string[]): Promise<string[]> {
    const arns = [0, 1, 2, 3].map((level) => {
      const arn = `arn:aws:sns:local:000000000000:staff-level-${level}:${ulid()}`;
      this.subscriptions.set(arn, { recipient, level, addresses: [...addresses] });
      return arn;
    });
    return Promise.resolve(arns);
  }
  setAddresses(arns: readonly string[], addresses: readonly string[]): Promise<void> {
    for (const arn of arns) {
      const s = this.subscriptions.get(arn);
      if (s) s.addresses = [...addresses];
    }
    return Promise.resolve();
  }
  unsubscribe(arns: readonly string[]): Promise<void> {
    for (const arn of arns) this.subscriptions.delete(arn);
    return Promise.resolve();
  }
}

/** Records every hand-over to delivery; idempotent per complaint and key, as the real dispatcher is. */
export class InMemoryDispatcher implements NotificationDispatcher {
  readonly dispatched = new Map<
    string,
    { complaintId: string; notification: PendingNotification; sendAt: Date }
  >();
  dispatch(complaintId: string, notification: PendingNotification, sendAt: Date): Promise<void> {
    const key = `${complaintId}#${notification.key}`;
    if (!this.dispatched.has(key)) this.dispatched.set(key, { complaintId, notification, sendAt });
    return Promise.resolve();
  }
}

type DeliveryState = 'scheduled' | 'sending' | 'failed' | 'sent' | 'skipped' | 'uncertain' | 'dead-lettered';

interface DeliveryEntry extends ScheduledDelivery {
  complaintId: string;
  state: DeliveryState;
  /** When it entered its state; for `sending`, when the attempt began. */
  since: Date;
  attempts: number;
  lastError?: string;
  /** Set by flagStuck: a `sending` attempt that began too long ago. */
  stuck?: boolean;
}

/** The delivery log's records by complaint and key, with the operator's attention list derived from them. */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly entries = new Map<string, DeliveryEntry>();

  schedule(complaintId: string, notification: PendingNotification, sendAt: Date): Promise<void> {
    const key = `${complaintId}#${notification.key}`;
    if (!this.entries.has(key))
      this.entries.set(key, {
        complaintId,
        notification,
        sendAt,
        state: 'scheduled',
        since: sendAt,
        attempts: 0,
      });
    return Promise.resolve();
  }
  unsent(complaintId: string): Promise<ScheduledDelivery[]> {
    return Promise.resolve(
      [...this.entries.values()]
        .filter((e) => e.complaintId === complaintId && (e.state === 'scheduled' || e.state === 'failed'))
        .map(({ notification, sendAt }) => ({ notification, sendAt })),
    );
  }
  begin(complaintId: string, key: string, at: Date): Promise<'send' | 'already-sent' | 'uncertain'> {
    const entry = this.entries.get(`${complaintId}#${key}`);
    if (entry?.state === 'sent' || entry?.state === 'skipped') return Promise.resolve('already-sent');
    if (entry?.state === 'sending' || entry?.state === 'uncertain') return Promise.resolve('uncertain');
    if (entry) Object.assign(entry, { state: 'sending', since: at, attempts: entry.attempts + 1 });
    return Promise.resolve('send');
  }
  #set(complaintId: string, key: string, state: DeliveryState, at: Date, error?: string): Promise<void> {
    const entry = this.entries.get(`${complaintId}#${key}`);
    if (entry) Object.assign(entry, { state, since: at, stuck: false }, error ? { lastError: error } : {});
    return Promise.resolve();
  }
  markAttemptFailed(complaintId: string, key: string, at: Date, error: string): Promise<void> {
    return this.#set(complaintId, key, 'failed', at, error);
  }
  markSent(complaintId: string, key: string, at: Date): Promise<void> {
    return this.#set(complaintId, key, 'sent', at);
  }
  markSkipped(complaintId: string, key: string, at: Date): Promise<void> {
    return this.#set(complaintId, key, 'skipped', at);
  }
  markUncertain(complaintId: string, key: string, at: Date): Promise<void> {
    return this.#set(complaintId, key, 'uncertain', at);
  }
  markDeadLettered(complaintId: string, key: string, at: Date, error: string): Promise<void> {
    return this.#set(complaintId, key, 'dead-lettered', at, error);
  }
  flagStuck(complaintId: string, olderThan: Date): Promise<number> {
    let flagged = 0;
    for (const entry of this.entries.values()) {
      if (entry.complaintId !== complaintId || entry.state !== 'sending' || entry.stuck) continue;
      if (entry.since.getTime() >= olderThan.getTime()) continue;
      entry.stuck = true;
      flagged += 1;
    }
    return Promise.resolve(flagged);
  }
  attention(query: {
    state?: DeliveryAttentionState;
    limit: number;
    cursor?: string;
  }): Promise<{ items: DeliveryAttention[]; cursor?: string }> {
    const listed = [...this.entries.values()]
      .filter(
        (e) => e.state === 'dead-lettered' || e.state === 'uncertain' || (e.state === 'sending' && e.stuck),
      )
      .filter((e) => query.state === undefined || e.state === query.state)
      .sort((a, b) => a.since.getTime() - b.since.getTime())
      .map((e): DeliveryAttention => ({
        complaintId: e.complaintId,
        key: e.notification.key,
        event: e.notification.event,
        state: e.state as DeliveryAttentionState,
        since: e.since.toISOString(),
        attempts: e.attempts,
        ...(e.lastError ? { lastError: e.lastError } : {}),
        redrive: e.redrive ?? 0,
      }));
    const { items, nextCursor } = page(listed, query.limit, query.cursor);
    return Promise.resolve(nextCursor ? { items, cursor: nextCursor } : { items });
  }
  redrive(
    complaintId: string,
    key: string,
    at: Date,
    _by: string,
    sendAt: { customer: Date; staff: Date },
  ): Promise<ScheduledDelivery> {
    const entry = this.entries.get(`${complaintId}#${key}`);
    if (!entry) return Promise.reject(new DeliveryNotFound(complaintId, key));
    const listed =
      entry.state === 'dead-lettered' ||
      entry.state === 'uncertain' ||
      (entry.state === 'sending' && entry.stuck);
    if (!listed) return Promise.reject(new DeliveryNotResendable(complaintId, key, entry.state));
    const when = entry.notification.audience === 'staff' ? sendAt.staff : sendAt.customer;
    Object.assign(entry, {
      state: 'scheduled',
      since: at,
      sendAt: when,
      stuck: false,
      redrive: (entry.redrive ?? 0) + 1,
    });
    return Promise.resolve({ notification: entry.notification, sendAt: when, redrive: entry.redrive });
  }
}

/** Incidents, their links and timelines, and the one-notice-per-customer claims, in Maps. */
export class InMemoryIncidentStore implements IncidentStore {
  readonly incidents = new Map<string, Incident>();
  readonly eventsOf = new Map<string, IncidentEvent[]>();
  readonly linksOf = new Map<string, Map<string, IncidentLink>>();
  readonly notices = new Map<string, string>();

  create(incident: Incident): Promise<boolean> {
    if (this.incidents.has(incident.id)) return Promise.resolve(false);
    this.incidents.set(incident.id, clone(incident));
    return Promise.resolve(true);
  }
  get(id: string): Promise<Incident | undefined> {
    const incident = this.incidents.get(id);
    return Promise.resolve(incident ? clone(incident) : undefined);
  }
  save(incident: Incident, expectedVersion: number): Promise<void> {
    const stored = this.incidents.get(incident.id);
    if (stored?.version !== expectedVersion)
      return Promise.reject(new VersionConflict(expectedVersion, stored?.version));
    this.incidents.set(incident.id, clone(incident));
    return Promise.resolve();
  }
  list(): Promise<Incident[]> {
    return Promise.resolve(
      [...this.incidents.values()].sort((a, b) => b.declaredAt.localeCompare(a.declaredAt)).map(clone),
    );
  }
  appendEvent(incidentId: string, event: IncidentEvent): Promise<void> {
    this.eventsOf.set(incidentId, [...(this.eventsOf.get(incidentId) ?? []), clone(event)]);
    return Promise.resolve();
  }
  events(incidentId: string, p: { limit: number; cursor?: string }): Promise<IncidentPage<IncidentEvent>> {
    const all = [...(this.eventsOf.get(incidentId) ?? [])].sort((a, b) => a.at.localeCompare(b.at));
    return Promise.resolve(page(all.map(clone), p.limit, p.cursor));
  }
  putLink(link: IncidentLink): Promise<boolean> {
    const links = this.linksOf.get(link.incidentId) ?? new Map<string, IncidentLink>();
    this.linksOf.set(link.incidentId, links);
    if (links.has(link.complaintId)) return Promise.resolve(false);
    links.set(link.complaintId, clone(link));
    return Promise.resolve(true);
  }
  updateLink(
    incidentId: string,
    complaintId: string,
    changes: Partial<Pick<IncidentLink, 'notifiedAt' | 'notice' | 'resolvedAt' | 'outcome' | 'compensation'>>,
  ): Promise<void> {
    const link = this.linksOf.get(incidentId)?.get(complaintId);
    if (link) {
      // Each field only if not set yet: a retried step keeps the first values.
      for (const [key, value] of Object.entries(changes) as [keyof typeof changes, never][])
        if (link[key] === undefined) link[key] = value;
    }
    return Promise.resolve();
  }
  links(
    incidentId: string,
    p: { limit: number; cursor?: string; without?: 'notifiedAt' | 'resolvedAt' },
  ): Promise<IncidentPage<IncidentLink>> {
    const all = [...(this.linksOf.get(incidentId)?.values() ?? [])]
      .filter((link) => p.without === undefined || link[p.without] === undefined)
      .map(clone);
    return Promise.resolve(page(all, p.limit, p.cursor));
  }
  claimCustomerNotice(incidentId: string, phoneHash: string, complaintId: string): Promise<boolean> {
    const key = `${incidentId}#${phoneHash}`;
    if (this.notices.has(key)) return Promise.resolve(false);
    this.notices.set(key, complaintId);
    return Promise.resolve(true);
  }
}

export class InMemoryOperationsLedger implements OperationsLedger {
  readonly parked = new Map<string, string>();
  readonly cursors = new Map<string, string>();
  markNeedsOperator(complaintId: string, since: string): Promise<void> {
    if (!this.parked.has(complaintId)) this.parked.set(complaintId, since);
    return Promise.resolve();
  }
  clearNeedsOperator(complaintId: string): Promise<void> {
    this.parked.delete(complaintId);
    return Promise.resolve();
  }
  needsOperator(): Promise<string[]> {
    return Promise.resolve(
      [...this.parked.entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id]) => id),
    );
  }
  reconcileCursor(walk: string): Promise<string | undefined> {
    return Promise.resolve(this.cursors.get(walk));
  }
  saveReconcileCursor(walk: string, cursor: string | undefined): Promise<void> {
    if (cursor === undefined) this.cursors.delete(walk);
    else this.cursors.set(walk, cursor);
    return Promise.resolve();
  }
}

export class InMemorySender implements MessageSender {
  readonly sent: { message: OutboundMessage; meta: { complaintId: string; key: string; event: string } }[] =
    [];
  send(
    message: OutboundMessage,
    meta: { complaintId: string; key: string; event: string },
  ): Promise<{ messageId: string }> {
    this.sent.push({ message, meta });
    return Promise.resolve({ messageId: `msg-${this.sent.length}` });
  }
}

export class RecordingLog implements OperationalLog {
  readonly warnings: { message: string; data: Record<string, unknown> }[] = [];
  readonly errors: { message: string; data: Record<string, unknown> }[] = [];
  warn(message: string, data: Record<string, unknown>): void {
    this.warnings.push({ message, data });
  }
  error(message: string, data: Record<string, unknown>): void {
    this.errors.push({ message, data });
  }
}

export interface InMemoryDeps extends ServiceDeps {
  store: InMemoryComplaintStore;
  workflow: InMemoryWorkflow;
  dispatcher: InMemoryDispatcher;
  deliveries: InMemoryDeliveryLog;
  operations: InMemoryOperationsLedger;
  incidents: InMemoryIncidentStore;
  sender: InMemorySender;
  log: RecordingLog;
  /** The injected clock: set or advance it. */
  setNow(at: Date | string): void;
}

const calendars = createCalendars();

/** ServiceDeps over in-memory ports, the real calendars and default policy, at a settable instant. */
export function inMemoryDeps(start: Date | string = '2026-03-02T02:00:00.000Z'): InMemoryDeps {
  let now = new Date(start);
  return {
    store: new InMemoryComplaintStore(),
    org: new InMemoryOrgDirectory(),
    alerts: new InMemoryAlertSubscriptions(),
    workflow: new InMemoryWorkflow(),
    dispatcher: new InMemoryDispatcher(),
    deliveries: new InMemoryDeliveryLog(),
    operations: new InMemoryOperationsLedger(),
    incidents: new InMemoryIncidentStore(),
    spikeRule: DEFAULT_SPIKE_RULE,
    sender: new InMemorySender(),
    clock: { now: () => new Date(now) },
    setNow: (at) => {
      now = new Date(at);
    },
    hashPhone: (e164) => Promise.resolve(`hash:${e164.slice(-4)}:${e164.length}`),
    newId: () => ulid(now.getTime()),
    policy: DEFAULT_SLA_POLICY,
    calendars,
    quietHours: true,
    executionLimits: DEFAULT_EXECUTION_LIMITS,
    restartPolicy: DEFAULT_RESTART_POLICY,
    publicBaseUrl: 'https://ts.example.cn',
    log: new RecordingLog(),
  };
}
