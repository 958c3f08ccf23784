// No import cycles in the embedded stack (infra/local), the functions, or the test support: a cycle makes
// module start-up order decide what is defined (a stand-in's export read as undefined), and it is the first
// sign that the folders by emulator (docs/ARCHITECTURE.md, "The local stack") leak into one another. The
// graph is what runs: every import, re-export and dynamic import() as the TypeScript compiler parses it,
// resolved with the project's tsconfig (relative paths and the package.json `#…` imports alike). Type-only
// imports are left out: they are erased before anything runs, and the domain's types refer to one another.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROOTS = ['infra/local', 'functions', 'tests/support'];

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile) as { config: unknown };
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, file).options;
}

const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(ROOT, dir, file));

/**
 * The modules a file loads when it runs: imports, re-exports and dynamic `import()`, less the type-only
 * ones (`import type`, `export type`), which the type stripping Node runs the sources with erases.
 */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every project file reachable from the roots, with the project files each one imports. */
export function importGraph(roots: readonly string[] = ROOTS): Map<string, string[]> {
  const options = compilerOptions();
  const graph = new Map<string, string[]>();
  const pending = roots.flatMap(sourcesUnder);
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (graph.has(file)) continue;
    const targets = importsOf(file).flatMap((specifier) => {
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport || !resolved.resolvedFileName.startsWith(ROOT))
        return [];
      return resolved.resolvedFileName.endsWith('.ts') ? [resolved.resolvedFileName] : [];
    });
    graph.set(file, targets);
    pending.push(...targets);
  }
  return graph;
}

/** The strongly connected components of more than one file, or of one file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === file) break;
    }
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import cycles', () => {
  it('reads static and dynamic imports, and finds a cycle when there is one', () => {
    // Prepare: the walker on this repository's own files, then a graph with a known cycle.
    const graph = importGraph();
    const stack = join(ROOT, 'infra/local/stack.ts');
    const made: Map<string, string[]> = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    // Act
    const found = cycles(made);
    // Assess: the static and the dynamic import of stack.ts, and both cycles of the made graph.
    expect(graph.get(stack)).toContain(join(ROOT, 'infra/local/sfn/server.ts'));
    expect(graph.get(stack)).toContain(join(ROOT, 'functions/auth/authorizer.ts'));
    expect(found).toEqual(expect.arrayContaining([['a', 'b', 'c'], ['e']]));
    expect(found).toHaveLength(2);
  });

  it('has none in infra/local, functions or tests/support (and what they import)', () => {
    // Act
    const graph = importGraph();
    const found = cycles(graph).map((component) => component.map((file) => relative(ROOT, file)));
    // Assess
    expect(graph.size).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it('keeps the functions off the local stack: nothing under functions/ loads infra/ or tests/', () => {
    // Act
    const graph = importGraph(['functions']);
    const reaching = [...graph].flatMap(([file, targets]) =>
      targets
        .map((target) => relative(ROOT, target))
        .filter((target) => target.startsWith('infra/') || target.startsWith('tests/'))
        .map((target) => `${relative(ROOT, file)} -> ${target}`),
    );
    // Assess
    expect(graph.size).toBeGreaterThan(50);
    expect(reaching).toEqual([]);
  });
});
