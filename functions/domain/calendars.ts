// The two SLA calendars of SPEC section 5: 24x7 wall-clock time, and cn-workdays (Asia/Shanghai,
// 09:00-18:00, Monday-Friday, minus State Council public holidays, plus make-up working days 调休).
// Pure: the caller passes instants; an uncovered year is reported through a hook, never logged here.
// The holiday data is chinese-days' published JSON, read directly: its date functions parse
// 'YYYY-MM-DD' as UTC but read it back in the process's local zone, so they shift a day west of UTC.
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import * as z from 'zod';
import type { ClockBudget } from './complaint.ts';
import { configurationProblems, InvalidConfiguration, WORKING_DAY_HOURS } from './policy.ts';
import type { BusinessCalendar, CalendarSet } from './sla.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Asia/Shanghai has been UTC+8 all year, without daylight saving, since 1991: local wall time is UTC + 8 h,
// so fixed-offset arithmetic is exact and no time zone database is needed.
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
const WORK_START_MS = 9 * HOUR_MS;
const WORK_END_MS = WORK_START_MS + WORKING_DAY_HOURS * HOUR_MS;
// A sanity bound that keeps the day walks below short (some 3,700 steps); no SLA clock comes near it.
const MAX_DURATION_MS = 10 * 366 * DAY_MS;

/** An operator-supplied official schedule, per year: days off and make-up working days (YYYY-MM-DD). */
export interface HolidaySchedule {
  [year: string]: { holidays: string[]; workdays: string[] };
}

export interface CnWorkdaysOptions {
  /** Official schedules for years the library lacks or gets wrong; a configured year replaces the library's. */
  extraYears?: HolidaySchedule;
  /** Called (once per year per computation) when a computation relies on a year with no holiday data, which
   * then counts weekends only. The adapter layer logs it and emits a metric. */
  onUncoveredYear?: (year: number) => void;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD date, or undefined when it is no calendar date. */
function dayNumber(date: string): number | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    return undefined;
  return ms / DAY_MS;
}

/** Year of a day number, the day number counting Shanghai local days. */
function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function isWeekend(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4)
  return weekday === 0 || weekday === 6;
}

const holidayScheduleShape = z.record(
  z.string(),
  z.strictObject({
    holidays: z.array(z.string({ error: 'must be a date YYYY-MM-DD' })),
    workdays: z.array(z.string({ error: 'must be a date YYYY-MM-DD' })),
  }),
  { error: 'must be an object keyed by year, e.g. { "2031": { "holidays": [], "workdays": [] } }' },
);

// Make-up days for New Year may fall in the previous December (2019's schedule had 2018-12-29), so a
// year's entries may lie in that year or the next to it.
function scheduleProblems(schedule: HolidaySchedule): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Map<string, { path: string; kind: string }>();
  for (const [year, entry] of Object.entries(schedule)) {
    if (!/^\d{4}$/.test(year)) {
      problems.push({ path: year, message: 'must be a four-digit year' });
      continue;
    }
    for (const kind of ['holidays', 'workdays'] as const) {
      entry[kind].forEach((date, index) => {
        const path = `${year}.${kind}[${index}]`;
        const day = dayNumber(date);
        if (day === undefined) {
          problems.push({ path, message: `'${date}' is not a date YYYY-MM-DD` });
          return;
        }
        if (Math.abs(yearOf(day) - Number(year)) > 1) {
          problems.push({ path, message: `'${date}' is not in ${year} or a year next to it` });
        }
        const earlier = seen.get(date);
        if (earlier && earlier.kind !== kind) {
          problems.push({ path, message: `'${date}' is also listed at ${earlier.path}` });
        }
        seen.set(date, { path, kind });
      });
    }
  }
  return problems;
}

/**
 * Validates an operator's holiday schedule (configuration, e.g. the State Council's notice for a year the
 * library does not cover yet).
 * @throws InvalidConfiguration naming each bad entry, e.g. `2031.holidays[2]: '2031-02-30' is not a date YYYY-MM-DD`.
 */
export function parseHolidaySchedule(json: unknown): HolidaySchedule {
  const parsed = holidayScheduleShape.safeParse(json);
  if (!parsed.success)
    throw new InvalidConfiguration('holiday schedule', configurationProblems(parsed.error));
  const problems = scheduleProblems(parsed.data);
  if (problems.length > 0) throw new InvalidConfiguration('holiday schedule', problems);
  return parsed.data;
}

/** Which days differ from "Monday to Friday", and which years say so with authority. */
interface WorkdayTable {
  /** Day number -> true for a make-up working day, false for a day off. */
  exceptions: Map<number, boolean>;
  coveredYears: Set<number>;
}

