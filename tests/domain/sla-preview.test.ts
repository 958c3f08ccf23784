import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCalendars } from '#domain/calendars';
import { CATEGORIES, PRIORITIES } from '#domain/complaint';
import { parseSlaPolicyOverride, scalePolicy } from '#domain/policy';
import { DEFAULT_SLA_POLICY } from '#domain/sla';
import { previewDeadlines } from '#domain/sla-preview';

/** An Asia/Shanghai wall-clock time, e.g. '2026-09-30T17:30'. */
const shanghai = (local: string): Date => new Date(`${local}:00+08:00`);
const iso = (local: string): string => shanghai(local).toISOString();

const calendars = createCalendars();

describe('previewDeadlines with the default policy', () => {
  it.each([
    {
      why: 'loss on a plain Monday: 3 working days (Mon 8h, Tue 9h, Wed 9h, Thu 1h) inside the 7-day resolution',
      category: 'loss',
      priority: 'normal',
      at: '2026-03-02T10:00',
      calendar: 'cn-workdays',
      deadlines: {
        response: '2026-03-03T10:00',
        handling: '2026-03-05T10:00',
        resolution: '2026-03-09T10:00',
      },
    },
    {
      why: 'loss on the eve of National Day: 3 working days end Oct 10, capped by the 7-day resolution',
      category: 'loss',
      priority: 'normal',
      at: '2026-09-30T17:30',
      calendar: 'cn-workdays',
      deadlines: {
        response: '2026-10-01T17:30',
        handling: '2026-10-07T17:30',
        resolution: '2026-10-07T17:30',
      },
    },
    {
      why: 'urgent loss on the eve of National Day: 2 working days end Oct 9, capped by the 3-day resolution',
      category: 'loss',
      priority: 'urgent',
      at: '2026-09-30T17:30',
      calendar: 'cn-workdays',
      deadlines: {
        response: '2026-09-30T19:30',
        handling: '2026-10-03T17:30',
        resolution: '2026-10-03T17:30',
      },
    },
    {
      why: 'urgent delay: every clock on 24x7 over the holiday',
      category: 'delay',
      priority: 'urgent',
      at: '2026-10-01T03:00',
      calendar: '24x7',
      deadlines: {
        response: '2026-10-01T05:00',
        handling: '2026-10-02T03:00',
        resolution: '2026-10-04T03:00',
      },
    },
    {
      why: 'privacy: 24 h handling',
      category: 'privacy',
      priority: 'normal',
      at: '2026-02-14T17:30',
      calendar: '24x7',
      deadlines: {
        response: '2026-02-15T17:30',
        handling: '2026-02-15T17:30',
        resolution: '2026-02-21T17:30',
      },
    },
  ] as const)('$why', ({ category, priority, at, calendar, deadlines }) => {
    // Act
    const preview = previewDeadlines({ category, priority, at: shanghai(at) }, DEFAULT_SLA_POLICY, calendars);

    // Assess
    expect(preview).toEqual({
      calendar,
      deadlines: {
        response: iso(deadlines.response),
        handling: iso(deadlines.handling),
        resolution: iso(deadlines.resolution),
      },
    });
  });
});

describe('previewDeadlines with other policies', () => {
  it('caps a response clock longer than the resolution clock', () => {
    // Prepare
    const policy = parseSlaPolicyOverride({ response: { normal: { budget: { hours: 200 } } } });

    // Act
    const preview = previewDeadlines(
      { category: 'fees', priority: 'normal', at: shanghai('2026-05-06T09:00') },
      policy,
      calendars,
    );

    // Assess
    expect(preview.deadlines.response).toBe(iso('2026-05-13T09:00'));
    expect(preview.deadlines.resolution).toBe(iso('2026-05-13T09:00'));
  });

  it('counts scaled time on 24x7 in demo mode (N = 3600: 3 working days are 27 s)', () => {
    // Prepare
    const at = new Date('2026-09-30T09:30:00Z');

    // Act
    const preview = previewDeadlines(
      { category: 'loss', priority: 'normal', at },
      scalePolicy(DEFAULT_SLA_POLICY, 3600),
      calendars,
    );

    // Assess
    expect(preview).toEqual({
      calendar: '24x7',
      deadlines: {
        response: '2026-09-30T09:30:24.000Z',
        handling: '2026-09-30T09:30:27.000Z',
        resolution: '2026-09-30T09:32:48.000Z', // 168 h -> 168 s,
      },
    });
  });

  it('never puts a stage deadline after the resolution deadline nor before the start', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.constantFrom(...PRIORITIES),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        (category, priority, at) => {
          // Act
          const { deadlines } = previewDeadlines(
            { category, priority, at: new Date(at) },
            DEFAULT_SLA_POLICY,
            calendars,
          );

          // Assess
          for (const stage of [deadlines.response, deadlines.handling]) {
            expect(Date.parse(stage)).toBeLessThanOrEqual(Date.parse(deadlines.resolution));
            expect(Date.parse(stage)).toBeGreaterThan(at);
          }
        },
      ),
    );
  });
});
