// SLA vocabulary shared by clocks, calendars and the policy (SPEC section 5). Pure.
import type { CalendarName, Category, ClockBudget, ClockName, Priority } from './complaint.ts';

/** A way of counting time: 24x7 wall-clock time, or working time on a business calendar. */
export interface BusinessCalendar {
  readonly name: CalendarName;
  /** Milliseconds of this calendar's time that a budget amounts to (N working days = N x 9 working hours). */
  budgetMs(budget: ClockBudget): number;
  /** The instant at which `ms` of this calendar's time has elapsed since `start`. A start outside
   * working time counts from the next working period. `ms` = 0 returns the first working instant >= start. */
  addMs(start: Date, ms: number): Date;
  /** This calendar's time between two instants (0 when `to` <= `from`). */
  elapsedMs(from: Date, to: Date): number;
}

export type CalendarSet = Readonly<Record<CalendarName, BusinessCalendar>>;

export interface ClockPolicy {
  budget: ClockBudget;
  calendar: CalendarName;
}

export type PerPriority = Readonly<Record<Priority, ClockPolicy>>;

/** The SLA policy: per clock, per category (handling) and per priority. Configuration, not code. */
export interface SlaPolicy {
  response: PerPriority;
  /** Handling clocks per category; categories not listed use `default`. */
  handling: Readonly<Partial<Record<Category, PerPriority>>> & { default: PerPriority };
  resolution: PerPriority;
  review: PerPriority;
  pending: PerPriority;
  feedback: PerPriority;
  /** Share of a stage clock after which the owner is warned (0.8). */
  warningRatio: number;
  /** Grace after a breach before the next level, as a share of the breached clock (0.5). */
  graceRatio: number;
  /** Share of the pending limit after which the customer gets one reminder (0.5). */
  pendingReminderRatio: number;
  /** How many times HQ is re-alerted at the top level before the complaint waits without alerts. */
  maxTopLevelRealerts: number;
}

const hours = (h: number, calendar: CalendarName = '24x7'): ClockPolicy => ({
  budget: { hours: h },
  calendar,
});
const workingDays = (d: number): ClockPolicy => ({ budget: { workingDays: d }, calendar: 'cn-workdays' });
const both = (normal: ClockPolicy, urgent: ClockPolicy): PerPriority => ({ normal, urgent });

/** SPEC section 5's table. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  response: both(hours(24), hours(2)),
  handling: {
    default: both(hours(48), hours(24)),
    delay: both(hours(48), hours(24)),
    'wrong-delivery': both(hours(48), hours(24)),
    damage: both(hours(48), hours(24)),
    loss: both(workingDays(3), workingDays(2)),
    privacy: both(hours(24), hours(12)),
  },
  resolution: both(hours(7 * 24), hours(3 * 24)),
  review: both(hours(24), hours(12)),
  pending: both(hours(72), hours(72)),
  feedback: both(hours(72), hours(72)),
  warningRatio: 0.8,
  graceRatio: 0.5,
  pendingReminderRatio: 0.5,
  maxTopLevelRealerts: 3,
};

export function clockPolicy(
  policy: SlaPolicy,
  clock: ClockName,
  category: Category,
  priority: Priority,
): ClockPolicy {
  if (clock === 'handling') return (policy.handling[category] ?? policy.handling.default)[priority];
  // The regulator sets its own reply deadline on each transfer (registration.ts): no policy applies.
  if (clock === 'regulator')
    throw new RangeError('the regulator clock runs to the deadline the regulator set');
  return policy[clock][priority];
}
