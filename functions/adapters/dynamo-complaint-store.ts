// ComplaintStore on DynamoDB (one table, docs/data-model.md). Every state change is one conditional PutItem
// of the complaint item, the commit point: dynalite has no transactions. The timeline is the audit trail,
// one item per event beside the complaint (dynamo-audit-trail.ts), written idempotently after the commit.
import { randomBytes } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  STATUSES,
  type Category,
  type ClockState,
  type Complaint,
  type OpenStatus,
  type Status,
} from '#domain/complaint';
import { chainEvents, headOf } from '#domain/audit-trail';
import { ComplaintAlreadyExists, ComplaintNotFound, InvalidInput, VersionConflict } from '#domain/errors';
import { newLinkToken, type RandomBytes } from '#domain/link-token';
import type {
  AuditTrail,
  ComplaintPage,
  ComplaintQuery,
  ComplaintStore,
  IdempotencyRecord,
  PersonalDataCipher,
  TimelinePage,
} from '#domain/ports';
import { chainHead, DynamoAuditTrail } from './dynamo-audit-trail.ts';
import {
  COMPLAINT_PARTITION_PREFIX,
  COMPLAINT_SORT_KEY,
  INDEXES,
  KEY_ATTRIBUTES,
  LIST_SHARDS,
  TABLE_KEY,
  TTL_ATTRIBUTE,
  complaintKey,
  createdPartition,
  idempotencyKey,
  instantSortKey,
  linkTokenKey,
  listShard,
  phonePartition,
  statusPartition,
  trackingPartition,
  type IndexDesign,
} from './table-design.ts';

type Item = Record<string, unknown>;
type ItemKey = Record<string, string>;

export interface DynamoComplaintStoreOptions {
  /** Upper bound on Query calls one page may cost; a selective filter then returns a short page and a cursor. */
  maxQueriesPerPage?: number;
  /** Items one filtered Query evaluates: larger batches cost fewer round trips, smaller ones fewer wasted reads. */
  filteredBatchSize?: number;
  /** Where link tokens draw their randomness (node:crypto randomBytes); tests force clashes with it. */
  randomBytes?: RandomBytes;
}

const DEFAULT_MAX_QUERIES_PER_PAGE = 24;
/** Filters drop items after the read, so a filtered Query reads in larger batches. */
const DEFAULT_FILTERED_BATCH_SIZE = 100;
/** Draws before issueLinkToken gives up: a clash is ~1e-12 likely, so a second one means a broken random source. */
const LINK_TOKEN_DRAWS = 5;
/** Page size of listOpen (the reconciler's walk). */
const OPEN_PAGE_SIZE = 100;
const OPEN_STATUSES = STATUSES.filter((status): status is OpenStatus => status !== 'closed');

const KEY_ATTRIBUTE_SET = new Set(KEY_ATTRIBUTES);

/**
 * The instant a complaint sorts by in its status queue: when it closed; else the earliest instant a running
 * clock escalates next (its deadline, or after a breach the end of its grace); else its last update.
 * Pure and derived from stored fields only, so every save recomputes the same key.
 */
export function stageDeadlineForIndex(complaint: Complaint): string {
  if (complaint.status === 'closed') return complaint.closedAt ?? complaint.updatedAt;
  const nextEscalations = Object.values(complaint.clocks)
    .flatMap((clock) =>
      clock === undefined || clock.stoppedAt !== undefined ? [] : [nextEscalationAt(clock)],
    )
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return nextEscalations[0] ?? complaint.updatedAt;
}

function nextEscalationAt(clock: ClockState): string {
  return clock.breachedAt === undefined ? clock.dueAt : (clock.graceUntil ?? clock.dueAt);
}

