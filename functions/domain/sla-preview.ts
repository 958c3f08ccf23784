// The deadlines a complaint would get if received and accepted at one instant (SPEC section 5), e.g. to
// promise an answer time in the "received" text or to show an operator what a policy does. Pure.
import type { CalendarName, Category, ClockName, Instant, Priority } from './complaint.ts';
import { clockPolicy } from './sla.ts';
import type { CalendarSet, SlaPolicy } from './sla.ts';

export interface DeadlinePreview {
  /** The calendar of the handling clock (cn-workdays for loss by default). */
  calendar: CalendarName;
  /** Each stage deadline is already capped by the resolution deadline. */
  deadlines: { response: Instant; handling: Instant; resolution: Instant };
}

function clockDue(
  clock: ClockName,
  input: { category: Category; priority: Priority; at: Date },
  policy: SlaPolicy,
  calendars: CalendarSet,
): Date {
  const { budget, calendar } = clockPolicy(policy, clock, input.category, input.priority);
  const counting = calendars[calendar];
  return counting.addMs(input.at, counting.budgetMs(budget));
}

/** Response, handling and resolution clocks all start at `at`; a stage is due at the earlier of its own
 * deadline and the resolution deadline. Instants are ISO 8601 in UTC. */
export function previewDeadlines(
  input: { category: Category; priority: Priority; at: Date },
  policy: SlaPolicy,
  calendars: CalendarSet,
): DeadlinePreview {
  const resolution = clockDue('resolution', input, policy, calendars);
  const cappedByResolution = (due: Date): Instant =>
    (due.getTime() < resolution.getTime() ? due : resolution).toISOString();
  return {
    calendar: clockPolicy(policy, 'handling', input.category, input.priority).calendar,
    deadlines: {
      response: cappedByResolution(clockDue('response', input, policy, calendars)),
      handling: cappedByResolution(clockDue('handling', input, policy, calendars)),
      resolution: resolution.toISOString(),
    },
  };
}
