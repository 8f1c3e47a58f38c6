import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The transformer jest itself uses for every .ts file (plain JS: jest loads transformers untransformed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTransformer } = require('./ts-transform.js') as {
  createTransformer(options?: Record<string, unknown>): {
    getCacheKey(text: string, file: string, options: object): string;
    process(text: string, file: string, options: object): { code: string };
  };
};

const ROOT = path.join(__dirname, '..');
// The three projects as jest.config.js declares them, normalised by jest the way workers receive them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require('../jest.config.js') as { projects: Array<Record<string, unknown>> };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-ts-transform-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function projectConfig(project: Record<string, unknown>, rootDir = ROOT, cacheDirectory = path.join(dir, 'cache')) {
  return { ...project, rootDir, cwd: rootDir, cacheDirectory, id: `id-${String(project.displayName)}`, globals: {}, cache: true };
}

const options = (config: object) => ({ config, instrument: false, supportsStaticESM: false, cacheFS: new Map(), configString: JSON.stringify(config), transformerConfig: {} });

const source = 'export const answer: number = 42;\n';
const file = path.join(ROOT, 'src', 'answer.ts');

describe('the jest TypeScript transformer', () => {
  it('gives a file the same key in every project', () => {
    const keys = jestConfig.projects.map((p) => createTransformer({ tsconfig: 'tsconfig.json' }).getCacheKey(source, file, options(projectConfig(p))));
    expect(jestConfig.projects.map((p) => p.displayName)).toEqual(['unit', 'consumer', 'resilience', 'provider']);
    expect(new Set(keys).size).toBe(1);
  });

  it("changes the key with the file's text and path", () => {
    const t = createTransformer({ tsconfig: 'tsconfig.json' });
    const config = projectConfig(jestConfig.projects[0]!);
    const key = t.getCacheKey(source, file, options(config));
    expect(t.getCacheKey(source.replace('42', '43'), file, options(config))).not.toBe(key);
    expect(t.getCacheKey(source, path.join(ROOT, 'src', 'other.ts'), options(config))).not.toBe(key);
  });

  it('changes the key with the tsconfig, a tsconfig it extends, the TypeScript and ts-jest versions and the options', () => {
    // A project of its own, so its tsconfig and toolchain can be edited between two fresh transformers.
    const root = path.join(dir, 'project');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write('tsconfig.base.json', '{ "compilerOptions": { "target": "ES2022" } }');
    write('tsconfig.json', '{ "extends": "./tsconfig.base.json", "compilerOptions": { "isolatedModules": true } }');
    write('node_modules/typescript/package.json', '{ "version": "5.9.3" }');
    write('node_modules/ts-jest/package.json', '{ "version": "29.4.15" }');
    write('node_modules/ts-jest/.ts-jest-digest', 'digest-1');
    const config = projectConfig(jestConfig.projects[0]!, root);
    const key = () => createTransformer({ tsconfig: 'tsconfig.json' }).getCacheKey(source, path.join(root, 'a.ts'), options(config));

    const keys = [key()];
    expect(key()).toBe(keys[0]); // nothing edited, nothing changes
    // The option as ts-jest also accepts it, with <rootDir>: the same file read.
    const rooted = () => createTransformer({ tsconfig: '<rootDir>/tsconfig.json' }).getCacheKey(source, path.join(root, 'a.ts'), options(config));
    const rootedBefore = rooted();
    write('tsconfig.json', '{ "extends": "./tsconfig.base.json", "compilerOptions": { "isolatedModules": true, "target": "ES2020" } }');
    keys.push(key());
    expect(rooted()).not.toBe(rootedBefore);
    write('tsconfig.base.json', '{ "compilerOptions": { "target": "ES2019" } }');
    keys.push(key());
    write('node_modules/typescript/package.json', '{ "version": "5.9.4" }');
    keys.push(key());
    write('node_modules/ts-jest/package.json', '{ "version": "29.4.16" }');
    keys.push(key());
    write('node_modules/ts-jest/.ts-jest-digest', 'digest-2');
    keys.push(key());
    keys.push(createTransformer({ tsconfig: 'tsconfig.json', diagnostics: false }).getCacheKey(source, path.join(root, 'a.ts'), options(config)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("transpiles as ts-jest does, once: another project's worker reads the entry the first one wrote", () => {
    const [unit, , provider] = jestConfig.projects;
    const first = createTransformer({ tsconfig: 'tsconfig.json' });
    const out = first.process(source, file, options(projectConfig(unit!)));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsJest = require('ts-jest').default.createTransformer({ tsconfig: 'tsconfig.json' });
    expect(out.code).toBe(tsJest.process(source, file, options(projectConfig(unit!))).code);
    expect(out.code).toContain('exports.answer = 42');

    // The entry is a file under jest's cache directory, named by the key; a transformer in another project
    // (a fresh instance, as in another worker) returns what that file holds instead of transpiling again.
    const entries = fs.readdirSync(path.join(dir, 'cache', 'push-contracts-ts'), { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(entries).toHaveLength(1);
    const entry = path.join(dir, 'cache', 'push-contracts-ts', String(entries[0]));
    fs.writeFileSync(entry, JSON.stringify({ code: 'exports.fromTheSharedEntry = true;' }));
    expect(createTransformer({ tsconfig: 'tsconfig.json' }).process(source, file, options(projectConfig(provider!))).code).toBe('exports.fromTheSharedEntry = true;');

    // An edited file misses the entry and is transpiled afresh.
    expect(createTransformer({ tsconfig: 'tsconfig.json' }).process(source.replace('42', '43'), file, options(projectConfig(provider!))).code).toContain('exports.answer = 43');
  });

  it('neither reads nor writes the shared entries when jest runs with --no-cache', () => {
    const config = { ...projectConfig(jestConfig.projects[0]!), cache: false };
    expect(createTransformer({ tsconfig: 'tsconfig.json' }).process(source, file, options(config)).code).toContain('exports.answer = 42');
    expect(fs.existsSync(path.join(dir, 'cache', 'push-contracts-ts'))).toBe(false);
  });
});

describe("the jest TypeScript transformer and tsc's own emit", () => {
  // A project laid out as this repository is: src/ built into out/ (tsconfig.build.json), the tests into
  // out/tests/ by the tsconfig.json that references it, built the way `tsc -b` builds it.
  let template: string;
  let root: string;
  const write = (base: string, rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), text);
  };
  const srcText = "export const answer: number = 42;\nexport function fail(): never {\n  throw new Error('on line 3');\n}\n";
  const testText = "import { answer } from '../src/a';\nexport const doubled: number = answer * 2;\n";
  // Built once; each test gets a copy (timestamps kept, as the checks read them) to edit.
  beforeAll(() => {
    template = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-ts-emit-'));
    const compilerOptions = { target: 'ES2022', module: 'commonjs', lib: ['ES2022'], types: [], strict: true, esModuleInterop: true, isolatedModules: true, skipLibCheck: true };
    write(template, 'tsconfig.json', JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: '.', outDir: 'out/tests', sourceMap: true, incremental: true, tsBuildInfoFile: 'out/tests.tsbuildinfo' }, include: ['test'], references: [{ path: './tsconfig.build.json' }] }));
    write(template, 'tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'out', composite: true, declaration: true, tsBuildInfoFile: 'out/.tsbuildinfo' }, include: ['src'] }));
    write(template, 'src/a.ts', srcText);
    write(template, 'test/a.test.ts', testText);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const status = ts.createSolutionBuilder(ts.createSolutionBuilderHost(ts.sys), [path.join(template, 'tsconfig.json')], {}).build();
    expect(status).toBe(ts.ExitStatus.Success);
  });
  afterAll(() => fs.rmSync(template, { recursive: true, force: true }));
  beforeEach(() => {
    root = path.join(dir, 'built');
    fs.cpSync(template, root, { recursive: true, preserveTimestamps: true });
    // The fixture's own toolchain is this repository's (ts-jest and TypeScript are resolved from the root).
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  });

  const config = () => projectConfig(jestConfig.projects[0]!, root);
  const transform = (text: string, rel: string) => createTransformer({ tsconfig: 'tsconfig.json' }).process(text, path.join(root, rel), options(config())).code;
  const withoutMap = (code: string) => code.slice(0, code.lastIndexOf('//# sourceMappingURL='));
  const inlineMap = (code: string) => JSON.parse(Buffer.from(code.slice(code.lastIndexOf('base64,') + 'base64,'.length), 'base64').toString('utf8')) as { file: string; sources: string[]; sourcesContent: string[]; mappings: string };
  // A mark put into an emitted file, so a result that holds it can only have been read from tsc's output.
  const mark = (rel: string) => {
    const js = path.join(root, rel);
    fs.writeFileSync(js, fs.readFileSync(js, 'utf8').replace('//# sourceMappingURL=', '/* read from the emit */\n//# sourceMappingURL='));
  };

  it("serves tsc's emit of a file whose text tsc compiled: ts-jest's code, with the .ts file's source map inlined as ts-jest inlines it", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsJest = require('ts-jest').default.createTransformer({ tsconfig: 'tsconfig.json' });
    for (const [rel, text, js] of [['src/a.ts', srcText, 'out/a.js'], ['test/a.test.ts', testText, 'out/tests/test/a.test.js']] as const) {
      const served = transform(text, rel);
      expect(withoutMap(served)).toBe(withoutMap(tsJest.process(text, path.join(root, rel), options(config())).code));
      const map = inlineMap(served);
      expect(map).toMatchObject({ file: path.join(root, rel), sources: [path.join(root, rel)], sourcesContent: [text] });
      expect(map.mappings).toBe((JSON.parse(fs.readFileSync(path.join(root, `${js}.map`), 'utf8')) as { mappings: string }).mappings);
      mark(js);
      expect(transform(text, rel)).toContain('/* read from the emit */');
    }
  });

  it('serves a text that mentions a source map comment, never one whose trailing lines hold one (tsc leaves those out of its hash)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { emittedCode } = require('./ts-emit.js') as { emittedCode(index: Map<string, unknown>, file: string, text: string): string | undefined };
    const file = path.join(root, 'src', 'a.ts');
    const entry = (text: string) => new Map([[file, { version: createHash('sha256').update(text).digest('hex'), js: path.join(root, 'out', 'a.js') }]]);
    const mentions = `${srcText}export const marker = '//# sourceMappingURL=';\n`;
    expect(emittedCode(entry(mentions), file, mentions)).toContain('exports.answer = 42');
    for (const trailing of [`${srcText}//# sourceMappingURL=a.js.map\n`, `${srcText}//# sourceMappingURL=a.js.map\n\n//# sourceURL=a.ts\n`]) {
      expect(emittedCode(entry(trailing), file, trailing)).toBeUndefined();
    }
  });

  it('transpiles a file whose text changed since the build instead of serving the stale emit', () => {
    mark('out/a.js');
    const edited = srcText.replace('42', '43');
    const code = transform(edited, 'src/a.ts');
    expect(code).not.toContain('/* read from the emit */');
    expect(code).toContain('exports.answer = 43');
    expect(transform(srcText, 'src/a.ts')).toContain('/* read from the emit */'); // the built text still is
  });

  it('transpiles when a tsconfig changed after the build, another TypeScript wrote the build info, the emit is pending or gone', () => {
    mark('out/a.js');
    const served = () => transform(srcText, 'src/a.ts').includes('/* read from the emit */');
    expect(served()).toBe(true);

    const info = path.join(root, 'out', '.tsbuildinfo');
    const later = new Date(fs.statSync(info).mtimeMs + 60_000);
    const tsconfig = path.join(root, 'tsconfig.json');
    const before = fs.statSync(tsconfig).mtime;
    fs.utimesSync(tsconfig, later, later); // the base of tsconfig.build.json edited, tsc -b not run since
    expect(served()).toBe(false);
    fs.utimesSync(tsconfig, before, before);
    expect(served()).toBe(true);

    const text = fs.readFileSync(info, 'utf8');
    const built = JSON.parse(text) as { version: string; fileNames: string[]; affectedFilesPendingEmit?: number[] };
    const rewrite = (edit: object) => {
      fs.writeFileSync(info, JSON.stringify({ ...built, ...edit }));
      fs.utimesSync(info, later, later);
    };
    rewrite({ version: '0.0.0' });
    expect(served()).toBe(false);
    rewrite({ affectedFilesPendingEmit: [built.fileNames.findIndex((f) => f.endsWith('src/a.ts')) + 1] });
    expect(served()).toBe(false);
    rewrite({});
    expect(served()).toBe(true);

    fs.rmSync(path.join(root, 'out', 'a.js'));
    expect(transform(srcText, 'src/a.ts')).toContain('exports.answer = 42');
  });
});

