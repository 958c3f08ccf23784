import { describe, expect, it } from 'vitest';
import { clockPolicy, DEFAULT_SLA_POLICY } from '#domain/sla';

describe('clockPolicy', () => {
  it('uses the category entry when the policy has one', () => {
    expect(clockPolicy(DEFAULT_SLA_POLICY, 'handling', 'loss', 'normal')).toEqual({
      budget: { workingDays: 3 },
      calendar: 'cn-workdays',
    });
  });
  it('falls back to the default handling entry for other categories', () => {
    expect(clockPolicy(DEFAULT_SLA_POLICY, 'handling', 'fees', 'urgent')).toEqual({
      budget: { hours: 24 },
      calendar: '24x7',
    });
  });
});