// A year counts as covered when the library lists its Spring Festival (values read e.g. "Spring Festival,
// 春节,4"): a stray make-up day spilling into January must not pass for a whole year's schedule.
function libraryTable(): WorkdayTable {
  const exceptions = new Map<number, boolean>();
  const coveredYears = new Set<number>();
  const add = (dates: Record<string, string>, working: boolean): void => {
    for (const [date, name] of Object.entries(dates)) {
      const day = dayNumber(date);
      if (day === undefined) continue;
      exceptions.set(day, working);
      if (!working && name.startsWith('Spring Festival')) coveredYears.add(yearOf(day));
    }
  };
  add(chineseDays.holidays, false);
  add(chineseDays.workdays, true);
  return { exceptions, coveredYears };
}

function withConfiguredYears(table: WorkdayTable, schedule: HolidaySchedule): WorkdayTable {
  const configuredYears = new Set(Object.keys(schedule).map(Number));
  const exceptions = new Map([...table.exceptions].filter(([day]) => !configuredYears.has(yearOf(day))));
  for (const entry of Object.values(schedule)) {
    for (const date of entry.holidays) exceptions.set(dayNumber(date) as number, false);
    for (const date of entry.workdays) exceptions.set(dayNumber(date) as number, true);
  }
  return { exceptions, coveredYears: new Set([...table.coveredYears, ...configuredYears]) };
}

function assertInstant(instant: Date, name: string): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid instant`);
  return ms;
}

/** Whole milliseconds, rounded up so that a deadline is never early. */
function assertDuration(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS) {
    throw new RangeError(`duration must be between 0 and ${MAX_DURATION_MS} ms, got ${ms}`);
  }
  return Math.ceil(ms);
}

function budgetToMs(budget: ClockBudget, workingDayMs: number): number {
  return Math.round('hours' in budget ? budget.hours * HOUR_MS : budget.workingDays * workingDayMs);
}

/** Wall-clock time: every hour counts; a working day in a budget counts as 24 h. */
export function twentyFourSeven(): BusinessCalendar {
  return {
    name: '24x7',
    budgetMs: (budget) => budgetToMs(budget, DAY_MS),
    addMs: (start, ms) => new Date(assertInstant(start, 'start') + assertDuration(ms)),
    elapsedMs: (from, to) => Math.max(0, assertInstant(to, 'to') - assertInstant(from, 'from')),
  };
}

/** Working time in Asia/Shanghai: 09:00-18:00 on working days. A working day in a budget counts as 9 h. */
export function cnWorkdays(options: CnWorkdaysOptions = {}): BusinessCalendar {
  const library = libraryTable();
  const table = options.extraYears
    ? withConfiguredYears(library, parseHolidaySchedule(options.extraYears))
    : library;

  // Day numbers below count Shanghai local days; offsets are milliseconds into the local day.
  const isWorkingDay = (day: number, uncovered: Set<number>): boolean => {
    const exception = table.exceptions.get(day);
    if (exception !== undefined) return exception;
    const year = yearOf(day);
    if (!table.coveredYears.has(year)) uncovered.add(year);
    return !isWeekend(day);
  };
  const report = (uncovered: Set<number>): void => {
    for (const year of uncovered) options.onUncoveredYear?.(year);
  };

  const addMs = (start: Date, ms: number): Date => {
    const local = assertInstant(start, 'start') + SHANGHAI_OFFSET_MS;
    let remaining = assertDuration(ms);
    let day = Math.floor(local / DAY_MS);
    let offset = local - day * DAY_MS;
    const uncovered = new Set<number>();
    // One step per day: a working day either holds the rest of the duration or is used up whole.
    for (;;) {
      if (offset < WORK_END_MS && isWorkingDay(day, uncovered)) {
        const from = Math.max(offset, WORK_START_MS);
        const available = WORK_END_MS - from;
        if (remaining <= available) {
          report(uncovered);
          return new Date(day * DAY_MS + from + remaining - SHANGHAI_OFFSET_MS);
        }
        remaining -= available;
      }
      day += 1;
      offset = 0;
    }
  };

  const elapsedMs = (from: Date, to: Date): number => {
    const start = assertInstant(from, 'from') + SHANGHAI_OFFSET_MS;
    const end = assertInstant(to, 'to') + SHANGHAI_OFFSET_MS;
    if (end <= start) return 0;
    if (end - start > MAX_DURATION_MS) throw new RangeError(`interval longer than ${MAX_DURATION_MS} ms`);
    const uncovered = new Set<number>();
    let total = 0;
    for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day += 1) {
      const overlap =
        Math.min(end, day * DAY_MS + WORK_END_MS) - Math.max(start, day * DAY_MS + WORK_START_MS);
      // Only a day whose working hours the interval touches needs its status (and may be reported).
      if (overlap > 0 && isWorkingDay(day, uncovered)) total += overlap;
    }
    report(uncovered);
    return total;
  };

  return {
    name: 'cn-workdays',
    budgetMs: (budget) => budgetToMs(budget, WORKING_DAY_HOURS * HOUR_MS),
    addMs,
    elapsedMs,
  };
}

/** Both calendars, keyed by name; build once per container (the holiday table is computed here). */
export function createCalendars(options: CnWorkdaysOptions = {}): CalendarSet {
  return { '24x7': twentyFourSeven(), 'cn-workdays': cnWorkdays(options) };
}
