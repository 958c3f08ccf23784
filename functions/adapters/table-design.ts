// The single-table design as data: the CDK stack, the local stack and the store all read it from here, so
// the deployed table, the local table and the queries cannot drift apart. docs/data-model.md explains it.
import { createHash } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The table's own key attributes. */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** DynamoDB TTL attribute (Unix seconds); only idempotency records carry it. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** What an index copies from the item: its keys only, or its keys and the attributes listed filters read. */
export type IndexProjection = 'KEYS_ONLY' | 'INCLUDE';

export interface IndexDesign {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: IndexProjection;
}

/**
 * The attributes a listing filters on. The status queues project them (INCLUDE), so a filtered queue drops
 * non-matches before fetching whole complaints; they are small and change rarely, so projecting them costs
 * an index write only when one of them changes.
 */
export const FILTER_ATTRIBUTES = [
  'status',
  'type',
  'category',
  'channel',
  'escalationLevel',
  'outletId',
  'regionId',
  'owner',
  'receivedAt',
  'closedAt',
] as const;

/**
 * Global secondary indexes. Every key attribute is a string; an item without one is not in that index.
 * Only the status queues project more than keys: every other read fetches whole complaints by key
 * (BatchGetItem), so an index is written only when its own key changes (docs/data-model.md).
 */
export const INDEXES = {
  /** Queues per status, spread over STATUS_SHARDS partitions each, ordered by stage deadline (closed: closedAt). */
  byStatus: { indexName: 'byStatus', partitionKey: 'statusPk', sortKey: 'statusSk', projection: 'INCLUDE' },
  /** Complaints about one item (运单号), newest received first. */
  byTracking: {
    indexName: 'byTracking',
    partitionKey: 'trackingNumber',
    sortKey: 'receivedSk',
    projection: 'KEYS_ONLY',
  },
  /** A customer's complaints by keyed phone hash, newest received first. */
  byPhone: { indexName: 'byPhone', partitionKey: 'phonePk', sortKey: 'receivedSk', projection: 'KEYS_ONLY' },
  /** Every complaint, spread over LIST_SHARDS partitions, each ordered by creation time. */
  byCreated: {
    indexName: 'byCreated',
    partitionKey: 'createdPk',
    sortKey: 'createdSk',
    projection: 'KEYS_ONLY',
  },
  /** The short number customers see in their texts (unique per deployment). */
  byShortId: {
    indexName: 'byShortId',
    partitionKey: 'shortId',
    sortKey: 'receivedSk',
    projection: 'KEYS_ONLY',
  },
  /** The responsible outlet's complaints, newest received first. */
  byOutlet: {
    indexName: 'byOutlet',
    partitionKey: 'outletId',
    sortKey: 'receivedSk',
    projection: 'KEYS_ONLY',
  },
  /** The responsible region's complaints, newest received first. */
  byRegion: {
    indexName: 'byRegion',
    partitionKey: 'regionId',
    sortKey: 'receivedSk',
    projection: 'KEYS_ONLY',
  },
  /** An owner's complaints, newest received first. */
  byOwner: { indexName: 'byOwner', partitionKey: 'owner', sortKey: 'receivedSk', projection: 'KEYS_ONLY' },
  /** Sparse: complaints with a breached clock still running, longest overdue first. */
  byOverdue: {
    indexName: 'byOverdue',
    partitionKey: 'overduePk',
    sortKey: 'overdueSk',
    projection: 'KEYS_ONLY',
  },
  /**
   * Sparse: the follow-up worklist (回访 not yet recorded), earliest due first. It holds the open backlog
   * only, and projects the filter attributes so an outlet's or region's worklist drops others unread.
   */
  byFollowUp: {
    indexName: 'byFollowUp',
    partitionKey: 'followUpPk',
    sortKey: 'followUpSk',
    projection: 'INCLUDE',
  },
  /** Sparse: claims awaiting payment (accepted, not paid), earliest payBy first; like byFollowUp. */
  byPayment: {
    indexName: 'byPayment',
    partitionKey: 'paymentPk',
    sortKey: 'paymentSk',
    projection: 'INCLUDE',
  },
} as const satisfies Record<string, IndexDesign>;

