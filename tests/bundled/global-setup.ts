// The bundled tier's one build per run: every function bundled with the CDK's esbuild options (reused
// when the sources have not changed since the last run), handed to the tests as `functionBundles`.
import type { TestProject } from 'vitest/node';
import { ensureFunctionBundles } from '../../infra/local/lambda/function-bundles.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The deployed bundles' directory, in the bundled tier only. */
    functionBundles?: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const { dir } = await ensureFunctionBundles();
  project.provide('functionBundles', dir);
}