describe("this repository's build", () => {
  it("gives jest, for files of both tsc projects, tsc's emit that is ts-jest's transpile of the same text", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readEmitIndex, emittedCode } = require('./ts-emit.js') as {
      readEmitIndex(tsconfig: string): Map<string, { version: string; js: string }>;
      emittedCode(index: Map<string, unknown>, file: string, text: string): string | undefined;
    };
    const index = readEmitIndex(path.join(ROOT, 'tsconfig.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsJest = require('ts-jest').default.createTransformer({ tsconfig: 'tsconfig.json' });
    const config = projectConfig(jestConfig.projects[0]!);
    const withoutMap = (code: string) => code.slice(0, code.lastIndexOf('//# sourceMappingURL='));
    // Every twentieth file of each project (src/ into dist/, the tests into dist/tests/), served from the emit.
    for (const tests of [false, true]) {
      const files = [...index.keys()].filter((f) => index.get(f)!.js.startsWith(path.join(ROOT, 'dist', 'tests') + path.sep) === tests).sort();
      const sample = files.filter((_, i) => i % 20 === 0).map((f) => ({ f, text: fs.readFileSync(f, 'utf8') })).map(({ f, text }) => ({ f, text, served: emittedCode(index, f, text) }));
      const stale = sample.filter((s) => s.served === undefined).map((s) => path.relative(ROOT, s.f));
      if (stale.length > 0 || sample.length < 5) throw new Error(`dist/ is not built from the current sources (${stale.join(', ') || 'no files'}): run \`npx tsc -b\` (npm test runs it first)`);
      for (const { f, text, served } of sample) expect([path.relative(ROOT, f), withoutMap(served!)]).toEqual([path.relative(ROOT, f), withoutMap(tsJest.process(text, f, options(config)).code)]);
    }
  });
});
