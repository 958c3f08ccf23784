// The report aggregates against the slow way: 10,000 generated complaints, each fed through its successive
// states as the store would record them (a difference per change, re-classifications, re-routes and
// reopenings taking counts off again), then every figure of the month's report compared with the same
// figure recomputed from the complaints' final states.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addFacts,
  buildReport,
  counterFacts,
  factDelta,
  parseCounterKey,
  reportPeriod,
  shanghaiDay,
  type CounterFacts,
  type CounterRow,
  type ParcelVolume,
  type Report,
} from '#domain/reports';
import { generateHistories, REPORT_OUTLETS } from '../support/report-complaints.ts';
import { oracleReport, subjectOf } from '../support/report-oracle.ts';

const rowsOf = (counters: CounterFacts): CounterRow[] =>
  Object.entries(counters).map(([key, metrics]) => ({ ...parseCounterKey(key), metrics }));

function expectSameAsOracle(report: Report, oracle: ReturnType<typeof oracleReport>): void {
  expect(report.overall).toEqual(oracle.overall);
  for (const day of report.byDay) {
    const { day: name, ...figures } = day;
    expect(figures, name).toEqual(oracle.byDay[name]);
  }
  for (const [dimension, entries] of Object.entries(report.dimensions)) {
    const byValue = Object.fromEntries(entries.map(({ value, ...figures }) => [value, figures]));
    expect(byValue, dimension).toEqual(oracle.dimensions[dimension as keyof typeof oracle.dimensions]);
  }
}

describe('report aggregates', () => {
  it('10,000 complaints: every figure of the month equals its recomputation from the complaints', () => {
    const histories = generateHistories(10_000, '2026-03');
    const counters: CounterFacts = {};
    let changes = 0;
    for (const states of histories) {
      let recorded: CounterFacts = {};
      for (const state of states) {
        const facts = counterFacts(state);
        addFacts(counters, factDelta(recorded, facts));
        recorded = facts;
        changes++;
      }
    }
    const volumes: ParcelVolume[] = REPORT_OUTLETS.map((o, i) => ({
      month: '2026-03',
      outletId: o.id,
      regionId: o.regionId,
      parcels: 400_000 + i * 75_000,
    }));
    const period = reportPeriod('month', '2026-03');
    const report = buildReport(period, rowsOf(counters), volumes);
    const oracle = oracleReport(
      histories.map((states) => subjectOf(states[states.length - 1]!)),
      period,
      volumes,
    );

    expectSameAsOracle(report, oracle);
    // The figures are not trivially empty: the month holds most of the complaints and all kinds of outcome.
    expect(report.overall.received).toBeGreaterThan(9_000);
    expect(report.overall.closed).toBeGreaterThan(6_000);
    expect(report.overall.escalations.level3).toBeGreaterThan(0);
    expect(report.overall.satisfaction.rated).toBeGreaterThan(1_000);
    expect(report.dimensions.outlet.length).toBe(REPORT_OUTLETS.length + 1);
    expect(report.overall.complaintsPerMillionParcels).not.toBeNull();
    // What a report reads grows with days x dimension values, not with complaints: per day at most one cell
    // per category x type x channel (11 x 3 x 7) and one per outlet with its region (12 outlets and none).
    const items = Object.keys(counters).filter((k) => k.startsWith('2026-03')).length;
    expect(items).toBeLessThanOrEqual(31 * (11 * 3 * 7 + 13));
    console.info(
      `reports: 10,000 complaints, ${changes} stored states; month 2026-03 from ${report.source.counterItems} counter items`,
    );
  }, 120_000);

  it('a week and a day of the same complaints also match their recomputation', () => {
    const histories = generateHistories(2_000, '2026-03', 7);
    const counters: CounterFacts = {};
    for (const states of histories) {
      let recorded: CounterFacts = {};
      for (const state of states) {
        const facts = counterFacts(state);
        addFacts(counters, factDelta(recorded, facts));
        recorded = facts;
      }
    }
    const subjects = histories.map((states) => subjectOf(states[states.length - 1]!));
    for (const period of [reportPeriod('week', '2026-W10'), reportPeriod('day', '2026-03-01')]) {
      expectSameAsOracle(buildReport(period, rowsOf(counters), []), oracleReport(subjects, period, []));
    }
  }, 120_000);

  it('recording the states of a complaint in any grouping ends at its own facts (differences add up)', () => {
    const histories = generateHistories(300, '2026-03', 11);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: histories.length - 1 }), fc.array(fc.boolean()), (i, skips) => {
        const states = histories[i]!;
        // A failed update is caught up by a later one: skipping any states but the last changes nothing.
        const counters: CounterFacts = {};
        let recorded: CounterFacts = {};
        states.forEach((state, n) => {
          if (n < states.length - 1 && skips[n]) return;
          const facts = counterFacts(state);
          addFacts(counters, factDelta(recorded, facts));
          recorded = facts;
        });
        expect(counters).toEqual(counterFacts(states[states.length - 1]!));
      }),
    );
  });

  it('periods: ISO weeks, month lengths, Shanghai days; bad periods are refused', () => {
    expect(reportPeriod('week', '2026-W01').days[0]).toBe('2025-12-29');
    expect(reportPeriod('week', '2026-W53').days).toHaveLength(7);
    expect(reportPeriod('week', '2026-W10').months).toEqual(['2026-03']);
    expect(reportPeriod('week', '2026-W14').months).toEqual(['2026-03', '2026-04']);
    expect(reportPeriod('month', '2028-02').days).toHaveLength(29);
    expect(shanghaiDay('2026-02-28T16:00:00.000Z')).toBe('2026-03-01');
    expect(() => reportPeriod('week', '2027-W53')).toThrow(/week must be 01-52/);
    expect(() => reportPeriod('day', '2026-02-30')).toThrow(/not a calendar day/);
    expect(() => reportPeriod('month', '2026-3')).toThrow(/YYYY-MM/);
  });
});
