// The environment contract of docs/ARCHITECTURE.md: parsed into typed settings, and every bad variable
// named in one error without echoing its value.
import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfig } from '#commons/config';
import { exampleTemplateMapping, templateCodes } from '#domain/notifications/provider-templates';

const topic = (level: number) => `arn:aws:sns:cn-north-1:123456789012:complaints-staff-level-${level}`;

const VALID = {
  TABLE_NAME: 'complaints',
  COMPLAINT_STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:complaint',
  NOTIFICATION_STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:notification',
  STAFF_TOPIC_ARNS: JSON.stringify([0, 1, 2, 3].map(topic)),
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
      SMS_SIGNATURE: '【中国邮政】',
      SLA_POLICY: '{"warningRatio":0.7}',
      COMPENSATION_RULES: '{"delay":"none"}',
      STAFF_ALERT_CALENDAR: 'cn-workdays',
      SLA_HOLIDAY_SCHEDULE: '{"2031":{"holidays":["2031-01-23"],"workdays":[]}}',
      PHONE_HASH_SECRET_ID: 'complaints/prod/phone-hash-key',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2800',
      ATTACHMENTS_BUCKET: 'complaints-prod-attachments-123456789012-cn-north-1',
      S3_FORCE_PATH_STYLE: 'false',
      FOLLOW_UP_NEUTRAL_SCORE: 'true',
    });

    // Assess
    expect(config).toEqual({
      attachmentsBucket: 'complaints-prod-attachments-123456789012-cn-north-1',
      s3ForcePathStyle: false,
      tableName: 'complaints',
      complaintStateMachineArn: VALID.COMPLAINT_STATE_MACHINE_ARN,
      notificationStateMachineArn: VALID.NOTIFICATION_STATE_MACHINE_ARN,
      staffTopicArns: [topic(0), topic(1), topic(2), topic(3)],
      phoneHashSecretId: 'complaints/prod/phone-hash-key',
      secretsExtensionPort: 2800,
      slaPolicyOverride: { warningRatio: 0.7 },
      compensationRulesOverride: { delay: 'none' },
      timeScale: 3600,
      smsSenderId: 'EMS',
      smsMaxPrice: 0.5,
      smsSignature: '【中国邮政】',
      publicBaseUrl: 'https://complaints.example.cn',
      staffAlertCalendar: 'cn-workdays',
      followUpNeutralScore: true,
      holidaySchedule: { 2031: { holidays: ['2031-01-23'], workdays: [] } },
      sms: { provider: 'sns', push: 'sns', aliyunEndpoint: 'dysmsapi.aliyuncs.com' },
    });
  });

  it('names a bad attachments bucket or path-style flag, and addresses by virtual host by default', () => {
    expect(parseConfig(VALID).s3ForcePathStyle).toBe(false);
    expect(parseConfig({ ...VALID, S3_FORCE_PATH_STYLE: 'true' }).s3ForcePathStyle).toBe(true);
    expect(() => parseConfig({ ...VALID, ATTACHMENTS_BUCKET: 'Not_A_Bucket' })).toThrow(/ATTACHMENTS_BUCKET/);
    expect(() => parseConfig({ ...VALID, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });

  it('follows neutral scores up only when asked, and names a value that is not true or false', () => {
    expect(parseConfig(VALID).followUpNeutralScore).toBe(false);
    expect(parseConfig({ ...VALID, FOLLOW_UP_NEUTRAL_SCORE: 'false' }).followUpNeutralScore).toBe(false);
    expect(() => parseConfig({ ...VALID, FOLLOW_UP_NEUTRAL_SCORE: 'yes' })).toThrow(
      /FOLLOW_UP_NEUTRAL_SCORE/,
    );
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
    ['COMPENSATION_RULES', '"none"'],
    ['SMS_SENDER_ID', 'a sender id that is far too long'],
    ['SMS_SIGNATURE', '邮政投诉'],
    ['SMS_SIGNATURE', '【中国邮政速递物流公司】'],
    ['PUBLIC_BASE_URL', 'complaints.example.cn'],
    ['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', 'localhost'],
    ['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', '0'],
    ['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', '65536'],
    ['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', '2773.5'],
    ['SMS_PROVIDER', 'twilio'],
    ['MOBILE_PUSH', 'fcm'],
    ['ALIYUN_SMS_ENDPOINT', 'dysmsapi.aliyuncs.com/path?x'],
  ])('names %s when it is %j', (variable, value) => {
    const error = problemsOf({ ...VALID, [variable]: value });
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(variable);
  });

  it('needs no phone-hash key: only its secret id, and only where phones are hashed (checked on first use)', () => {
    // Act
    const config = parseConfig(VALID);

    // Assess
    expect(config.phoneHashSecretId).toBeUndefined();
    expect(config.secretsExtensionPort).toBe(2773);
    expect(Object.keys(config)).not.toContain('phoneHashSecret');
  });

  it('ignores a phone-hash key left in the environment: the key is never configuration', () => {
    const config = parseConfig({ ...VALID, PHONE_HASH_SECRET: 'a-secret-of-at-least-16-chars' });
    expect(JSON.stringify(config)).not.toContain('a-secret-of-at-least-16-chars');
  });
});

describe('parseConfig: the SMS provider', () => {
  const codes = JSON.stringify(templateCodes(exampleTemplateMapping()));

  it('takes a mainland provider with its signature and codes; push off unless asked for', () => {
    const config = parseConfig({
      ...VALID,
      SMS_PROVIDER: 'aliyun',
      SMS_SIGNATURE: '【邮政投诉】',
      SMS_TEMPLATE_CODES: codes,
      SMS_CREDENTIALS_SECRET_ID: 'complaints/prod/sms-provider-credentials',
      ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:4599',
    });

    expect(config.sms).toMatchObject({
      provider: 'aliyun',
      push: 'none',
      signName: '邮政投诉',
      credentialsSecretId: 'complaints/prod/sms-provider-credentials',
      aliyunEndpoint: 'http://127.0.0.1:4599',
    });
    expect(config.sms.templateCodes?.['zh-CN']?.received).toMatch(/^SMS_\d+$/);
  });

  it('names the signature and codes a mainland provider lacks; the secret is checked on first send only', () => {
    const error = problemsOf({ ...VALID, SMS_PROVIDER: 'aliyun' });
    expect(error.variables.sort()).toEqual(['SMS_SIGNATURE', 'SMS_TEMPLATE_CODES']);
    expect(error.message).toContain('SMS_SIGNATURE is required with SMS_PROVIDER=aliyun');

    const partial = problemsOf({
      ...VALID,
      SMS_PROVIDER: 'aliyun',
      SMS_SIGNATURE: '【邮政投诉】',
      SMS_TEMPLATE_CODES: JSON.stringify({ 'zh-CN': { received: 'SMS_1234' } }),
    });
    expect(partial.variables).toEqual(['SMS_TEMPLATE_CODES']);
    expect(partial.message).toContain('zh-CN.accepted: needs a template code');
  });

  it('reads one signature setting: SMS_SIGNATURE, and refuses the former SMS_SIGN_NAME, pointing at it', () => {
    const config = parseConfig({
      ...VALID,
      SMS_PROVIDER: 'aliyun',
      SMS_SIGNATURE: '【中国邮政】',
      SMS_TEMPLATE_CODES: codes,
    });
    // The texts open with the signature; Alibaba takes it without 【】 (the carrier adds them).
    expect(config.smsSignature).toBe('【中国邮政】');
    expect(config.sms.signName).toBe('中国邮政');
    // A free-text provider has no SignName: the signature is in the text.
    expect(parseConfig({ ...VALID, SMS_SIGNATURE: '【中国邮政】' }).sms.signName).toBeUndefined();

    const renamed = problemsOf({ ...VALID, SMS_SIGN_NAME: '邮政投诉' });
    expect(renamed.variables).toEqual(['SMS_SIGN_NAME']);
    expect(renamed.message).toContain('SMS_SIGN_NAME is no longer read: set SMS_SIGNATURE');
  });

  it('takes End User Messaging with its origination identity, push through SNS', () => {
    const config = parseConfig({
      ...VALID,
      SMS_PROVIDER: 'end-user-messaging',
      SMS_ORIGINATION_IDENTITY: 'pool-0123456789abcdef',
      SMS_CONFIGURATION_SET: 'complaints',
    });
    expect(config.sms).toMatchObject({
      provider: 'end-user-messaging',
      push: 'sns',
      originationIdentity: 'pool-0123456789abcdef',
      configurationSetName: 'complaints',
    });
  });
});
