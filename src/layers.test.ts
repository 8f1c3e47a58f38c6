/**
 * The import graph follows the data flow (docs/architecture.md): no module imports one that imports it
 * back, and the verifier does not reach up into the layers built on top of it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative imports of a file (type-only ones included: they are dependencies of the design too). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const base = path.resolve(path.dirname(file), spec);
      return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    })
    .filter((f): f is string => f !== undefined);
}

const graph = new Map(sourceFiles(SRC).map((f) => [f, importsOf(f)]));
const rel = (f: string): string => path.relative(SRC, f);

/** Strongly connected components with more than one module (Tarjan). */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(rel(w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return found;
}

describe('the import graph of src/', () => {
  it('has no cycle (the CLI commands and main.ts share the command context through its own module)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles()).toEqual([]);
  });

  it('keeps the verifier below the layers that use it: no import of the service, the broker, the probe or the CLI', () => {
    const above = ['service', 'broker', 'probe', 'cli', 'matrix', 'consumer'].map((d) => path.join(SRC, d) + path.sep);
    const offending = [...graph.entries()]
      .filter(([f]) => f.startsWith(path.join(SRC, 'verifier') + path.sep))
      .flatMap(([f, deps]) => deps.filter((d) => above.some((a) => d.startsWith(a))).map((d) => `${rel(f)} -> ${rel(d)}`));
    expect(graph.has(path.join(SRC, 'verifier', 'verify.ts'))).toBe(true);
    expect(offending).toEqual([]);
  });
});
