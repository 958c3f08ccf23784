// When a message may go out (SPEC section 5): customer texts never 21:00-08:00 Asia/Shanghai; staff
// alerts immediately, or at the next working instant of a calendar the deployment chose for them.
import { createHash } from 'node:crypto';
import type { BusinessCalendar } from '../sla.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** China Standard Time is UTC+8 all year (no daylight saving since 1991), so the offset is fixed. */
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** A quiet window in Shanghai wall-clock hours: [startHour, endHour), across midnight when start > end. */
export interface QuietWindow {
  readonly startHour: number;
  readonly endHour: number;
}

/** The default quiet hours: 21:00-08:00 Shanghai. */
export const CUSTOMER_QUIET_HOURS: QuietWindow = { startHour: 21, endHour: 8 };

/** What a deployment may configure: a window, or `false` for none (texts go out at any hour). */
export type QuietHoursSetting = QuietWindow | false;

/** The rule a configured window must follow, worded for an error message. */
export const QUIET_HOURS_RULE = 'must be "off" or whole hours "HH-HH" (Asia/Shanghai), e.g. "21-08"';

/**
 * Reads a configured window: "off", or "HH-HH" / "HH:00-HH:00" in whole Shanghai hours, start and end
 * different (a window may cross midnight: "21-08"). Undefined for anything else.
 */
export function parseQuietHours(text: string): QuietHoursSetting | undefined {
  const value = text.trim();
  if (value.toLowerCase() === 'off') return false;
  const match = /^(\d{1,2})(?::00)?-(\d{1,2})(?::00)?$/.exec(value);
  if (!match) return undefined;
  const startHour = Number(match[1]);
  const endHour = Number(match[2]);
  if (startHour > 23 || endHour > 24 || startHour === endHour % 24) return undefined;
  return { startHour, endHour: endHour % 24 };
}

/** Milliseconds since Shanghai midnight, and that midnight as a UTC epoch. */
function shanghaiDay(at: Date): { midnight: number; sinceMidnight: number } {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const sinceMidnight = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  return { midnight: at.getTime() - sinceMidnight, sinceMidnight };
}

export function isCustomerQuietTime(at: Date, window: QuietWindow = CUSTOMER_QUIET_HOURS): boolean {
  const { sinceMidnight } = shanghaiDay(at);
  const start = window.startHour * HOUR_MS;
  const end = window.endHour * HOUR_MS;
  return start < end
    ? sinceMidnight >= start && sinceMidnight < end
    : sinceMidnight >= start || sinceMidnight < end;
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
 * When a customer text created at `now` may be sent: now, or in the morning release window after the
 * quiet window ends (08:00 Shanghai by default: the same morning when now is before the end, the next one
 * when now is after the start), at the offset its `releaseKey` selects (the end hour sharp without one).
 * `quietHours: true` is the default window; `false` sends at once (the time-scaled demo mode, or a
 * deployment that configured "off").
 */
export function customerSendAt(
  now: Date,
  options: { quietHours: boolean | QuietWindow; releaseKey?: string },
): Date {
  const window = options.quietHours === true ? CUSTOMER_QUIET_HOURS : options.quietHours;
  if (!window || !isCustomerQuietTime(now, window)) return new Date(now.getTime());
  const { midnight, sinceMidnight } = shanghaiDay(now);
  const end = midnight + window.endHour * HOUR_MS;
  const release = sinceMidnight < window.endHour * HOUR_MS ? end : end + DAY_MS;
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
