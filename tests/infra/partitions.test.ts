// The same app synthesised for a commercial region, a commercial opt-in region and a China region: every
// ARN in every template, state machine definitions included, is in the region's partition, and nothing
// names a partition, region or endpoint domain of its own.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';
import { CHINA_SMS_CONTEXT } from '../support/sms-context.ts';

const ACCOUNT = '123456789012';
const REGIONS = [
  { region: 'us-east-1', partition: 'aws', urlSuffix: 'amazonaws.com' },
  { region: 'ap-east-1', partition: 'aws', urlSuffix: 'amazonaws.com' },
  { region: 'cn-northwest-1', partition: 'aws-cn', urlSuffix: 'amazonaws.com.cn' },
] as const;
type Target = (typeof REGIONS)[number];

/** Both stacks' templates, synthesised without bundling for the region. */
function templates({ region, partition }: Target): Record<string, unknown> {
  const { data, service } = createComplaintsApp({
    bundling: false,
    env: { account: ACCOUNT, region },
    // aws-cdk-lib has no Parameters and Secrets extension layer for the China regions, and Cognito has no
    // user pools there: the operator names the layer and the issuer of access tokens.
    context: region.startsWith('cn-')
      ? {
          secretsExtensionLayerArn: `arn:${partition}:lambda:${region}:${ACCOUNT}:layer:secrets-extension:1`,
          authIssuer: 'https://idp.example.cn/realms/staff',
          authClientIds: 'console,hotline',
          // Amazon SNS has no SMS there: a mainland provider.
          ...CHINA_SMS_CONTEXT,
        }
      : {},
  });
  return { data: Template.fromStack(data).toJSON(), service: Template.fromStack(service).toJSON() };
}

/**
 * The template with the pseudo parameters CloudFormation would substitute filled in, and Fn::Join and
 * Fn::Sub applied where their parts are then plain strings, so that an ARN split over intrinsics is
 * checked as the deployed string. Other references stay as `{ref}`.
 */
function resolve(value: unknown, target: Target): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Partition': target.partition,
    'AWS::Region': target.region,
    'AWS::AccountId': ACCOUNT,
    'AWS::URLSuffix': target.urlSuffix,
  };
  if (Array.isArray(value)) return value.map((item) => resolve(item, target));
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === 'Ref') return pseudo[object.Ref as string] ?? '{ref}';
  if (keys.length === 1 && (keys[0] === 'Fn::GetAtt' || keys[0] === 'Fn::ImportValue')) return '{ref}';
  if (keys.length === 1 && keys[0] === 'Fn::GetStackOutput') return '{ref}';
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    const resolved = parts.map((part) => resolve(part, target));
    if (resolved.every((part) => typeof part === 'string')) return resolved.join(separator);
    return { 'Fn::Join': [separator, resolved] };
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    const sub = object['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : (sub as [string])[0];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => pseudo[name] ?? '{ref}');
  }
  const resolved = Object.fromEntries(
    Object.entries(object).map(([key, item]) => [key, resolve(item, target)]),
  ) as Record<string, unknown>;
  // A state machine's definition is its ASL text with the definition substitutions applied at deploy.
  if (typeof resolved.DefinitionString === 'string' && resolved.DefinitionSubstitutions) {
    const substitutions = resolved.DefinitionSubstitutions as Record<string, unknown>;
    resolved.DefinitionString = resolved.DefinitionString.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const value = substitutions[name];
      return typeof value === 'string' ? value : '{ref}';
    });
  }
  return resolved;
}

/** Every `arn:partition:service:region:account:...` prefix in the strings of a resolved template. */
function arnsIn(resolved: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/arn:[^:"\s]*:[^:"\s]*:[^:"\s]*:[^:"\s]*:[^"\s,}]*/g))
        found.push(match[0]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(resolved);
  return found;
}

describe.each(REGIONS)('synthesised for $region', (target) => {
  const resolved = Object.fromEntries(
    Object.entries(templates(target)).map(([stack, template]) => [stack, resolve(template, target)]),
  );

  it(`puts every ARN of every template in the ${target.partition} partition`, () => {
    const arns = Object.values(resolved).flatMap(arnsIn);

    // Assess: the state machines' own service integrations are among them, and none is elsewhere.
    expect(arns).toEqual(expect.arrayContaining([`arn:${target.partition}:states:::lambda:invoke`]));
    expect(arns).toEqual(expect.arrayContaining([`arn:${target.partition}:states:::sqs:sendMessage`]));
    expect(arns.filter((arn) => !arn.startsWith(`arn:${target.partition}:`))).toEqual([]);
  });

  it('names no other region', () => {
    const text = JSON.stringify(resolved);
    const regions = new Set(text.match(/\b(?:us|eu|ap|cn|sa|ca|me|af|il|mx)-[a-z]+-\d\b/g) ?? []);

    expect([...regions]).toEqual([target.region]);
  });

  it("limits key use to service endpoints in the partition's domain (kms:ViaService)", () => {
    const viaService = [...JSON.stringify(resolved.service).matchAll(/"kms:ViaService":"([^"]+)"/g)].map(
      (match) => match[1],
    );

    expect(viaService).toEqual(expect.arrayContaining([`dynamodb.${target.region}.${target.urlSuffix}`]));
    expect(viaService.filter((value) => !value!.endsWith(`.${target.region}.${target.urlSuffix}`))).toEqual(
      [],
    );
  });
});
