// ComplaintStore on DynamoDB (one table, docs/data-model.md). Every state change is one conditional PutItem
// of the complaint item, the commit point: dynalite has no transactions. The timeline is the audit trail,
// one item per event beside the complaint (dynamo-audit-trail.ts), written idempotently after the commit.
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { STATUSES, type ClockState, type Complaint, type OpenStatus } from '#domain/complaint';
import { isCustomerLimit } from '#domain/clocks';
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
import { PACK_DICTIONARY_1 } from './complaint-pack-dictionary.ts';
import { chainHead, DynamoAuditTrail } from './dynamo-audit-trail.ts';
import {
  COMPLAINT_PARTITION_PREFIX,
  COMPLAINT_SORT_KEY,
  FILTER_ATTRIBUTES,
  INDEXES,
  KEY_ATTRIBUTES,
  LIST_SHARDS,
  OVERDUE_PARTITION,
  FOLLOW_UP_PARTITION,
  PAYMENT_PARTITION,
  STATUS_SHARDS,
  TABLE_KEY,
  TTL_ATTRIBUTE,
  complaintKey,
  createdPartition,
  idempotencyKey,
  instantSortKey,
  linkTokenKey,
  listShard,
  outletPartition,
  ownerPartition,
  phonePartition,
  regionPartition,
  shortIdPartition,
  statusPartition,
  statusPartitions,
  statusShard,
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
/** The reconciler's walk: every shard of every open status, one after another. */
const OPEN_QUEUES = OPEN_STATUSES.flatMap((status) =>
  Array.from({ length: STATUS_SHARDS }, (_, shard) => ({ status, shard })),
);
/** BatchGetItem's limit of keys per call. */
const BATCH_GET_LIMIT = 100;

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

/** An open follow-up's due time (回访 not yet recorded): what the follow-up worklist is ordered by. */
export function openFollowUpDue(complaint: Complaint): string | undefined {
  const followUp = complaint.followUp;
  return followUp !== undefined && followUp.outcome === undefined ? followUp.dueAt : undefined;
}

/** An accepted, unpaid claim's payBy: what the payment worklist is ordered by. */
export function awaitedPaymentDue(complaint: Complaint): string | undefined {
  const claim = complaint.claim;
  return claim?.status === 'accepted' ? claim.payBy : undefined;
}

/**
 * Overdue: the workflow has recorded a breach of an SLA clock that still runs (the stage or the answer is
 * late and not yet done). Since when: the earliest such deadline. Undefined when nothing is overdue.
 */
export function overdueSinceForIndex(complaint: Complaint): string | undefined {
  if (complaint.status === 'closed') return undefined;
  return Object.values(complaint.clocks)
    .flatMap((clock) =>
      clock === undefined ||
      clock.stoppedAt !== undefined ||
      clock.breachedAt === undefined ||
      isCustomerLimit(clock.name)
        ? []
        : [clock.breachedAt],
    )
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
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
    return this.walk(planWalk(query), query.limit, query.cursor);
  }

  async findByPhoneHash(phoneHash: string, since: string): Promise<Complaint[]> {
    if (phoneHash === '') return [];
    const sinceInstant = parseInstant(since, 'since');
    const index = INDEXES.byPhone;
    const keys: Item[] = [];
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
      keys.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey as ItemKey | undefined;
    } while (startKey !== undefined);
    return this.complaintsFromItems(await this.hydrate(keys));
  }

  async listOpen(cursor?: string): Promise<ComplaintPage> {
    const position: OpenPosition =
      cursor === undefined ? { status: 'received', shard: 0 } : decodeOpenCursor(cursor);
    const index = INDEXES.byStatus;
    const keys: Item[] = [];
    let at = OPEN_QUEUES.findIndex((q) => q.status === position.status && q.shard === position.shard);
    let startKey = position.after;
    for (let queries = 0; queries < this.maxQueriesPerPage && keys.length < OPEN_PAGE_SIZE; queries++) {
      const queue = OPEN_QUEUES[at];
      if (queue === undefined) break;
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': statusPartition(queue.status, queue.shard) },
          Limit: OPEN_PAGE_SIZE - keys.length,
          ExclusiveStartKey: startKey,
        }),
      );
      keys.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey as ItemKey | undefined;
      if (startKey === undefined) at++;
    }
    const next = OPEN_QUEUES[at];
    return {
      items: await this.complaintsFromItems(await this.hydrate(keys)),
      nextCursor:
        next === undefined
          ? undefined
          : encodeCursor({ walk: 'open', status: next.status, shard: next.shard, after: startKey }),
    };
  }

  /**
   * One listing: a k-way merge over the walk's partitions (one or several shards) in the walk's order. An
   * item is emitted only once no partition can still hold one that comes before it, so pages never skip or
   * repeat; the cursor is the last emitted sort key, one position in that order valid for every partition.
   */
  private async walk(walk: Walk, limit: number, cursor?: string): Promise<ComplaintPage> {
    const fingerprint = queryFingerprint(walk);
    const after = cursor === undefined ? undefined : decodeMergeCursor(cursor, fingerprint);
    const filtered = hasFilter(walk.filter);
    const single = walk.partitions.length === 1;
    const batch = filtered
      ? this.filteredBatchSize
      : single
        ? limit + 1
        : Math.ceil(limit / walk.partitions.length) + 2;
    const budget = Math.max(this.maxQueriesPerPage, walk.partitions.length);
    const readers: PartitionReader[] = walk.partitions.map((partition) => ({
      partition,
      buffer: [],
      exhausted: false,
    }));
    const ahead = (a: string, b: string): boolean => (walk.descending ? a > b : a < b);
    const emitted: Entry[] = [];
    let queries = 0;
    let stoppedAt: string | undefined;
    while (emitted.length < limit) {
      const candidate = firstReader(readers, ahead);
      const candidateSk = candidate?.buffer[0]?.sk;
      const blocking = readers.filter(
        (r) =>
          !r.exhausted &&
          r.buffer.length === 0 &&
          (r.lastEvaluatedSk === undefined ||
            candidateSk === undefined ||
            ahead(r.lastEvaluatedSk, candidateSk)),
      );
      if (blocking.length === 0) {
        if (candidate === undefined) break;
        emitted.push(candidate.buffer.shift() as Entry);
        continue;
      }
      if (queries + blocking.length > budget) {
        // Everything up to the least advanced unread position has been evaluated and emitted.
        stoppedAt = blocking
          .map((r) => r.lastEvaluatedSk as string)
          .reduce((least, sk) => (ahead(sk, least) ? sk : least));
        break;
      }
      queries += blocking.length;
      await Promise.all(
        blocking.map((r) => this.readPartition(walk, r, after, filtered ? batch : Math.max(batch, 1))),
      );
    }
    const last = emitted.at(-1);
    const more = readers.some((r) => !r.exhausted || r.buffer.length > 0);
    const nextAfter = stoppedAt ?? (more && last !== undefined ? last.sk : undefined);
    return {
      items: await this.complaintsFromItems(emitted.map((entry) => entry.item)),
      nextCursor:
        nextAfter === undefined
          ? undefined
          : encodeCursor({ walk: 'merge', query: fingerprint, after: nextAfter }),
    };
  }

  /** Reads one batch of a partition: keys (and, for the queues, filter attributes), then whole matches. */
  private async readPartition(
    walk: Walk,
    reader: PartitionReader,
    after: string | undefined,
    batch: number,
  ): Promise<void> {
    const { index } = walk;
    const bounds = effectiveBounds(walk, after);
    const condition = sortKeyCondition(bounds);
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: condition.expression ? `#pk = :pk AND ${condition.expression}` : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': index.partitionKey,
          ...(condition.expression ? { '#sk': index.sortKey } : {}),
        },
        ExpressionAttributeValues: { ':pk': reader.partition, ...condition.values },
        ScanIndexForward: !walk.descending,
        Limit: batch,
        ExclusiveStartKey: reader.startKey,
      }),
    );
    const inBounds = (page.Items ?? []).filter((item) => withinBounds(String(item[index.sortKey]), bounds));
    // The queues project the filter attributes: non-matches are dropped before fetching whole items.
    const candidates =
      index.projection === 'INCLUDE'
        ? inBounds.filter((item) => matchesFilter(item, walk.filter, false))
        : inBounds;
    const whole = await this.hydrate(candidates);
    const byPk = new Map(whole.map((item) => [String(item[TABLE_KEY.partitionKey]), item]));
    for (const entry of candidates) {
      const item = byPk.get(String(entry[TABLE_KEY.partitionKey]));
      if (item !== undefined && matchesFilter(item, walk.filter, true)) {
        reader.buffer.push({ sk: String(entry[index.sortKey]), item });
      }
    }
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
    const { [PERSONAL_DATA_ATTRIBUTE]: stored, ...rest } = unpackItem(item);
    const complaint = complaintFromItem(rest);
    const sealed = sealedText(stored);
    if (sealed === undefined) return complaint;
    const personal = await this.cipher.open(complaint.id, sealed);
    return { ...complaint, customer: { ...complaint.customer, ...personal } };
  }

  private complaintsFromItems(items: Item[]): Promise<Complaint[]> {
    return Promise.all(items.map((item) => this.complaintFromItem(item)));
  }

  /** The whole complaint items for index entries (BatchGetItem, 100 keys a call), in the entries' order. */
  private async hydrate(entries: Item[]): Promise<Item[]> {
    const found = new Map<string, Item>();
    for (let start = 0; start < entries.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = entries
        .slice(start, start + BATCH_GET_LIMIT)
        .map((entry) => ({
          [TABLE_KEY.partitionKey]: entry[TABLE_KEY.partitionKey],
          [TABLE_KEY.sortKey]: entry[TABLE_KEY.sortKey],
        }));
      for (let attempt = 0; keys !== undefined && keys.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const result: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          found.set(String(item[TABLE_KEY.partitionKey]), item);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return entries.flatMap((entry) => {
      const item = found.get(String(entry[TABLE_KEY.partitionKey]));
      return item === undefined ? [] : [unpackItem(item)];
    });
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
  return packItem({
    ...fields,
    customer: contact,
    [PERSONAL_DATA_ATTRIBUTE]: sealedAttribute(personalData),
    ...complaintKey(complaint.id),
    ...indexAttributes(complaint),
  });
}

/** The text form of an AWS Encryption SDK message the cipher seals (`esdk1:` and base64). */
const ESDK_TEXT = 'esdk1:';

/**
 * The sealed personal data as stored: an Encryption SDK message as its bytes (Binary), a quarter smaller
 * than its base64 text; any other sealed form as it is.
 */
function sealedAttribute(sealed: string): string | Uint8Array {
  return sealed.startsWith(ESDK_TEXT) ? Buffer.from(sealed.slice(ESDK_TEXT.length), 'base64') : sealed;
}

/** The sealed text the cipher opens, from the attribute as stored now (Binary) or before (text). */
function sealedText(stored: unknown): string | undefined {
  if (stored instanceof Uint8Array) return ESDK_TEXT + Buffer.from(stored).toString('base64');
  return typeof stored === 'string' ? stored : undefined;
}

/** The attribute holding the complaint's cold fields, compressed (docs/data-model.md, "Packed fields"). */
export const PACKED_ATTRIBUTE = 'packed';
const PACKED_UNFLUSHED = 'chain.unflushed';
const PACKED_HASH = 'chain.hash';

/**
 * What stays a plain attribute of the complaint item: keys and index keys, the attributes the status
 * queues project and listings filter on (the whole-item filters are checked after unpacking), what a
 * condition reads (`version`, `chain.seq`), the sealed
 * personal data (incompressible), `customer` (contact preferences, without phone or name) and `stage`
 * (small; operators' tools and tests read and fence its callback token in place).
 */
const PLAIN_ATTRIBUTES = new Set<string>([
  ...KEY_ATTRIBUTES,
  ...FILTER_ATTRIBUTES,
  TABLE_KEY.partitionKey,
  TABLE_KEY.sortKey,
  'id',
  'version',
  'trackingNumber',
  'shortId',
  'chain',
  'customer',
  'stage',
  PERSONAL_DATA_ATTRIBUTE,
]);

/** The packed attribute's format, its first byte: 1 = raw DEFLATE of JSON with PACK_DICTIONARY_1. */
const PACK_FORMAT = 1;

/**
 * Every other field (clocks, outbox, resolution, claim, the unflushed events…) goes into one Binary
 * attribute: JSON, raw DEFLATE with a preset dictionary. DynamoDB bills a save by the item's size in
 * started KB, and these fields, names, ISO instants and hashes, shrink to about a quarter. The condition on
 * `chain.seq` still reads a plain `chain` (`seq`); its `hash` and `unflushed` events are packed.
 */
function packItem(item: Item): Item {
  const plain: Item = {};
  const cold: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (PLAIN_ATTRIBUTES.has(name)) plain[name] = value;
    else if (value !== undefined) cold[name] = value;
  }
  const chain = plain.chain as { seq?: unknown; hash?: unknown; unflushed?: unknown } | undefined;
  if (chain !== undefined) {
    const { hash, unflushed, ...head } = chain;
    if (hash !== undefined) cold[PACKED_HASH] = hash;
    if (unflushed !== undefined) cold[PACKED_UNFLUSHED] = unflushed;
    plain.chain = head;
  }
  if (Object.keys(cold).length === 0) return plain;
  const json = Buffer.from(JSON.stringify(cold), 'utf8');
  const deflated = deflateRawSync(json, { level: 9, dictionary: PACK_DICTIONARY_1 });
  plain[PACKED_ATTRIBUTE] = Buffer.concat([Buffer.of(PACK_FORMAT), deflated]);
  return plain;
}

/** The item with its packed fields back in place; an item written before packing reads as it is. */
export function unpackItem(item: Item): Item {
  const packed = item[PACKED_ATTRIBUTE];
  if (!(packed instanceof Uint8Array)) return item;
  const { [PACKED_ATTRIBUTE]: _packed, ...plain } = item;
  if (packed[0] !== PACK_FORMAT) throw new Error(`complaint item packed in unknown format ${packed[0]}`);
  const json = inflateRawSync(packed.subarray(1), { dictionary: PACK_DICTIONARY_1 });
  const cold = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  const { [PACKED_UNFLUSHED]: unflushed, [PACKED_HASH]: hash, ...fields } = cold;
  const unpacked: Item = { ...plain, ...fields };
  if (unflushed !== undefined || hash !== undefined) {
    unpacked.chain = {
      ...(plain.chain as object),
      ...(hash === undefined ? {} : { hash }),
      ...(unflushed === undefined ? {} : { unflushed }),
    };
  }
  return unpacked;
}

/** The index keys of a complaint; an index whose key value is missing leaves the item out (sparse). */
export function indexAttributes(complaint: Complaint): ItemKey {
  const { byStatus, byPhone, byCreated, byOverdue } = INDEXES;
  const received = instantSortKey(isoInstant(complaint.receivedAt), complaint.id);
  const attributes: ItemKey = {
    [byStatus.partitionKey]: statusPartition(complaint.status, statusShard(complaint.id)),
    [byStatus.sortKey]: instantSortKey(isoInstant(stageDeadlineForIndex(complaint)), complaint.id),
    [byCreated.partitionKey]: createdPartition(listShard(complaint.id)),
    [byCreated.sortKey]: instantSortKey(isoInstant(complaint.createdAt), complaint.id),
  };
  // Indexes keyed by a complaint field (byTracking, byShortId, byOutlet, byRegion, byOwner) need only the
  // shared sort key; an item without the field is not in them.
  attributes.receivedSk = received;
  const sparse: [IndexDesign, string | undefined, string][] = [
    [byPhone, complaint.phoneHash ? phonePartition(complaint.phoneHash) : undefined, received],
  ];
  const overdueSince = overdueSinceForIndex(complaint);
  if (overdueSince !== undefined) {
    sparse.push([byOverdue, OVERDUE_PARTITION, instantSortKey(isoInstant(overdueSince), complaint.id)]);
  }
  // The worklists: an open follow-up by its due time, an accepted claim by its payBy.
  const followUpDue = openFollowUpDue(complaint);
  if (followUpDue !== undefined) {
    sparse.push([
      INDEXES.byFollowUp,
      FOLLOW_UP_PARTITION,
      instantSortKey(isoInstant(followUpDue), complaint.id),
    ]);
  }
  const payBy = awaitedPaymentDue(complaint);
  if (payBy !== undefined) {
    sparse.push([INDEXES.byPayment, PAYMENT_PARTITION, instantSortKey(isoInstant(payBy), complaint.id)]);
  }
  for (const [index, partition, sortKey] of sparse) {
    if (partition === undefined) continue;
    attributes[index.partitionKey] = partition;
    attributes[index.sortKey] = sortKey;
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

// ---- walks and filters ---------------------------------------------------------------------------------

/** Every filter a listing takes; each is checked on the whole item, whatever index serves the walk. */
type ItemFilter = Omit<ComplaintQuery, 'limit' | 'cursor'>;

interface Walk {
  index: IndexDesign;
  partitions: string[];
  descending: boolean;
  /** Sort key range: `from` inclusive, `before` exclusive (instants; `instant#id` keys compare after them). */
  from?: string;
  before?: string;
  /**
   * A second exclusive end that is not part of the query a cursor is bound to: the instant an `overdue`
   * worklist is judged at. It only grows between pages, and the walk is ascending, so a later page's
   * larger horizon admits entries after the cursor only.
   */
  horizon?: string;
  filter: ItemFilter;
}

interface Entry {
  /** The index sort key the entry was read under: its position in the walk's order. */
  sk: string;
  item: Item;
}

interface PartitionReader {
  partition: string;
  /** Matching items read but not yet emitted, in walk order. */
  buffer: Entry[];
  startKey?: ItemKey;
  /** Sort key of the last item evaluated: the partition's unread items all come after it. */
  lastEvaluatedSk?: string;
  exhausted: boolean;
}

/** How far back receivedAt may lie before registration (the intake rule): bounds a received range on createdAt. */
const RECEIVED_BEFORE_CREATED_MS = 31 * 86_400_000;

/**
 * The index that serves a query, most selective first; every other filter is checked on the items read
 * (a bounded query: at most the page's read budget). docs/data-model.md lists the choices.
 */
export function planWalk(query: ComplaintQuery): Walk {
  const filter: ItemFilter = { ...query };
  delete (filter as Partial<ComplaintQuery>).limit;
  delete (filter as Partial<ComplaintQuery>).cursor;
  delete (filter as Partial<ComplaintQuery>).asOf;
  for (const key of Object.keys(filter) as (keyof ItemFilter)[]) {
    if (filter[key] === undefined) delete filter[key];
  }
  const received = { from: iso(query.receivedFrom), before: iso(query.receivedBefore) };
  const byReceived = (index: IndexDesign, partition: string): Walk => ({
    index,
    partitions: [partition],
    descending: true,
    ...defined(received),
    filter,
  });
  if (query.shortId !== undefined) return byReceived(INDEXES.byShortId, shortIdPartition(query.shortId));
  if (query.trackingNumber !== undefined)
    return byReceived(INDEXES.byTracking, trackingPartition(query.trackingNumber));
  // The worklists: open follow-ups, claims awaiting payment, earliest due first (docs/data-model.md).
  if (query.followUp !== undefined || query.payment !== undefined) {
    const followUp = query.followUp !== undefined;
    const overdue = (query.followUp ?? query.payment) === 'overdue';
    return {
      index: followUp ? INDEXES.byFollowUp : INDEXES.byPayment,
      partitions: [followUp ? FOLLOW_UP_PARTITION : PAYMENT_PARTITION],
      descending: false,
      ...defined({ before: iso(query.dueBefore) }),
      // Due at or before asOf: '~' sorts after every id, so `{asOf}#{id}` keys fall below the horizon.
      ...(overdue ? { horizon: `${iso(query.asOf) ?? new Date().toISOString()}#~` } : {}),
      filter,
    };
  }
  if (query.overdue === true)
    return { index: INDEXES.byOverdue, partitions: [OVERDUE_PARTITION], descending: false, filter };
  const closedRange = query.closedFrom !== undefined || query.closedBefore !== undefined;
  if (query.status !== undefined || closedRange) {
    const status = query.status ?? 'closed';
    // Open queues: most urgent deadline first; closed: most recently closed first, by closedAt.
    return {
      index: INDEXES.byStatus,
      partitions: statusPartitions(status),
      descending: status === 'closed',
      ...(status === 'closed'
        ? defined({ from: iso(query.closedFrom), before: iso(query.closedBefore) })
        : {}),
      filter,
    };
  }
  if (query.owner !== undefined) return byReceived(INDEXES.byOwner, ownerPartition(query.owner));
  if (query.outletId !== undefined) return byReceived(INDEXES.byOutlet, outletPartition(query.outletId));
  if (query.regionId !== undefined) return byReceived(INDEXES.byRegion, regionPartition(query.regionId));
  // Everything, newest created first. A received range bounds creation too: registration follows receipt
  // by at most the intake's 30 days.
  const createdBefore =
    received.before === undefined
      ? undefined
      : new Date(Date.parse(received.before) + RECEIVED_BEFORE_CREATED_MS).toISOString();
  return {
    index: INDEXES.byCreated,
    partitions: Array.from({ length: LIST_SHARDS }, (_, shard) => createdPartition(shard)),
    descending: true,
    ...defined({ from: received.from, before: createdBefore }),
    filter,
  };
}

function iso(instant: string | undefined): string | undefined {
  return instant === undefined ? undefined : parseInstant(instant, 'range');
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Bound {
  key: string;
  inclusive: boolean;
}

/** The walk's range narrowed by the cursor's position (exclusive, on the side the walk moves from). */
function effectiveBounds(walk: Walk, after: string | undefined): { lower?: Bound; upper?: Bound } {
  let lower: Bound | undefined = walk.from === undefined ? undefined : { key: walk.from, inclusive: true };
  const ends = [walk.before, walk.horizon].filter((end): end is string => end !== undefined);
  let upper: Bound | undefined =
    ends.length === 0 ? undefined : { key: ends.reduce((a, b) => (a < b ? a : b)), inclusive: false };
  if (after !== undefined) {
    if (walk.descending) {
      if (upper === undefined || after <= upper.key) upper = { key: after, inclusive: false };
    } else if (lower === undefined || after >= lower.key) {
      lower = { key: after, inclusive: false };
    }
  }
  return { ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) };
}

/** DynamoDB takes one sort key condition: BETWEEN is inclusive, so exclusive ends are dropped after the read. */
function sortKeyCondition(bounds: { lower?: Bound; upper?: Bound }): {
  expression?: string;
  values: Record<string, string>;
} {
  const { lower, upper } = bounds;
  if (lower && upper) {
    return {
      expression: '#sk BETWEEN :lower AND :upper',
      values: { ':lower': lower.key, ':upper': upper.key },
    };
  }
  if (lower)
    return { expression: `#sk ${lower.inclusive ? '>=' : '>'} :lower`, values: { ':lower': lower.key } };
  if (upper)
    return { expression: `#sk ${upper.inclusive ? '<=' : '<'} :upper`, values: { ':upper': upper.key } };
  return { values: {} };
}

function withinBounds(sk: string, bounds: { lower?: Bound; upper?: Bound }): boolean {
  const { lower, upper } = bounds;
  if (lower && (lower.inclusive ? sk < lower.key : sk <= lower.key)) return false;
  if (upper && (upper.inclusive ? sk > upper.key : sk >= upper.key)) return false;
  return true;
}

function hasFilter(filter: ItemFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

/**
 * Whether an item matches. `whole` false: only the projected filter attributes are there (a queue entry),
 * so the checks that need the whole complaint wait for it.
 */
function matchesFilter(item: Item, filter: ItemFilter, whole: boolean): boolean {
  const equal = (name: string, value: unknown): boolean => value === undefined || item[name] === value;
  const inRange = (value: unknown, from?: string, before?: string): boolean => {
    if (from === undefined && before === undefined) return true;
    if (typeof value !== 'string') return false;
    const at = isoInstant(value);
    return (
      (from === undefined || at >= isoInstant(from)) && (before === undefined || at < isoInstant(before))
    );
  };
  const level = typeof item.escalationLevel === 'number' ? item.escalationLevel : 0;
  const checks = [
    equal('status', filter.status),
    equal('category', filter.category),
    filter.type === undefined || (item.type ?? 'complaint') === filter.type,
    equal('channel', filter.channel),
    equal('outletId', filter.outletId),
    equal('regionId', filter.regionId),
    equal('owner', filter.owner),
    filter.escalated === undefined || level > 0 === filter.escalated,
    filter.escalationLevel === undefined || level === filter.escalationLevel,
    inRange(item.receivedAt, filter.receivedFrom, filter.receivedBefore),
    inRange(item.closedAt, filter.closedFrom, filter.closedBefore),
  ];
  if (!checks.every(Boolean)) return false;
  if (!whole) return true;
  const complaint = item as unknown as Complaint;
  return (
    equal('trackingNumber', filter.trackingNumber) &&
    equal('shortId', filter.shortId) &&
    equal('registeredBy', filter.registeredBy) &&
    (filter.followUp === undefined || openFollowUpDue(complaint) !== undefined) &&
    (filter.payment === undefined || awaitedPaymentDue(complaint) !== undefined) &&
    (filter.overdue === undefined || (overdueSinceForIndex(complaint) !== undefined) === filter.overdue)
  );
}

/** The partition whose next unemitted entry comes first in the walk's order. */
function firstReader(
  readers: PartitionReader[],
  ahead: (a: string, b: string) => boolean,
): PartitionReader | undefined {
  let first: PartitionReader | undefined;
  for (const reader of readers) {
    const head = reader.buffer[0];
    if (head === undefined) continue;
    if (first === undefined || ahead(head.sk, (first.buffer[0] as Entry).sk)) first = reader;
  }
  return first;
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
/** A position is an index sort key: `{ISO instant}#{id}`, nothing else reaches a key condition. */
const PositionSchema = z
  .string()
  .max(512)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9A-Za-z]{1,64}$/);
const CursorSchema = z.discriminatedUnion('walk', [
  z.strictObject({ walk: z.literal('merge'), query: z.string(), after: PositionSchema }),
  z.strictObject({
    walk: z.literal('open'),
    status: z.enum(OPEN_STATUSES),
    shard: z
      .number()
      .int()
      .min(0)
      .max(STATUS_SHARDS - 1),
    after: ItemKeySchema.optional(),
  }),
]);
type Cursor = z.infer<typeof CursorSchema>;

/** What a cursor is bound to: a cursor from one query cannot be replayed against another. */
function queryFingerprint(walk: Walk): string {
  const filter = Object.entries(walk.filter).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      JSON.stringify([
        walk.index.indexName,
        walk.partitions,
        walk.descending,
        walk.from,
        walk.before,
        filter,
      ]),
    )
    .digest('base64url')
    .slice(0, 22);
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

function decodeMergeCursor(cursor: string, fingerprint: string): string {
  const decoded = decodeCursor(cursor);
  if (decoded.walk !== 'merge' || decoded.query !== fingerprint)
    throw invalidCursor('the cursor belongs to another query');
  return decoded.after;
}

interface OpenPosition {
  status: OpenStatus;
  shard: number;
  after?: ItemKey;
}

function decodeOpenCursor(cursor: string): OpenPosition {
  const decoded = decodeCursor(cursor);
  if (decoded.walk !== 'open') throw invalidCursor('the cursor belongs to another query');
  const { status, shard, after } = decoded;
  if (
    after !== undefined &&
    (!isResumeKey(after, INDEXES.byStatus) ||
      after[INDEXES.byStatus.partitionKey] !== statusPartition(status, shard))
  ) {
    throw invalidCursor('the cursor is not one this API issued');
  }
  return after === undefined ? { status, shard } : { status, shard, after };
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
