// The IncidentStore port on the complaints table (docs/data-model.md, "Mass incidents"): incident heads
// in one partition (pk INCIDENTS, sk INCIDENT#{id}), and under pk INCIDENT#{id} one item per linked
// complaint (LINK#{complaintId}), per timeline event (EVENT#{at}#{eventId}) and per customer told
// (NOTICE#{phoneHash}). None of them carries an index key attribute, so no listing of complaints sees them;
// the area is a nested map for that reason (a top-level outletId would put an incident in byOutlet).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { InvalidInput, VersionConflict } from '#domain/errors';
import type { Incident, IncidentEvent, IncidentLink } from '#domain/incidents';
import type { IncidentPage, IncidentStore } from '#domain/ports';
import {
  INCIDENT_EVENT_PREFIX,
  INCIDENT_LINK_PREFIX,
  INCIDENT_PARTITION,
  INCIDENT_SORT_PREFIX,
  incidentEventKey,
  incidentKey,
  incidentLinkKey,
  incidentNoticeKey,
  incidentPartition,
} from './table-design.ts';

const KEY_FIELDS = ['pk', 'sk'] as const;

function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const field of KEY_FIELDS) delete copy[field];
  return copy as T;
}

const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/** A cursor this store handed out; anything else is the caller's mistake (400), never a 500. */
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new InvalidInput('malformed cursor', [
    { path: 'cursor', message: 'use the nextCursor of a previous page' },
  ]);
}

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

export class DynamoIncidentStore implements IncidentStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #newId: () => string;

  constructor(doc: DynamoDBDocumentClient, tableName: string, newId: () => string) {
    this.#doc = doc;
    this.#tableName = tableName;
    this.#newId = newId;
  }

  async create(incident: Incident): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...incidentKey(incident.id), ...incident },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<Incident | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tableName, Key: incidentKey(id), ConsistentRead: true }),
    );
    return Item ? withoutKeys<Incident>(Item) : undefined;
  }

  async save(incident: Incident, expectedVersion: number): Promise<void> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...incidentKey(incident.id), ...incident },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new VersionConflict(expectedVersion, undefined);
      throw error;
    }
  }

  async list(): Promise<Incident[]> {
    const found: Incident[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': INCIDENT_PARTITION, ':prefix': INCIDENT_SORT_PREFIX },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) found.push(withoutKeys<Incident>(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return found.sort((a, b) => b.declaredAt.localeCompare(a.declaredAt) || a.id.localeCompare(b.id));
  }

  async appendEvent(incidentId: string, event: IncidentEvent): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...incidentEventKey(incidentId, event.at, this.#newId()), ...event },
      }),
    );
  }

  events(incidentId: string, page: { limit: number; cursor?: string }): Promise<IncidentPage<IncidentEvent>> {
    return this.#page<IncidentEvent>(incidentId, INCIDENT_EVENT_PREFIX, page);
  }

  async putLink(link: IncidentLink): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...incidentLinkKey(link.incidentId, link.complaintId), ...link },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async updateLink(
    incidentId: string,
    complaintId: string,
    changes: Partial<Pick<IncidentLink, 'notifiedAt' | 'notice' | 'resolvedAt' | 'outcome' | 'compensation'>>,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const names = Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name]));
    const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: incidentLinkKey(incidentId, complaintId),
        // if_not_exists per field: a retried step never overwrites what the first one recorded.
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  links(
    incidentId: string,
    page: { limit: number; cursor?: string; without?: 'notifiedAt' | 'resolvedAt' },
  ): Promise<IncidentPage<IncidentLink>> {
    return this.#page<IncidentLink>(incidentId, INCIDENT_LINK_PREFIX, page);
  }

  async claimCustomerNotice(incidentId: string, phoneHash: string, complaintId: string): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...incidentNoticeKey(incidentId, phoneHash), complaintId },
          ConditionExpression: 'attribute_not_exists(pk) OR complaintId = :id',
          ExpressionAttributeValues: { ':id': complaintId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Up to `limit` items of one kind under the incident, after the cursor. With `without`, items that have
   * that field are skipped; DynamoDB applies a filter after the page's read, so the walk goes on reading
   * until the page is full or the partition ends (a bounded number of reads: `limit` items per read).
   */
  async #page<T>(
    incidentId: string,
    prefix: string,
    page: { limit: number; cursor?: string; without?: string },
  ): Promise<IncidentPage<T>> {
    const items: T[] = [];
    let start = decodeCursor(page.cursor);
    do {
      const result = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': incidentPartition(incidentId), ':prefix': prefix },
          ...(page.without
            ? {
                FilterExpression: 'attribute_not_exists(#w)',
                ExpressionAttributeNames: { '#w': page.without },
              }
            : {}),
          Limit: page.limit - items.length,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of result.Items ?? []) items.push(withoutKeys<T>(item));
      start = result.LastEvaluatedKey;
    } while (start && items.length < page.limit);
    const nextCursor = encodeCursor(start);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }
}
