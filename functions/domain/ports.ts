// Secondary ports: what the use cases need from the outside world. Adapters in functions/adapters/
// implement them against DynamoDB, Step Functions and SNS; the domain never imports an AWS SDK.
import type { ChainedEvent, ChainHead } from './audit-trail.ts';
import type {
  Category,
  Channel,
  Complaint,
  ComplaintType,
  EscalationLevel,
  Locale,
  PendingNotification,
  Status,
  TimelineEvent,
} from './complaint.ts';
import type { Attachment } from './attachments.ts';
import type { ExecutionStatus } from './execution.ts';
import type { Incident, IncidentEvent, IncidentLink } from './incidents.ts';
import type { AlertRecipient, OrgUnit, UnitKind } from './organisation.ts';
import type { CounterRow, ParcelVolume } from './reports.ts';

export interface IdempotencyRecord {
  /** The client's Idempotency-Key, scoped by caller (e.g. "intake:web:abc-123"). */
  key: string;
  /** SHA-256 of the canonical request body. */
  requestHash: string;
  complaintId: string;
  createdAt: string;
  /** Unix seconds after which the record may be forgotten (DynamoDB TTL). */
  expiresAt: number;
}

export interface ComplaintQuery {
  status?: Status;
  category?: Category;
  type?: ComplaintType;
  channel?: Channel;
  trackingNumber?: string;
  /** The short number customers see in their texts (canonical form, e.g. K7Q2M-9X4TB). */
  shortId?: string;
  outletId?: string;
  regionId?: string;
  owner?: string;
  /** true: escalationLevel >= 1; false: level 0. */
  escalated?: boolean;
  escalationLevel?: EscalationLevel;
  /** true: a breached SLA clock still runs; false: none does. */
  overdue?: boolean;
  /** receivedAt in [receivedFrom, receivedBefore). ISO instants. */
  receivedFrom?: string;
  receivedBefore?: string;
  /** closedAt in [closedFrom, closedBefore). ISO instants. */
  closedFrom?: string;
  closedBefore?: string;
  /** Only complaints this principal registered (principalKey): what an intake system may list. */
  registeredBy?: string;
  /**
   * The follow-up worklist (回访): `open` lists follow-ups not yet recorded, earliest due first; `overdue`
   * those of them due at or before `asOf`.
   */
  followUp?: 'open' | 'overdue';
  /** Claims awaiting payment (accepted, not paid), earliest payBy first; `overdue`: payBy reached at `asOf`. */
  payment?: 'awaiting' | 'overdue';
  /** With `followUp` or `payment`: due (dueAt, payBy) before this instant. */
  dueBefore?: string;
  /** The instant `overdue` is judged at (the use case sets it to now); not part of a cursor's query. */
  asOf?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface ComplaintPage {
  items: Complaint[];
  nextCursor?: string;
}

export interface TimelinePage {
  items: TimelineEvent[];
  nextCursor?: string;
}

/** A complaint's audit trail: every event with its chain fields, and the head the complaint keeps. */
export interface AuditTrail {
  head: ChainHead | undefined;
  events: ChainedEvent[];
}

export interface ComplaintStore {
  /** The complaint without its history: `timeline` is empty (the events are read with `timeline`). */
  get(id: string): Promise<Complaint | undefined>;
  /**
   * Stores a new complaint (version 1) and appends its `timeline` to a new audit trail. Returns the
   * complaint as stored (as `get` would return it). Throws ComplaintAlreadyExists if the id is taken.
   */
  create(complaint: Complaint): Promise<Complaint>;
  /**
   * Replaces the complaint if the stored version is still `expectedVersion`, appending its `timeline` (the
   * events added since it was read) to the audit trail; the caller has already set
   * `complaint.version = expectedVersion + 1`. Returns the complaint as stored. Throws VersionConflict
   * otherwise. The complaint write is the commit point; the event items follow it idempotently.
   */
  save(complaint: Complaint, expectedVersion: number): Promise<Complaint>;
  /** A page of the complaint's timeline, oldest first; undefined when the complaint does not exist. */
  timeline(id: string, page: { limit: number; cursor?: string }): Promise<TimelinePage | undefined>;
  /** Every event of the complaint's audit trail, for verification; undefined when it does not exist. */
  auditTrail(id: string): Promise<AuditTrail | undefined>;
  /** Writes the events of the complaint's last committed change as items if any are missing. */
  flushEvents(complaint: Complaint): Promise<void>;
  /** Erasure: removes the personal text of every stored event of the complaint; returns how many changed. */
  redactEvents(complaint: Complaint, reference: string, at: string): Promise<number>;
  /** Erasure: the token no longer opens anything (the link answers as for a token never issued). */
  revokeLinkToken(token: string): Promise<void>;
  /**
   * Records the key if it is new and returns the record; if the key exists, returns the stored record
   * untouched (the caller compares requestHash).
   */
  claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /**
   * Gives up a claim this request made (same requestHash and complaintId) whose registration was refused
   * before the complaint existed, so a corrected retry with the same key may claim it anew.
   */
  releaseIdempotencyKey(record: IdempotencyRecord): Promise<void>;
  list(query: ComplaintQuery): Promise<ComplaintPage>;
  /** Complaints by the same customer (keyed phone hash) received at or after `since`, newest first. */
  findByPhoneHash(phoneHash: string, since: string): Promise<Complaint[]>;
  /** Every complaint not yet closed, page by page (for the reconciler). */
  listOpen(cursor?: string): Promise<ComplaintPage>;
  /**
   * Issues a new customer link token (functions/domain/link-token.ts) for the complaint: draws random
   * tokens until one is unclaimed and records which complaint it belongs to, one conditional write.
   */
  issueLinkToken(complaintId: string): Promise<string>;
  /** The complaint a link token was issued for; undefined for a token never issued. */
  linkedComplaintId(token: string): Promise<string | undefined>;
}

/** The organisation directory's units, and which staff topic subscriptions each alert recipient holds. */
export interface OrgDirectoryStore {
  getUnit(kind: UnitKind, id: string): Promise<OrgUnit | undefined>;
  /** Every unit (a directory is a few thousand items at most: one partition, read page by page). */
  listUnits(): Promise<OrgUnit[]>;
  /** Stores the unit if the stored version is still `unit.version - 1` (0: none). Throws VersionConflict. */
  putUnit(unit: OrgUnit): Promise<void>;
  getRecipient(key: string): Promise<RecipientSubscriptions | undefined>;
  putRecipient(record: RecipientSubscriptions): Promise<void>;
  deleteRecipient(key: string): Promise<void>;
}

/** One alert recipient's subscriptions to the staff topics, and the unit addresses they filter on. */
export interface RecipientSubscriptions {
  key: string;
  recipient: AlertRecipient;
  addresses: string[];
  /** Subscription ARN per staff topic (index = escalation level). */
  subscriptionArns: string[];
}

/**
 * The staff topics' subscriptions: each recipient is subscribed to every level's topic with a filter
 * policy on the alert's `unit` attribute, so it receives only alerts addressed to its units.
 */
export interface AlertSubscriptions {
  subscribe(recipient: AlertRecipient, addresses: readonly string[]): Promise<string[]>;
  setAddresses(subscriptionArns: readonly string[], addresses: readonly string[]): Promise<void>;
  unsubscribe(subscriptionArns: readonly string[]): Promise<void>;
}

/** Sent to the waiting workflow task when an action moves a complaint to another stage. */
/**
 * The schema version (`v`) of every payload the workflows carry: execution inputs, task payloads, stage
 * signals. Absent means 1, everything shipped before the field. Versions only add fields (never rename,
 * remove or re-type one): a handler accepts every earlier version, and reads a newer one as its own.
 */
export const WORKFLOW_PAYLOAD_VERSION = 2;

export interface StageSignal {
  complaintId: string;
  stage: WorkflowStagePlan;
  /** The complaint moved to a fresh execution (continue-as-new): this one ends. */
  handover?: true;
}

/** What the state machine needs to know about the stage it is entering. */
export interface WorkflowStagePlan {
  name: Status;
  seq: number;
  /** Whole seconds until the stage's next timer, rounded down; the callback task's TimeoutSecondsPath. At least 1. */
  timeoutSeconds: number;
  /** The exact instant of the next timer: after the callback times out the workflow waits until then. */
  dueAt: string;
}

/**
 * A stage as registration planned it, carried in the first execution's input: the plan's absolute part,
 * so a retried start with the same complaint gives the same input (Step Functions compares inputs).
 */
export type StageOpening = Pick<WorkflowStagePlan, 'name' | 'seq' | 'dueAt'>;

export type SignalOutcome = 'delivered' | 'stale';

export interface ComplaintWorkflow {
  /**
   * Starts the complaint's execution (attempt 0 is named by the complaint id); harmless when it runs
   * already. `opening`: the stage registration has just planned, which the first stage then opens as is;
   * `resumeAt`: a restart after a failure, which waits until then before it opens the stage.
   */
  start(complaintId: string, attempt: number, opening?: StageOpening, resumeAt?: string): Promise<void>;
  /** Completes the waiting callback task. 'stale' when the token timed out or is unknown. */
  resume(taskToken: string, signal: StageSignal): Promise<SignalOutcome>;
  /** Whether an execution for this complaint is running now. */
  isRunning(complaintId: string, attempt: number): Promise<boolean>;
  /** How the complaint's execution of this attempt stands: RUNNING, how it ended, or MISSING. */
  status(complaintId: string, attempt: number): Promise<ExecutionStatus>;
}

/** Where the operations side keeps its own small records, apart from the complaints. */
export interface OperationsLedger {
  /** Lists the complaint under needs-operator (idempotent); written before the complaint is parked. */
  markNeedsOperator(complaintId: string, since: string): Promise<void>;
  clearNeedsOperator(complaintId: string): Promise<void>;
  /** Ids listed under needs-operator, oldest first (a listed id whose complaint is not parked is stale). */
  needsOperator(): Promise<string[]>;
  /** Where the named reconciler walk stopped last time (undefined: at the start). */
  reconcileCursor(walk: string): Promise<string | undefined>;
  saveReconcileCursor(walk: string, cursor: string | undefined): Promise<void>;
}

/** Hands a pending notification to delivery, which waits out quiet hours and retries. Idempotent per key. */
export interface NotificationDispatcher {
  /**
   * `redrive`: 0 (or absent) for the first hand-over; an operator's n-th re-send starts a fresh execution
   * of its own, since the first one's name stays taken after it ended.
   */
  dispatch(
    complaintId: string,
    notification: PendingNotification,
    sendAt: Date,
    redrive?: number,
  ): Promise<void>;
}

/** What a delivery execution passes to the send step. */
export interface DeliveryRequest {
  complaintId: string;
  notification: PendingNotification;
}

/**
 * Remembers which notifications went out, so a retried send step never texts twice. Kept apart from the
 * complaint item so deliveries never bump the complaint's version under an agent's feet.
 */
export interface ScheduledDelivery {
  notification: PendingNotification;
  sendAt: Date;
  /** How many times an operator re-sent it (0: never). */
  redrive?: number;
}

/**
 * Deliveries an operator must look at (docs/spec.md, "Undelivered texts"): dead-lettered (retries ran
 * out, or the provider rejected it), uncertain (an attempt was cut off mid-send: it may be out), or stuck
 * in `sending` (an attempt began long ago and never finished).
 */
export const DELIVERY_ATTENTION_STATES = ['dead-lettered', 'uncertain', 'sending'] as const;
export type DeliveryAttentionState = (typeof DELIVERY_ATTENTION_STATES)[number];

export interface DeliveryAttention {
  complaintId: string;
  key: string;
  event: string;
  state: DeliveryAttentionState;
  /** When it entered that state. */
  since: string;
  attempts: number;
  /** The error of the last failed attempt (an error name, never personal data). */
  lastError?: string;
  redrive: number;
}

export interface DeliveryLog {
  /** Records a notification handed to delivery (kept as first recorded when called again). */
  schedule(complaintId: string, notification: PendingNotification, sendAt: Date): Promise<void>;
  /** Notifications of a complaint handed to delivery but not yet sent or skipped. */
  unsent(complaintId: string): Promise<ScheduledDelivery[]>;
  /**
   * Records an attempt and answers what to do: 'send' (first attempt, or the last one failed visibly),
   * 'already-sent' (sent or skipped before), or 'uncertain' (an attempt was cut off mid-send by a crash or
   * timeout: the text may be out already, and a second text is worse than a missing one).
   */
  begin(complaintId: string, key: string, at: Date): Promise<'send' | 'already-sent' | 'uncertain'>;
  /** The attempt failed before anything was sent (the provider refused it): safe to try again. */
  markAttemptFailed(complaintId: string, key: string, at: Date, error: string): Promise<void>;
  markSent(complaintId: string, key: string, at: Date, messageIds: string[]): Promise<void>;
  markSkipped(complaintId: string, key: string, at: Date, reason: string): Promise<void>;
  /** The attempt was cut off mid-send earlier: settled as uncertain, listed for an operator. */
  markUncertain(complaintId: string, key: string, at: Date): Promise<void>;
  /** The delivery workflow gave up (retries ran out or the provider rejected it): listed for an operator. */
  markDeadLettered(complaintId: string, key: string, at: Date, error: string): Promise<void>;
  /** Lists the complaint's deliveries in `sending` since before `olderThan` for an operator; how many. */
  flagStuck(complaintId: string, olderThan: Date, at: Date): Promise<number>;
  /** Deliveries waiting for an operator, oldest first, optionally of one state. */
  attention(query: {
    state?: DeliveryAttentionState;
    limit: number;
    cursor?: string;
  }): Promise<{ items: DeliveryAttention[]; cursor?: string }>;
  /**
   * An operator's re-send: one conditional write moves a listed delivery back to `scheduled` with its
   * re-send count raised, so of two concurrent re-sends one wins. Throws DeliveryNotFound, or
   * DeliveryNotResendable when it is not listed (any more).
   */
  redrive(
    complaintId: string,
    key: string,
    at: Date,
    by: string,
    sendAt: { customer: Date; staff: Date },
  ): Promise<ScheduledDelivery>;
}

export interface OutboundSms {
  kind: 'sms';
  phone: string;
  message: string;
  /**
   * Which customer wording `message` is and the values it was filled with: what a provider of registered
   * templates (notifications/provider-templates.ts) sends instead of the text.
   */
  template?: SmsTemplateUse;
}
export interface SmsTemplateUse {
  /** A CustomerTemplateName (notifications/templates.ts). */
  name: string;
  locale: Locale;
  /** Every variable of the wording, by name, as filled into `message`. */
  params: Readonly<Record<string, string>>;
}
export interface OutboundPush {
  kind: 'push';
  targetArn: string;
  title: string;
  message: string;
}
export interface OutboundTopic {
  kind: 'topic';
  level: EscalationLevel;
  /** The responsible unit's address (organisation.ts alertAddress): subscriptions filter on it. */
  unit: string;
  subject: string;
  message: string;
}
export type OutboundMessage = OutboundSms | OutboundPush | OutboundTopic;

/**
 * Delivers one message (SNS, or an SMS provider chosen per deployment beside SNS). Throws SmsOptedOut for an
 * opted-out number, SendThrottled when the provider asks to slow down (retried later, with a long backoff),
 * SendRejected when it refuses the message for good (never retried); other errors are retryable.
 */
export interface MessageSender {
  send(
    message: OutboundMessage,
    meta: { complaintId: string; key: string; event: string },
  ): Promise<{ messageId: string }>;
}

export interface Clock {
  now(): Date;
}

/** Keyed hash of a phone number: the only way to find a customer's complaints. Async: the key is fetched
 * from the secret store on first use, never handed to the function in its environment. */
export type PhoneHasher = (e164: string) => Promise<string>;

/** A customer's personal data, stored apart from the rest of the complaint and only encrypted. */
export interface PersonalData {
  /** E.164. */
  phone: string;
  name?: string;
}

/**
 * Encrypts personal data for storage (envelope encryption under a KMS key), bound to the complaint it
 * belongs to: a sealed value opens only for that complaint's id. Sealed values are opaque strings.
 */
export interface PersonalDataCipher {
  seal(complaintId: string, data: PersonalData): Promise<string>;
  /** Throws when the value was sealed for another complaint or altered. */
  open(complaintId: string, sealed: string): Promise<PersonalData>;
}

/** A presigned browser upload: POST the fields and then the file (as `file`) to the url. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/** The attachments bucket (S3): uploads are presigned, reads are signed URLs; nothing is public. */
export interface AttachmentFiles {
  /** A POST policy for exactly this key, type and at most maxBytes, valid for `seconds`. */
  presignUpload(
    key: string,
    limits: { contentType: string; maxBytes: number; seconds: number },
  ): Promise<PresignedUpload>;
  /** Size and first bytes of the stored object; undefined when nothing was uploaded. */
  readStart(key: string, bytes: number): Promise<{ size: number; start: Uint8Array } | undefined>;
  delete(key: string): Promise<void>;
  /** A GET URL valid for `seconds`, answering with the given type. */
  signedReadUrl(key: string, options: { seconds: number; contentType: string }): Promise<string>;
  /** The bucket's origin as browsers reach it (for the customer page's content security policy). */
  origin(): Promise<string>;
}

/** Attachment metadata: one item per attachment beside the complaint, their number bounded per complaint. */
export interface AttachmentIndex {
  /**
   * Records a pending attachment unless the complaint already holds `max`. When it is full, a pending one
   * requested before `abandonedBefore` (its upload never confirmed) gives up its place: it is forgotten
   * and returned, for its file to be deleted.
   */
  reserve(
    attachment: Attachment,
    max: number,
    abandonedBefore: string,
  ): Promise<{ reserved: boolean; reclaimed: Attachment[] }>;
  get(complaintId: string, attachmentId: string): Promise<Attachment | undefined>;
  list(complaintId: string): Promise<Attachment[]>;
  /** pending -> accepted (with the stored size); idempotent for an accepted one. */
  accept(complaintId: string, attachmentId: string, size: number, at: string): Promise<Attachment>;
  /** Forgets a pending attachment and frees its place. */
  remove(complaintId: string, attachmentId: string): Promise<void>;
  /** Marks the attachment erased (its file deleted); the record and its place stay. */
  markErased(complaintId: string, attachmentId: string, at: string): Promise<void>;
}

/**
 * The report aggregates (SPEC section 8): counters per day x dimension value kept up to date as complaints
 * change, and the parcel volumes the operator supplies. Reads count the store requests they make.
 */
export interface ReportAggregates {
  /**
   * Brings the counters up to date with the complaint as stored: adds what changed since the last state
   * recorded for it. Idempotent: a retried or repeated call never counts twice; an older version is ignored.
   */
  record(complaint: Complaint): Promise<void>;
  /** Counter rows of the months given whose day is in [fromDay, toDay]. */
  counters(
    months: readonly string[],
    fromDay: string,
    toDay: string,
  ): Promise<{ rows: CounterRow[]; requests: number }>;
  putVolume(volume: ParcelVolume): Promise<void>;
  volumes(months: readonly string[]): Promise<{ items: ParcelVolume[]; requests: number }>;
}

/** A page of an incident's own items (its links or its timeline), oldest or first-linked first. */
export interface IncidentPage<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Mass incidents (functions/domain/incidents.ts): the incident itself, its links to complaints and its
 * timeline, each link and event its own item, so an incident of thousands of complaints never grows one item.
 */
export interface IncidentStore {
  /** Stores a new incident; false when the id is taken (a proposal the detector made before). */
  create(incident: Incident): Promise<boolean>;
  get(id: string): Promise<Incident | undefined>;
  /** Replaces it if the stored version is still `expectedVersion`; `incident.version` is the next one. */
  save(incident: Incident, expectedVersion: number): Promise<void>;
  /** Every incident (one small partition), newest declared first. */
  list(): Promise<Incident[]>;
  appendEvent(incidentId: string, event: IncidentEvent): Promise<void>;
  events(incidentId: string, page: { limit: number; cursor?: string }): Promise<IncidentPage<IncidentEvent>>;
  /** Records the link unless one exists; returns whether it was new. */
  putLink(link: IncidentLink): Promise<boolean>;
  /** Sets the fields on the link, each only if not set yet (a retried step keeps the first values). */
  updateLink(
    incidentId: string,
    complaintId: string,
    changes: Partial<Pick<IncidentLink, 'notifiedAt' | 'notice' | 'resolvedAt' | 'outcome' | 'compensation'>>,
  ): Promise<void>;
  /** A page of links; `without` keeps only links that field is not set on yet (a filter, then a page). */
  links(
    incidentId: string,
    page: { limit: number; cursor?: string; without?: 'notifiedAt' | 'resolvedAt' },
  ): Promise<IncidentPage<IncidentLink>>;
  /** Claims the one notice of this customer (keyed phone hash) for the incident; false when taken. */
  claimCustomerNotice(incidentId: string, phoneHash: string, complaintId: string): Promise<boolean>;
}
