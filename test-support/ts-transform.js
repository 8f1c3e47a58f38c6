'use strict';
/**
 * jest's TypeScript transformer: ts-jest, behind a cache key that does not depend on the jest project.
 *
 * jest keeps one transform cache per project (`jest-transform-cache-<config.id>`), and ts-jest's key holds
 * the whole serialized project config (displayName, testMatch), so on a clean CI machine every file of
 * src/ and test-support/ was transpiled once per project (unit, consumer, provider), often by several
 * workers at once. With `isolatedModules` ts-jest transpiles one file at a time (`ts.transpileModule`, no
 * type information), so its output depends only on the file's text and path, the compiler options, the
 * ts-jest and TypeScript versions and the transformer's options: that is this key, and the transpiled
 * output is kept once under jest's cache directory for every project to read.
 *
 * The key is computed without loading ts-jest (which loads TypeScript, ~0.4 s of CPU per worker); ts-jest
 * is required on the first file no cache has, so a worker that finds every file cached never loads it.
 *
 * Before transpiling, a file's JavaScript is taken from tsc's own emit when it is provably of the same text
 * (test-support/ts-emit.js): `npm test` runs `tsc -b` first, which emits every file it type-checks, so on a
 * clean machine no file is transpiled twice and no worker loads TypeScript. tsc's output for each file is
 * the same as ts-jest's `isolatedModules` transpile (test-support/ts-transform.test.ts compares them).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { readEmitIndex, emittedCode, tsconfigChain } = require('./ts-emit');

// The cache format: a change to this file changes every key.
const SELF = fs.readFileSync(__filename);

function packageIdentity(name, rootDir) {
  const manifest = require.resolve(`${name}/package.json`, { paths: [rootDir] });
  return `${name}@${JSON.parse(fs.readFileSync(manifest, 'utf8')).version}:${manifest}`;
}

// The tsconfig text and every file it extends: what ts-jest parses into the compiler options.
function tsconfigTexts(file) {
  return tsconfigChain(file).map((c) => `${c.file}\n${c.text}`);
}

function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

class SharedTsTransformer {
  constructor(options = {}) {
    this.options = options;
    this.identity = new Map();
    this.emits = new Map();
    this.tsJest = undefined;
  }

  /** Everything but the file that decides ts-jest's output, for one root directory (read once per instance). */
  /** ts-jest's `tsconfig` option: a path (`<rootDir>` allowed) or inline options (then the default file). */
  tsconfigFile(config) {
    const option = this.options.tsconfig;
    return typeof option === 'string' ? path.resolve(config.rootDir, option.replace('<rootDir>', config.rootDir)) : path.join(config.rootDir, 'tsconfig.json');
  }

  toolchain(config) {
    let id = this.identity.get(config.rootDir);
    if (id === undefined) {
      // Inline options are in stable(options) below, with the default file kept in the key too, to err on the
      // side of a new key.
      const option = this.options.tsconfig;
      const tsconfig = this.tsconfigFile(config);
      const tsJestDir = path.dirname(require.resolve('ts-jest/package.json', { paths: [config.rootDir] }));
      const digestFile = path.join(tsJestDir, '.ts-jest-digest');
      id = crypto
        .createHash('sha256')
        .update(SELF)
        .update(packageIdentity('ts-jest', config.rootDir))
        .update(fs.existsSync(digestFile) ? fs.readFileSync(digestFile) : '')
        .update(packageIdentity('typescript', config.rootDir))
        .update(fs.existsSync(tsconfig) || typeof option === 'string' ? tsconfigTexts(tsconfig).join('\0') : '')
        .update(stable(this.options))
        // What ts-jest reads from the jest config besides the above (not displayName or testMatch).
        .update(stable({ rootDir: config.rootDir, globals: config.globals ?? {}, esm: config.extensionsToTreatAsEsm ?? [] }))
        .update(process.env.TS_JEST_HOOKS ?? '')
        .digest('hex');
      this.identity.set(config.rootDir, id);
    }
    return id;
  }

  getCacheKey(sourceText, sourcePath, transformOptions) {
    const { config, instrument = false, supportsStaticESM = false } = transformOptions;
    return crypto
      .createHash('sha256')
      .update(this.toolchain(config))
      .update(`\0${instrument}\0${supportsStaticESM}\0${sourcePath}\0`)
      .update(sourceText)
      .digest('hex');
  }

  getCacheKeyAsync(sourceText, sourcePath, transformOptions) {
    return Promise.resolve(this.getCacheKey(sourceText, sourcePath, transformOptions));
  }

  entryPath(config, key) {
    return path.join(config.cacheDirectory, 'push-contracts-ts', key.slice(0, 2), `${key}.json`);
  }

  delegate() {
    this.tsJest ??= require('ts-jest').default.createTransformer(this.options);
    return this.tsJest;
  }

  /**
   * tsc's emit of this exact text, or undefined. Only for a tsconfig given by path: inline compiler options
   * are not what tsc built with. Read once per root directory and worker (~40 ms for the whole tree).
   */
  emitted(sourceText, sourcePath, config) {
    if (this.options.tsconfig !== undefined && typeof this.options.tsconfig !== 'string') return undefined;
    let index = this.emits.get(config.rootDir);
    if (index === undefined) {
      const tsconfig = this.tsconfigFile(config);
      index = fs.existsSync(tsconfig) ? readEmitIndex(tsconfig) : new Map();
      this.emits.set(config.rootDir, index);
    }
    const code = emittedCode(index, sourcePath, sourceText);
    return code === undefined ? undefined : { code };
  }

  process(sourceText, sourcePath, transformOptions) {
    const emitted = this.emitted(sourceText, sourcePath, transformOptions.config);
    if (emitted) return emitted;
    return this.cached(sourceText, sourcePath, transformOptions, () => this.delegate().process(sourceText, sourcePath, transformOptions));
  }

  async processAsync(sourceText, sourcePath, transformOptions) {
    const emitted = this.emitted(sourceText, sourcePath, transformOptions.config);
    if (emitted) return emitted;
    const cached = this.read(sourceText, sourcePath, transformOptions);
    if (cached) return cached;
    return this.write(sourceText, sourcePath, transformOptions, await this.delegate().processAsync(sourceText, sourcePath, transformOptions));
  }

  cached(sourceText, sourcePath, transformOptions, transpile) {
    return this.read(sourceText, sourcePath, transformOptions) ?? this.write(sourceText, sourcePath, transformOptions, transpile());
  }

  read(sourceText, sourcePath, transformOptions) {
    if (transformOptions.config.cache === false) return undefined;
    try {
      return JSON.parse(fs.readFileSync(this.entryPath(transformOptions.config, this.getCacheKey(sourceText, sourcePath, transformOptions)), 'utf8'));
    } catch {
      return undefined; // not cached yet: transpile
    }
  }

  write(sourceText, sourcePath, transformOptions, result) {
    if (transformOptions.config.cache === false) return result;
    const entry = this.entryPath(transformOptions.config, this.getCacheKey(sourceText, sourcePath, transformOptions));
    // Written whole then renamed, so a worker reading at the same moment sees no entry or a whole one.
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    const tmp = `${entry}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, JSON.stringify(result));
    fs.renameSync(tmp, entry);
    return result;
  }
}

module.exports = {
  createTransformer: (options) => new SharedTsTransformer(options),
  SharedTsTransformer,
};
