// Write units per complaint on the happy path (register, accept, resolve, rated 5, closed; every text
// sent), computed from the item images of every write the handlers made (report counters included: the
// recorder attributes a counter write to its complaint by the change key it carries), under the index design in force
// (table-design.ts) and under the former one (four indexes projecting ALL, one partition per status).
// DynamoDB bills on demand 1 write unit per started KB of each table and index write.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoDocumentClient } from '#commons/clients';
import { FILTER_ATTRIBUTES, INDEXES, KEY_ATTRIBUTES } from '#adapters/table-design';
import { itemSize, writeCost, type ItemImage, type TableCostDesign } from '#adapters/write-units';
import { eventually, startTestApi, untilNoRunningExecutions, type TestApi } from '../support/embedded.ts';
import { complaintOf, recordWrites, type RecordedWrite } from '../support/write-recorder.ts';
import { httpApi, type HttpApi } from '../support/http-api.ts';
import { outboxOf, postUntilReady } from '../support/spawned-stack.ts';

const COMPLAINTS = 3;
/** 1 + 2 x 3 for the queue, 1 each for byCreated, byTracking, byPhone, byShortId, byOwner. */
const INDEX_BUDGET = 12;
/**
 * Report counters (docs/data-model.md, "Report aggregates"): three changes move a figure (registered,
 * accepted: the first response, closed), each writes the REPORTED marker twice and two counter cells twice
 * (add, settle). 36 of them when every dimension had its own counter item.
 */
const REPORT_BUDGET = 18;
/**
 * Every write a happy-path complaint causes, report counters included (docs/data-model.md, "Write units per
 * complaint"): complaint item 16 (eight saves of 1.6 to 2 KB: cold fields packed, personal data as bytes),
 * indexes 12, delivery records 12, event items 6, link claim 1, report counters 18. 59 was measured without
 * the counters (97 with them); 77 with counter cells, before packing (the complaint item 28).
 */
const TOTAL_BUDGET = 65;
/** Eight saves of at most 2 KB each. */
const COMPLAINT_BUDGET = 16;

let api: TestApi;
let http: HttpApi;
let writes: RecordedWrite[];

beforeAll(async () => {
  api = await startTestApi({ timeScale: 3600 });
  http = httpApi(api.url);
  writes = recordWrites(dynamoDocumentClient(), api.stack.dynamo.endpoint);
});
afterAll(async () => {
  await api?.close();
});

const CURRENT: TableCostDesign = {
  keyAttributes: ['pk', 'sk'],
  indexes: Object.values(INDEXES).map((index) => ({
    ...index,
    ...(index.projection === 'INCLUDE' ? { nonKeyAttributes: FILTER_ATTRIBUTES } : {}),
  })),
};

/** The design before this change: byStatus (one partition per status), byTracking, byPhone, byCreated, ALL. */
const FORMER: TableCostDesign = {
  keyAttributes: ['pk', 'sk'],
  indexes: ['Status', 'Tracking', 'Phone', 'Created'].map((name) => {
    const lower = name.toLowerCase();
    return {
      indexName: `by${name}`,
      partitionKey: `${lower}Pk`,
      sortKey: `${lower}Sk`,
      projection: 'ALL' as const,
    };
  }),
};

/** The item as the former design stored it: its four indexes' own key attributes, nothing else. */
function formerImage(item: ItemImage | undefined): ItemImage | undefined {
  if (item === undefined) return undefined;
  const former: ItemImage = Object.fromEntries(
    Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.includes(name) || name === 'pk' || name === 'sk'),
  );
  if (item.statusPk === undefined) return former; // not a complaint
  const text = (value: string): AttributeValue => ({ S: value });
  const received = item.receivedSk as AttributeValue;
  former.statusPk = text(`STATUS#${item.status?.S ?? ''}`);
  former.statusSk = item.statusSk as AttributeValue;
  former.createdPk = item.createdPk as AttributeValue;
  former.createdSk = item.createdSk as AttributeValue;
  if (item.trackingNumber?.S) {
    former.trackingPk = text(`TRACKING#${item.trackingNumber.S}`);
    former.trackingSk = received;
  }
  if (item.phonePk?.S) {
    former.phonePk = item.phonePk;
    former.phoneSk = received;
  }
  return former;
}

/** The kind of item a write touched: the sort key's prefix beside a complaint, else the partition's. */
function kindOf(write: RecordedWrite): string {
  const item = write.after ?? write.before;
  const pk = item?.pk?.S ?? '';
  const key = pk.startsWith('COMPLAINT#') ? (item?.sk?.S ?? '') : pk;
  return key.split('#')[0] || '?';
}

function unitsPerComplaint(
  ids: string[],
  design: TableCostDesign,
  image: (i?: ItemImage) => ItemImage | undefined,
) {
  const perComplaint = ids.map((id) => {
    const mine = writes.filter((w) => complaintOf(w) === id);
    const byKind: Record<string, number> = {};
    let total = 0;
    for (const w of mine) {
      const cost = writeCost(w.failed ? image(w.before) : image(w.before), image(w.after), design);
      const units = w.failed ? cost.table : cost.total;
      const kind = kindOf(w);
      byKind[`table:${kind}`] = (byKind[`table:${kind}`] ?? 0) + cost.table;
      if (!w.failed)
        for (const [index, n] of Object.entries(cost.indexes)) byKind[index] = (byKind[index] ?? 0) + n;
      total += units;
    }
    return { id, writes: mine.length, total, byKind };
  });
  return perComplaint;
}

