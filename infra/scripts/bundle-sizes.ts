// npm run bundle-sizes: bundles every function exactly as the CDK stack does (shared esbuild options),
// prints each minified size and exits 1 when one is over the budget or does not bundle at all.
import { BUNDLE_BUDGET_KB, bundleSize, MAX_BUNDLE_KB, PROJECT_ROOT } from '../constructs/bundling.ts';
import { functionSpecs } from '../stacks/function-catalog.ts';

interface Row {
  function: string;
  KB: number | string;
  verdict: string;
}

async function measure(functionName: string, entry: string): Promise<Row> {
  try {
    const kb = Number(((await bundleSize(`${PROJECT_ROOT}${entry}`)) / 1024).toFixed(1));
    const budget = BUNDLE_BUDGET_KB[functionName] ?? MAX_BUNDLE_KB;
    return {
      function: functionName,
      KB: kb,
      verdict: kb <= budget ? 'ok' : `over ${budget} KB`,
    };
  } catch (error) {
    return {
      function: functionName,
      KB: '-',
      verdict: `does not bundle: ${(error as Error).message.split('\n')[1] ?? ''}`,
    };
  }
}

const rows = await Promise.all(functionSpecs().map((spec) => measure(spec.functionName, spec.entry)));
console.table(rows);

const failed = rows.filter((row) => row.verdict !== 'ok');
if (failed.length > 0) {
  console.error(
    `${failed.length} of ${rows.length} functions fail the bundle check: ${failed.map((row) => row.function).join(', ')}`,
  );
  process.exitCode = 1;
} else {
  console.log(`All ${rows.length} bundles are within ${MAX_BUNDLE_KB} KB.`);
}
