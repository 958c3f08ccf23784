// A short run of the OpenAPI-driven fuzzer (bench/openapi-fuzz.ts; npm run bench:fuzz runs 10,000) through
// the real local gateway: no request, valid or mutated, gets a 5xx, and no refused request stores anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzApi } from '../../bench/openapi-fuzz.ts';
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
    const report = await fuzzApi({ url: api.url, requests: 300, seconds: 60, seed: 7, concurrency: 4 });

    // Assess
    expect(report.sent).toBeGreaterThan(0);
    expect(report.serverErrors).toEqual([]);
    expect(report.storedDespiteRefusal).toBe(0);
    expect(Object.keys(report.byStatus).some((status) => status.startsWith('4'))).toBe(true);
  }, 120_000);
});