export type IndexName = keyof typeof INDEXES;

/**
 * Complaint fields that are index keys as they are (validated non-empty strings): every byte an item carries
 * is paid for at each save, so an index keyed by a field reads the field instead of a prefixed copy of it.
 */
export const COMPLAINT_FIELD_KEYS: readonly string[] = [
  'trackingNumber',
  'shortId',
  'outletId',
  'regionId',
  'owner',
];

/** Attributes that exist only for the table's keys and indexes; they are not part of the complaint. */
export const KEY_ATTRIBUTES: readonly string[] = [
  ...new Set([
    TABLE_KEY.partitionKey,
    TABLE_KEY.sortKey,
    ...Object.values(INDEXES).flatMap((index) => [index.partitionKey, index.sortKey]),
  ]),
].filter((name) => !COMPLAINT_FIELD_KEYS.includes(name));

/**
 * How many partitions the list-all index spreads writes over. Raising it later is safe (readers query every
 * shard below the count; items move on their next save); lowering it strands items in the dropped shards.
 */
export const LIST_SHARDS = 4;

/**
 * How many partitions each status queue spreads over (by the same hash of the id), so new complaints do not
 * all write to one `received` partition. Readers merge the shards; the same raising/lowering rule applies.
 */
export const STATUS_SHARDS = 4;

export const COMPLAINT_PARTITION_PREFIX = 'COMPLAINT#';
export const COMPLAINT_SORT_KEY = 'COMPLAINT';
export const IDEMPOTENCY_SORT_KEY = 'IDEMPOTENCY';

export type TableKey = Record<typeof TABLE_KEY.partitionKey | typeof TABLE_KEY.sortKey, string>;

export function complaintKey(complaintId: string): TableKey {
  return { pk: `${COMPLAINT_PARTITION_PREFIX}${complaintId}`, sk: COMPLAINT_SORT_KEY };
}

export function idempotencyKey(key: string): TableKey {
  return { pk: `IDEMPOTENCY#${key}`, sk: IDEMPOTENCY_SORT_KEY };
}

/** Timeline events (the audit trail) sit beside their complaint, one item each, in sequence order. */
export const EVENT_SORT_PREFIX = 'EVENT#';
/** Sequence numbers are zero-padded so the sort keys order as the numbers do. */
const EVENT_SEQ_DIGITS = 10;

export function eventKey(complaintId: string, seq: number): TableKey {
  return {
    pk: `${COMPLAINT_PARTITION_PREFIX}${complaintId}`,
    sk: `${EVENT_SORT_PREFIX}${String(seq).padStart(EVENT_SEQ_DIGITS, '0')}`,
  };
}

export const LINK_SORT_KEY = 'LINK';

/** A customer link token's claim: which complaint the token opens. */
export function linkTokenKey(token: string): TableKey {
  return { pk: `LINK#${token}`, sk: LINK_SORT_KEY };
}

/** The needs-operator list: one item per parked complaint in one partition (there are few). */
export const NEEDS_OPERATOR_PARTITION = 'OPS#NEEDS_OPERATOR';

export function needsOperatorKey(complaintId: string): TableKey {
  return { pk: NEEDS_OPERATOR_PARTITION, sk: complaintId };
}

/** Where a reconciler walk stopped, so the next run resumes there. */
export function reconcileCursorKey(walk: string): TableKey {
  return { pk: 'OPS#RECONCILER', sk: walk };
}

export function statusPartition(status: string, shard: number): string {
  return `STATUS#${status}#${shard}`;
}

export function statusPartitions(status: string): string[] {
  return Array.from({ length: STATUS_SHARDS }, (_, shard) => statusPartition(status, shard));
}

export function shortIdPartition(shortId: string): string {
  return shortId;
}

export function outletPartition(outletId: string): string {
  return outletId;
}

export function regionPartition(regionId: string): string {
  return regionId;
}

export function ownerPartition(owner: string): string {
  return owner;
}

export const OVERDUE_PARTITION = 'OVERDUE';
export const FOLLOW_UP_PARTITION = 'FOLLOWUP';
export const PAYMENT_PARTITION = 'PAYMENT';

export function trackingPartition(trackingNumber: string): string {
  return trackingNumber;
}

