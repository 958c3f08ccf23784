// Loads counters computed in memory into the table as the adapter stores them (BatchWriteItem, 25 a call):
// how the tests stand up a month of 10,000 complaints without writing each change.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { counterItem } from '#adapters/dynamo-report-aggregates';
import type { CounterFacts } from '#domain/reports';

export async function loadCounters(doc: DynamoDBDocumentClient, tableName: string, counters: CounterFacts) {
  const items = Object.entries(counters).map(([key, metrics]) => counterItem(key, metrics));
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}
