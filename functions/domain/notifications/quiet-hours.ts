// When a message may go out (SPEC section 5): customer texts never 21:00-08:00 Asia/Shanghai; staff
// alerts immediately, or at the next working instant of a calendar the deployment chose for them.
import { createHash } from 'node:crypto';
import type { BusinessCalendar } from '../sla.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** China Standard Time is UTC+8 all year (no daylight saving since 1991), so the offset is fixed. */
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** Quiet hours in Shanghai wall-clock hours: [start, 24) and [0, end). */
export const CUSTOMER_QUIET_HOURS = { startHour: 21, endHour: 8 } as const;

/** Milliseconds since Shanghai midnight, and that midnight as a UTC epoch. */
function shanghaiDay(at: Date): { midnight: number; sinceMidnight: number } {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const sinceMidnight = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  return { midnight: at.getTime() - sinceMidnight, sinceMidnight };
}

export function isCustomerQuietTime(at: Date): boolean {
  const { sinceMidnight } = shanghaiDay(at);
  return (
    sinceMidnight >= CUSTOMER_QUIET_HOURS.startHour * HOUR_MS ||
    sinceMidnight < CUSTOMER_QUIET_HOURS.endHour * HOUR_MS
  );
}

/**
 * Texts held overnight are released over this window after 08:00, not all at 08:00:00 (docs/spec.md,
 * "Quiet hours and the morning release"): each at its own offset, so the sender's concurrency and the SMS
 * provider's rate see a steady trickle instead of one burst.
 */
export const MORNING_RELEASE_WINDOW_MS = 30 * 60_000;

/**
 * A text's offset in the morning release window: a hash of its release key (the complaint id and the
 * notification key), so the same text always gets the same instant (a retried hand-over schedules it
 * identically) and texts of one night spread evenly over the window (the first 48 bits of SHA-256:
 * keys differing in one character land anywhere in it).
 */
export function releaseOffsetMs(releaseKey: string, windowMs: number = MORNING_RELEASE_WINDOW_MS): number {
  if (!(windowMs > 0)) return 0;
  const fraction = createHash('sha256').update(releaseKey).digest().readUIntBE(0, 6) / 2 ** 48;
  return Math.floor(fraction * windowMs);
}

/**
 * When a customer text created at `now` may be sent: now, or in the morning release window after 08:00
 * Shanghai when now is in quiet hours (the same morning before 08:00, the next morning from 21:00), at
 * the offset its `releaseKey` selects (08:00 sharp without one). `quietHours: false` is the time-scaled
 * demo mode, where texts go out at once.
 */
export function customerSendAt(now: Date, options: { quietHours: boolean; releaseKey?: string }): Date {
  if (!options.quietHours || !isCustomerQuietTime(now)) return new Date(now.getTime());
  const { midnight, sinceMidnight } = shanghaiDay(now);
  const morning = midnight + CUSTOMER_QUIET_HOURS.endHour * HOUR_MS;
  const release = sinceMidnight < CUSTOMER_QUIET_HOURS.endHour * HOUR_MS ? morning : morning + DAY_MS;
  const offset = options.releaseKey === undefined ? 0 : releaseOffsetMs(options.releaseKey);
  return new Date(release + offset);
}

/** The release key of a customer text: unique per complaint and notification. */
export const releaseKeyOf = (complaintId: string, notificationKey: string): string =>
  `${complaintId}.${notificationKey}`;

/** When a staff alert may be sent: now, or the calendar's first working instant at or after now. */
export function staffSendAt(now: Date, options: { calendar?: BusinessCalendar } = {}): Date {
  return options.calendar ? options.calendar.addMs(now, 0) : new Date(now.getTime());
}