export class DynamoComplaintStore implements ComplaintStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxQueriesPerPage: number;
  private readonly filteredBatchSize: number;
  private readonly randomBytes: RandomBytes;
  private readonly cipher: PersonalDataCipher;
  private readonly trail: DynamoAuditTrail;

  /** `cipher` seals the customer's phone and name: an item, an export or a restore holds only ciphertext. */
  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    cipher: PersonalDataCipher,
    options: DynamoComplaintStoreOptions = {},
  ) {
    this.doc = doc;
    this.tableName = tableName;
    this.cipher = cipher;
    this.trail = new DynamoAuditTrail(doc, tableName);
    this.randomBytes = options.randomBytes ?? randomBytes;
    // A walk over every list shard needs at least one Query per shard.
    this.maxQueriesPerPage = Math.max(options.maxQueriesPerPage ?? DEFAULT_MAX_QUERIES_PER_PAGE, LIST_SHARDS);
    this.filteredBatchSize = Math.max(options.filteredBatchSize ?? DEFAULT_FILTERED_BATCH_SIZE, 1);
  }

  async get(id: string): Promise<Complaint | undefined> {
    const { Item: item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: complaintKey(id), ConsistentRead: true }),
    );
    return item === undefined ? undefined : this.complaintFromItem(item);
  }

  async create(complaint: Complaint): Promise<Complaint> {
    if (complaint.version !== 1) {
      throw new RangeError(`a new complaint has version 1, not ${complaint.version}`);
    }
    const { stored, events } = this.withChainedTimeline(complaint);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: await this.complaintItem(stored),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ComplaintAlreadyExists(complaint.id);
      throw asInvalidInput(error, 'body');
    }
    await this.trail.writeCommitted(events);
    return stored;
  }

  async save(complaint: Complaint, expectedVersion: number): Promise<Complaint> {
    if (complaint.version !== expectedVersion + 1) {
      throw new RangeError(`saving over version ${expectedVersion} writes version ${expectedVersion + 1}`);
    }
    // This write replaces the last change's events in the complaint item: they must be items first.
    await this.flushEvents(complaint);
    const { stored, events } = this.withChainedTimeline(complaint);
    const head = chainHead(complaint);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: await this.complaintItem(stored),
          // The chain's head is fenced too: a complaint read before another write cannot fork the trail.
          ConditionExpression:
            head === undefined
              ? '#version = :expectedVersion AND attribute_not_exists(#chain)'
              : '#version = :expectedVersion AND #chain.#seq = :chainSeq',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#chain': 'chain',
            ...(head === undefined ? {} : { '#seq': 'seq' }),
          },
          ExpressionAttributeValues: {
            ':expectedVersion': expectedVersion,
            ...(head === undefined ? {} : { ':chainSeq': head.seq }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // dynalite accepts ReturnValuesOnConditionCheckFailure but returns nothing, so read the winner's version.
      const currentVersion = await this.storedVersion(complaint.id);
      if (currentVersion === undefined) throw new ComplaintNotFound(complaint.id);
      throw new VersionConflict(expectedVersion, currentVersion);
    }
    // After the commit point: a failure here leaves the events in the complaint item, never loses them.
    await this.trail.writeCommitted(events);
    return stored;
  }

  async timeline(id: string, page: { limit: number; cursor?: string }): Promise<TimelinePage | undefined> {
    const complaint = await this.get(id);
    if (complaint === undefined) return undefined;
    // A complaint stored before the audit trail still carries its timeline inline (moved on its next save).
    if (complaint.chain === undefined) return { items: complaint.timeline };
    return this.trail.page(complaint, page);
  }

  async auditTrail(id: string): Promise<AuditTrail | undefined> {
    const complaint = await this.get(id);
    if (complaint === undefined) return undefined;
    return { head: chainHead(complaint), events: await this.trail.all(complaint) };
  }

  flushEvents(complaint: Complaint): Promise<void> {
    return this.trail.flush(complaint.chain?.unflushed ?? []);
  }

  redactEvents(complaint: Complaint, reference: string, at: string): Promise<number> {
    return this.trail.redact(complaint, reference, at);
  }

  async revokeLinkToken(token: string): Promise<void> {
    // A tombstone rather than a delete: the token opens nothing, and can never be issued again.
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...linkTokenKey(token), revoked: true },
      }),
    );
  }

  /** The complaint as it will be stored: its new events chained onto its trail, kept until written as items. */
  private withChainedTimeline(complaint: Complaint): {
    stored: Complaint;
    events: ReturnType<typeof chainEvents>;
  } {
    const head = chainHead(complaint);
    // Salts come from node:crypto, never from the injectable link-token source (tests script that one).
    const events = chainEvents(complaint.id, head, complaint.timeline, () =>
      randomBytes(16).toString('base64url'),
    );
    const next = headOf(events, head);
    const stored: Complaint = { ...complaint, timeline: [] };
    if (next) stored.chain = { ...next, unflushed: events };
    else delete stored.chain;
    return { stored, events };
  }

  async claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const claimedAtSeconds = Math.floor(Date.parse(record.createdAt) / 1000);
    if (!Number.isFinite(claimedAtSeconds))
      throw new RangeError(`createdAt is not an instant: ${record.createdAt}`);
    // A record past its expiry may still be there (TTL deletes lazily, dynalite never): it may be claimed anew.
    // The loop covers a record that expires and disappears between the failed write and the read.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...record, ...idempotencyKey(record.key) },
            ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now',
            ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey, '#expiresAt': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': claimedAtSeconds },
          }),
        );
        return record;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const stored = await this.storedIdempotencyRecord(record.key);
      if (stored !== undefined) return stored;
    }
    throw new Error(`idempotency key ${record.key} could neither be claimed nor read`);
  }

  async releaseIdempotencyKey(record: IdempotencyRecord): Promise<void> {
    // Expired at once rather than deleted (PutItem is the grant writers have); only the claim this very
    // request made, so a claim another request took over meanwhile stays.
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, expiresAt: 0, ...idempotencyKey(record.key) },
          ConditionExpression: '#requestHash = :requestHash AND #complaintId = :complaintId',
          ExpressionAttributeNames: { '#requestHash': 'requestHash', '#complaintId': 'complaintId' },
          ExpressionAttributeValues: {
            ':requestHash': record.requestHash,
            ':complaintId': record.complaintId,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async issueLinkToken(complaintId: string): Promise<string> {
    for (let draw = 1; draw <= LINK_TOKEN_DRAWS; draw++) {
      const token = newLinkToken(this.randomBytes);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...linkTokenKey(token), complaintId },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey },
          }),
        );
        return token;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`no unclaimed link token in ${LINK_TOKEN_DRAWS} draws: is the random source broken?`);
  }

  async linkedComplaintId(token: string): Promise<string | undefined> {
    const { Item: item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: linkTokenKey(token), ConsistentRead: true }),
    );
    return typeof item?.complaintId === 'string' ? item.complaintId : undefined;
  }

  async list(query: ComplaintQuery): Promise<ComplaintPage> {
    try {
      return await this.listPage(query);
    } catch (error) {
      // What DynamoDB refuses to run comes from what the client sent (the cursor, filters): a 400.
      throw asInvalidInput(error, query.cursor === undefined ? 'query' : 'cursor');
    }
  }

  private async listPage(query: ComplaintQuery): Promise<ComplaintPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1) {
      throw new InvalidInput('limit must be a positive integer', [
        { path: 'limit', message: 'must be >= 1' },
      ]);
    }
    const filter: ItemFilter = {
      category: query.category,
      escalated: query.escalated,
      registeredBy: query.registeredBy,
    };
    if (query.trackingNumber !== undefined) {
      return this.walkPartition(
        {
          index: INDEXES.byTracking,
          partition: trackingPartition(query.trackingNumber),
          newestFirst: true,
          filter: { ...filter, status: query.status },
        },
        query.limit,
        query.cursor,
      );
    }
    if (query.status !== undefined) {
      return this.walkPartition(
        {
          index: INDEXES.byStatus,
          partition: statusPartition(query.status),
          // Open queues: most urgent deadline first; closed: most recently closed first.
          newestFirst: query.status === 'closed',
          filter,
        },
        query.limit,
        query.cursor,
      );
    }
    return this.walkAllNewestFirst(filter, query.limit, query.cursor);
  }

  async findByPhoneHash(phoneHash: string, since: string): Promise<Complaint[]> {
    if (phoneHash === '') return [];
    const sinceInstant = parseInstant(since, 'since');
    const index = INDEXES.byPhone;
    const found: Complaint[] = [];
    let startKey: ItemKey | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk AND #sk >= :since',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          ExpressionAttributeValues: { ':pk': phonePartition(phoneHash), ':since': sinceInstant },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(await this.complaintsFromItems(page.Items ?? [])));
      startKey = page.LastEvaluatedKey as ItemKey | undefined;
    } while (startKey !== undefined);
    return found;
  }

  async listOpen(cursor?: string): Promise<ComplaintPage> {
    const position: OpenPosition = cursor === undefined ? { status: 'received' } : decodeOpenCursor(cursor);
    const index = INDEXES.byStatus;
    const items: Item[] = [];
    let statusAt = OPEN_STATUSES.indexOf(position.status);
    let startKey = position.after;
    for (let queries = 0; queries < this.maxQueriesPerPage && items.length < OPEN_PAGE_SIZE; queries++) {
      const status = OPEN_STATUSES[statusAt];
      if (status === undefined) break;
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': statusPartition(status) },
          Limit: OPEN_PAGE_SIZE - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey as ItemKey | undefined;
      if (startKey === undefined) statusAt++;
    }
    const nextStatus = OPEN_STATUSES[statusAt];
    return {
      items: await this.complaintsFromItems(items),
      nextCursor:
        nextStatus === undefined
          ? undefined
          : encodeCursor({ walk: 'open', status: nextStatus, after: startKey }),
    };
  }

  /** Pages through one index partition, filtering, until `limit` matches or the Query budget is spent. */
  private async walkPartition(walk: PartitionWalk, limit: number, cursor?: string): Promise<ComplaintPage> {
    const fingerprint = queryFingerprint(walk.index, walk.partition, walk.filter);
    let startKey = cursor === undefined ? undefined : decodePartitionCursor(cursor, fingerprint, walk);
    const filtered = hasFilter(walk.filter);
    const items: Item[] = [];
    for (let queries = 0; queries < this.maxQueriesPerPage && items.length < limit; queries++) {
      const remaining = limit - items.length;
      const names = { '#pk': walk.index.partitionKey };
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: walk.index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ScanIndexForward: !walk.newestFirst,
          // One item more than needed tells whether another page exists, so the last page has no cursor.
          Limit: filtered ? Math.max(remaining + 1, this.filteredBatchSize) : remaining + 1,
          ExclusiveStartKey: startKey,
          ...withFilter({ names, values: { ':pk': walk.partition } }, walk.filter),
        }),
      );
      const found = page.Items ?? [];
      if (found.length > remaining) {
        items.push(...found.slice(0, remaining));
        startKey = itemKey(items[items.length - 1] as Item, walk.index);
        break;
      }
      items.push(...found);
      startKey = page.LastEvaluatedKey as ItemKey | undefined;
      if (startKey === undefined) break;
    }
    return {
      items: await this.complaintsFromItems(items),
      nextCursor:
        startKey === undefined
          ? undefined
          : encodeCursor({ walk: 'partition', query: fingerprint, after: startKey }),
    };
  }

  /**
   * Every complaint, newest created first: a k-way merge over the list shards. An item is emitted only once
   * no shard can still hold a newer match, so pages never skip or repeat; the cursor is the position in
   * that one global order (the last emitted sort key), valid for every shard.
   */
  private async walkAllNewestFirst(
    filter: ItemFilter,
    limit: number,
    cursor?: string,
  ): Promise<ComplaintPage> {
    const index = INDEXES.byCreated;
    const fingerprint = queryFingerprint(index, 'all', filter);
    const before = cursor === undefined ? undefined : decodeCreatedCursor(cursor, fingerprint);
    const filtered = hasFilter(filter);
    const batch = filtered ? this.filteredBatchSize : Math.ceil(limit / LIST_SHARDS) + 2;
    const shards: ShardReader[] = Array.from({ length: LIST_SHARDS }, (_, shard) => ({
      shard,
      buffer: [],
      exhausted: false,
    }));
    const emitted: Item[] = [];
    let queries = 0;
    let stoppedAt: string | undefined;
    while (emitted.length < limit) {
      const candidate = newestHead(shards);
      const blocking = shards.filter((s) => mayHoldNewer(s, candidate));
      if (blocking.length === 0) {
        if (candidate === undefined) break;
        emitted.push(candidate.buffer.shift() as Item);
        continue;
      }
      if (queries + blocking.length > this.maxQueriesPerPage) {
        // Everything at or above the highest unread position has been evaluated and emitted.
        stoppedAt = blocking
          .map((s) => s.lastEvaluatedSk as string)
          .sort()
          .at(-1);
        break;
      }
      queries += blocking.length;
      await Promise.all(blocking.map((s) => this.readShard(s, before, batch, filter)));
    }
    const last = emitted.at(-1);
    const more = shards.some((s) => !s.exhausted || s.buffer.length > 0);
    const nextBefore = stoppedAt ?? (more && last !== undefined ? createdSortKey(last) : undefined);
    return {
      items: await this.complaintsFromItems(emitted),
      nextCursor:
        nextBefore === undefined
          ? undefined
          : encodeCursor({ walk: 'created', query: fingerprint, before: nextBefore }),
    };
  }

  private async readShard(
    reader: ShardReader,
    before: string | undefined,
    batch: number,
    filter: ItemFilter,
  ): Promise<void> {
    const index = INDEXES.byCreated;
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': createdPartition(reader.shard) };
    if (before !== undefined) {
      names['#sk'] = index.sortKey;
      values[':before'] = before;
    }
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
        ScanIndexForward: false,
        Limit: batch,
        ExclusiveStartKey: reader.startKey,
        ...withFilter({ names, values }, filter),
      }),
    );
    reader.buffer.push(...(page.Items ?? []));
    reader.startKey = page.LastEvaluatedKey as ItemKey | undefined;
    reader.lastEvaluatedSk = reader.startKey?.[index.sortKey];
    reader.exhausted = reader.startKey === undefined;
  }

  // Personal data: sealed into one attribute on the way in, opened on the way out. Nothing else is encrypted.
  private async complaintItem(complaint: Complaint): Promise<Item> {
    const { phone, name } = complaint.customer;
    const personalData = await this.cipher.seal(
      complaint.id,
      name === undefined ? { phone } : { phone, name },
    );
    return complaintItem(complaint, personalData);
  }

  private async complaintFromItem(item: Item): Promise<Complaint> {
    const { [PERSONAL_DATA_ATTRIBUTE]: sealed, ...rest } = item;
    const complaint = complaintFromItem(rest);
    if (typeof sealed !== 'string') return complaint;
    const personal = await this.cipher.open(complaint.id, sealed);
    return { ...complaint, customer: { ...complaint.customer, ...personal } };
  }

  private complaintsFromItems(items: Item[]): Promise<Complaint[]> {
    return Promise.all(items.map((item) => this.complaintFromItem(item)));
  }

  private async storedVersion(id: string): Promise<number | undefined> {
    const { Item: item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: complaintKey(id),
        ConsistentRead: true,
        ProjectionExpression: '#version',
        ExpressionAttributeNames: { '#version': 'version' },
      }),
    );
    return item?.version as number | undefined;
  }

  private async storedIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    const { Item: item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: idempotencyKey(key), ConsistentRead: true }),
    );
    return item === undefined ? undefined : (withoutKeyAttributes(item) as unknown as IdempotencyRecord);
  }
}

