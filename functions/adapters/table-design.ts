// The single-table design as data: the CDK stack, the local stack and the store all read it from here, so
// the deployed table, the local table and the queries cannot drift apart. docs/data-model.md explains it.
import { createHash } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The table's own key attributes. */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** DynamoDB TTL attribute (Unix seconds); only idempotency records carry it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface IndexDesign {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** Global secondary indexes. Every key attribute is a string; an item without one is not in that index. */
export const INDEXES = {
  /** Queues per status, ordered by stage deadline (closed: by closedAt). */
  byStatus: { indexName: 'byStatus', partitionKey: 'statusPk', sortKey: 'statusSk' },
  /** Complaints about one item (运单号), newest received first. */
  byTracking: { indexName: 'byTracking', partitionKey: 'trackingPk', sortKey: 'trackingSk' },
  /** A customer's complaints by keyed phone hash, newest received first. */
  byPhone: { indexName: 'byPhone', partitionKey: 'phonePk', sortKey: 'phoneSk' },
  /** Every complaint, spread over LIST_SHARDS partitions, each ordered by creation time. */
  byCreated: { indexName: 'byCreated', partitionKey: 'createdPk', sortKey: 'createdSk' },
} as const satisfies Record<string, IndexDesign>;

export type IndexName = keyof typeof INDEXES;

/** Attributes that exist only for the table's keys and indexes; they are not part of the complaint. */
export const KEY_ATTRIBUTES: readonly string[] = [
  TABLE_KEY.partitionKey,
  TABLE_KEY.sortKey,
  ...Object.values(INDEXES).flatMap((index) => [index.partitionKey, index.sortKey]),
];

/**
 * How many partitions the list-all index spreads writes over. Raising it later is safe (readers query every
 * shard below the count; items move on their next save); lowering it strands items in the dropped shards.
 */
export const LIST_SHARDS = 4;

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

export function statusPartition(status: string): string {
  return `STATUS#${status}`;
}

export function trackingPartition(trackingNumber: string): string {
  return `TRACKING#${trackingNumber}`;
}

export function phonePartition(phoneHash: string): string {
  return `PHONE#${phoneHash}`;
}

export function createdPartition(shard: number): string {
  return `CREATED#${shard}`;
}

/** The list shard of a complaint: a stable hash of its id, so every save keeps it in the same partition. */
export function listShard(complaintId: string): number {
  const digest = createHash('sha256').update(complaintId).digest();
  return digest.readUInt32BE(0) % LIST_SHARDS;
}

/** Index sort keys: an instant then the id, so equal instants still sort (and page) deterministically. */
export function instantSortKey(instant: string, complaintId: string): string {
  return `${instant}#${complaintId}`;
}

/** The table as CreateTable input (on-demand, every index projecting the whole item). */
export function complaintTableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  const attributeNames = [
    TABLE_KEY.partitionKey,
    TABLE_KEY.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
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
      // Every read of an index returns whole complaints; ALL saves a second read per item (see docs).
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
