import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, POLICY_CLOCK_NAMES as CLOCK_NAMES, PRIORITIES } from '#domain/complaint';
import { InvalidConfiguration, loadSlaPolicy, parseSlaPolicyOverride, scalePolicy } from '#domain/policy';
import { clockPolicy, DEFAULT_SLA_POLICY } from '#domain/sla';

/** Every (clock, category, priority) the policy answers for. */
const everyClock = CLOCK_NAMES.flatMap((clock) =>
  CATEGORIES.flatMap((category) => PRIORITIES.map((priority) => ({ clock, category, priority }))),
);

function thrownBy(act: () => unknown): InvalidConfiguration {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidConfiguration) return error;
    throw error;
  }
  throw new Error('expected InvalidConfiguration, nothing was thrown');
}

describe('parseSlaPolicyOverride', () => {
  it('gives the default policy for an empty override', () => {
    // Act
    const policy = parseSlaPolicyOverride({});

    // Assess
    expect(policy).toEqual(DEFAULT_SLA_POLICY);
  });

  it('changes only the entry the override names', () => {
    // Prepare
    const override = { handling: { loss: { urgent: { budget: { workingDays: 1 } } } } };

    // Act
    const policy = parseSlaPolicyOverride(override);

    // Assess
    expect(policy.handling.loss?.urgent).toEqual({ budget: { workingDays: 1 }, calendar: 'cn-workdays' });
    const changed = everyClock.filter(
      ({ clock, category, priority }) =>
        JSON.stringify(clockPolicy(policy, clock, category, priority)) !==
        JSON.stringify(clockPolicy(DEFAULT_SLA_POLICY, clock, category, priority)),
    );
    expect(changed).toEqual([{ clock: 'handling', category: 'loss', priority: 'urgent' }]);
  });

  it('replaces a budget whole, so hours may replace working days', () => {
    // Act
    const policy = parseSlaPolicyOverride({ handling: { loss: { normal: { budget: { hours: 30 } } } } });

    // Assess
    expect(policy.handling.loss?.normal.budget).toEqual({ hours: 30 });
  });

  it('starts a category the default does not list from the overridden handling default', () => {
    // Prepare
    const override = {
      handling: {
        default: { normal: { budget: { hours: 36 } } },
        attitude: { urgent: { budget: { hours: 6 } } },
      },
    };

    // Act
    const policy = parseSlaPolicyOverride(override);

    // Assess
    expect(clockPolicy(policy, 'handling', 'attitude', 'normal')).toEqual({
      budget: { hours: 36 },
      calendar: '24x7',
    });
    expect(clockPolicy(policy, 'handling', 'attitude', 'urgent')).toEqual({
      budget: { hours: 6 },
      calendar: '24x7',
    });
    expect(clockPolicy(policy, 'handling', 'fees', 'normal')).toEqual({
      budget: { hours: 36 },
      calendar: '24x7',
    });
    // delay has its own entry in the default, which a changed default does not touch
    expect(clockPolicy(policy, 'handling', 'delay', 'normal')).toEqual({
      budget: { hours: 48 },
      calendar: '24x7',
    });
  });

  it('takes ratios and counts', () => {
    // Act
    const policy = parseSlaPolicyOverride({ warningRatio: 0.75, graceRatio: 1, maxTopLevelRealerts: 0 });

    // Assess
    expect([policy.warningRatio, policy.graceRatio, policy.maxTopLevelRealerts]).toEqual([0.75, 1, 0]);
    expect(policy.pendingReminderRatio).toBe(DEFAULT_SLA_POLICY.pendingReminderRatio);
  });

  it.each([
    [
      { handling: { loss: { urgent: { budget: { workingDays: 0 } } } } },
      'handling.loss.urgent.budget.workingDays',
      'must be positive',
    ],
    [{ response: { normal: { budget: { hours: -2 } } } }, 'response.normal.budget.hours', 'must be positive'],
    [
      { response: { normal: { budget: { hours: '24' } } } },
      'response.normal.budget.hours',
      'must be a number',
    ],
    [{ review: { urgent: { budget: { hours: 1, workingDays: 1 } } } }, 'review.urgent.budget', 'exactly one'],
    [{ review: { urgent: { budget: {} } } }, 'review.urgent.budget', 'exactly one'],
    [
      { response: { normal: { calendar: 'lunar' } } },
      'response.normal.calendar',
      'must be one of 24x7, cn-workdays',
    ],
    [{ handling: { parcel: {} } }, 'handling.parcel', 'unknown key'],
    [{ handling: { loss: { high: {} } } }, 'handling.loss.high', 'unknown key'],
    [{ escalation: {} }, 'escalation', 'unknown key'],
    [{ warningRatio: 1.2 }, 'warningRatio', 'must be below 1'],
    [{ pendingReminderRatio: 0 }, 'pendingReminderRatio', 'must be above 0'],
    [{ maxTopLevelRealerts: 1.5 }, 'maxTopLevelRealerts', 'must be a whole number'],
    [{ maxTopLevelRealerts: -1 }, 'maxTopLevelRealerts', 'must not be negative'],
    [[], '(root)', 'expected object'],
  ])('rejects %j naming %s', (override, path, message) => {
    // Act
    const error = thrownBy(() => parseSlaPolicyOverride(override));

    // Assess
    expect(error.errors).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(error.message).toContain(`${path}: `);
  });

  it('reports every bad entry at once', () => {
    // Act
    const error = thrownBy(() =>
      parseSlaPolicyOverride({ response: { urgent: { budget: { hours: 0 } } }, warningRatio: 2 }),
    );

    // Assess
    expect(error.errors.map((e) => e.path).sort()).toEqual(['response.urgent.budget.hours', 'warningRatio']);
  });
});

