// The store the composition root builds: every committed create and save is followed by the report
// counters; a failure there is logged (no personal data) and never fails the change, and the next write
// of the complaint is recorded (the adapter then adds what the failed one missed: tests/store/report-aggregates).
import { describe, expect, it } from 'vitest';
import type { Complaint } from '#domain/complaint';
import type { ComplaintStore, ReportAggregates } from '#domain/ports';
import { reportingStore } from '#use-cases/reports';
import { complaintIn, domainContext, shanghai } from '../support/domain-context.ts';

describe('reportingStore', () => {
  it('follows each commit; a failed counter update is logged, the change stands, the next write is recorded', async () => {
    // Prepare
    const stored = new Map<string, Complaint>();
    const store = {
      create: async (c: Complaint) => (stored.set(c.id, c), c),
      save: async (c: Complaint) => (stored.set(c.id, c), c),
      get: async (id: string) => stored.get(id),
    } as unknown as ComplaintStore;
    const recorded: number[] = [];
    let failNext = false;
    const aggregates: ReportAggregates = {
      record: async (c) => {
        if (failNext) {
          failNext = false;
          throw new Error('throttled');
        }
        recorded.push(c.version);
      },
      counters: async () => ({ rows: [], requests: 0 }),
      putVolume: async () => undefined,
      volumes: async () => ({ items: [], requests: 0 }),
    };
    const warnings: Record<string, unknown>[] = [];
    const reporting = reportingStore(store, aggregates, {
      warn: (_message, data) => warnings.push(data),
      error: () => undefined,
    });
    const c = complaintIn('received', domainContext(shanghai('2026-03-02T10:00')));

    // Act
    await reporting.create(c);
    failNext = true;
    const saved = await reporting.save({ ...c, version: 2 }, 1);
    await reporting.save({ ...c, version: 3 }, 2);

    // Assess
    expect(saved.version).toBe(2);
    expect(recorded).toEqual([1, 3]);
    expect(warnings).toEqual([{ complaintId: c.id, version: 2, error: 'Error' }]);
    // Everything else is the store's own.
    expect(await reporting.get(c.id)).toMatchObject({ version: 3 });
  });
});
