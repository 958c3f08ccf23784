// The ReportAggregates port on the complaints table (docs/data-model.md, "Report aggregates").
//
// Counters: pk REPORT#{month}, sk {day}#{dimension}#{value}, one number attribute per metric (`m_{name}`);
// `dimension` names a group of dimensions (`category+type+channel`, `region+outlet`) and `value` the cell's
// values (functions/domain/reports.ts, COUNTER_GROUPS).
// A complaint's contribution is recorded beside it in REPORTED#{id}: the counter facts last added for it
// (functions/domain/reports.ts), so a change adds only the difference, whoever made it, and a later call
// catches up on one that failed. Without transactions (dynalite has none), exactly-once is made of:
//   1. the marker takes the change as `pending` (key `{id}#{version}`, the new facts), conditional on the
//      version it last recorded and on no other change being pending;
//   2. each counter item of the difference: ADD the metrics and the key to `inflight`, conditional on the
//      key not being in `inflight` yet (a retry finds it and adds nothing);
//   3. the marker: facts := pending facts, version := pending version, pending removed (conditional on it);
//   4. each counter item: DELETE the key from `inflight`, so the set holds only changes in progress.
// A call that finds a pending change finishes it first (its difference is the marker's facts to the
// pending facts); a call for a version at or below the recorded one does nothing.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Complaint } from '#domain/complaint';
import type { ReportAggregates } from '#domain/ports';
import {
  counterFacts,
  counterKeyParts,
  factDelta,
  parseCounterKey,
  type CounterFacts,
  type CounterRow,
  type Metrics,
  type ParcelVolume,
} from '#domain/reports';
import {
  parcelMonthPartition,
  parcelVolumeKey,
  reportCounterKey,
  reportedKey,
  reportMonthPartition,
} from './table-design.ts';

const METRIC_PREFIX = 'm_';
const MAX_ATTEMPTS = 5;

interface Marker {
  version: number;
  facts: CounterFacts;
  pending?: { key: string; version: number; facts: CounterFacts };
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

export class DynamoReportAggregates implements ReportAggregates {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#tableName = tableName;
  }

