// A short run of the OpenAPI-driven fuzzer (bench/openapi-fuzz.ts; npm run bench:fuzz runs 10,000) through
// the real local gateway: no request, valid or mutated, gets a 5xx, and no refused request stores anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzApi, fuzzCredentials } from '../../bench/openapi-fuzz.ts';
import { startTestApi, type TestApi } from '../support/embedded.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ timeScale: 3600, reconcileOnStart: false });
});
afterAll(async () => {
  await api?.close();
});

describe('fuzzing from the OpenAPI document', () => {
  it('answers 300 generated requests without a 5xx and stores nothing it refused', async () => {
    // Act
    const tokens = await fuzzCredentials((options) => api.stack.issuer.mint(options));
    const report = await fuzzApi({
      url: api.url,
      requests: 300,
      seconds: 60,
      seed: 7,
      concurrency: 4,
      tokens,
    });

    // Assess
    expect(report.sent).toBe(300);
    expect(report.serverErrors).toEqual([]);
    expect(report.storedDespiteRefusal).toBe(0);
    expect(report.byStatus['401']).toBeGreaterThan(0);
    expect(report.byStatus['403']).toBeGreaterThan(0);
    // Every refused token was refused, whatever the route: 401, or the public routes' own answers.
    for (const [credential, statuses] of Object.entries(report.byCredential)) {
      if (credential.startsWith('bad:')) expect(Object.keys(statuses)).not.toContain('201');
    }
  }, 120_000);
});
