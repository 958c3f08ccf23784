import { describe, expect, it } from 'vitest';
import type { NewComplaintInput } from '#domain/commands';
import { InvalidInput } from '#domain/errors';
import { classificationOf, registerComplaint } from '#domain/registration';
import {
  DAY_MS,
  domainContext,
  HOUR_MS,
  MINUTE_MS,
  newComplaintInput,
  register,
  shanghai,
} from '../support/domain-context.ts';

const NOW = shanghai('2026-03-02T10:00');
const facts = {
  id: '01JTESTCOMPLAINT0000000000',
  shortId: '00000000',
  phoneHash: 'hash',
  registeredBy: 'client:hotline',
  registrar: { actor: 'hotline' },
};

describe('registerComplaint', () => {
  it('builds version 1 in received, with response and resolution clocks and the first timer planned', () => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const c = register(dc);

    // Assess
    expect(c.version).toBe(1);
    expect(c.status).toBe('received');
    expect(c.stage).toMatchObject({ name: 'received', enteredAt: NOW.toISOString() });
    expect(c.stage.timer).toEqual({ kind: 'warning', clock: 'response', at: c.clocks.response?.warnAt });
    expect(Object.keys(c.clocks).sort()).toEqual(['resolution', 'response']);
    expect(c.clocks.response?.startedAt).toBe(NOW.toISOString());
    expect(c.escalationLevel).toBe(0);
    expect(c.regulatoryRisk).toBe(false);
    expect(c.totalPausedMs).toBe(0);
    expect(c.breaches).toEqual([]);
    expect(c.timeline).toEqual([
      expect.objectContaining({
        at: NOW.toISOString(),
        type: 'registered',
        to: 'received',
        actor: 'hotline',
      }),
    ]);
    expect(c.firstResponder).toBeUndefined();
    expect(c.owner).toBeUndefined();
  });

  it('owes the customer a received text promising the resolution deadline, and nothing to staff when normal', () => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const c = register(dc);

    // Assess
    expect(c.priority).toBe('normal');
    expect(c.outbox).toEqual([
      expect.objectContaining({
        audience: 'customer',
        event: 'received',
        data: { promisedBy: shanghai('2026-03-09T10:00').toISOString() },
      }),
    ]);
  });

  it('owes staff a new-urgent alert as well when urgent', () => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const c = register(dc, { priority: 'urgent' });

    // Assess
    expect(c.outbox.map((n) => [n.audience, n.event])).toEqual([
      ['customer', 'received'],
      ['staff', 'staff-new-urgent'],
    ]);
    expect(new Set(c.outbox.map((n) => n.key)).size).toBe(2);
  });

  it.each([
    { why: 'a privacy complaint', input: { category: 'privacy', description: '我的个人信息被泄露了' } },
    {
      why: 'a regulator transfer (12305)',
      input: {
        channel: 'regulator',
        regulator: { reference: '12305-2026-000123', replyDueAt: '2027-12-31T00:00:00.000Z' },
      },
    },
    {
      why: 'a classified privacy complaint',
      input: { category: undefined, description: '快递员泄露了我的手机号和住址，个人信息被泄露' },
    },
  ] as { why: string; input: Partial<NewComplaintInput> }[])(
    'raises $why to urgent with urgent clocks',
    ({ input }) => {
      // Prepare
      const dc = domainContext(NOW);

      // Act
      const c = register(dc, { priority: 'normal', ...input });

      // Assess
      expect(c.priority).toBe('urgent');
      expect(c.clocks.response?.dueAt).toBe(new Date(NOW.getTime() + 2 * HOUR_MS).toISOString());
      expect(c.clocks.resolution?.dueAt).toBe(new Date(NOW.getTime() + 3 * 24 * HOUR_MS).toISOString());
      expect(c.outbox.map((n) => n.event)).toContain('staff-new-urgent');
    },
  );

  it('raises a repeat complaint to urgent and records which one it repeats', () => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const c = register(dc, { priority: 'normal' }, { repeatOf: '01JEARLIERCOMPLAINT0000000' });

    // Assess
    expect(c.priority).toBe('urgent');
    expect(c.repeatOf).toBe('01JEARLIERCOMPLAINT0000000');
    expect(c.timeline[0]?.data).toMatchObject({ repeatOf: '01JEARLIERCOMPLAINT0000000', priority: 'urgent' });
  });

  it('keeps a declared priority otherwise, and defaults to normal', () => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const urgent = register(dc, { priority: 'urgent' });
    const unstated = register(dc, { priority: undefined });

    // Assess
    expect(urgent.priority).toBe('urgent');
    expect(unstated.priority).toBe('normal');
  });

  it('starts the resolution clock at receivedAt and the response clock at registration', () => {
    // Prepare
    const dc = domainContext(NOW);
    const receivedAt = new Date(NOW.getTime() - 2 * DAY_MS).toISOString();

    // Act
    const c = register(dc, { receivedAt });

    // Assess
    expect(c.receivedAt).toBe(receivedAt);
    expect(c.createdAt).toBe(NOW.toISOString());
    expect(c.clocks.resolution?.startedAt).toBe(receivedAt);
    expect(c.clocks.resolution?.dueAt).toBe(new Date(NOW.getTime() + 5 * DAY_MS).toISOString());
    expect(c.clocks.response?.dueAt).toBe(new Date(NOW.getTime() + DAY_MS).toISOString());
  });

  it('stores a receivedAt given with an offset as a UTC instant', () => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const c = register(dc, { receivedAt: '2026-03-01T20:30:00+08:00' });

    // Assess
    expect(c.receivedAt).toBe('2026-03-01T12:30:00.000Z');
  });

  it.each([
    { why: 'an hour in the future', receivedAt: new Date(NOW.getTime() + HOUR_MS).toISOString() },
    {
      why: 'older than 30 days',
      receivedAt: new Date(NOW.getTime() - 30 * DAY_MS - MINUTE_MS).toISOString(),
    },
    { why: 'not a date', receivedAt: 'yesterday' },
  ])('rejects a receivedAt $why with InvalidInput naming receivedAt', ({ receivedAt }) => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const attempt = (): unknown => register(dc, { receivedAt });

    // Assess
    expect(attempt).toThrow(InvalidInput);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidInput).errors).toEqual([{ path: 'receivedAt', message: expect.any(String) }]);
    }
  });

  it.each([
    { why: 'exactly 30 days old', receivedAt: new Date(NOW.getTime() - 30 * DAY_MS).toISOString() },
    {
      why: 'a minute ahead (clock skew between systems)',
      receivedAt: new Date(NOW.getTime() + MINUTE_MS).toISOString(),
    },
  ])('accepts a receivedAt $why', ({ receivedAt }) => {
    // Prepare
    const dc = domainContext(NOW);

    // Act
    const c = register(dc, { receivedAt });

    // Assess
    expect(c.receivedAt).toBe(receivedAt);
  });
});

describe('classificationOf', () => {
  it('uses a declared category with full confidence', () => {
    // Act
    const classification = classificationOf(newComplaintInput({ category: 'damage' }));

    // Assess
    expect(classification).toEqual({ category: 'damage', confidence: 1, source: 'declared' });
  });

  it('asks the classifier when no category is given, and registration records its choice', () => {
    // Prepare
    const dc = domainContext(NOW);
    const input = newComplaintInput({ category: undefined, description: '包裹丢失了，快递员说找不到' });

    // Act
    const classification = classificationOf(input);
    const c = registerComplaint(input, facts, classification, dc.ctx());

    // Assess
    expect(classification.source).toBe('classifier');
    expect(classification.category).toBe('loss');
    expect(classification.confidence).toBeGreaterThan(0);
    expect(classification.confidence).toBeLessThan(1);
    expect(c.category).toBe('loss');
    expect(c.classification).toEqual(classification);
    expect(c.clocks.response).toBeDefined();
    expect(c.timeline[0]?.data).toMatchObject({ category: 'loss', classifiedBy: 'classifier' });
  });
});
