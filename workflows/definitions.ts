// The state machine definitions are plain ASL files in this folder: the single source for the deployed
// stack (CDK definitionSubstitutions) and the local engine (renderDefinition). Tests compare both to them.
import { readFileSync } from 'node:fs';

const here = new URL('./', import.meta.url);

/**
 * Every ARN in a definition is written with `${Partition}` (aws, aws-cn, aws-us-gov): a literal
 * `arn:aws:` fails every execution in the China regions.
 */
export const COMPLAINT_SUBSTITUTIONS = [
  'Partition',
  'OpenStageFunctionArn',
  'AwaitStageFunctionArn',
  'StageTimerFunctionArn',
  'FinishComplaintFunctionArn',
  'RecordFailureFunctionArn',
] as const;
export type ComplaintSubstitution = (typeof COMPLAINT_SUBSTITUTIONS)[number];

export const NOTIFICATION_SUBSTITUTIONS = [
  'Partition',
  'SendNotificationFunctionArn',
  'DeadLetterQueueUrl',
] as const;
export type NotificationSubstitution = (typeof NOTIFICATION_SUBSTITUTIONS)[number];

/** The complaint workflow's ASL text with `${...}` placeholders, as CDK's definitionSubstitutions expect. */
export function complaintDefinitionTemplate(): string {
  return readFileSync(new URL('complaint.asl.json', here), 'utf8');
}

/** The notification delivery workflow's ASL text with `${...}` placeholders. */
export function notificationDefinitionTemplate(): string {
  return readFileSync(new URL('notification.asl.json', here), 'utf8');
}

/** Replaces every `${Name}` placeholder and parses the result; an unknown or missing name is an error. */
export function renderDefinition(template: string, substitutions: Readonly<Record<string, string>>): object {
  const rendered = template.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`no substitution given for \${${name}}`);
    return value;
  });
  return JSON.parse(rendered) as object;
}