describe('scalePolicy', () => {
  it('puts every clock on 24x7 and divides its duration, counting a working day as 9 h', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 100_000, noNaN: true }), (n) => {
        // Act
        const scaled = scalePolicy(DEFAULT_SLA_POLICY, n);

        // Assess
        for (const { clock, category, priority } of everyClock) {
          const original = clockPolicy(DEFAULT_SLA_POLICY, clock, category, priority).budget;
          const { budget, calendar } = clockPolicy(scaled, clock, category, priority);
          const originalHours = 'hours' in original ? original.hours : original.workingDays * 9;
          expect(calendar).toBe('24x7');
          expect('hours' in budget && budget.hours * n).toBeCloseTo(originalHours, 6);
        }
      }),
    );
  });

  it('turns the 3 working days of loss into 27 s at N = 3600', () => {
    // Act
    const scaled = scalePolicy(DEFAULT_SLA_POLICY, 3600);

    // Assess
    expect(scaled.handling.loss?.normal.budget).toEqual({ hours: 27 / 3600 });
  });

  it('leaves ratios and counts alone', () => {
    // Act
    const scaled = scalePolicy(DEFAULT_SLA_POLICY, 60);

    // Assess
    const { warningRatio, graceRatio, pendingReminderRatio, maxTopLevelRealerts } = scaled;
    expect({ warningRatio, graceRatio, pendingReminderRatio, maxTopLevelRealerts }).toEqual({
      warningRatio: DEFAULT_SLA_POLICY.warningRatio,
      graceRatio: DEFAULT_SLA_POLICY.graceRatio,
      pendingReminderRatio: DEFAULT_SLA_POLICY.pendingReminderRatio,
      maxTopLevelRealerts: DEFAULT_SLA_POLICY.maxTopLevelRealerts,
    });
  });

  it.each([0, -3, Number.NaN, Number.POSITIVE_INFINITY])('rejects N = %d', (n) => {
    // Act
    const error = thrownBy(() => scalePolicy(DEFAULT_SLA_POLICY, n));

    // Assess
    expect(error.errors[0]?.message).toContain('must be a positive number');
  });
});

describe('loadSlaPolicy', () => {
  it('gives the default policy in real time when nothing is set', () => {
    // Act
    const loaded = loadSlaPolicy({});

    // Assess
    expect(loaded).toEqual({ policy: DEFAULT_SLA_POLICY, timeScale: 1 });
  });

  it('merges SLA_POLICY onto the default', () => {
    // Act
    const { policy } = loadSlaPolicy({ SLA_POLICY: '{"review":{"urgent":{"budget":{"hours":6}}}}' });

    // Assess
    expect(policy.review.urgent).toEqual({ budget: { hours: 6 }, calendar: '24x7' });
    expect(policy.review.normal).toEqual(DEFAULT_SLA_POLICY.review.normal);
  });

  it('scales the merged policy when COMPLAINTS_TIME_SCALE is set', () => {
    // Act
    const loaded = loadSlaPolicy({
      SLA_POLICY: '{"handling":{"loss":{"urgent":{"budget":{"workingDays":1}}}}}',
      COMPLAINTS_TIME_SCALE: '3600',
    });

    // Assess
    expect(loaded.timeScale).toBe(3600);
    expect(loaded.policy.handling.loss?.urgent).toEqual({ budget: { hours: 9 / 3600 }, calendar: '24x7' });
  });

  it.each([
    [' ', 1],
    ['1', 1],
    ['0.5', 0.5],
    ['60', 60],
  ])('reads COMPLAINTS_TIME_SCALE %j as %d', (raw, expected) => {
    // Act
    const { timeScale, policy } = loadSlaPolicy({ COMPLAINTS_TIME_SCALE: raw });

    // Assess
    expect(timeScale).toBe(expected);
    expect(policy.handling.loss?.normal.calendar).toBe(expected === 1 ? 'cn-workdays' : '24x7');
  });

  it.each(['abc', '0', '-5', 'Infinity', '1e3', '3600s'])('rejects COMPLAINTS_TIME_SCALE %j', (raw) => {
    // Act
    const error = thrownBy(() => loadSlaPolicy({ COMPLAINTS_TIME_SCALE: raw }));

    // Assess
    expect(error.errors).toEqual([
      { path: 'COMPLAINTS_TIME_SCALE', message: expect.stringContaining('must be a positive number') },
    ]);
  });

  it('rejects SLA_POLICY that is not JSON', () => {
    // Act
    const error = thrownBy(() => loadSlaPolicy({ SLA_POLICY: '{review:' }));

    // Assess
    expect(error.errors[0]?.path).toBe('SLA_POLICY');
    expect(error.message).toContain('not valid JSON');
  });

  it('names SLA_POLICY and the bad entry', () => {
    // Act
    const error = thrownBy(() =>
      loadSlaPolicy({ SLA_POLICY: '{"handling":{"loss":{"urgent":{"budget":{"workingDays":-1}}}}}' }),
    );

    // Assess
    expect(error.message).toBe(
      'SLA_POLICY is invalid: handling.loss.urgent.budget.workingDays: must be positive',
    );
  });
});
