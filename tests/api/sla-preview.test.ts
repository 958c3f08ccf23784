// GET /v1/sla/preview over HTTP: deadlines on the real business calendar across the 2026 holidays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/embedded.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

type Preview = { calendar: string; deadlines: { response: string; handling: string; resolution: string } };
type Problem = { status: number; errors?: { path: string }[] };

const preview = (query: string) => api.get<Preview & Problem>(`/v1/sla/preview?${query}`);

describe('GET /v1/sla/preview', () => {
  it.each([
    // loss, 3 working days (27 working hours) on cn-workdays: Sunday 20 Sep is a make-up working day.
    [
      'loss',
      'normal',
      '2026-09-18T17:00:00+08:00',
      'cn-workdays',
      '2026-09-22T09:00:00.000Z',
      '2026-09-25T09:00:00.000Z',
    ],
    // after National Day: Saturday 10 Oct is a make-up working day, Sunday 11 Oct is not.
    [
      'loss',
      'normal',
      '2026-10-08T10:00:00+08:00',
      'cn-workdays',
      '2026-10-12T02:00:00.000Z',
      '2026-10-15T02:00:00.000Z',
    ],
    // across National Day the working-day clock runs past the 7-day resolution clock, which caps it.
    [
      'loss',
      'normal',
      '2026-09-30T17:30:00+08:00',
      'cn-workdays',
      '2026-10-07T09:30:00.000Z',
      '2026-10-07T09:30:00.000Z',
    ],
    // Spring Festival eve: urgent loss (2 working days) capped by the 3-day urgent resolution clock.
    [
      'loss',
      'urgent',
      '2026-02-13T16:00:00+08:00',
      'cn-workdays',
      '2026-02-16T08:00:00.000Z',
      '2026-02-16T08:00:00.000Z',
    ],
    // 24x7 clocks ignore holidays: delay, normal, 48 h.
    [
      'delay',
      'normal',
      '2026-10-01T12:00:00+08:00',
      '24x7',
      '2026-10-03T04:00:00.000Z',
      '2026-10-08T04:00:00.000Z',
    ],
  ])('%s %s received %s', async (category, priority, at, calendar, handling, resolution) => {
    const response = await preview(`category=${category}&priority=${priority}&at=${encodeURIComponent(at)}`);
    expect(response.status).toBe(200);
    expect(response.body.calendar).toBe(calendar);
    expect(response.body.deadlines.handling).toBe(handling);
    expect(response.body.deadlines.resolution).toBe(resolution);
  });

  it.each([
    ['priority=normal&at=2026-10-01T12:00:00%2B08:00', 'category'],
    ['category=loss&at=2026-10-01T12:00:00', 'at'],
    ['category=loss&priority=high&at=2026-10-01T12:00:00%2B08:00', 'priority'],
    ['category=parcel&at=2026-10-01T12:00:00%2B08:00', 'category'],
  ])('rejects %s naming %s', async (query, field) => {
    const response = await preview(query);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors?.map((e) => e.path)).toContain(field);
  });
});
