// One Logger, one Metrics and one Tracer per container (Powertools' recommended layout): every handler
// imports these instances, so keys, namespace and service name stay the same across the codebase.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'complaints';

export const logger = new Logger({ serviceName });

// Every handler records at least one metric per run, so Metrics' own "no metrics to publish" warning
// only appears where metrics are disabled (the embedded stack): it goes to debug, not to the console.
const metricsLog = {
  debug: (...content: unknown[]) => logger.debug(String(content[0] ?? '')),
  info: (...content: unknown[]) => logger.info(String(content[0] ?? '')),
  warn: (...content: unknown[]) => logger.debug(String(content[0] ?? '')),
  error: (...content: unknown[]) => logger.error(String(content[0] ?? '')),
};

export const metrics = new Metrics({
  serviceName,
  logger: metricsLog,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Complaints',
});

/**
 * The X-Ray tracer, or none where tracing is switched off (POWERTOOLS_TRACE_ENABLED=false: the tests and
 * the embedded stack). Loaded only when used: importing it creates X-Ray's cls-hooked namespace, whose
 * async hooks follow every promise in the process, traced or not (12% of the embedded stack's CPU).
 */
export const tracer: Tracer | undefined =
  process.env.POWERTOOLS_TRACE_ENABLED === 'false'
    ? undefined
    : new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName });
