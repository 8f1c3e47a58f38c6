import * as path from 'node:path';
import * as vm from 'node:vm';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sharedCompile } = require('./jest-runtime') as {
  sharedCompile: (executor: unknown, jestCompile: Compile, scripts?: Map<string, { source: string; script: vm.Script }>) => Compile;
};
type ModuleFunction = (module: { exports: unknown }, exports: unknown, require: unknown, dirname: string, filename: string, jest: unknown) => void;
type Compile = (source: string, filename: string) => ModuleFunction | null;

const PARAMETERS = ['module', 'exports', 'require', '__dirname', '__filename', 'jest'];

/** jest's module executor as the compile reads it, in whichever context `current` holds. */
function executor(current: { context: vm.Context | null }, coreModules: string[] = []) {
  return {
    resolution: { isCoreModule: (name: string) => coreModules.includes(name) },
    environment: { getVmContext: () => current.context },
    injectedModuleParameters: PARAMETERS,
  };
}

function run(fn: ModuleFunction | null, filename = '/m.js'): unknown {
  const module = { exports: {} as unknown };
  fn!.call(module.exports, module, module.exports, () => undefined, path.dirname(filename), filename, {});
  return module.exports;
}

const jestCompile: Compile = () => {
  throw new Error('jest compile');
};

describe("the jest runtime's module compile", () => {
  it('compiles a file once and runs it in each test file\'s own context, with that context\'s globals', () => {
    const current = { context: vm.createContext({ marker: 'first' }) as vm.Context | null };
    const scripts = new Map<string, { source: string; script: vm.Script }>();
    const compile = sharedCompile(executor(current), jestCompile, scripts);
    const source = 'module.exports = { marker, filename: __filename, state: (globalThis.count = (globalThis.count || 0) + 1) };';
    const first = run(compile(source, '/m.js'));
    const script = scripts.get('/m.js')?.script;
    current.context = vm.createContext({ marker: 'second' });
    const second = run(compile(source, '/m.js'));
    expect({ first, second, sameScript: scripts.get('/m.js')?.script === script, files: scripts.size }).toEqual({
      first: { marker: 'first', filename: '/m.js', state: 1 },
      second: { marker: 'second', filename: '/m.js', state: 1 },
      sameScript: true,
      files: 1,
    });
  });

  it('compiles a file again when its text changed', () => {
    const current = { context: vm.createContext({}) as vm.Context | null };
    const scripts = new Map<string, { source: string; script: vm.Script }>();
    const compile = sharedCompile(executor(current), jestCompile, scripts);
    const before = run(compile('module.exports = 1;', '/m.js'));
    const after = run(compile('module.exports = 2;', '/m.js'));
    expect([before, after, scripts.get('/m.js')?.source]).toEqual([1, 2, 'module.exports = 2;']);
  });

  it("leaves jest's stand-ins of node's core modules and text that does not parse to jest's own compile", () => {
    const seen: string[] = [];
    const own: Compile = (_source, filename) => {
      seen.push(filename);
      return null;
    };
    const compile = sharedCompile(executor({ context: vm.createContext({}) }, ['fs']), own);
    compile('module.exports = 1;', 'fs');
    compile('module.exports = (;', '/broken.js');
    expect(seen).toEqual(['fs', '/broken.js']);
  });

  it("keeps each line's number and column in a stack trace", () => {
    const compile = sharedCompile(executor({ context: vm.createContext({}) }), jestCompile);
    const fn = compile("'use strict';\nfunction boom() {\n  throw new Error('boom');\n}\nboom();", '/boom.js');
    expect(() => run(fn, '/boom.js')).toThrow(expect.objectContaining({ stack: expect.stringContaining('/boom.js:3:9') }));
  });

  it('answers null, as jest does, once the environment is torn down', () => {
    expect(sharedCompile(executor({ context: null }), jestCompile)('module.exports = 1;', '/m.js')).toBeNull();
  });

  it('is the runtime of every project', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../jest.config.js') as { projects: Array<{ runtime?: string }> };
    expect(config.projects.map((p) => p.runtime)).toEqual(config.projects.map(() => '<rootDir>/test-support/jest-runtime.js'));
  });
});
