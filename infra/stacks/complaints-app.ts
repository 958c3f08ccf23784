// The whole deployment: the stateful stack, then the stateless one that refers to it. Separate from
// infra/app.ts so tests build the same stacks into an App of their own.
import { readFileSync } from 'node:fs';
import { App, Tags } from 'aws-cdk-lib';
import type { Environment } from 'aws-cdk-lib';
import { ComplaintsDataStack } from './data-stack.ts';
import { readDeploymentConfig } from './deployment-config.ts';
import type { DeploymentConfig } from './deployment-config.ts';
import { ComplaintsServiceStack } from './service-stack.ts';

export interface ComplaintsDeployment {
  config: DeploymentConfig;
  data: ComplaintsDataStack;
  service: ComplaintsServiceStack;
}

/** Reads the context (failing on a bad value) and defines both stacks in `app`. */
export function defineComplaintsApp(app: App, env?: Environment): ComplaintsDeployment {
  const config = readDeploymentConfig(app.node);
  const data = new ComplaintsDataStack(app, 'ComplaintsData', {
    stackName: `complaints-${config.stage}-data`,
    description: `Complaints (${config.stage}): table, key, topics, dead letters. Resources are retained on delete.`,
    env,
    config,
  });
  const service = new ComplaintsServiceStack(app, 'ComplaintsService', {
    stackName: `complaints-${config.stage}-service`,
    description: `Complaints (${config.stage}): functions, state machines, API, dashboard and alarms.`,
    env,
    config,
    data,
  });
  Tags.of(app).add('project', 'complaints');
  Tags.of(app).add('stage', config.stage);
  return { config, data, service };
}

/** cdk.json's "context": the feature flags and any settings the CLI would pass to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface ComplaintsAppOptions {
  /** Context on top of cdk.json's, as `-c key=value` would give it. */
  context?: Record<string, unknown>;
  /**
   * false: CDK's own switch for not bundling (`aws:cdk:bundling-stacks`), which the CLI also uses for
   * stacks it does not deploy. Templates are identical apart from asset hashes.
   */
  bundling?: boolean;
  outdir?: string;
  /** Account and region, as CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION give them; unset: environment-agnostic. */
  env?: Environment;
}

/** An App with cdk.json's context (feature flags included), as the CLI would build it, and both stacks. */
export function createComplaintsApp(options: ComplaintsAppOptions = {}): ComplaintsDeployment & { app: App } {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...cdkJsonContext(),
      ...options.context,
      ...(options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  return { app, ...defineComplaintsApp(app, options.env) };
}
