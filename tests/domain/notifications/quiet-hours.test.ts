import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cnWorkdays, twentyFourSeven } from '#domain/calendars';
import {
  customerSendAt,
  isCustomerQuietTime,
  MORNING_RELEASE_WINDOW_MS,
  parseQuietHours,
  releaseKeyOf,
  releaseOffsetMs,
  staffSendAt,
} from '#domain/notifications/quiet-hours';

const HOUR_MS = 3_600_000;
const anyInstant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
});

/** Shanghai wall-clock hour of an instant, read through Intl rather than the module's own offset. */
function shanghaiHour(at: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(
      at,
    ),
  );
}

describe('customerSendAt with quiet hours', () => {
  it('never goes back in time, never lands in quiet hours and defers by at most 11 hours', () => {
    fc.assert(
      fc.property(anyInstant, (now) => {
        // Act
        const sendAt = customerSendAt(now, { quietHours: true });
        // Assess
        expect(sendAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(isCustomerQuietTime(sendAt)).toBe(false);
        expect(shanghaiHour(sendAt)).toBeGreaterThanOrEqual(8);
        expect(shanghaiHour(sendAt)).toBeLessThan(21);
        // Exactly 11 h only for a text created at 21:00:00.000 sharp.
        expect(sendAt.getTime() - now.getTime()).toBeLessThanOrEqual(11 * HOUR_MS);
      }),
    );
  });

  it('sends at once outside quiet hours and at 08:00 sharp otherwise', () => {
    fc.assert(
      fc.property(anyInstant, (now) => {
        const sendAt = customerSendAt(now, { quietHours: true });
        const hour = shanghaiHour(now);
        if (hour >= 8 && hour < 21) expect(sendAt.getTime()).toBe(now.getTime());
        else expect(sendAt.toISOString()).toMatch(/T00:00:00\.000Z$/); // 08:00 Shanghai = 00:00 UTC
      }),
    );
  });

  it('defers an evening text to the next morning and a night text to the same morning', () => {
    expect(customerSendAt(new Date('2026-10-03T13:00:00Z'), { quietHours: true }).toISOString()).toBe(
      '2026-10-04T00:00:00.000Z',
    ); // 21:00 -> 08:00 next day
    expect(customerSendAt(new Date('2026-10-03T15:59:59Z'), { quietHours: true }).toISOString()).toBe(
      '2026-10-04T00:00:00.000Z',
    ); // 23:59:59 -> 08:00 next day
    expect(customerSendAt(new Date('2026-10-03T19:30:00Z'), { quietHours: true }).toISOString()).toBe(
      '2026-10-04T00:00:00.000Z',
    ); // 03:30 -> 08:00 the same day
  });

  it('treats 08:00 as open and 20:59:59.999 as the last open instant', () => {
    const eight = new Date('2026-10-04T00:00:00.000Z');
    const lastOpen = new Date('2026-10-04T12:59:59.999Z');
    expect(customerSendAt(eight, { quietHours: true })).toEqual(eight);
    expect(customerSendAt(lastOpen, { quietHours: true })).toEqual(lastOpen);
  });
});

describe('customerSendAt in time-scaled demo mode', () => {
  it('returns now, even at night', () => {
    fc.assert(
      fc.property(anyInstant, (now) => {
        expect(customerSendAt(now, { quietHours: false }).getTime()).toBe(now.getTime());
      }),
    );
  });
});

describe('staffSendAt', () => {
  const workdays = cnWorkdays();
  const coveredInstant = fc.date({
    min: new Date('2024-01-01T00:00:00Z'),
    max: new Date('2026-12-01T00:00:00Z'),
    noInvalidDate: true,
  });

  it('is immediate by default', () => {
    fc.assert(
      fc.property(anyInstant, (now) => {
        expect(staffSendAt(now).getTime()).toBe(now.getTime());
        expect(staffSendAt(now, { calendar: twentyFourSeven() }).getTime()).toBe(now.getTime());
      }),
    );
  });

  it('with cn-workdays, waits for the next working instant and not a moment longer', () => {
    fc.assert(
      fc.property(coveredInstant, (now) => {
        // Act
        const sendAt = staffSendAt(now, { calendar: workdays });
        // Assess
        expect(sendAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(workdays.elapsedMs(now, sendAt)).toBe(0); // no working time skipped
        expect(workdays.elapsedMs(sendAt, new Date(sendAt.getTime() + 1000))).toBeGreaterThan(0); // working
        expect(shanghaiHour(sendAt)).toBeGreaterThanOrEqual(9);
        expect(shanghaiHour(sendAt)).toBeLessThan(18);
      }),
    );
  });

  it('with cn-workdays, holds a National Day alert until the first working morning', () => {
    // 2026-10-02 is inside the National Day holiday (Oct 1-7 per the State Council); Oct 8 is a working day.
    const sendAt = staffSendAt(new Date('2026-10-02T04:00:00Z'), { calendar: workdays });
    expect(sendAt.toISOString()).toBe('2026-10-08T01:00:00.000Z'); // 09:00 Shanghai
  });
});

describe('the morning release window', () => {
  const night = fc.date({
    min: new Date('2026-01-01T13:00:00Z'), // 21:00 Shanghai
    max: new Date('2026-01-01T23:59:59Z'), // 07:59:59 Shanghai
    noInvalidDate: true,
  });
  const releaseKey = fc.tuple(fc.string({ minLength: 1, maxLength: 26 }), fc.string({ minLength: 1 }));

  it('releases a text held overnight within 08:00-08:30, at the same instant however often computed', () => {
    fc.assert(
      fc.property(night, releaseKey, (now, [id, key]) => {
        // Act
        const first = customerSendAt(now, { quietHours: true, releaseKey: releaseKeyOf(id, key) });
        const again = customerSendAt(new Date(now.getTime() + 1), {
          quietHours: true,
          releaseKey: releaseKeyOf(id, key),
        });
        // Assess
        expect(first.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-01-02T00:00:00Z'));
        expect(first.getTime()).toBeLessThan(Date.parse('2026-01-02T00:00:00Z') + MORNING_RELEASE_WINDOW_MS);
        expect(again).toEqual(first);
      }),
    );
  });

  it('spreads a night of 2,000 texts evenly: no minute of the window gets more than twice its share', () => {
    // Prepare: 100 complaints with 20 texts each, keys as the domain writes them.
    const offsets: number[] = [];
    for (let c = 0; c < 100; c++) {
      const id = `01JD${String(c).padStart(22, '0')}`;
      for (let n = 1; n <= 20; n++) offsets.push(releaseOffsetMs(releaseKeyOf(id, `status:${n}`)));
    }
    // Act
    const perMinute = new Array<number>(30).fill(0);
    for (const offset of offsets) perMinute[Math.floor(offset / 60_000)]! += 1;
    // Assess: the share is 2,000 / 30 = 67 a minute.
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(134);
    expect(Math.min(...perMinute)).toBeGreaterThanOrEqual(33);
  });

  it('sends outside quiet hours at once, whatever the release key', () => {
    const noon = new Date('2026-01-02T04:00:00Z');
    expect(customerSendAt(noon, { quietHours: true, releaseKey: 'x.received.1' })).toEqual(noon);
  });
});

describe('a configured quiet window (CUSTOMER_QUIET_HOURS)', () => {
  it('reads "off", whole hours and HH:00, and refuses anything else', () => {
    expect(parseQuietHours('off')).toBe(false);
    expect(parseQuietHours(' OFF ')).toBe(false);
    expect(parseQuietHours('21-08')).toEqual({ startHour: 21, endHour: 8 });
    expect(parseQuietHours('22:00-07:00')).toEqual({ startHour: 22, endHour: 7 });
    expect(parseQuietHours('20-24')).toEqual({ startHour: 20, endHour: 0 });
    expect(parseQuietHours('0-6')).toEqual({ startHour: 0, endHour: 6 });
    for (const bad of ['', 'on', '21', '21:30-08', '24-08', '8-8', '0-24', '21-25', '-1-8', '21 - 08']) {
      expect(parseQuietHours(bad), bad).toBeUndefined();
    }
  });

  it('never sends inside the window, sends at once outside it, and waits at most the window', () => {
    const windows = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 }))
      .filter(([start, end]) => start !== end)
      .map(([startHour, endHour]) => ({ startHour, endHour }));
    fc.assert(
      fc.property(anyInstant, windows, fc.string(), (now, window, key) => {
        const sendAt = customerSendAt(now, { quietHours: window, releaseKey: key });
        const hour = shanghaiHour(now);
        const inside =
          window.startHour < window.endHour
            ? hour >= window.startHour && hour < window.endHour
            : hour >= window.startHour || hour < window.endHour;
        expect(isCustomerQuietTime(now, window)).toBe(inside);
        if (!inside) {
          expect(sendAt.getTime()).toBe(now.getTime());
          return;
        }
        // Released at the window's end hour, within the morning release spread.
        expect(shanghaiHour(new Date(sendAt.getTime() - releaseOffsetMs(key)))).toBe(window.endHour);
        const length = ((window.endHour - window.startHour + 24) % 24) * HOUR_MS;
        expect(sendAt.getTime() - now.getTime()).toBeLessThanOrEqual(length + MORNING_RELEASE_WINDOW_MS);
        expect(sendAt.getTime()).toBeGreaterThan(now.getTime() - 1);
      }),
    );
  });

  it('holds a midday text for a 12-14 window until 14:00 the same day', () => {
    const window = parseQuietHours('12-14');
    expect(window).toBeTruthy();
    if (!window) return;
    expect(customerSendAt(new Date('2026-10-03T05:30:00Z'), { quietHours: window }).toISOString()).toBe(
      '2026-10-03T06:00:00.000Z',
    ); // 13:30 -> 14:00 Shanghai
  });

  it('sends at once when the deployment turned quiet hours off', () => {
    const night = new Date('2026-10-03T15:00:00Z'); // 23:00 Shanghai
    expect(customerSendAt(night, { quietHours: false })).toEqual(night);
  });
});
