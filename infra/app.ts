// CDK entry point (cdk.json "app"). Context keys and their defaults: docs/deploy.md.
import { App } from 'aws-cdk-lib';
import { defineComplaintsApp } from './stacks/complaints-app.ts';
import { DeploymentConfigError } from './stacks/deployment-config.ts';

const app = new App();
try {
  // Without credentials both variables are unset and the stacks synthesise environment-agnostic.
  defineComplaintsApp(app, {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  });
  app.synth();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