// ---- items ---------------------------------------------------------------------------------------------

/** The attribute holding the customer's phone and name, sealed by the PersonalDataCipher. */
export const PERSONAL_DATA_ATTRIBUTE = 'personalData';

/**
 * The item the store writes for a complaint, index keys included (benchmarks seed tables with it), with
 * the customer's phone and name only as `personalData`, the value PersonalDataCipher.seal returned.
 */
export function complaintItem(complaint: Complaint, personalData: string): Item {
  // The timeline is not part of the item: its events are their own items (the audit trail).
  const { timeline: _timeline, customer, ...fields } = complaint;
  const { phone: _phone, name: _name, ...contact } = customer;
  return {
    ...fields,
    customer: contact,
    [PERSONAL_DATA_ATTRIBUTE]: personalData,
    ...complaintKey(complaint.id),
    ...indexAttributes(complaint),
  };
}

/** The index keys of a complaint; an index whose key value is missing leaves the item out (sparse). */
function indexAttributes(complaint: Complaint): ItemKey {
  const { byStatus, byTracking, byPhone, byCreated } = INDEXES;
  const attributes: ItemKey = {
    [byStatus.partitionKey]: statusPartition(complaint.status),
    [byStatus.sortKey]: instantSortKey(isoInstant(stageDeadlineForIndex(complaint)), complaint.id),
    [byCreated.partitionKey]: createdPartition(listShard(complaint.id)),
    [byCreated.sortKey]: instantSortKey(isoInstant(complaint.createdAt), complaint.id),
  };
  if (complaint.trackingNumber) {
    attributes[byTracking.partitionKey] = trackingPartition(complaint.trackingNumber);
    attributes[byTracking.sortKey] = instantSortKey(isoInstant(complaint.receivedAt), complaint.id);
  }
  if (complaint.phoneHash) {
    attributes[byPhone.partitionKey] = phonePartition(complaint.phoneHash);
    attributes[byPhone.sortKey] = instantSortKey(isoInstant(complaint.receivedAt), complaint.id);
  }
  return attributes;
}

