import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { filesUnder } from '../contracts/files';

/**
 * What `npm run pacts` makes the pacts from, so that `start` regenerates them only when one of those
 * changed: the consumer suites that script runs (consumer-tests/**\/*.test.ts, the consumer project's
 * testMatch in jest.config.js, less what that project's testPathIgnorePatterns and the script's
 * --testPathIgnorePatterns leave out: the resilience matrix today, a project of its own), every file they
 * import, transitively, inside the project, and contracts/, which src/contracts reads at run time. A file
 * outside that set (the matrix, its adapters, the verifier) cannot change a pact.
 */
export function pactSources(root: string): string[] {
  const seen = new Set<string>();
  const queue = pactSuites(root);
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = resolveFile(path.resolve(path.dirname(file), spec));
      // Only the project's own files: node_modules changes with package-lock.json, not with a suite.
      if (target && !path.relative(root, target).split(path.sep).includes('node_modules') && !path.relative(root, target).startsWith('..')) queue.push(target);
    }
  }
  return [...seen, ...filesUnder(path.join(root, 'contracts'))].sort();
}

/** The consumer test files `npm run pacts` runs (all of consumer-tests/**\/*.test.ts when nothing leaves one out). */
export function pactSuites(root: string): string[] {
  const ignored = [...projectIgnorePatterns(root), ...ignorePatterns(root)];
  return filesUnder(path.join(root, 'consumer-tests'))
    .filter((f) => /\.test\.[jt]s$/.test(f))
    .filter((f) => !ignored.some((re) => re.test(f)));
}

/** The regular expressions of the consumer project's testPathIgnorePatterns in jest.config.js (`<rootDir>` is `root`). */
function projectIgnorePatterns(root: string): RegExp[] {
  const file = path.join(root, 'jest.config.js');
  if (!existsSync(file)) return [];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(file) as { projects?: Array<{ displayName?: unknown; testPathIgnorePatterns?: unknown }> };
    const consumer = config.projects?.find((p) => p.displayName === 'consumer');
    const patterns = Array.isArray(consumer?.testPathIgnorePatterns) ? consumer.testPathIgnorePatterns : [];
    return patterns.filter((p): p is string => typeof p === 'string').map((p) => new RegExp(p.split('<rootDir>').join(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))));
  } catch {
    return [];
  }
}

/** The regular expressions of --testPathIgnorePatterns in package.json's `pacts` script. */
function ignorePatterns(root: string): RegExp[] {
  let script = '';
  try {
    script = String(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))?.scripts?.pacts ?? '');
  } catch {
    return [];
  }
  const words = script.split(/\s+/);
  const patterns: RegExp[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = /^--testPathIgnorePatterns(?:=(.+))?$/.exec(words[i]);
    if (!m) continue;
    if (m[1]) patterns.push(new RegExp(unquote(m[1])));
    // jest takes every following word up to the next option or command as a pattern.
    else for (i++; i < words.length && !words[i].startsWith('-') && !/^(&&|\|\||;)$/.test(words[i]); i++) patterns.push(new RegExp(unquote(words[i])));
  }
  return patterns;
}

function unquote(word: string): string {
  return word.replace(/^(['"])(.*)\1$/, '$2');
}

/** Specifiers of what a module loads when it runs: imports and re-exports (not `import type`), require() and import(). */
function runtimeImports(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]);
  return specs;
}

/** The file a relative specifier names, as TypeScript and node resolve it here. */
function resolveFile(base: string): string | undefined {
  const candidates = [base, `${base}.ts`, `${base}.js`, `${base}.json`, path.join(base, 'index.ts'), path.join(base, 'index.js')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}
