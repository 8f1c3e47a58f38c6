'use strict';
/**
 * jest's runtime, with each module compiled through a vm.Script instead of vm.compileFunction.
 *
 * jest evaluates every module anew for every test file, each file in a context of its own. It compiles a
 * module with vm.compileFunction, whose result V8 keeps for nobody: a worker parsed and compiled the same
 * source again for each test file that loaded it, and compiled each of its functions again on first call.
 * A vm.Script runs in any context, so one Script per module file and text serves every test file of the
 * worker: the compiled code (the lazily compiled functions included) is shared, and each file still
 * evaluates the module in its own context, with its own module objects, as before. typescript.js in five
 * contexts of one process: compile 89–92 ms → 6–7 ms, a first call into it 4 ms → 0.5 ms
 * (docs/development.md has what it saves a test run).
 *
 * The function is the one compileFunction builds: the same parameters, and the module's text starts on the
 * wrapper's line, so every line keeps its number. No dynamic import() is passed on: jest runs without
 * --experimental-vm-modules here, where its own callback only throws, and none of the code loaded under
 * jest uses import().
 */
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/**
 * A compile for jest's module executor that keeps one Script per file name and text in `scripts` (held for
 * the worker's life, which also keeps V8 from collecting the code once the test file that first loaded it is
 * done). `executor` is jest's (resolution, environment, injectedModuleParameters); `jestCompile` is its own
 * compile, kept for jest's stand-ins of node's core modules and for text that does not parse, so a syntax
 * error reads as jest words it.
 */
function sharedCompile(executor, jestCompile, scripts = new Map()) {
  return (source, filename) => {
    if (executor.resolution.isCoreModule(filename)) return jestCompile(source, filename);
    const context = executor.environment.getVmContext();
    if (context == null) return null; // the environment is torn down: jest's compile says so the same way
    let known = scripts.get(filename);
    if (known === undefined || known.source !== source) {
      const wrapped = `(function (${executor.injectedModuleParameters.join(', ')}) {${source}\n})`;
      try {
        known = { source, script: new vm.Script(wrapped, { filename }) };
      } catch {
        return jestCompile(source, filename);
      }
      scripts.set(filename, known);
    }
    return known.script.runInContext(context);
  };
}

const workerScripts = new Map();

class SharedCompileRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    this.executor.compile = sharedCompile(this.executor, this.executor.compile.bind(this.executor), workerScripts);
  }
}

module.exports = SharedCompileRuntime;
module.exports.sharedCompile = sharedCompile;
