// The deployment's settings come from CDK context: a bad value must stop `cdk synth` with a message that
// names the key (and, for the SLA policy, the entry), and good values must reach the resources.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';
import { DeploymentConfigError } from '../../infra/stacks/deployment-config.ts';
import { CHINA_SMS_CONTEXT } from '../support/sms-context.ts';

const negativeLossBudget = { handling: { loss: { urgent: { budget: { workingDays: -1 } } } } };

function synthError(context: Record<string, unknown>): Error {
  try {
    createComplaintsApp({ bundling: false, context });
  } catch (error) {
    return error as Error;
  }
  throw new Error('synth succeeded');
}

describe('bad context', () => {
  it('fails with a message naming the SLA policy entry with a negative budget (as -c passes it: a string)', () => {
    const error = synthError({ slaPolicy: JSON.stringify(negativeLossBudget) });

    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect(error.message).toContain('slaPolicy.handling.loss.urgent.budget.workingDays: must be positive');
  });

  it('names every bad key at once', () => {
    const error = synthError({
      stage: 'Prod!',
      holidaySchedule: { 2031: { holidays: ['2031-02-30'], workdays: [] } },
      logRetentionDays: '45',
      alarmEmail: 'ops-at-example',
      slaPolicy: { handling: { parcels: {} } },
      apiKeyRequired: 'yes',
      compensationRules: { delay: { percentOfPostage: -5 } },
      smsSignature: '邮政投诉',
      customerQuietHours: '21:30-08',
      followUpNeutralScore: 'sometimes',
    });

    expect(error.message).toMatch(/^Invalid CDK context:/);
    for (const key of [
      'smsSignature',
      'customerQuietHours',
      'stage',
      'holidaySchedule.2031.holidays[0]',
      'logRetentionDays',
      'alarmEmail',
      'slaPolicy.handling.parcels',
      'apiKeyRequired',
      'compensationRules.delay.percentOfPostage',
      'followUpNeutralScore',
    ]) {
      expect(error.message).toContain(`  - ${key}: `);
    }
  });

  it('makes `node infra/app.ts` (what `cdk synth` runs) print the problem and exit 1, without a stack trace', () => {
    // Prepare: the CLI hands context to the app through CDK_CONTEXT_JSON.
    const outdir = mkdtempSync(join(tmpdir(), 'complaints-synth-'));
    try {
      // Act
      const run = spawnSync(process.execPath, ['infra/app.ts'], {
        cwd: new URL('../../', import.meta.url).pathname,
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ slaPolicy: JSON.stringify(negativeLossBudget) }),
        },
        encoding: 'utf8',
      });

      // Assess
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('slaPolicy.handling.loss.urgent.budget.workingDays: must be positive');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('good context', () => {
  it('reaches the stacks: stage names, SLA override, holidays, compensation rules, SMS settings, base URL, alarm email, API keys', () => {
    // Prepare
    const slaPolicy = { handling: { loss: { urgent: { budget: { workingDays: 1 } } } }, warningRatio: 0.7 };
    const holidaySchedule = { 2031: { holidays: ['2031-01-01'], workdays: [] } };

    // Act
    const { data, service } = createComplaintsApp({
      bundling: false,
      context: {
        stage: 'prod',
        slaPolicy: JSON.stringify(slaPolicy),
        holidaySchedule,
        smsSenderId: 'POSTCN',
        smsSignature: '【中国邮政】',
        smsMaxPrice: '0.05',
        customerQuietHours: '22-07',
        publicBaseUrl: 'https://complaints.example.cn',
        logRetentionDays: '365',
        alarmEmail: 'ops@example.cn',
        staffAlertCalendar: 'cn-workdays',
        followUpNeutralScore: 'true',
        apiKeyRequired: 'true',
        apiRateLimit: '20',
        compensationRules: JSON.stringify({ delay: { percentOfPostage: 50 } }),
      },
    });
    const dataTemplate = Template.fromStack(data);
    const serviceTemplate = Template.fromStack(service);

    // Assess
    expect([data.stackName, service.stackName]).toEqual(['complaints-prod-data', 'complaints-prod-service']);
    serviceTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          SLA_POLICY: JSON.stringify(slaPolicy),
          SLA_HOLIDAY_SCHEDULE: JSON.stringify(holidaySchedule),
          SMS_SENDER_ID: 'POSTCN',
          SMS_SIGNATURE: '【中国邮政】',
          SMS_MAX_PRICE: '0.05',
          CUSTOMER_QUIET_HOURS: '22-07',
          PUBLIC_BASE_URL: 'https://complaints.example.cn',
          STAFF_ALERT_CALENDAR: 'cn-workdays',
          FOLLOW_UP_NEUTRAL_SCORE: 'true',
          COMPENSATION_RULES: JSON.stringify({ delay: { percentOfPostage: 50 } }),
        },
      },
    });
    serviceTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    serviceTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'complaints-prod-complaint',
    });
    serviceTemplate.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
    serviceTemplate.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 20, BurstLimit: 100 },
    });
    const methods = Object.values(serviceTemplate.findResources('AWS::ApiGateway::Method'));
    for (const method of methods) {
      // Authenticated routes also need a key; open ones (health, the customer link) cannot ask for one.
      expect(method.Properties.ApiKeyRequired).toBe(method.Properties.AuthorizationType === 'CUSTOM');
    }
    dataTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.cn',
    });
  });
});

describe('the secrets extension layer in the China regions', () => {
  // What AWS publishes in China is its own account's layer; this one is only shaped like it.
  const chinaLayer = 'arn:aws-cn:lambda:cn-north-1:123456789012:layer:Params-And-Secrets-Arm64:4';
  const beijing = { account: '123456789012', region: 'cn-north-1' };

  it('stops synth in a China region without secretsExtensionLayerArn, naming the key', () => {
    // Act
    let error: Error | undefined;
    try {
      createComplaintsApp({ bundling: false, env: beijing });
    } catch (caught) {
      error = caught as Error;
    }

    // Assess
    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect(error?.message).toContain('secretsExtensionLayerArn: required in cn-north-1');
  });

  it('puts the given layer on the functions that hash phone numbers, and only there', () => {
    // Act
    const { service } = createComplaintsApp({
      bundling: false,
      env: beijing,
      // Amazon Cognito has no user pools in the China regions: the operator's own issuer.
      // Amazon SNS has no SMS there: a mainland provider, whose AccessKey pair is a secret too.
      context: {
        secretsExtensionLayerArn: chinaLayer,
        authIssuer: 'https://idp.example.cn/realms/staff',
        ...CHINA_SMS_CONTEXT,
      },
    });
    const functions = Object.values(Template.fromStack(service).findResources('AWS::Lambda::Function'));
    const layered = functions.filter((fn) => (fn as { Properties: { Layers?: unknown } }).Properties.Layers);

    // Assess
    // create-complaint and post-erasure-request (phone-hash key), send-notification (SMS credentials)
    expect(layered.map((fn) => (fn as { Properties: { Layers: unknown } }).Properties.Layers)).toEqual([
      [chinaLayer],
      [chinaLayer],
      [chinaLayer],
    ]);
  });

  it('refuses a value that is not a layer version ARN', () => {
    const error = synthError({ secretsExtensionLayerArn: 'arn:aws-cn:lambda:cn-north-1:123:function:x' });

    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect(error.message).toContain('secretsExtensionLayerArn: must be a Lambda layer version ARN');
  });
});
