// The one synth with real bundling (the other infra tests skip it): every function's asset is a minified
// ESM bundle with its source map that Node 24 loads and that exports `handler`, and it is byte for byte the
// bundle `npm run bundle-sizes` measures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSize, PROJECT_ROOT } from '../../infra/constructs/bundling.ts';
import { bundleModule, ensureFunctionBundles } from '../../infra/local/lambda/function-bundles.ts';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';
import { functionSpecs } from '../../infra/stacks/function-catalog.ts';

// Inside the project, so the runtime-provided SDK resolves from node_modules as it does on Lambda.
const outdir = join(PROJECT_ROOT, 'cdk.out', `test-bundling-${process.pid}`);
/** functionName -> the asset directory CloudFormation would upload. */
const assets = new Map<string, string>();
let synthStartedAt = 0;

/** The project files a bundle was built from, as its source map lists them. */
function sourcesOf(assetDir: string): string[] {
  const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
  return map.sources.filter((source) => !source.includes(':')).map((source) => resolve(assetDir, source));
}

beforeAll(() => {
  mkdirSync(outdir, { recursive: true });
  synthStartedAt = Date.now();
  const { service } = createComplaintsApp({ outdir });
  const resources = Template.fromStack(service).toJSON().Resources as Record<
    string,
    { Properties: { Code: { S3Key: string } } }
  >;
  for (const [name, fn] of service.functions) {
    const key = resources[service.getLogicalId(fn.node.defaultChild as CfnFunction)]!.Properties.Code.S3Key;
    assets.set(name, join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
  }
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundles', () => {
  it('hold just index.mjs and its source map, for every function', () => {
    expect([...assets.keys()].sort()).toEqual(
      functionSpecs()
        .map((spec) => spec.functionName)
        .sort(),
    );
    for (const [name, dir] of assets) {
      expect(readdirSync(dir).sort(), name).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });

  it('are each built from their own entry (CDK must not reuse one function’s bundle for another)', () => {
    for (const spec of functionSpecs()) {
      expect(sourcesOf(assets.get(spec.functionName)!), spec.functionName).toContain(
        resolve(PROJECT_ROOT, spec.entry),
      );
    }
  });

  it('are what `npm run bundle-sizes` measures, byte for byte', async () => {
    // Act: measured all at once, right after the synth (a source edited in between would differ).
    const measured = await Promise.all(
      functionSpecs().map(async (spec) => [
        spec.functionName,
        await bundleSize(`${PROJECT_ROOT}${spec.entry}`),
      ]),
    );

    // Assess: a difference is only acceptable if a source was edited while the test ran.
    for (const [name, size] of measured) {
      const assetDir = assets.get(String(name))!;
      const deployed = statSync(join(assetDir, 'index.mjs')).size;
      if (size === deployed) continue;
      const editedSinceSynth = sourcesOf(assetDir).filter(
        (file) => existsSync(file) && statSync(file).mtimeMs >= synthStartedAt,
      );
      expect(editedSinceSynth, `${String(name)}: measured ${size} B, deployed ${deployed} B`).not.toEqual([]);
    }
  }, 120_000);

  it('are what the bundled test tier runs, byte for byte (function-bundles.ts, same esbuild call)', async () => {
    // Act: the tier's build for the current sources (normally already built by its global setup).
    const { dir } = await ensureFunctionBundles();

    // Assess
    for (const spec of functionSpecs()) {
      const deployed = readFileSync(join(assets.get(spec.functionName)!, 'index.mjs'));
      expect(readFileSync(bundleModule(dir, spec.functionName)).equals(deployed), spec.functionName).toBe(
        true,
      );
    }
  }, 120_000);

  it('load as ES modules on this Node and export a handler function', () => {
    // Prepare: one child process imports every bundle, as the Lambda runtime would (index.handler).
    const files = [...assets.values()].map((dir) => join(dir, 'index.mjs'));
    const probe = `for (const file of JSON.parse(process.argv[1])) {
      const module = await import(file);
      console.log(typeof module.handler);
    }`;

    // Act
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe, JSON.stringify(files)], {
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_DEV: 'false' },
    });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(files.map(() => 'function'));
  });

  it('carry libphonenumber-js only where a phone number is validated (read paths mask without it)', () => {
    // Act
    const withPhoneMetadata = [...assets]
      .filter(([, dir]) =>
        sourcesOf(dir).some((source) => source.includes('/node_modules/libphonenumber-js/')),
      )
      .map(([name]) => name)
      .sort();

    // Assess: the intake body validates it; the OpenAPI document is generated from that body's schema;
    // an erasure request finds the customer by the number, normalised as registration normalised it.
    expect(withPhoneMetadata).toEqual(['create-complaint', 'openapi', 'post-erasure-request']);
  });

  it('leave out zod’s other locales and the SDK the runtime provides', () => {
    const openStage = readFileSync(join(assets.get('open-stage')!, 'index.mjs'), 'utf8');

    expect(existsSync(join(PROJECT_ROOT, 'node_modules/zod/v4/locales/de.js'))).toBe(true);
    expect(openStage).not.toContain('Ungültige Eingabe');
    expect(openStage).toMatch(/from\s*"@aws-sdk\/client-sfn"/);
  });
});
