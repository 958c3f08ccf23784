// How every function is bundled, in one place: ComplaintFunction (through CDK local bundling) and
// `npm run bundle-sizes` both call esbuild with esbuildOptions(), so the sizes reported are the sizes deployed.
//
// esbuild's JS API rather than NodejsFunction's esbuild command line, because the bundle needs a plugin:
// zod re-exports all ~50 of its message locales as one namespace (`export * as locales`), which esbuild
// cannot tree-shake (~255 KB minified in every handler). zodEnglishOnly keeps the one locale zod uses.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';

/** Repository root: entries, node_modules and package.json "imports" are resolved from here. */
export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname;

/**
 * The largest minified handler bundle we accept (cold starts grow with it). Every function that reads
 * complaints carries the AWS Encryption SDK (about 270 KB minified, asn1.js and bn.js for signing suites
 * included, which the SDK loads eagerly) to open sealed phone numbers and names: 500 KB became 800.
 */
export const MAX_BUNDLE_KB = 800;

/**
 * Functions allowed more, and why: the report exports carry a workbook writer (exceljs with its zip, about
 * 1 MB minified) and the report page ECharts' core with three chart types and the SVG renderer (about
 * 570 KB). Both serve a manager's occasional request, where a slower cold start costs little.
 */
export const BUNDLE_BUDGET_KB: Readonly<Record<string, number>> = {
  'export-report': 1_750,
  'report-page': 1_300,
};

/** The file name Lambda loads (ESM), so the handler is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

// ESM output has no `require`; some dependencies (the X-Ray SDK under the Powertools tracer) still call it.
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * The Node.js 24 Lambda runtime ships the AWS SDK v3 (and its @smithy packages); bundling them would add
 * ~380 KB to each workflow function. Trade-off: the deployed SDK is the runtime's version, not the lockfile's.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', '@smithy/*'];

/** Resolves zod's internal locale barrel to English only (the locale zod configures by default). */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'zod-english-only' }
        : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: PROJECT_ROOT,
    }));
  },
};

/** The bundle of one handler module, written to `outdir` (or kept in memory without one). */
export function esbuildOptions(entry: string, outdir?: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // ESM-first packages expose their tree-shakable build under `module`.
    mainFields: ['module', 'main'],
    minify: true,
    // Node reads modules as UTF-8: the Chinese in the classifier's keywords, the customer texts and the
    // holiday data stays 3 bytes a character instead of a 6-byte \uXXXX escape (about 13 KB a bundle).
    charset: 'utf8',
    // Stack traces in the logs point at the TypeScript source (NODE_OPTIONS=--enable-source-maps).
    sourcemap: true,
    sourcesContent: false,
    banner: { js: REQUIRE_SHIM },
    external: RUNTIME_PROVIDED_MODULES,
    plugins: [zodEnglishOnly],
    absWorkingDir: PROJECT_ROOT,
    outfile: `${outdir ?? '.'}/${BUNDLE_FILE}`,
    write: outdir !== undefined,
    logLevel: 'warning',
  };
}

export async function bundleFunction(entry: string, outdir: string): Promise<void> {
  await build(esbuildOptions(entry, outdir));
}

/** Minified size in bytes of one handler's bundle (the JavaScript, not its source map). */
export async function bundleSize(entry: string): Promise<number> {
  const result = await build({ ...esbuildOptions(entry), logLevel: 'silent' });
  const code = result.outputFiles?.find((file) => file.path.endsWith(BUNDLE_FILE));
  if (!code) throw new Error(`esbuild produced no JavaScript for ${entry}`);
  return code.contents.byteLength;
}

/**
 * CDK's local bundling is synchronous and esbuild plugins need the async API, so the bundle is built in a
 * child Node process running this module (the same Node that runs the CDK app: Node 24 from npm).
 */
export function bundleFunctionSync(entry: string, outdir: string): void {
  const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, entry, outdir], {
    cwd: PROJECT_ROOT,
    // Progress to stderr, as NodejsFunction does: stdout belongs to the CDK app.
    stdio: ['ignore', 2, 2],
  });
  if (child.status !== 0) throw new Error(`bundling ${entry} failed (exit ${child.status ?? child.signal})`);
}

if (import.meta.main) {
  const [entry, outdir] = process.argv.slice(2);
  if (entry === undefined || outdir === undefined)
    throw new Error('usage: node bundling.ts <entry> <outdir>');
  await bundleFunction(entry, outdir);
}