function complaintFromItem(item: Item): Complaint {
  const complaint = withoutKeyAttributes(item) as unknown as Complaint;
  // Items stored before the audit trail keep their timeline inline; the next save moves it into the trail.
  return { ...complaint, timeline: complaint.timeline ?? [] };
}

function withoutKeyAttributes(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTE_SET.has(name)));
}

/** The ExclusiveStartKey that resumes an index Query right after this item. */
function itemKey(item: Item, index: IndexDesign): ItemKey {
  const names = [TABLE_KEY.partitionKey, TABLE_KEY.sortKey, index.partitionKey, index.sortKey];
  return Object.fromEntries(names.map((name) => [name, String(item[name])]));
}

function createdSortKey(item: Item): string {
  return String(item[INDEXES.byCreated.sortKey]);
}

/** Index sort keys compare as strings, so every instant in them has the one toISOString form. */
function isoInstant(instant: string): string {
  return new Date(instant).toISOString();
}

function parseInstant(instant: string, path: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms))
    throw new InvalidInput(`${path} is not an instant`, [{ path, message: 'not ISO 8601' }]);
  return new Date(ms).toISOString();
}

/** DynamoDB's ValidationException as the client's InvalidInput (a 400); any other error as it is. */
function asInvalidInput(error: unknown, path: string): unknown {
  if (!(error instanceof Error) || error.name !== 'ValidationException') return error;
  const message = 'the store cannot accept this value';
  return new InvalidInput(message, [{ path, message }]);
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

// ---- filters -------------------------------------------------------------------------------------------

interface ItemFilter {
  status?: Status;
  category?: Category;
  escalated?: boolean;
  registeredBy?: string;
}

interface PartitionWalk {
  index: IndexDesign;
  partition: string;
  newestFirst: boolean;
  filter: ItemFilter;
}

interface ShardReader {
  shard: number;
  /** Matching items read but not yet emitted, newest first. */
  buffer: Item[];
  startKey?: ItemKey;
  /** Sort key of the last item evaluated: the shard's unread items all sort below it. */
  lastEvaluatedSk?: string;
  exhausted: boolean;
}

function hasFilter(filter: ItemFilter): boolean {
  return (
    filter.status !== undefined ||
    filter.category !== undefined ||
    filter.escalated !== undefined ||
    filter.registeredBy !== undefined
  );
}

function withFilter(
  expression: { names: Record<string, string>; values: Record<string, unknown> },
  filter: ItemFilter,
): Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const names = { ...expression.names };
  const values = { ...expression.values };
  const conditions: string[] = [];
  if (filter.status !== undefined) {
    names['#status'] = 'status';
    values[':status'] = filter.status;
    conditions.push('#status = :status');
  }
  if (filter.category !== undefined) {
    names['#category'] = 'category';
    values[':category'] = filter.category;
    conditions.push('#category = :category');
  }
  if (filter.escalated !== undefined) {
    names['#escalationLevel'] = 'escalationLevel';
    values[':level0'] = 0;
    conditions.push(filter.escalated ? '#escalationLevel > :level0' : '#escalationLevel = :level0');
  }
  if (filter.registeredBy !== undefined) {
    names['#registeredBy'] = 'registeredBy';
    values[':registeredBy'] = filter.registeredBy;
    conditions.push('#registeredBy = :registeredBy');
  }
  return {
    FilterExpression: conditions.length === 0 ? undefined : conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The shard whose next unemitted item is the newest. */
function newestHead(shards: ShardReader[]): ShardReader | undefined {
  let newest: ShardReader | undefined;
  for (const shard of shards) {
    const head = shard.buffer[0];
    if (head === undefined) continue;
    if (newest === undefined || createdSortKey(head) > createdSortKey(newest.buffer[0] as Item))
      newest = shard;
  }
  return newest;
}

/** Whether a shard's unread part may hold an item newer than the candidate (it must be read first). */
function mayHoldNewer(shard: ShardReader, candidate: ShardReader | undefined): boolean {
  if (shard.exhausted || shard.buffer.length > 0) return false;
  if (shard.lastEvaluatedSk === undefined || candidate === undefined) return true;
  return shard.lastEvaluatedSk > createdSortKey(candidate.buffer[0] as Item);
}

// ---- cursors -------------------------------------------------------------------------------------------

/** DynamoDB refuses an empty key value and a sort key over 1024 bytes: such a cursor is refused first. */
const ItemKeySchema = z.record(
  z.string(),
  z
    .string()
    .min(1)
    .refine((value) => Buffer.byteLength(value, 'utf8') <= 1024),
);
const CursorSchema = z.discriminatedUnion('walk', [
  z.strictObject({ walk: z.literal('partition'), query: z.string(), after: ItemKeySchema }),
  z.strictObject({ walk: z.literal('created'), query: z.string(), before: z.string().min(1).max(512) }),
  z.strictObject({ walk: z.literal('open'), status: z.enum(OPEN_STATUSES), after: ItemKeySchema.optional() }),
]);
type Cursor = z.infer<typeof CursorSchema>;

/** What a cursor is bound to: a cursor from one query cannot be replayed against another. */
function queryFingerprint(index: IndexDesign, partition: string, filter: ItemFilter): string {
  return JSON.stringify([
    index.indexName,
    partition,
    filter.status,
    filter.category,
    filter.escalated,
    filter.registeredBy,
  ]);
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('the cursor is not one this API issued');
  }
  const parsed = CursorSchema.safeParse(decoded);
  if (!parsed.success) throw invalidCursor('the cursor is not one this API issued');
  return parsed.data;
}

function decodePartitionCursor(cursor: string, fingerprint: string, walk: PartitionWalk): ItemKey {
  const decoded = decodeCursor(cursor);
  if (decoded.walk !== 'partition' || decoded.query !== fingerprint)
    throw invalidCursor('the cursor belongs to another query');
  if (!isResumeKey(decoded.after, walk.index) || decoded.after[walk.index.partitionKey] !== walk.partition) {
    throw invalidCursor('the cursor is not one this API issued');
  }
  return decoded.after;
}

function decodeCreatedCursor(cursor: string, fingerprint: string): string {
  const decoded = decodeCursor(cursor);
  if (decoded.walk !== 'created' || decoded.query !== fingerprint)
    throw invalidCursor('the cursor belongs to another query');
  return decoded.before;
}

interface OpenPosition {
  status: OpenStatus;
  after?: ItemKey;
}

function decodeOpenCursor(cursor: string): OpenPosition {
  const decoded = decodeCursor(cursor);
  if (decoded.walk !== 'open') throw invalidCursor('the cursor belongs to another query');
  const { status, after } = decoded;
  if (
    after !== undefined &&
    (!isResumeKey(after, INDEXES.byStatus) ||
      after[INDEXES.byStatus.partitionKey] !== statusPartition(status))
  ) {
    throw invalidCursor('the cursor is not one this API issued');
  }
  return { status, after };
}

/** A complaint item's key in an index, and nothing else (DynamoDB would reject anything more). */
function isResumeKey(key: ItemKey, index: IndexDesign): boolean {
  const expected = [TABLE_KEY.partitionKey, TABLE_KEY.sortKey, index.partitionKey, index.sortKey].sort();
  const names = Object.keys(key).sort();
  return (
    names.length === expected.length &&
    names.every((name, i) => name === expected[i]) &&
    key[TABLE_KEY.partitionKey]?.startsWith(COMPLAINT_PARTITION_PREFIX) === true &&
    key[TABLE_KEY.sortKey] === COMPLAINT_SORT_KEY
  );
}

function invalidCursor(message: string): InvalidInput {
  return new InvalidInput(message, [{ path: 'cursor', message }]);
}
