// The middy chain of every state machine task handler: Powertools (logs, metrics, traces) and zod parsing
// of the payload. Errors propagate with their class name as the Lambda error type, which is what the
// state machines' Retry and Catch blocks match on (e.g. "VersionConflict").
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from './powertools.ts';

export class InvalidTaskPayload extends Error {
  constructor(issues: string) {
    super(`invalid task payload: ${issues}`);
    this.name = 'InvalidTaskPayload';
  }
}

export function taskHandler<S extends z.ZodType, R>(
  schema: S,
  work: (payload: z.output<S>, context: Context) => Promise<R>,
): (event: unknown, context: Context) => Promise<R> {
  const run = async (event: unknown, context: Context): Promise<R> => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidTaskPayload(
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    // One metric per task run: the count is useful, and a run with none makes Powertools warn every time.
    metrics.addMetric('TaskRuns', MetricUnit.Count, 1);
    return work(parsed.data, context);
  };
  return middy(run).use([
    injectLambdaContext(logger),
    logMetrics(metrics),
    ...(tracer ? [captureLambdaHandler(tracer)] : []),
  ]) as unknown as (event: unknown, context: Context) => Promise<R>;
}