test('a complaint on the happy path writes each index only when its key changes', async () => {
  // Prepare / Act: complaints through their whole happy path, one after another.
  const ids: string[] = [];
  for (let n = 0; n < COMPLAINTS; n++) {
    const created = await http.post<{ id: string }>('/v1/complaints', {
      channel: 'hotline',
      description: '快递寄出五天了还没到，物流信息一直不更新，请尽快处理',
      customer: { phone: `1381234${String(5670 + n)}`, name: '王小明' },
      trackingNumber: `SF12345678${n}0`,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    ids.push(id);
    for (const body of [
      { action: 'accept', actor: 'agent-7' },
      {
        action: 'resolve',
        actor: 'agent-7',
        resolution: '已加急派送，今天送达',
        compensation: { amount: 12, currency: 'CNY' },
      },
    ]) {
      const answer = await postUntilReady(http, `/v1/complaints/${id}/actions`, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const rated = await postUntilReady(http, `/v1/complaints/${id}/feedback`, { score: 5 });
    expect(rated.status).toBe(200);
    await eventually(
      async () => {
        const sent = (await outboxOf(http, id)).filter((m) => m.status === 'sent' && m.kind === 'sms');
        const closed = await http.get<{ status: string; stage?: unknown }>(`/v1/complaints/${id}`);
        return sent.length >= 4 && closed.body.status === 'closed' ? true : undefined;
      },
      20_000,
      `complaint ${id} closed with its texts sent`,
    );
  }
  // Every complaint is closed: once its execution and its deliveries have ended, nothing writes any more.
  await untilNoRunningExecutions(api.stack);

  // Assess
  const current = unitsPerComplaint(ids, CURRENT, (i) => i);
  const former = unitsPerComplaint(ids, FORMER, formerImage);
  // One complaint's writes in order: what each wrote and what it cost, to see where the units go.
  const trace = writes
    .filter((w) => complaintOf(w) === ids[0])
    .map((w) => {
      const cost = writeCost(w.before, w.after, CURRENT);
      const size = (i?: ItemImage) => (i === undefined ? 0 : itemSize(i));
      return `${kindOf(w)} ${w.operation}${w.failed ? ' (failed)' : ''} ${size(w.before)}->${size(w.after)} B: ${cost.total} WCU`;
    });
  // The largest complaint item's biggest attributes, in bytes: what each of its saves pays for.
  const largest = writes
    .filter((w) => complaintOf(w) === ids[0] && kindOf(w) === 'COMPLAINT' && w.after)
    .map((w) => w.after as ItemImage)
    .sort((a, b) => itemSize(b) - itemSize(a))[0];
  const largestItem = Object.entries(largest ?? {})
    .map(([name, value]) => [name, itemSize({ [name]: value })] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  const mean = (rows: { total: number }[]) => rows.reduce((n, r) => n + r.total, 0) / rows.length;
  console.info(
    JSON.stringify(
      {
        writesPerComplaint: current.map((r) => r.writes),
        trace,
        largestItem: { bytes: largest ? itemSize(largest) : 0, biggest: Object.fromEntries(largestItem) },
        current,
        former,
        meanCurrent: mean(current),
        meanFormer: mean(former),
      },
      null,
      1,
    ),
  );
  const indexUnits = (row: { byKind: Record<string, number> }) =>
    Object.entries(row.byKind).reduce((n, [kind, units]) => (kind.startsWith('table:') ? n : n + units), 0);
  for (const row of current) {
    // Indexes: the queue key moves at each of the three status changes (a delete and a put), every other
    // index is written once, when its key first appears. Tracking, phone, short number, owner, created.
    expect(indexUnits(row)).toBeLessThanOrEqual(INDEX_BUDGET);
    // The counters are counted: a happy path that wrote none would mean the recorder lost them.
    const reportUnits = (row.byKind['table:REPORT'] ?? 0) + (row.byKind['table:REPORTED'] ?? 0);
    expect(reportUnits).toBeGreaterThan(0);
    expect(reportUnits).toBeLessThanOrEqual(REPORT_BUDGET);
    expect(row.byKind['table:COMPLAINT']).toBeLessThanOrEqual(COMPLAINT_BUDGET);
    expect(row.total).toBeLessThanOrEqual(TOTAL_BUDGET);
  }
  // The index design against the former one on the same writes (the table's own writes are the same in
  // both, report counters included, so compare what the indexes cost).
  const meanIndexUnits = (rows: { byKind: Record<string, number> }[]) =>
    rows.reduce((n, r) => n + indexUnits(r), 0) / rows.length;
  expect(meanIndexUnits(current)).toBeLessThan(meanIndexUnits(former) / 4);
});
