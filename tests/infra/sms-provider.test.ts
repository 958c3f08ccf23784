// The SMS provider is chosen per deployment in CDK context: synth refuses a mainland provider without its
// signature and a template for every customer wording (parameters matching, values within the provider's
// length rule), refuses SNS or End User Messaging in the China regions, and hands the chosen provider's
// settings, credentials and IAM grant to the function that sends texts only.
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { exampleTemplateMapping } from '#domain/notifications/provider-templates';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';
import { DeploymentConfigError } from '../../infra/stacks/deployment-config.ts';
import { CHINA_SMS_CONTEXT } from '../support/sms-context.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

function synthError(context: Record<string, unknown>, region = 'us-east-1'): Error {
  try {
    createComplaintsApp({ bundling: false, context, env: { account: '123456789012', region } });
  } catch (error) {
    return error as Error;
  }
  throw new Error('synth succeeded');
}

/** Each function's environment and the actions its role may take, by function name. */
function synthFunctions(context: Record<string, unknown>) {
  const { service, data } = createComplaintsApp({ bundling: false, context });
  const resources = {
    ...(Template.fromStack(data).toJSON().Resources as Record<string, Resource>),
    ...(Template.fromStack(service).toJSON().Resources as Record<string, Resource>),
  };
  const of = (name: string) => {
    const fn = service.functions.get(name)!;
    const props = resources[service.getLogicalId(fn.node.defaultChild as CfnFunction)]!.Properties;
    const roleId = (props.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const actions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
      .flatMap(
        (r) => (r.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((statement) => [statement.Action].flat());
    return { env: (props.Environment as { Variables: Record<string, unknown> }).Variables, actions };
  };
  return { of, names: [...service.functions.keys()] };
}

describe('smsProvider in CDK context', () => {
  it('refuses aliyun without a signature or a template mapping, naming both keys', () => {
    const error = synthError({ smsProvider: 'aliyun' });

    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect(error.message).toContain('smsSignature: required with smsProvider aliyun');
    expect(error.message).toContain('smsTemplates: required with smsProvider aliyun');
  });

  it('names each wording whose template is missing, registered with other parameters, or too long for Alibaba', () => {
    // Prepare: received registered without its time; accepted left out; English closed reasons run to 53 characters.
    const mapping = exampleTemplateMapping(['zh-CN', 'en']);
    const zh = { ...mapping['zh-CN']! } as Record<string, unknown>;
    zh.received = { code: 'SMS_100000001', params: ['shortId'] };
    delete zh.accepted;

    const error = synthError({
      smsProvider: 'aliyun',
      smsSignName: '邮政投诉',
      smsTemplates: JSON.stringify({ ...mapping, 'zh-CN': zh }),
    });

    // The former key of the signature is refused with a pointer to the one that replaced it.
    expect(error.message).toContain('smsSignName: is no longer read: set smsSignature');
    expect(error.message).toContain('smsSignature: required with smsProvider aliyun');
    expect(error.message).toContain(
      'smsTemplates.zh-CN.received.params: registered with [shortId], the wording uses [shortId, answerBy]; missing answerBy',
    );
    expect(error.message).toContain('smsTemplates.zh-CN.accepted: no template');
    expect(error.message).toContain(
      'smsTemplates.en.closed: {reason} can hold 53 characters, aliyun allows 35 per parameter',
    );
  });

  it('refuses SNS and End User Messaging in a China region, where neither can text', () => {
    const china = {
      secretsExtensionLayerArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:layer:secrets:1',
      authIssuer: 'https://idp.example.cn/realms/staff',
    };
    for (const smsProvider of ['sns', 'end-user-messaging']) {
      const error = synthError({ ...china, smsProvider }, 'cn-north-1');
      expect(error.message).toContain(`smsProvider: ${smsProvider} cannot text customers in cn-north-1`);
    }
    const push = synthError({ ...china, ...CHINA_SMS_CONTEXT, mobilePush: 'sns' }, 'cn-north-1');
    expect(push.message).toContain('mobilePush: Amazon SNS has no mobile push in cn-north-1');
  });

  it('gives send-notification the aliyun settings and, alone, the credentials secret', () => {
    const { of, names } = synthFunctions(CHINA_SMS_CONTEXT);
    const sender = of('send-notification');

    expect(sender.env.SMS_PROVIDER).toBe('aliyun');
    expect(sender.env.MOBILE_PUSH).toBe('none');
    // One signature setting: the handler derives Alibaba's SignName (without 【】) from it.
    expect(sender.env.SMS_SIGNATURE).toBe('【邮政投诉】');
    expect(sender.env).not.toHaveProperty('SMS_SIGN_NAME');
    expect(JSON.parse(String(sender.env.SMS_TEMPLATE_CODES))['zh-CN'].received).toMatch(/^SMS_\d+$/);
    expect(sender.env.SMS_CREDENTIALS_SECRET_ID).toBeDefined();
    expect(sender.actions).toContain('secretsmanager:GetSecretValue');
    expect(names.filter((name) => of(name).env.SMS_CREDENTIALS_SECRET_ID !== undefined)).toEqual([
      'send-notification',
    ]);
    // Staff topics still go through SNS.
    expect(sender.actions).toContain('sns:Publish');
  }, 120_000);

  it('grants sms-voice:SendTextMessage to send-notification alone with end-user-messaging', () => {
    const { of, names } = synthFunctions({
      smsProvider: 'end-user-messaging',
      smsOriginationIdentity: 'pool-0123456789abcdef',
    });

    expect(of('send-notification').env).toMatchObject({
      SMS_PROVIDER: 'end-user-messaging',
      MOBILE_PUSH: 'sns',
      SMS_ORIGINATION_IDENTITY: 'pool-0123456789abcdef',
    });
    expect(names.filter((name) => of(name).actions.includes('sms-voice:SendTextMessage'))).toEqual([
      'send-notification',
    ]);
  }, 120_000);
});
