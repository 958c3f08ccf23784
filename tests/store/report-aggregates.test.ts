// The report counters on the local DynamoDB: a complaint's states recorded one after another end at its own
// facts; a change cut off half way (some counters added, the marker not moved) and then retried, repeated,
// raced or overtaken by a newer version never counts twice; the in-flight sets empty out; a month's report
// read back from the table equals the one built from the same counters in memory, in a few reads.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReportAggregates } from '#adapters/dynamo-report-aggregates';
import type { Complaint } from '#domain/complaint';
import {
  addFacts,
  buildReport,
  counterFacts,
  factDelta,
  parseCounterKey,
  reportPeriod,
  type CounterFacts,
} from '#domain/reports';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { loadCounters } from '../support/report-counters.ts';
import { generateHistories } from '../support/report-complaints.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
});

/** A client whose counter updates fail after `allowed` of them went through (a Lambda cut off mid-change). */
function failingAfter(doc: DynamoDBDocumentClient, allowed: number): DynamoDBDocumentClient {
  let left = allowed;
  return new Proxy(doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: { input: { Key?: { pk?: string }; UpdateExpression?: string } }) => {
        const counterAdd =
          String(command.input.Key?.pk ?? '').startsWith('REPORT#') &&
          String(command.input.UpdateExpression ?? '').includes('ADD');
        if (counterAdd && left-- <= 0) return Promise.reject(new Error('connection reset'));
        return target.send(command as never);
      };
    },
  });
}

/** Every counter item of the table's months, as counter facts (zero metrics dropped), with in-flight keys. */
async function storedCounters(
  table: string,
  months: string[],
): Promise<{ counters: CounterFacts; inflight: number }> {
  const reports = new DynamoReportAggregates(dynamo.doc, table);
  const { rows } = await reports.counters(months, `${months[0]}-01`, `${months[months.length - 1]}-31`);
  const counters: CounterFacts = {};
  for (const row of rows) {
    if (Object.keys(row.metrics).length > 0) counters[row.key] = row.metrics;
  }
  let inflight = 0;
  for (const month of months) {
    const page = await dynamo.doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `REPORT#${month}` },
      }),
    );
    for (const item of page.Items ?? []) inflight += (item.inflight as Set<string> | undefined)?.size ?? 0;
  }
  return { counters, inflight };
}

const expectedOf = (finals: Complaint[]): CounterFacts =>
  finals.reduce((all, c) => addFacts(all, counterFacts(c)), {} as CounterFacts);

describe('DynamoReportAggregates', () => {
  it('records every state, survives cut-off changes, repeats, races and stale versions without double counts', async () => {
    // Prepare: 40 complaints of April, each with its states.
    await dynamo.createTable('reports-idempotency');
    const table = 'reports-idempotency';
    const histories = generateHistories(40, '2026-04', 99);
    const reports = new DynamoReportAggregates(dynamo.doc, table);

    // Act
    for (const [i, states] of histories.entries()) {
      for (const [n, state] of states.entries()) {
        if (i % 3 === 0 && n === 1) {
          // Cut off after one of its two counter updates: the change stays pending, then a retry finishes it.
          await expect(
            new DynamoReportAggregates(failingAfter(dynamo.doc, 1), table).record(state),
          ).rejects.toThrow('connection reset');
          await reports.record(state);
        } else if (i % 3 === 1) {
          // Recorded twice at once, then once more.
          await Promise.all([reports.record(state), reports.record(state)]);
          await reports.record(state);
        } else {
          await reports.record(state);
        }
      }
      // A late retry of an older state changes nothing.
      await reports.record(states[0]!);
      if (i % 5 === 0 && states.length > 2) {
        // A failure cut off the last state's change; the next change (a later version) finishes it first.
        const last = states[states.length - 1]!;
        await expect(
          new DynamoReportAggregates(failingAfter(dynamo.doc, 1), table).record({
            ...last,
            version: last.version + 1,
            category: last.category === 'loss' ? 'delay' : 'loss',
          }),
        ).rejects.toThrow('connection reset');
        await reports.record({ ...last, version: last.version + 2 });
      }
    }

    // Assess
    const { counters, inflight } = await storedCounters(table, ['2026-03', '2026-04', '2026-05']);
    const finals = histories.map((states) => states[states.length - 1]!);
    expect(counters).toEqual(expectedOf(finals));
    expect(inflight).toBe(0);
  }, 120_000);

  it('reads a month of 10,000 complaints in a few requests, and it equals the report built in memory', async () => {
    // Prepare: the counters of 10,000 complaints, loaded as they would stand.
    const histories = generateHistories(10_000, '2026-03');
    const counters: CounterFacts = {};
    for (const states of histories) {
      let recorded: CounterFacts = {};
      for (const state of states) {
        const facts = counterFacts(state);
        addFacts(counters, factDelta(recorded, facts));
        recorded = facts;
      }
    }
    const reports = new DynamoReportAggregates(dynamo.doc, dynamo.tableName);
    await loadCounters(dynamo.doc, dynamo.tableName, counters);

    // Act
    const period = reportPeriod('month', '2026-03');
    const read = await reports.counters(period.months, period.days[0]!, period.days[30]!);

    // Assess
    const inMemory = Object.entries(counters).map(([key, metrics]) => ({ ...parseCounterKey(key), metrics }));
    expect(buildReport(period, read.rows, [])).toEqual(buildReport(period, inMemory, []));
    expect(read.requests).toBeLessThanOrEqual(3);
    console.info(
      `reports: month of 10,000 complaints read from ${read.rows.length} counter items in ${read.requests} Query requests`,
    );
  }, 120_000);
});
