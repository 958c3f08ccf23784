// The deployed bundles, built for the embedded stack: every function of the catalog bundled by
// bundleFunction (infra/constructs/bundling.ts: esbuild's API with the options CDK deploys), one
// `<functionName>/index.mjs` each, as in the Lambda asset. Built once per source state: the directory is
// named by a hash of everything that goes into a bundle, so an unchanged tree reuses the last build.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILE, bundleFunction, PROJECT_ROOT } from '../../constructs/bundling.ts';
import { functionSpecs } from '../../stacks/function-catalog.ts';

/** Inside the project, so the modules the runtime provides (the AWS SDK) resolve from node_modules. */
export const FUNCTION_BUNDLES_ROOT = join(PROJECT_ROOT, 'cdk.out', 'function-bundles');

/** What a bundle is made of: the handlers and everything they import, the bundling code, the lockfile. */
const SOURCES = [
  'functions',
  'workflows',
  'infra/constructs/bundling.ts',
  'package.json',
  'package-lock.json',
];
const COMPLETE_MARKER = '.complete';

export interface BuiltBundles {
  /** `<dir>/<functionName>/index.mjs` for every function. */
  dir: string;
  /** False when an earlier build of the same sources was reused. */
  built: boolean;
}

/** The path Lambda would load for `functionName` (handler `index.handler`). */
export function bundleModule(dir: string, functionName: string): string {
  return join(dir, functionName, BUNDLE_FILE);
}

/** Builds every function's bundle unless this source state was built before; returns where they are. */
export async function ensureFunctionBundles(root = FUNCTION_BUNDLES_ROOT): Promise<BuiltBundles> {
  const dir = join(root, sourceHash());
  if (existsSync(join(dir, COMPLETE_MARKER))) return { dir, built: false };
  // Built aside and renamed into place, so a concurrent or interrupted build never leaves half a set.
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    await Promise.all(
      functionSpecs().map((spec) =>
        bundleFunction(join(PROJECT_ROOT, spec.entry), join(staging, spec.functionName)),
      ),
    );
    writeFileSync(join(staging, COMPLETE_MARKER), new Date().toISOString());
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process finished the same build first: use it.
    if (existsSync(join(dir, COMPLETE_MARKER))) return { dir, built: false };
    throw error;
  }
  pruneOtherBuilds(root, dir);
  return { dir, built: true };
}

/** sha256 over the path and content of every source file, in a fixed order. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(filesUnder).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(PROJECT_ROOT, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** A file itself, or every .ts and .json file below a folder, relative to the project root. */
function filesUnder(path: string): string[] {
  const absolute = join(PROJECT_ROOT, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|json)$/.test(file))
    .map((file) => `${path}/${file}`);
}

/** Earlier source states' builds are of no further use (finished ones only: a staging dir may be live). */
function pruneOtherBuilds(root: string, keep: string): void {
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    if (path !== keep && existsSync(join(path, COMPLETE_MARKER)))
      rmSync(path, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { dir, built } = await ensureFunctionBundles();
  console.log(`${built ? 'built' : 'reused'} ${functionSpecs().length} function bundles in ${dir}`);
}
