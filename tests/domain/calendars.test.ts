import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import schedule2026 from 'chinese-days/dist/years/2026.json' with { type: 'json' };
import { cnWorkdays, createCalendars, parseHolidaySchedule, twentyFourSeven } from '#domain/calendars';
import { InvalidConfiguration } from '#domain/policy';
import type { BusinessCalendar } from '#domain/sla';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An Asia/Shanghai wall-clock time, e.g. '2026-09-30T17:30'. */
const shanghai = (local: string): Date => new Date(`${local}:00+08:00`);

// The 2026 schedule in chinese-days (gov.cn notice of 2025-11): Spring Festival off Feb 15 (Sun) - Feb 23
// (Mon), make-up Saturdays Feb 14 and Feb 28; Mid-autumn off Sep 25-27; National Day off Oct 1 (Thu) -
// Oct 7 (Wed), make-up Sun Sep 20 and Sat Oct 10. A working day is 09:00-18:00, i.e. 9 h.
describe('cn-workdays across the 2026 Spring Festival and National Day', () => {
  const calendar = cnWorkdays();

  it.each([
    // start (Shanghai)       working days  deadline (Shanghai)   why
    ['2026-02-13T10:00', 3, '2026-02-25T10:00', 'Fri 8h + make-up Sat 9h + Tue 9h + Wed 1h'],
    ['2026-02-14T09:00', 3, '2026-02-25T18:00', 'from the make-up Saturday: Sat, Tue, Wed whole'],
    ['2026-02-14T17:30', 3, '2026-02-26T17:30', '17:30 on the eve of the holiday: 0.5h + 9 + 9 + 8.5'],
    ['2026-02-13T22:00', 3, '2026-02-25T18:00', 'at night: counts from the make-up Saturday 09:00'],
    ['2026-02-13T17:30', 2, '2026-02-24T17:30', 'urgent: Fri 0.5h + make-up Sat 9h + Tue 8.5h'],
    ['2026-02-18T12:00', 3, '2026-02-26T18:00', 'inside the holiday: counts from Tue Feb 24 09:00'],
    ['2026-02-27T12:00', 2, '2026-03-02T12:00', 'Fri 6h + make-up Sat Feb 28 9h + Mon 3h'],
    ['2026-09-24T10:00', 3, '2026-09-30T10:00', 'Thu 8h, Mid-autumn Fri-Sun off, Mon 9, Tue 9, Wed 1'],
    ['2026-09-19T10:00', 3, '2026-09-22T18:00', 'an ordinary Saturday: counts from the make-up Sunday'],
    [
      '2026-09-30T17:30',
      3,
      '2026-10-10T17:30',
      'eve of National Day: 0.5h + Oct 8 + Oct 9 + make-up Sat 8.5h',
    ],
    ['2026-10-10T09:00', 2, '2026-10-12T18:00', 'from the make-up Saturday: Sat, then Mon'],
    ['2026-10-07T23:00', 3, '2026-10-10T18:00', 'last holiday night: Oct 8, Oct 9, make-up Sat'],
    ['2026-10-01T03:00', 3, '2026-10-10T18:00', 'a night inside the holiday'],
  ])('%s + %i working days = %s (%s)', (start, workingDays, deadline) => {
    // Prepare
    const budget = calendar.budgetMs({ workingDays });

    // Act
    const due = calendar.addMs(shanghai(start), budget);

    // Assess
    expect(due.toISOString()).toBe(shanghai(deadline).toISOString());
  });

  it.each([
    ['2026-02-14T08:00', '2026-02-14T09:00', 'before opening on a make-up Saturday'],
    ['2026-02-14T12:34', '2026-02-14T12:34', 'inside working hours: the start itself'],
    ['2026-02-14T18:00', '2026-02-24T09:00', 'closing time is outside working time'],
    ['2026-02-15T10:00', '2026-02-24T09:00', 'a holiday Sunday'],
    ['2026-09-20T07:00', '2026-09-20T09:00', 'a make-up Sunday'],
    ['2026-10-09T19:00', '2026-10-10T09:00', 'Friday evening before a make-up Saturday'],
  ])('addMs(%s, 0) = %s (%s)', (start, first) => {
    // Act
    const due = calendar.addMs(shanghai(start), 0);

    // Assess
    expect(due.toISOString()).toBe(shanghai(first).toISOString());
  });

  it.each([
    ['2026-09-30T17:00', '2026-10-08T10:00', 2 * HOUR, 'the week of National Day counts nothing'],
    ['2026-02-13T00:00', '2026-02-28T00:00', 2 * 9 * HOUR + 4 * 9 * HOUR, 'Fri, make-up Sat, Tue-Fri'],
    ['2026-10-10T12:00', '2026-10-10T20:00', 6 * HOUR, 'after closing counts nothing'],
    ['2026-10-10T12:00', '2026-10-10T12:00', 0, 'an empty interval'],
    ['2026-10-10T12:00', '2026-10-09T12:00', 0, 'a reversed interval'],
  ])('elapsedMs(%s, %s) = %i (%s)', (from, to, expected) => {
    // Act
    const elapsed = calendar.elapsedMs(shanghai(from), shanghai(to));

    // Assess
    expect(elapsed).toBe(expected);
  });

  it('follows every day of the library 2026 schedule: 9 h on working days, nothing on days off', () => {
    // Prepare: the library's own per-year file, independent of the aggregate file the calendar reads
    const holidays = new Set(Object.keys(schedule2026.holidays));
    const workdays = new Set(Object.keys(schedule2026.workdays));
    const mismatches: string[] = [];

    // Act
    for (
      let day = shanghai('2026-01-01T00:00');
      day < shanghai('2027-01-01T00:00');
      day = new Date(+day + DAY)
    ) {
      const date = new Date(+day + 8 * HOUR).toISOString().slice(0, 10);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      const working = workdays.has(date) || (weekday >= 1 && weekday <= 5 && !holidays.has(date));
      const elapsed = calendar.elapsedMs(day, new Date(+day + DAY));
      if (elapsed !== (working ? 9 * HOUR : 0)) mismatches.push(`${date}: ${elapsed}`);
    }

    // Assess
    expect(holidays.size).toBeGreaterThan(20);
    expect(mismatches).toEqual([]);
  });
});

