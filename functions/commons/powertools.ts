// One Logger, one Metrics and one Tracer per container (Powertools' recommended layout): every handler
// imports these instances, so keys, namespace and service name stay the same across the codebase.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'complaints';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  serviceName,
  // Its own warnings (e.g. "no metrics to publish" from a task that emits none) go through the logger,
  // so they follow POWERTOOLS_LOG_LEVEL instead of always reaching stdout.
  logger,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Complaints',
});

/** Outside Lambda (tests, the local stack) Powertools disables tracing by itself. */
export const tracer = new Tracer({ serviceName });
