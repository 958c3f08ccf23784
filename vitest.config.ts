import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
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
  },
});