export function phonePartition(phoneHash: string): string {
  return `PHONE#${phoneHash}`;
}

export function createdPartition(shard: number): string {
  return `CREATED#${shard}`;
}

/** The list shard of a complaint: a stable hash of its id, so every save keeps it in the same partition. */
export function listShard(complaintId: string): number {
  return idHash(complaintId) % LIST_SHARDS;
}

/** The status queue shard of a complaint: the same stable hash, so a complaint keeps its shard. */
export function statusShard(complaintId: string): number {
  return idHash(complaintId) % STATUS_SHARDS;
}

function idHash(complaintId: string): number {
  return createHash('sha256').update(complaintId).digest().readUInt32BE(0);
}

/** Index sort keys: an instant then the id, so equal instants still sort (and page) deterministically. */
export function instantSortKey(instant: string, complaintId: string): string {
  return `${instant}#${complaintId}`;
}

/** The table as CreateTable input (on-demand; projections as each index's design says). */
export function complaintTableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  const attributeNames = [
    ...new Set([
      TABLE_KEY.partitionKey,
      TABLE_KEY.sortKey,
      ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        index.projection === 'INCLUDE'
          ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...FILTER_ATTRIBUTES] }
          : { ProjectionType: 'KEYS_ONLY' },
    })),
  };
}

/** The organisation directory's partition: units and their recipients' subscriptions (a few thousand items). */
export const ORG_PARTITION = 'ORG';

export function orgUnitKey(kind: string, id: string): TableKey {
  return { pk: ORG_PARTITION, sk: `UNIT#${kind}#${id}` };
}

export function orgRecipientKey(recipientKey: string): TableKey {
  return { pk: ORG_PARTITION, sk: `RECIPIENT#${recipientKey}` };
}

/** Report counters (docs/data-model.md, "Report aggregates"): one partition per month, one item per day x dimension value. */
export function reportCounterKey(day: string, dimension: string, value: string): TableKey {
  return { pk: `REPORT#${day.slice(0, 7)}`, sk: `${day}#${dimension}#${value}` };
}

export const reportMonthPartition = (month: string): string => `REPORT#${month}`;

/** What a complaint last contributed to the report counters (and a contribution in flight). */
export function reportedKey(complaintId: string): TableKey {
  return { pk: `REPORTED#${complaintId}`, sk: 'REPORTED' };
}

/** Parcels an outlet handled in a month: one partition per month, one item per outlet. */
export function parcelVolumeKey(month: string, outletId: string): TableKey {
  return { pk: `PARCELS#${month}`, sk: `OUTLET#${outletId}` };
}

export const parcelMonthPartition = (month: string): string => `PARCELS#${month}`;

/** Mass incidents' heads: one partition, read whole (incidents are few; docs/data-model.md). */
export const INCIDENT_PARTITION = 'INCIDENTS';
export const INCIDENT_SORT_PREFIX = 'INCIDENT#';

export function incidentKey(incidentId: string): TableKey {
  return { pk: INCIDENT_PARTITION, sk: `${INCIDENT_SORT_PREFIX}${incidentId}` };
}

/** Partition of one incident's own items: its timeline events, its links, its customer notice claims. */
export function incidentPartition(incidentId: string): string {
  return `INCIDENT#${incidentId}`;
}

export const INCIDENT_LINK_PREFIX = 'LINK#';
export const INCIDENT_EVENT_PREFIX = 'EVENT#';

export function incidentLinkKey(incidentId: string, complaintId: string): TableKey {
  return { pk: incidentPartition(incidentId), sk: `${INCIDENT_LINK_PREFIX}${complaintId}` };
}

/** Sorted by time, the id keeping two events of one instant apart. */
export function incidentEventKey(incidentId: string, at: string, eventId: string): TableKey {
  return { pk: incidentPartition(incidentId), sk: `${INCIDENT_EVENT_PREFIX}${at}#${eventId}` };
}

/** Claimed once per customer (keyed phone hash) and incident: one notice per customer. */
export function incidentNoticeKey(incidentId: string, phoneHash: string): TableKey {
  return { pk: incidentPartition(incidentId), sk: `NOTICE#${phoneHash}` };
}