  async record(complaint: Complaint): Promise<void> {
    const facts = counterFacts(complaint);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const marker = await this.#marker(complaint.id);
      if (marker?.pending) {
        await this.#finish(complaint.id, marker);
        continue;
      }
      const recorded = marker?.version ?? 0;
      if (recorded >= complaint.version) return;
      const delta = factDelta(marker?.facts ?? {}, facts);
      // Nothing the reports count changed: the recorded facts stay true, no write.
      if (Object.keys(delta).length === 0) return;
      const pending = { key: `${complaint.id}#${complaint.version}`, version: complaint.version, facts };
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: { ...reportedKey(complaint.id), version: recorded, facts: marker?.facts ?? {}, pending },
            ConditionExpression:
              marker === undefined
                ? 'attribute_not_exists(#pk)'
                : '#version = :recorded AND attribute_not_exists(#pending)',
            ExpressionAttributeNames:
              marker === undefined ? { '#pk': 'pk' } : { '#version': 'version', '#pending': 'pending' },
            ...(marker === undefined ? {} : { ExpressionAttributeValues: { ':recorded': recorded } }),
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) continue; // another writer moved the marker: read it again
        throw error;
      }
      await this.#finish(complaint.id, { version: recorded, facts: marker?.facts ?? {}, pending });
      return;
    }
    throw new Error(`report counters of ${complaint.id}: the marker kept changing`);
  }

  async #marker(complaintId: string): Promise<Marker | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tableName, Key: reportedKey(complaintId), ConsistentRead: true }),
    );
    return Item as Marker | undefined;
  }

  async #finish(complaintId: string, marker: Marker): Promise<void> {
    const pending = marker.pending;
    if (pending === undefined) return;
    const delta = factDelta(marker.facts, pending.facts);
    await Promise.all(Object.entries(delta).map(([key, metrics]) => this.#add(key, metrics, pending.key)));
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: reportedKey(complaintId),
          UpdateExpression: 'SET #facts = :facts, #version = :version REMOVE #pending',
          ConditionExpression: '#pending.#key = :key',
          ExpressionAttributeNames: {
            '#facts': 'facts',
            '#version': 'version',
            '#pending': 'pending',
            '#key': 'key',
          },
          ExpressionAttributeValues: {
            ':facts': pending.facts,
            ':version': pending.version,
            ':key': pending.key,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // someone else finished it
    }
    await Promise.all(Object.keys(delta).map((key) => this.#settle(key, pending.key)));
  }

  /** Step 2: the metrics once per change key. */
  async #add(counter: string, metrics: Metrics, changeKey: string): Promise<void> {
    const { day, dimension, value } = counterKeyParts(counter);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':change': new Set([changeKey]), ':key': changeKey };
    const adds = Object.entries(metrics).map(([name, delta], i) => {
      names[`#m${i}`] = `${METRIC_PREFIX}${name}`;
      values[`:m${i}`] = delta;
      return `#m${i} :m${i}`;
    });
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: reportCounterKey(day, dimension, value),
          UpdateExpression: `SET #day = :day, #dimension = :dimension, #value = :value ADD #inflight :change, ${adds.join(', ')}`,
          ConditionExpression: 'NOT contains(#inflight, :key)',
          ExpressionAttributeNames: {
            ...names,
            '#inflight': 'inflight',
            '#day': 'day',
            '#dimension': 'dimension',
            '#value': 'value',
          },
          ExpressionAttributeValues: { ...values, ':day': day, ':dimension': dimension, ':value': value },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // added already by an earlier attempt
    }
  }

  /** Step 4: the change is recorded in the marker; the counter forgets its key. */
  async #settle(counter: string, changeKey: string): Promise<void> {
    const { day, dimension, value } = counterKeyParts(counter);
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: reportCounterKey(day, dimension, value),
        UpdateExpression: 'DELETE #inflight :change',
        ExpressionAttributeNames: { '#inflight': 'inflight' },
        ExpressionAttributeValues: { ':change': new Set([changeKey]) },
      }),
    );
  }

  async counters(
    months: readonly string[],
    fromDay: string,
    toDay: string,
  ): Promise<{ rows: CounterRow[]; requests: number }> {
    const { items, requests } = await this.#queryMonths(months, (month) => ({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: {
        ':pk': reportMonthPartition(month),
        ':from': `${fromDay}#`,
        ':to': `${toDay}#\uffff`,
      },
    }));
    return { rows: items.map(counterRow), requests };
  }

  async putVolume(volume: ParcelVolume): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...parcelVolumeKey(volume.month, volume.outletId), ...volume },
      }),
    );
  }

  async volumes(months: readonly string[]): Promise<{ items: ParcelVolume[]; requests: number }> {
    const { items, requests } = await this.#queryMonths(months, (month) => ({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': parcelMonthPartition(month) },
    }));
    return {
      items: items.map((item) => ({
        month: String(item.month),
        outletId: String(item.outletId),
        ...(typeof item.regionId === 'string' ? { regionId: item.regionId } : {}),
        parcels: Number(item.parcels),
      })),
      requests,
    };
  }

  /** Every item of one Query per month, page after page; `requests` counts the Query calls. */
  async #queryMonths(
    months: readonly string[],
    query: (month: string) => Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<{ items: Record<string, unknown>[]; requests: number }> {
    const items: Record<string, unknown>[] = [];
    let requests = 0;
    for (const month of months) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.#doc.send(
          new QueryCommand({
            TableName: this.#tableName,
            ...query(month),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        requests++;
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return { items, requests };
  }
}

/** A counter item as the adapter stores it (for tools that load counters computed elsewhere, and tests). */
export function counterItem(key: string, metrics: Metrics): Record<string, unknown> {
  const { day, dimension, value } = counterKeyParts(key);
  return {
    ...reportCounterKey(day, dimension, value),
    day,
    dimension,
    value,
    ...Object.fromEntries(Object.entries(metrics).map(([name, n]) => [`${METRIC_PREFIX}${name}`, n])),
  };
}

function counterRow(item: Record<string, unknown>): CounterRow {
  const metrics: Metrics = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(METRIC_PREFIX) && typeof value === 'number' && value !== 0) {
      metrics[name.slice(METRIC_PREFIX.length)] = value;
    }
  }
  // A cell of a group of dimensions, or (written before the groups) one dimension's value.
  return {
    ...parseCounterKey(`${String(item.day)}|${String(item.dimension)}|${String(item.value)}`),
    metrics,
  };
}
