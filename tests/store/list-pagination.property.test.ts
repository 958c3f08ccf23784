// For any set of complaints, filter, page size and read budget, walking the pages of a listing yields
// exactly the matching complaints, in order, each once. Runs the real merge over the list shards.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { testCipher } from '../support/personal-data.ts';
import { DynamoComplaintStore, stageDeadlineForIndex } from '#adapters/dynamo-complaint-store';
import type { Complaint } from '#domain/complaint';
import type { ComplaintQuery } from '#domain/ports';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { complaintFixture } from '../support/complaint-fixture.ts';

let dynamo: LocalDynamo;
let runs = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

const START = Date.parse('2025-06-01T00:00:00.000Z');
const YEAR_MS = 365 * 86_400_000;

const complaintArbitrary = fc
  .record({
    createdOffsetMs: fc.integer({ min: 0, max: YEAR_MS }),
    deadlineOffsetMs: fc.integer({ min: 0, max: 30 * 86_400_000 }),
    category: fc.constantFrom('delay' as const, 'loss' as const, 'fees' as const),
    escalationLevel: fc.constantFrom(0 as const, 1 as const, 3 as const),
  })
  .map(({ createdOffsetMs, deadlineOffsetMs, category, escalationLevel }) => {
    const createdAt = new Date(START + createdOffsetMs).toISOString();
    const complaint = complaintFixture({ createdAt, category, escalationLevel });
    const response = complaint.clocks.response;
    if (response !== undefined) {
      response.dueAt = new Date(START + createdOffsetMs + deadlineOffsetMs).toISOString();
    }
    return complaint;
  });

const queryArbitrary = fc.record({
  byStatus: fc.boolean(),
  category: fc.option(fc.constantFrom('delay' as const, 'loss' as const), { nil: undefined }),
  escalated: fc.option(fc.boolean(), { nil: undefined }),
  limit: fc.integer({ min: 1, max: 9 }),
});

function matches(complaint: Complaint, query: Omit<ComplaintQuery, 'limit'>): boolean {
  if (query.category !== undefined && complaint.category !== query.category) return false;
  if (query.escalated === true && complaint.escalationLevel === 0) return false;
  if (query.escalated === false && complaint.escalationLevel !== 0) return false;
  return true;
}

const sortKey = (instant: string, id: string): string => `${instant}#${id}`;
/** DynamoDB orders string sort keys by their bytes; for these ASCII keys that is code-unit order. */
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

test('walking every page lists each matching complaint once, in the index order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(complaintArbitrary, { maxLength: 40 }),
      queryArbitrary,
      fc.record({
        maxQueriesPerPage: fc.integer({ min: 4, max: 12 }),
        filteredBatchSize: fc.integer({ min: 1, max: 5 }),
      }),
      async (complaints, { byStatus, ...filter }, readBudget) => {
        // Prepare
        const tableName = `${dynamo.tableName}-p${++runs}`;
        await dynamo.createTable(tableName);
        const store = new DynamoComplaintStore(dynamo.doc, tableName, testCipher(), readBudget);
        await Promise.all(complaints.map((complaint) => store.create(complaint)));
        const query: Omit<ComplaintQuery, 'limit'> = byStatus ? { ...filter, status: 'received' } : filter;
        const expected = complaints
          .filter((complaint) => matches(complaint, query))
          .sort((a, b) =>
            byStatus
              ? byteOrder(sortKey(stageDeadlineForIndex(a), a.id), sortKey(stageDeadlineForIndex(b), b.id))
              : byteOrder(sortKey(b.createdAt, b.id), sortKey(a.createdAt, a.id)),
          );

        // Act
        const listed: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ ...query, limit: filter.limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(filter.limit);
          listed.push(...page.items.map((complaint) => complaint.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined && pages <= complaints.length + 10);

        // Assess
        expect(cursor).toBeUndefined();
        expect(listed).toEqual(expected.map((complaint) => complaint.id));
      },
    ),
    { numRuns: 40 },
  );
  // 40 tables, each walked page by page over four status shards with a BatchGetItem per read: slower than
  // the 30 s default on a loaded 2-core machine.
}, 120_000);