describe('budgets', () => {
  it.each([
    ['24x7', { hours: 2 }, 2 * HOUR],
    ['24x7', { workingDays: 3 }, 3 * DAY],
    ['cn-workdays', { hours: 2 }, 2 * HOUR],
    ['cn-workdays', { workingDays: 3 }, 27 * HOUR],
  ] as const)('%s: %j is %i ms', (name, budget, expected) => {
    // Prepare
    const calendars = createCalendars();

    // Act
    const ms = calendars[name].budgetMs(budget);

    // Assess
    expect(ms).toBe(expected);
  });
});

describe('24x7', () => {
  it('counts every hour, nights and holidays included', () => {
    // Prepare
    const calendar = twentyFourSeven();
    const start = shanghai('2026-09-30T17:30');

    // Act
    const due = calendar.addMs(start, calendar.budgetMs({ hours: 48 }));

    // Assess
    expect(due.toISOString()).toBe(shanghai('2026-10-02T17:30').toISOString());
    expect(calendar.elapsedMs(start, due)).toBe(48 * HOUR);
  });

  it('rejects negative durations and invalid instants', () => {
    // Prepare
    const calendar = twentyFourSeven();

    // Act / Assess
    expect(() => calendar.addMs(new Date(0), -1)).toThrow(RangeError);
    expect(() => calendar.addMs(new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

describe('a year the holiday data does not cover', () => {
  // 2031: Spring Festival around Thu Jan 23; chinese-days has no 2031 schedule.
  it('counts weekends only and reports the year through the hook', () => {
    // Prepare
    const reported: number[] = [];
    const calendar = cnWorkdays({ onUncoveredYear: (year) => reported.push(year) });

    // Act: Fri Jan 24 10:00 + 3 working days: Fri 8h, Mon 9h, Tue 9h, Wed 1h
    const due = calendar.addMs(shanghai('2031-01-24T10:00'), calendar.budgetMs({ workingDays: 3 }));

    // Assess
    expect(due.toISOString()).toBe(shanghai('2031-01-29T10:00').toISOString());
    expect(reported).toEqual([2031]);
  });

  it('reports from elapsedMs too, once per computation', () => {
    // Prepare
    const reported: number[] = [];
    const calendar = cnWorkdays({ onUncoveredYear: (year) => reported.push(year) });

    // Act
    const elapsed = calendar.elapsedMs(shanghai('2031-01-20T00:00'), shanghai('2031-02-03T00:00'));

    // Assess
    expect(elapsed).toBe(10 * 9 * HOUR);
    expect(reported).toEqual([2031]);
  });

  it('does not report a covered year', () => {
    // Prepare
    const reported: number[] = [];
    const calendar = cnWorkdays({ onUncoveredYear: (year) => reported.push(year) });

    // Act
    calendar.addMs(shanghai('2026-02-13T10:00'), calendar.budgetMs({ workingDays: 3 }));

    // Assess
    expect(reported).toEqual([]);
  });

  it('treats every year the library has a Spring Festival for (2004-2026) as covered', () => {
    // Prepare
    const reported: number[] = [];
    const calendar = cnWorkdays({ onUncoveredYear: (year) => reported.push(year) });

    // Act
    for (let year = 2004; year <= 2026; year += 1) {
      calendar.elapsedMs(shanghai(`${year}-01-01T00:00`), shanghai(`${year}-12-31T23:59`));
    }

    // Assess
    expect(reported).toEqual([]);
  });

  it('honours a configured schedule for it, without reporting', () => {
    // Prepare: a hypothetical notice: off Wed Jan 22 - Tue Jan 28, make-up Sun Jan 19 and Sat Feb 8
    const reported: number[] = [];
    const calendar = cnWorkdays({
      extraYears: parseHolidaySchedule({
        '2031': {
          holidays: [
            '2031-01-22',
            '2031-01-23',
            '2031-01-24',
            '2031-01-25',
            '2031-01-26',
            '2031-01-27',
            '2031-01-28',
          ],
          workdays: ['2031-01-19', '2031-02-08'],
        },
      }),
      onUncoveredYear: (year) => reported.push(year),
    });

    // Act
    const fromHoliday = calendar.addMs(shanghai('2031-01-24T10:00'), calendar.budgetMs({ workingDays: 3 }));
    const makeUpSunday = calendar.addMs(shanghai('2031-01-18T12:00'), 0);

    // Assess: Wed 29, Thu 30, Fri 31 whole
    expect(fromHoliday.toISOString()).toBe(shanghai('2031-01-31T18:00').toISOString());
    expect(makeUpSunday.toISOString()).toBe(shanghai('2031-01-19T09:00').toISOString());
    expect(reported).toEqual([]);
  });

  it("lets a configured year replace the library's data for that year", () => {
    // Prepare: an (absurd) 2026 without holidays or make-up days
    const calendar = cnWorkdays({ extraYears: { '2026': { holidays: [], workdays: [] } } });

    // Act
    const nationalDay = calendar.addMs(shanghai('2026-10-01T10:00'), 0);
    const makeUpSaturday = calendar.addMs(shanghai('2026-02-14T10:00'), 0);

    // Assess
    expect(nationalDay.toISOString()).toBe(shanghai('2026-10-01T10:00').toISOString());
    expect(makeUpSaturday.toISOString()).toBe(shanghai('2026-02-16T09:00').toISOString());
  });
});

describe('parseHolidaySchedule', () => {
  it.each([
    [{ '2031': { holidays: ['2031-01-22', '2031-02-30'], workdays: [] } }, '2031.holidays[1]', 'not a date'],
    [{ '2031': { holidays: ['22/01/2031'], workdays: [] } }, '2031.holidays[0]', 'not a date'],
    [{ '2031': { holidays: [], workdays: ['2035-01-01'] } }, '2031.workdays[0]', 'not in 2031'],
    [{ '2031': { holidays: ['2031-01-22'], workdays: ['2031-01-22'] } }, '2031.workdays[0]', 'also listed'],
    [{ next: { holidays: [], workdays: [] } }, 'next', 'four-digit year'],
    [{ '2031': { holidays: [], workday: [] } }, '2031.workday', 'unknown key'],
    [{ '2031': { holidays: [1], workdays: [] } }, '2031.holidays[0]', 'must be a date'],
    [['2031-01-22'], '(root)', 'keyed by year'],
  ])('rejects %j at %s', (json, path, message) => {
    // Act
    let thrown: unknown;
    try {
      parseHolidaySchedule(json);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(InvalidConfiguration);
    const problem = (thrown as InvalidConfiguration).errors.find((e) => e.path === path);
    expect(problem?.message).toContain(message);
    expect((thrown as Error).message).toContain(path);
  });

  it('accepts a New Year make-up day in the previous December', () => {
    // Act
    const schedule = parseHolidaySchedule({ '2019': { holidays: ['2018-12-31'], workdays: ['2018-12-29'] } });

    // Assess
    expect(schedule['2019']?.workdays).toEqual(['2018-12-29']);
  });
});

// Instants over two covered years and an uncovered one, and durations up to a month.
const instants = fc.oneof(
  fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
  fc.integer({ min: Date.UTC(2030, 11, 1), max: Date.UTC(2031, 2, 1) }),
);
const durations = fc.integer({ min: 0, max: 30 * DAY });
const calendars: [string, BusinessCalendar][] = Object.entries(
  createCalendars({ onUncoveredYear: () => {} }),
);

describe.each(calendars)('rules every %s computation obeys', (_name, calendar) => {
  it('never gives an earlier deadline for a later start', () => {
    fc.assert(
      fc.property(instants, instants, durations, (a, b, ms) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(+calendar.addMs(new Date(late), ms)).toBeGreaterThanOrEqual(
          +calendar.addMs(new Date(early), ms),
        );
      }),
    );
  });

  it('never gives an earlier deadline for a longer duration, nor one before the start', () => {
    fc.assert(
      fc.property(instants, durations, durations, (start, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        const shortDue = +calendar.addMs(new Date(start), short);
        expect(shortDue).toBeGreaterThanOrEqual(start);
        expect(+calendar.addMs(new Date(start), long)).toBeGreaterThanOrEqual(shortDue);
      }),
    );
  });

  it('measures back exactly what it added', () => {
    fc.assert(
      fc.property(instants, durations, (start, ms) => {
        const due = calendar.addMs(new Date(start), ms);
        expect(calendar.elapsedMs(new Date(start), due)).toBe(ms);
      }),
    );
  });

  it('adds up elapsed time over adjacent intervals', () => {
    fc.assert(
      fc.property(fc.array(instants, { minLength: 3, maxLength: 3 }), (points) => {
        const [a, b, c] = points.sort((x, y) => x - y).map((t) => new Date(t)) as [Date, Date, Date];
        expect(calendar.elapsedMs(a, c)).toBe(calendar.elapsedMs(a, b) + calendar.elapsedMs(b, c));
      }),
    );
  });

  it('moves a deadline out, never in, by a pause', () => {
    fc.assert(
      fc.property(instants, instants, instants, (deadline, p, r) => {
        const [pausedAt, resumedAt] = p <= r ? [p, r] : [r, p];
        const paused = calendar.elapsedMs(new Date(pausedAt), new Date(resumedAt));
        const moved = +calendar.addMs(new Date(deadline), paused);
        expect(moved).toBeGreaterThanOrEqual(deadline);
        if (calendar.name === '24x7') expect(moved - deadline).toBe(resumedAt - pausedAt);
      }),
    );
  });
});
