// The environment contract of docs/ARCHITECTURE.md: parsed into typed settings, and every bad variable
// named in one error without echoing its value.
import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfig } from '#commons/config';

const topic = (level: number) => `arn:aws:sns:cn-north-1:123456789012:complaints-staff-level-${level}`;

const VALID = {
  TABLE_NAME: 'complaints',
  COMPLAINT_STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:complaint',
  NOTIFICATION_STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:notification',
  STAFF_TOPIC_ARNS: JSON.stringify([0, 1, 2, 3].map(topic)),
  PHONE_HASH_SECRET: 'a-secret-of-at-least-16-chars',
  PUBLIC_BASE_URL: 'https://complaints.example.cn',
};

function problemsOf(env: Record<string, string | undefined>): ConfigurationError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseConfig', () => {
  it('turns a complete environment into typed settings', () => {
    // Act
    const config = parseConfig({
      ...VALID,
      COMPLAINTS_TIME_SCALE: '3600',
      SMS_MAX_PRICE: '0.50',
      SMS_SENDER_ID: 'EMS',
      SLA_POLICY: '{"warningRatio":0.7}',
      STAFF_ALERT_CALENDAR: 'cn-workdays',
      SLA_HOLIDAY_SCHEDULE: '{"2031":{"holidays":["2031-01-23"],"workdays":[]}}',
    });

    // Assess
    expect(config).toEqual({
      tableName: 'complaints',
      complaintStateMachineArn: VALID.COMPLAINT_STATE_MACHINE_ARN,
      notificationStateMachineArn: VALID.NOTIFICATION_STATE_MACHINE_ARN,
      staffTopicArns: [topic(0), topic(1), topic(2), topic(3)],
      phoneHashSecret: VALID.PHONE_HASH_SECRET,
      slaPolicyOverride: { warningRatio: 0.7 },
      timeScale: 3600,
      smsSenderId: 'EMS',
      smsMaxPrice: 0.5,
      publicBaseUrl: 'https://complaints.example.cn',
      staffAlertCalendar: 'cn-workdays',
      holidaySchedule: { 2031: { holidays: ['2031-01-23'], workdays: [] } },
    });
  });

  it('defaults staff alerts to 24x7 and names a bad calendar or schedule', () => {
    expect(parseConfig(VALID).staffAlertCalendar).toBe('24x7');
    expect(() => parseConfig({ ...VALID, STAFF_ALERT_CALENDAR: 'office' })).toThrow(/STAFF_ALERT_CALENDAR/);
    expect(() => parseConfig({ ...VALID, SLA_HOLIDAY_SCHEDULE: '[1]' })).toThrow(/SLA_HOLIDAY_SCHEDULE/);
  });

  it('treats empty optional variables as unset', () => {
    const config = parseConfig({ ...VALID, COMPLAINTS_TIME_SCALE: '', SLA_POLICY: '', SMS_SENDER_ID: '' });
    expect(config.timeScale).toBeUndefined();
    expect(config.slaPolicyOverride).toBeUndefined();
    expect(config.smsSenderId).toBeUndefined();
  });

  it('names every missing required variable', () => {
    const error = problemsOf({});
    expect(error.variables.sort()).toEqual([
      'COMPLAINT_STATE_MACHINE_ARN',
      'NOTIFICATION_STATE_MACHINE_ARN',
      'PHONE_HASH_SECRET',
      'PUBLIC_BASE_URL',
      'STAFF_TOPIC_ARNS',
      'TABLE_NAME',
    ]);
    expect(error.message).toContain('TABLE_NAME is required');
  });

  it.each([
    ['STAFF_TOPIC_ARNS', 'not json'],
    ['STAFF_TOPIC_ARNS', JSON.stringify([topic(0), topic(1), topic(2)])],
    ['STAFF_TOPIC_ARNS', JSON.stringify([topic(0), topic(1), topic(2), 'not-an-arn'])],
    ['COMPLAINT_STATE_MACHINE_ARN', 'complaint'],
    ['COMPLAINTS_TIME_SCALE', 'fast'],
    ['COMPLAINTS_TIME_SCALE', '-1'],
    ['SLA_POLICY', '[1, 2]'],
    ['SLA_POLICY', '{broken'],
    ['SMS_SENDER_ID', 'a sender id that is far too long'],
    ['PUBLIC_BASE_URL', 'complaints.example.cn'],
  ])('names %s when it is %j', (variable, value) => {
    const error = problemsOf({ ...VALID, [variable]: value });
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(variable);
  });

  it('never echoes the phone hash secret', () => {
    const error = problemsOf({ ...VALID, PHONE_HASH_SECRET: 'short-secret' });
    expect(error.variables).toEqual(['PHONE_HASH_SECRET']);
    expect(error.message).not.toContain('short-secret');
  });
});
