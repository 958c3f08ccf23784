// Executions started through an alias or a version belong to the state machine: their ARN has no qualifier.
import { describe, expect, it } from 'vitest';
import { executionArn } from '#adapters/sfn-complaint-workflow';

describe('executionArn', () => {
  it.each([
    ['arn:aws:states:us-east-1:123456789012:stateMachine:complaints-prod-complaint'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:complaints-prod-complaint:live'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:complaints-prod-complaint:12'],
  ])('is the same for %s', (machine) => {
    expect(executionArn(machine, 'C1--2')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:complaints-prod-complaint:C1--2',
    );
  });

  it('keeps the partition and region', () => {
    expect(executionArn('arn:aws-cn:states:cn-northwest-1:123456789012:stateMachine:m:live', 'C1')).toBe(
      'arn:aws-cn:states:cn-northwest-1:123456789012:execution:m:C1',
    );
  });
});
