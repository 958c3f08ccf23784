// npm run probe:error-names: which `name` every error class the handlers throw has once bundled for
// Lambda. Lambda reports that name as the error type, and the state machines' Retry and Catch match on
// it (e.g. "VersionConflict"), so a minifier that renames classes silently disables them. Bundled with
// the deployed esbuild options (infra/constructs/bundling.ts), then imported and instantiated.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_FILE, esbuildOptions, PROJECT_ROOT } from '../constructs/bundling.ts';

/** Every module under functions/ that declares an error class (a handler may throw any of them). */
export function errorModules(): string[] {
  const root = join(PROJECT_ROOT, 'functions');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /\bclass \w+ extends \w*Error\b/.test(readFileSync(join(root, file), 'utf8')))
    .map((file) => `functions/${file}`)
    .sort();
}

export interface BundledErrorName {
  /** The class as the source exports it. */
  exported: string;
  /** `new Class(...).name` in the bundle: what Lambda would report as the error type. */
  name: string;
}

type ErrorClass = new (...args: unknown[]) => Error;

/** Bundles the error modules with the deployed options and reads each error class's instance name. */
export async function bundledErrorNames(): Promise<BundledErrorName[]> {
  const outdir = join(PROJECT_ROOT, 'cdk.out', `error-names-${process.pid}`);
  const modules = errorModules();
  const options = esbuildOptions(join(PROJECT_ROOT, 'functions'), outdir);
  delete options.entryPoints;
  mkdirSync(outdir, { recursive: true });
  try {
    await build({
      ...options,
      stdin: {
        contents: modules.map((module) => `export * from './${module}';`).join('\n'),
        resolveDir: PROJECT_ROOT,
        sourcefile: 'error-names-entry.ts',
        loader: 'ts',
      },
      logLevel: 'silent',
    });
    const bundle = join(outdir, BUNDLE_FILE);
    const exports = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
    // Abstract classes are never thrown as such (their subclasses are).
    const abstract = new Set(
      modules.flatMap((module) =>
        [...readFileSync(join(PROJECT_ROOT, module), 'utf8').matchAll(/abstract class (\w+)/g)].map(
          (match) => match[1],
        ),
      ),
    );
    return Object.entries(exports)
      .filter((entry): entry is [string, ErrorClass] => isErrorClass(entry[1]) && !abstract.has(entry[0]))
      .map(([exported, errorClass]) => ({ exported, name: instantiate(errorClass).name }))
      .sort((a, b) => a.exported.localeCompare(b.exported));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && value.prototype instanceof Error;
}

// The error constructors take strings, numbers, lists or problem objects: one of these shapes fits each.
const ARGUMENT_SHAPES: readonly unknown[][] = [
  ['probe', 'probe', [], {}],
  ['probe', []],
  [[]],
  [{ status: 500, code: 'probe', title: 'probe', detail: 'probe' }],
];

function instantiate(errorClass: ErrorClass): Error {
  for (const shape of ARGUMENT_SHAPES) {
    try {
      return Reflect.construct(errorClass, shape) as Error;
    } catch {
      // the next shape
    }
  }
  throw new Error(`no argument shape constructs ${errorClass.name}`);
}

if (import.meta.main) {
  const names = await bundledErrorNames();
  console.table(names.map(({ exported, name }) => ({ exported, bundled: name, kept: exported === name })));
  const lost = names.filter(({ exported, name }) => exported !== name);
  if (lost.length > 0) {
    console.error(`${lost.length} of ${names.length} error classes lose their name when bundled`);
    process.exitCode = 1;
  } else {
    console.log(`All ${names.length} error classes keep their name when bundled.`);
  }
}
