// The error types the state machines match on survive the deployed bundling: every error class a handler
// can throw, bundled with the CDK's esbuild options, still reports its own name.
import { describe, expect, it } from 'vitest';
import { bundledErrorNames } from '../../infra/scripts/error-names.ts';

describe('error names in the deployed bundles', () => {
  it('are the class names, for every error class under functions/', async () => {
    // Act
    const names = await bundledErrorNames();

    // Assess: the ones the ASL names are among them, and none was renamed.
    expect(names.map((n) => n.exported)).toEqual(
      expect.arrayContaining([
        'VersionConflict',
        'ComplaintNotFound',
        'SmsOptedOut',
        'InvalidTaskPayload',
        // Raised by every SMS adapter; the delivery workflow's Retry tells them apart by name.
        'SendThrottled',
        'SendRejected',
      ]),
    );
    expect(names.filter((n) => n.name !== n.exported)).toEqual([]);
  });
});
