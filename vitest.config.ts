import { defineConfig } from 'vitest/config';

/**
 * Scenarios that run a second time on the deployed bundles (the bundled tier): the whole life of a
 * complaint, escalation, and injected failures, plus the tests that only make sense on bundles.
 */
export const BUNDLED_SCENARIOS = [
  'tests/e2e/lifecycle.test.ts',
  'tests/workflow/complaint-workflow.test.ts',
  'tests/workflow/notification-delivery.test.ts',
  'tests/bundled/**/*.test.ts',
];

export default defineConfig({
  test: {
    // Integration tests start real local servers (dynalite, the local Step Functions endpoint); give them room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Handlers log warnings only and publish no metrics in tests; their output would drown the report.
    env: {
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'sources', include: ['tests/**/*.test.ts'], exclude: ['tests/bundled/**'] },
      },
      {
        // The same embedded stack on the bundles CDK deploys (tests/support/embedded.ts reads
        // `functionBundles`); the global setup builds them once per run, or reuses an unchanged build.
        extends: true,
        test: {
          name: 'bundles',
          include: BUNDLED_SCENARIOS,
          globalSetup: ['tests/bundled/global-setup.ts'],
          // The build can take half a minute on a loaded machine.
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
